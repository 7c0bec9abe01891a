"""Importing a junk CSV: a million rows of good contacts mixed with what real files hold when they go wrong, imported
into an empty SQLite database in a process of its own.

    .venv/bin/python scripts/bench_junk_import.py                 # 1,000,000 rows
    .venv/bin/python scripts/bench_junk_import.py --rows 20000

The junk: stray opening quotes, binary bytes, over-long fields, NUL characters, phones that are no number, lines in
Windows-1252 (some not even that) among UTF-8 ones, and a few lines of several megabytes. Every bad row must be
rejected alone and every good row taken. Targets (issue 16): the million rows in under 2 minutes, in under 300 MB.
scripts/bench.py runs ``run`` as its "junk_import" section (--junk-rows sets the size).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120.0  # for a million rows
TARGET_MIB = 300.0
FIRST = ("Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "राहुल", "सुनीता", "Jürgen", "Zoë")
LAST = ("Sharma", "Verma", "Iyer", "Nair", "Gupta", "Müller", "Schäfer", "शर्मा")
HUGE_LINE_CHARS = 3_000_000  # over the reader's 1 MiB line limit


def write_junk(path: Path, rows: int, seed: int) -> None:
    """A CSV of ``rows`` rows (after its header): about two in three good, the rest each a kind of junk."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        out.write(b"Name,Company,Phone,Mobile,Notes\n")
        for n in range(rows):
            out.write(_row(rng, n))


def _row(rng: random.Random, n: int) -> bytes:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
    mobile = f"{rng.randint(6_000_000_000, 9_999_999_999)}"
    good = f"{name},{rng.choice(('', 'Sharma Traders', 'Müller GmbH'))},+91 {mobile[:5]} {mobile[5:]},0{mobile},"
    kind = rng.random()
    if kind < 0.66:
        return f"{good}\n".encode()
    if kind < 0.70:
        return f'{name},"Unclosed & Co,{mobile},,\n'.encode()  # a stray opening quote
    if kind < 0.73:
        return bytes(b for b in rng.randbytes(rng.randint(20, 200)) if b not in b"\r\n") + b"\n"  # binary junk
    if kind < 0.76:
        return f"{name * 40},,{mobile},,\n".encode()  # a name far over its 200 characters
    if kind < 0.78:
        return f"{name},,{mobile * 10},,\n".encode()  # a phone far over its 64 characters
    if kind < 0.81:
        return f"{name}\x00,,{mobile},,\n".encode()  # a NUL
    if kind < 0.86:
        return f"{name},,{rng.choice(('call me maybe', 'n/a', '12345', '-'))},,\n".encode()  # no number
    if kind < 0.90:
        return f"{good}\n".encode("cp1252", "replace")  # a line from a Windows spreadsheet
    if kind < 0.91:
        return f"{name},,{mobile},,".encode() + b"\x81\x8d\x8f\x90\n"  # neither UTF-8 nor Windows-1252
    if kind < 0.93:
        return f'{good}"called twice,\nprefers mornings"\n'.encode()  # a note with a line break: one good row
    if kind < 0.94:
        return b",,,,\n"  # an empty row
    if kind < 0.95:
        return f",,{mobile},,\n".encode()  # no name
    if kind < 0.95002:
        return b"x" * HUGE_LINE_CHARS + b"\n"  # a huge single line
    return f"{good}\n".encode()


def import_in_this_process(source: Path, folder: Path) -> dict:
    """Import ``source`` into a new SQLite database in ``folder``; the figures as a dict."""
    from calldesk.config import load_config
    from calldesk.desk.clients.importing import import_clients
    from calldesk.desk.clock import SystemClock
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database

    db = open_database(f"sqlite:///{folder / 'junk.db'}")
    desk = Desk(load_config(ROOT / "config.yaml"), SystemClock())
    started = time.perf_counter()
    summary = import_clients(desk, source, actor="bench", report=folder / "rejected.csv")
    seconds = time.perf_counter() - started
    db.close()
    return {"rows": summary.rows, "taken": summary.created + summary.merged + summary.unchanged,
            "rejected": summary.rejected_count, "seconds": seconds,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "helper_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _tree_rss_mib(root: int) -> float:
    """The resident memory of process ``root`` and its children together, now (Linux /proc)."""
    pids, parents = [root], {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    pids += [pid for pid, parent in parents.items() if parent == root]
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
    return total * resource.getpagesize() / 2**20


def _run_watching_memory(argv: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``argv``, sampling the memory of it and its helper processes at once every 50 ms: the true peak of the
    import, which the processes' own peaks added up would overstate (they do not all peak together)."""
    peak = 0.0
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as child:
        done = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_rss_mib(child.pid))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        out, err = child.communicate()
        done.set()
        watcher.join()
    return subprocess.CompletedProcess(argv, child.returncode, out, err), peak


def run(junk_rows: int = 1_000_000, seed: int = 7) -> dict:
    """Figures for scripts/bench.py: rows taken and rejected, seconds and the importing process's peak memory."""
    with tempfile.TemporaryDirectory(prefix="calldesk-bench-junk-") as folder:
        source = Path(folder) / "junk.csv"
        started = time.perf_counter()
        write_junk(source, junk_rows, seed)
        written = time.perf_counter() - started
        child, tree_peak = _run_watching_memory([sys.executable, __file__, "--import-file", str(source),
                                                 "--folder", folder])
        if child.returncode != 0:
            raise RuntimeError(f"the import failed: {(child.stderr.strip().splitlines() or ['?'])[-1]}")
        figures = json.loads(child.stdout)
        size_mib = source.stat().st_size / 2**20
    scale = junk_rows / 1_000_000
    return {
        "file": {"value": round(size_mib, 1), "unit": "MiB", "note": f"{junk_rows:,} rows written in {written:.0f} s"},
        "rows taken": figures["taken"],
        "rows rejected": figures["rejected"],
        "import": {"value": round(figures["seconds"], 1), "unit": "s", "target": round(TARGET_SECONDS * scale, 2),
                   "note": "SQLite, an empty desk, the rejects written to their report"},
        "rows per second": {"value": round(figures["rows"] / figures["seconds"]), "unit": "rows/s"},
        "peak memory": {"value": round(tree_peak), "unit": "MiB", "target": TARGET_MIB,
                        "note": f"the import's processes together, sampled every 50 ms (peaks alone: the import "
                                f"{figures['peak_mib']:.0f}, a helper {figures['helper_peak_mib']:.0f})"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--import-file", type=Path, help=argparse.SUPPRESS)  # run's child: import, print figures
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.import_file:
        print(json.dumps(import_in_this_process(args.import_file, args.folder)))
        return 0
    print(json.dumps(run(args.rows, args.seed), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
