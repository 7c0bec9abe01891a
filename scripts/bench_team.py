"""A team on one database: claim throughput under contention and how fast a change reaches every other console.

    .venv/bin/python scripts/bench_team.py                                  # SQLite only: 8 consoles
    .venv/bin/python scripts/bench_team.py --pg postgresql://postgres@127.0.0.1/test   # and PostgreSQL: 20

Shift: N console processes race over ``--calls`` ringing calls (5,000) and ``--callbacks`` pool call-backs (1,000),
as tests/test_contention.py does on a smaller shift; claims per second, call-backs taken per second, and a check
that every call was answered once, every call-back taken once and no error reached a console.

Notification delay: N watcher processes wait on a ``ChangeWatcher`` while one more process rings a call every
``--gap`` seconds; the delay is from just before that commit until each watcher reports it, p50/p95 over every
(round, watcher) pair. Two ways of watching: ``wait`` (``wait_for_change``, a watcher thread) and ``poll 250 ms``
(``changed()`` on a timer, as the desk's tick does). Target: p95 under 1 s (issue 4).

As a bench.py section (``run``) it measures on bench.py's backend: SQLite, or PostgreSQL in a schema of its own.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = ROOT / "config.yaml"
CONSOLES = {"sqlite": 8, "postgresql": 20}
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
WATCH_MODES = {"wait": None, "poll 250 ms": 0.25}
MAX_ERRORS = 20


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest rank: p95 of 200 samples is the 190th smallest."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def _desk(url: str):
    from calldesk.config import load_config
    from calldesk.desk.clock import ManualClock
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database

    open_database(url, upgrade=False)
    return Desk(load_config(CONFIG), ManualClock(START))


# --- the shift: claims and call-backs under contention ---------------------------------------------------------


def _console(url: str, login: str, start: object, results: object) -> None:
    """Answer until nothing rings, then take pool call-backs until none is left; report times and any error."""
    from calldesk.desk.callbacks import promises
    from calldesk.desk.callbacks.lines import my_callbacks
    from calldesk.desk.calls import handling, queue
    from calldesk.desk.errors import DeskError
    from calldesk.desk.operators import roster

    report = {"login": login, "answered": [], "taken": [], "errors": []}
    try:
        desk = _desk(url)
        me = roster.sign_in(desk, login)
        done = desk.config.dispositions[0]
        start.wait()
        report["calls_started"] = time.time()
        while True:
            try:
                call_id = queue.answer_next(desk, me.id)
                if call_id is not None:
                    handling.wrap_up(desk, call_id, me.id, done)  # free for the next one, as the desk's rules want
            except Exception as exc:
                report["errors"].append(f"{type(exc).__name__}: {exc}")
                if len(report["errors"]) > MAX_ERRORS:
                    break  # a broken console reports, rather than spinning until the shift's timeout
                continue
            if call_id is None:
                if not queue.waiting_calls(desk, limit=1):
                    break
                continue
            report["answered"].append(call_id)
        report["calls_ended"] = time.time()
        while pool := [line for line in my_callbacks(desk, me.id) if line.assignee_id is None]:
            for line in pool[hash(login) % len(pool):] + pool[:hash(login) % len(pool)]:
                try:
                    started = promises.start_callback(desk, line.id, line.version, me.id)
                    report["taken"].append(line.id)
                    promises.record_outcome(desk, line.id, started.callback.version, me.id, "reached")
                    handling.wrap_up(desk, started.view.call.id, me.id, done)
                except DeskError:
                    continue  # another console was first: a notice on screen, not an error
                except Exception as exc:
                    report["errors"].append(f"{type(exc).__name__}: {exc}")
        report["callbacks_ended"] = time.time()
    except Exception as exc:
        report["errors"].append(f"{type(exc).__name__}: {exc}")
    results.put(report)


def prepare_shift(url: str, consoles: int, calls: int, pool_callbacks: int) -> tuple[list[str], list[int], list[int]]:
    from calldesk.desk.calls import queue
    from calldesk.desk.operators import roster
    from calldesk.store.models import CallBack, database

    desk = _desk(url)
    roster.add_operator(desk, "lead", role="lead")
    logins = [f"op{i:02d}" for i in range(consoles)]
    for login in logins:
        roster.add_operator(desk, login, login.upper(), "support")
    for i in range(pool_callbacks):  # missed calls become call-backs in the support pool
        queue.abandon_call(desk, queue.ring_call(desk, f"+91 97{i:08d}", "support"))
    with database.atomic():
        ringing = [queue.ring_call(desk, f"+91 98{i:08d}", "support") for i in range(calls)]
    callback_ids = [c.id for c in CallBack.select(CallBack.id).order_by(CallBack.id)]
    database.close()
    return logins, ringing, callback_ids


def run_shift(url: str, consoles: int, calls: int, pool_callbacks: int) -> dict:
    from calldesk.store.models import AuditEvent, database

    logins, ringing, callback_ids = prepare_shift(url, consoles, calls, pool_callbacks)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(consoles), ctx.Queue()
    processes = [ctx.Process(target=_console, args=(url, login, start, results)) for login in logins]
    for process in processes:
        process.start()
    reports = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    began = min(r["calls_started"] for r in reports)
    calls_done = max(r["calls_ended"] for r in reports)
    callbacks_began = min(r["calls_ended"] for r in reports)
    callbacks_done = max(r["callbacks_ended"] for r in reports)
    answered = sorted(c for r in reports for c in r["answered"])
    taken = sorted(c for r in reports for c in r["taken"])
    _desk(url)
    starts = AuditEvent.select().where((AuditEvent.entity == "callback") & (AuditEvent.action == "start")).count()
    database.close()
    errors = [e for r in reports for e in r["errors"]]
    return {
        "consoles": consoles,
        "claims per second": {"value": round(calls / (calls_done - began), 1), "unit": "/s", "at_least": True,
                              "note": f"{calls} calls in {calls_done - began:.1f} s, each answered then wrapped up"},
        "call-backs taken per second": {
            "value": round(pool_callbacks / max(callbacks_done - callbacks_began, 1e-9), 1), "unit": "/s",
            "at_least": True, "note": "start, outcome and wrap-up each"},
        "every call answered once": answered == ringing,
        "every call-back taken once": taken == callback_ids and starts == len(callback_ids),
        "errors reaching a console": {"value": len(errors), "unit": "", "target": 0,
                                      "note": "; ".join(sorted(set(errors)))[:300]},
    }


# --- notification delay -------------------------------------------------------------------------------------------


def _watcher(url: str, poll: float | None, ready: object, stop: object, results: object) -> None:
    """A console's watcher: note the wall-clock time of every change it reports until told to stop."""
    from calldesk.store.changes import ChangeWatcher

    _desk(url)
    watcher = ChangeWatcher()
    watcher.changed()  # the first look is a full read
    seen: list[float] = []
    ready.wait()
    while not stop.is_set():
        if poll is None:
            changed = watcher.wait_for_change(0.5)
        else:
            time.sleep(poll)
            changed = watcher.changed()
        if changed:
            seen.append(time.time())
    watcher.close()
    results.put(seen)


