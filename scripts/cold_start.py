"""Cold start to a usable desk, side by side with a bare Textual app showing the same widgets (best of N).

    .venv/bin/python scripts/cold_start.py --db PATH-or-URL [--runs 5] [--operator LOGIN]

Both run headless in a fresh process. After the screen's refresh that paints it (the console's: the one after its
first read is shown, with CALLDESK_EXIT_WHEN_READY=1) each writes READY_MARK and the moment to its stderr, then
quits. Cold start is spawn to that moment, best of N and as the median ratio of each console start to the bare start
after it; the process's life, spawn to exit, is reported beside it, since it adds the interpreter's teardown.
Peak memory is the child's peak resident set (VmHWM), sampled as it runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADLESS = {"TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
EXIT_WHEN_READY_ENV = "CALLDESK_EXIT_WHEN_READY"
TIMEOUT_SECONDS = 120
READY_MARK = "calldesk-painted-at"  # "READY_MARK <time.time()>": calldesk/tui/app.py PAINTED_MARK, and bare_app.py


@dataclass(frozen=True)
class ChildRun:
    seconds: float  # spawn to exit
    status: int
    max_rss_kb: int
    stderr: str
    ready_seconds: float | None = None  # spawn to painted, when the child said so


def run_child(command: list[str], env: dict[str, str] | None = None, *, stream_stderr: bool = False,
              timeout: float = TIMEOUT_SECONDS) -> ChildRun:
    """Run a command to its end; wall time and the child's own peak memory (os.wait4, not all children's)."""
    with tempfile.TemporaryFile() as stderr:
        spawned_at = time.time()  # the child reports its paint on this clock
        started = time.perf_counter()
        process = subprocess.Popen(command, env={**_user_environment(), **(env or {})}, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=None if stream_stderr else stderr, cwd=ROOT)
        deadline = started + timeout
        expected = b"".join(arg.encode() + b"\0" for arg in command)
        peak_kb = 0
        while True:
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                break
            peak_kb = max(peak_kb, _peak_rss_kb(process.pid, expected))
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        text = stderr.read().decode(errors="replace")
        return ChildRun(seconds, process.returncode, peak_kb, text, _ready_seconds(text, spawned_at))


def _ready_seconds(stderr: str, spawned_at: float) -> float | None:
    marks = [line.split()[1] for line in stderr.splitlines() if line.startswith(READY_MARK + " ")]
    return float(marks[-1]) - spawned_at if marks else None


def _user_environment() -> dict[str, str]:
    """This environment as on a user's machine, where Python keeps bytecode: with PYTHONDONTWRITEBYTECODE set (as
    in some sandboxes and CI images) every start would compile calldesk from source while Textual's came
    precompiled with its wheel, and the comparison would measure the compiler."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _peak_rss_kb(pid: int, command_line: bytes) -> int:
    """The child's VmHWM, read while it runs: its ru_maxrss would count the parent's memory it was forked from.

    Until the child has exec'd it still shares the parent's memory (and command line), so that reads as 0.
    """
    try:
        if Path(f"/proc/{pid}/cmdline").read_bytes() != command_line:
            return 0
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1])


def painted_run(command: list[str], env: dict[str, str]) -> ChildRun:
    """One start that must end well and say when it was painted."""
    run = run_child(command, env)
    if run.status != 0 or run.ready_seconds is None:
        last_line = (run.stderr.strip().splitlines() or ["no message"])[-1]
        problem = f"exited with status {run.status}" if run.status != 0 else f"never wrote {READY_MARK}"
        raise RuntimeError(f"{' '.join(command)} {problem}: {last_line}")
    return run


def console_command(db: str, operator: str) -> list[str]:
    return [sys.executable, "-m", "calldesk.cli", "--config", str(ROOT / "config.yaml"), "--db", db,
            "--operator", operator]


def measure_cold_start(db: str, operator: str, runs: int = 5) -> dict:
    """Best-of-N start-to-ready of the console and of the bare app, alternated so both see the same machine."""
    bare_command = [sys.executable, str(ROOT / "scripts" / "bare_app.py")]
    app_env = HEADLESS | {EXIT_WHEN_READY_ENV: "1"}
    run_child(console_command(db, operator), app_env)  # first run warms the disk cache and bytecode for both
    run_child(bare_command, HEADLESS)
    console, bare = [], []
    for _ in range(runs):
        console.append(painted_run(console_command(db, operator), app_env))
        bare.append(painted_run(bare_command, HEADLESS))
    app_ready = min(r.ready_seconds for r in console)
    bare_ready = min(r.ready_seconds for r in bare)
    # each console run against the bare run right after it: a machine whose speed drifts skews a pair less
    pair_ratios = sorted(a.ready_seconds / b.ready_seconds for a, b in zip(console, bare, strict=True))
    app_life = min(r.seconds for r in console)
    bare_life = min(r.seconds for r in bare)
    return {
        "app_s": app_ready, "bare_s": bare_ready, "ratio": app_ready / bare_ready,
        "pair_ratio_median": pair_ratios[len(pair_ratios) // 2],
        "app_life_s": app_life, "bare_life_s": bare_life, "life_ratio": app_life / bare_life,
        "app_max_rss_kb": max(r.max_rss_kb for r in console),
        "bare_max_rss_kb": max(r.max_rss_kb for r in bare),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the database the console opens (a file path or URL)")
    parser.add_argument("--operator", default="bench", help="operator login (created as a lead on an empty desk)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        result = measure_cold_start(args.db, args.operator, args.runs)
    except RuntimeError as exc:
        print(f"cold_start: {exc}", file=sys.stderr)
        return 1
    print("         painted   to exit   peak memory")
    print(f"console {result['app_s'] * 1000:7.0f} ms {result['app_life_s'] * 1000:6.0f} ms"
          f"  {result['app_max_rss_kb'] / 1024:6.1f} MiB")
    print(f"bare    {result['bare_s'] * 1000:7.0f} ms {result['bare_life_s'] * 1000:6.0f} ms"
          f"  {result['bare_max_rss_kb'] / 1024:6.1f} MiB")
    print(f"ratio   {result['ratio']:7.2f}x {result['life_ratio']:7.2f}x   (target <= 1.3 for painted)")
    print(f"painted ratio of each run to the bare run after it, median: {result['pair_ratio_median']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
