"""Cold start to a usable desk, side by side with a bare Textual app showing the same widgets (best of N).

    .venv/bin/python scripts/cold_start.py --db PATH-or-URL [--runs 5] [--operator LOGIN]

Both run headless in a fresh process and quit right after their first full paint (the console does so when
CALLDESK_EXIT_WHEN_READY=1). Wall time is spawn to exit; peak memory is the child's peak resident set (VmHWM),
sampled as it runs.
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


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    status: int
    max_rss_kb: int
    stderr: str


def run_child(command: list[str], env: dict[str, str] | None = None, *, stream_stderr: bool = False,
              timeout: float = TIMEOUT_SECONDS) -> ChildRun:
    """Run a command to its end; wall time and the child's own peak memory (os.wait4, not all children's)."""
    with tempfile.TemporaryFile() as stderr:
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
        return ChildRun(seconds, process.returncode, peak_kb, stderr.read().decode(errors="replace"))


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


def best_of(command: list[str], env: dict[str, str], runs: int) -> dict:
    results = [run_child(command, env) for _ in range(runs)]
    failed = next((r for r in results if r.status != 0), None)
    if failed is not None:
        last_line = (failed.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"{' '.join(command)} exited with status {failed.status}: {last_line}")
    times = sorted(r.seconds for r in results)
    return {"best_s": times[0], "median_s": times[len(times) // 2], "max_rss_kb": max(r.max_rss_kb for r in results)}


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
        console.append(best_of(console_command(db, operator), app_env, 1))
        bare.append(best_of(bare_command, HEADLESS, 1))
    app_best = min(r["best_s"] for r in console)
    bare_best = min(r["best_s"] for r in bare)
    return {
        "app_s": app_best, "bare_s": bare_best, "ratio": app_best / bare_best,
        "app_max_rss_kb": max(r["max_rss_kb"] for r in console),
        "bare_max_rss_kb": max(r["max_rss_kb"] for r in bare),
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
    print(f"console {result['app_s'] * 1000:7.0f} ms  {result['app_max_rss_kb'] / 1024:6.1f} MiB")
    print(f"bare    {result['bare_s'] * 1000:7.0f} ms  {result['bare_max_rss_kb'] / 1024:6.1f} MiB")
    print(f"ratio   {result['ratio']:7.2f}   (target <= 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