def run_delay(url: str, watchers: int, rounds: int, gap: float, poll: float | None) -> dict:
    from calldesk.desk.calls import queue
    from calldesk.store.models import database

    ctx = multiprocessing.get_context("spawn")
    ready, stop, results = ctx.Barrier(watchers + 1), ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=_watcher, args=(url, poll, ready, stop, results)) for _ in range(watchers)]
    for process in processes:
        process.start()
    desk = _desk(url)
    ready.wait()
    time.sleep(1.0)  # every watcher is waiting
    commits = []
    for i in range(rounds):
        commits.append(time.time())
        queue.ring_call(desk, f"+91 96{i:08d}", "support")
        time.sleep(gap)
    stop.set()
    database.close()
    seen_by = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    delays, missed = [], 0
    for seen in seen_by:
        for i, committed in enumerate(commits):
            until = commits[i + 1] if i + 1 < len(commits) else math.inf
            first = next((t for t in seen if committed <= t < until + 2 * gap), None)
            if first is None:
                missed += 1
            else:
                delays.append((first - committed) * 1000)
    return {
        "p50": {"value": round(percentile(delays, 0.5), 1), "unit": "ms", "target": 1000},
        "p95": {"value": round(percentile(delays, 0.95), 1), "unit": "ms", "target": 1000,
                "note": f"{watchers} consoles x {rounds} changes, {missed} missed"},
    }


# --- running it -----------------------------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, pg_url: str | None) -> Iterator[str]:
    """An empty, migrated database: a SQLite file in a temporary folder, or a PostgreSQL schema dropped after."""
    from calldesk.store.models import database

    bound = database.obj  # bench.py's own database: bound again afterwards
    try:
        yield from _fresh_database(backend, pg_url)
    finally:
        if not database.is_closed():
            database.close()
        if bound is not None:
            database.initialize(bound)


def _fresh_database(backend: str, pg_url: str | None) -> Iterator[str]:
    from calldesk.store.database import open_database
    from calldesk.store.models import database

    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="calldesk-bench-team-"))
        url = f"sqlite:///{folder / 'team.db'}"
        try:
            open_database(url)
            database.close()
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    base = pg_url.split("?")[0]
    schema = f"bench_team_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{base}?options=-csearch_path%3D{schema},public"
    try:
        open_database(url)
        database.close()
        yield url
    finally:
        if not database.is_closed():
            database.close()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def measure(backend: str, pg_url: str | None, calls: int, callbacks: int, rounds: int, gap: float,
            consoles: int | None = None, log: Callable[[str], None] = lambda _: None) -> dict:
    consoles = consoles or CONSOLES[backend]
    out: dict = {}
    for mode, poll in WATCH_MODES.items():
        log(f"{backend}: notification delay ({mode}), {consoles} consoles")
        with fresh_database(backend, pg_url) as url:
            figures = run_delay(url, consoles, rounds, gap, poll)
        out |= {f"{backend} change seen by other consoles, {mode}: {key}": value for key, value in figures.items()}
    log(f"{backend}: a shift of {calls} calls and {callbacks} call-backs, {consoles} consoles")
    with fresh_database(backend, pg_url) as url:
        out |= {f"{backend} shift: {key}": value for key, value in run_shift(url, consoles, calls, callbacks).items()}
    return out


def run(backend: str = "sqlite", db_url: str = "", calls: int = 5000, callbacks: int = 1000, rounds: int = 40,
        gap: float = 0.3, section_size: int | None = None, **_: object) -> dict:
    """bench.py's "team" section, on its backend (PostgreSQL in a schema of its own beside bench.py's);
    ``section_size`` calls (a fifth as many call-backs, 5 rounds) for a quick check."""
    if section_size:
        calls, callbacks, rounds, gap = section_size, max(1, section_size // 5), 5, 0.05
    return measure(backend, db_url if backend == "postgresql" else None, calls, callbacks, rounds, gap)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also measure PostgreSQL (a throwaway schema in this database)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one backend only")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--callbacks", type=int, default=1000)
    parser.add_argument("--consoles", type=int, help="console processes (default: 8 on SQLite, 20 on PostgreSQL)")
    parser.add_argument("--rounds", type=int, default=40, help="changes timed for the notification delay")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between those changes")
    parser.add_argument("--json", metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    backends = [args.only] if args.only else ["sqlite"] + (["postgresql"] if args.pg else [])
    if "postgresql" in backends and not args.pg:
        parser.error("--only postgresql needs --pg URL")
    figures: dict = {}
    for backend in backends:
        figures |= measure(backend, args.pg, args.calls, args.callbacks, args.rounds, args.gap, args.consoles,
                           log=lambda line: print(f"... {line}", file=sys.stderr, flush=True))
    for name, value in figures.items():
        shown = f"{value['value']} {value.get('unit', '')}".strip() if isinstance(value, dict) else value
        note = f"  ({value['note']})" if isinstance(value, dict) and value.get("note") else ""
        print(f"{name:<70} {shown}{note}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
