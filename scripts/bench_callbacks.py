"""Call-back benchmarks: the lead's board with 20,000 open call-backs opens and filters with p95 under 50 ms (the
desk's query plus the board table's keyed diff), and the notices for 200 consoles are computed in under 10 ms per
tick.

    .venv/bin/python scripts/bench_callbacks.py                      # 20,000 call-backs, 200 consoles
    .venv/bin/python scripts/bench_callbacks.py --callbacks 50000 --samples 100

bench.py runs this as its "callbacks" section through ``run``. The call-backs go into a temporary SQLite file of
their own (bulk inserts, deterministic seed); the caller's database is bound again afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LEADS = 10
FIRST = ("Rahul", "Meera", "Olivia", "Arjun", "Priya", "John", "Fatima", "Wei", "Anita", "Vikram", "राहुल", "मीरा")
LAST = ("Sharma", "Iyer", "Brown", "Singh", "Patel", "Miller", "Khan", "Chen", "Das", "Rao", "शर्मा", "अय्यर")
REASONS = ("Refund for order {n}", "Invoice copy for {n}", "Warranty claim {n}", "Quote for {n} units",
           "Delivery date of order {n}", "Missed call: hung up after waiting 1:{n:02d} in support")
FILTERS = (  # what a lead does on the board in a morning: open it, then narrow it down
    {}, {"text": "sharma"}, {"state": "overdue"}, {"state": "due_soon"}, {"state": "unassigned"},
    {"department": "sales"}, {"sort": "owner"}, {"text": "refund", "sort": "due"}, {"owner": "op007"},
    {"text": "9876"}, {"sort": "state"}, {"sort": "department"}, {"text": "no such words at all"},
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _fill(desk, callbacks: int, consoles: int, rng: random.Random) -> list[int]:
    """Operators (the last few leads), clients and open call-backs, bulk inserted; returns the operators' ids."""
    from calldesk.store.models import CallBack, Client, Operator, database

    departments = [d.id for d in desk.config.departments]
    with database.atomic():
        Operator.insert_many([
            {"login": f"op{i:03d}", "name": f"Operator {i:03d}", "department": departments[i % len(departments)],
             "role": "lead" if i >= consoles - LEADS else "operator", "state": "available", "state_since": NOW}
            for i in range(consoles)
        ]).execute()
        client_count = max(callbacks // 4, 1)
        for start in range(0, client_count, 1000):
            rows = []
            for _ in range(start, min(start + 1000, client_count)):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                rows.append({"name": name, "search_text": name.casefold(), "created_at": NOW, "updated_at": NOW})
            Client.insert_many(rows).execute()
    operator_ids = [o.id for o in Operator.select(Operator.id).order_by(Operator.id)]
    logins = {o.id: o.login for o in Operator.select(Operator.id, Operator.login)}
    workers = operator_ids[: consoles - LEADS]
    leads = operator_ids[consoles - LEADS:]
    with database.atomic():
        for start in range(0, callbacks, 500):
            rows = []
            for _ in range(start, min(start + 500, callbacks)):
                created = NOW - timedelta(minutes=rng.randint(0, 9 * 60))
                pooled = rng.random() < 0.15
                owner = None if pooled else rng.choice(workers)
                by_lead = rng.choice(leads) if rng.random() < 0.2 else None
                rows.append({
                    "client": rng.randint(1, client_count), "number_e164": f"+9198{rng.randint(0, 99_999_999):08d}",
                    "number_raw": "", "reason": rng.choice(REASONS).format(n=rng.randint(10, 9999)),
                    "due_at": NOW + timedelta(minutes=rng.randint(-180, 24 * 60)),
                    "sla_deadline": created + timedelta(hours=10), "assignee": owner,
                    "pool": departments[rng.randrange(len(departments))] if pooled else "",
                    "created_by": by_lead or owner or workers[0], "status": "open", "attempts": rng.randint(0, 2),
                    "created_at": created, "updated_at": created, "assigned_at": created,
                    "assigned_by": logins[by_lead] if by_lead else (logins[owner] if owner else "system"),
                    "released_from": logins[rng.choice(workers)] if pooled and rng.random() < 0.3 else "",
                    "client_zone": "Asia/Calcutta",
                })
            for row in rows:
                row["number_raw"] = row["number_e164"]
            CallBack.insert_many(rows).execute()
    return operator_ids


async def _board(desk, lead_id: int, samples: int) -> dict[str, list[float]]:
    """Time the board's query alone, and the query plus the table's keyed diff inside a headless app."""
    from textual.app import App

    from calldesk.desk.callbacks.board import BoardFilter, board_page
    from calldesk.tui.screens.callback_board import BoardTable

    table = BoardTable(timedelta(minutes=desk.config.callbacks.due_soon_minutes), UTC)

    class BoardBench(App[None]):
        def compose(self):
            yield table

    timings: dict[str, list[float]] = {"query": [], "query_and_diff": [], "first_open": []}
    app = BoardBench()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        timings["first_open"].append(_timed(lambda: table.show_lines(board_page(desk, lead_id).lines, NOW)))
        await pilot.pause()
        for n in range(samples):
            wanted = BoardFilter(**FILTERS[n % len(FILTERS)])
            timings["query"].append(_timed(lambda wanted=wanted: board_page(desk, lead_id, wanted)))
            timings["query_and_diff"].append(_timed(
                lambda wanted=wanted: table.show_lines(board_page(desk, lead_id, wanted).lines, NOW)))
            await pilot.pause()  # let the table paint between two filters, as a lead's typing would
    return timings


def _notices(desk, operator_ids: list[int], samples: int) -> dict[str, list[float]]:
    """One console's tick for a lead (who sees every late one), and every console's tick at once."""
    from calldesk.desk.callbacks.board import BoardFilter, board_page
    from calldesk.desk.callbacks.lines import notice_snapshot
    from calldesk.desk.callbacks.reminders import Viewer, notices_for
    from calldesk.desk.operators.permissions import is_lead_role
    from calldesk.store.models import Operator

    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    viewers = [Viewer(o.id, o.login, is_lead_role(o.role)) for o in Operator.select().order_by(Operator.id)]
    snapshots = {}
    query: list[float] = []
    for viewer in viewers:
        started = time.perf_counter()
        snapshots[viewer.id] = notice_snapshot(desk, viewer.id)
        query.append((time.perf_counter() - started) * 1000)
    lead = next(v for v in viewers if v.is_lead)
    lead_tick = [_timed(lambda: notices_for(snapshots[lead.id], lead, NOW, due_soon)) for _ in range(samples)]
    everything = board_page(desk, lead.id, BoardFilter(limit=None)).lines  # as if every call-back were late
    lead_all = [_timed(lambda: notices_for(everything, lead, NOW, due_soon)) for _ in range(samples)]
    every_console = [
        _timed(lambda: [notices_for(snapshots[v.id], v, NOW, due_soon) for v in viewers]) for _ in range(samples)
    ]
    counts = [len(notices_for(snapshots[v.id], v, NOW, due_soon)) for v in viewers]
    return {"snapshot_query": query, "lead_tick": lead_tick, "lead_all": lead_all, "every_console_tick": every_console,
            "lead_snapshot_size": [len(snapshots[lead.id])], "notices": counts}


def run(samples: int = 60, seed: int = 7, db_url: str | None = None, callbacks: int = 20_000,
        consoles: int = 200, section_size: int | None = None) -> dict:
    """The figures, as bench.py prints them: ``{"name": {"value", "unit", "target", "note"}}``; ``section_size``
    open call-backs instead of ``callbacks`` (and at most 20 consoles), for a quick check."""
    if section_size:
        callbacks, consoles = section_size, min(consoles, 20)
    from calldesk.config import load_config
    from calldesk.desk.clock import ManualClock
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database

    folder = Path(tempfile.mkdtemp(prefix="calldesk-bench-callbacks-"))
    try:
        db = open_database(f"sqlite:///{folder / 'callbacks.db'}")
        desk = Desk(load_config(ROOT / "config.yaml"), ManualClock(NOW))
        rng = random.Random(seed)
        started = time.perf_counter()
        operator_ids = _fill(desk, callbacks, consoles, rng)
        made_s = time.perf_counter() - started
        gc.collect()
        gc.freeze()  # what a console does once painted: full collections then skip the start-up heap
        lead_id = operator_ids[-1]
        board = asyncio.run(_board(desk, lead_id, samples))
        notices = _notices(desk, operator_ids, samples)
        db.close()
    finally:
        gc.unfreeze()
        if db_url:
            open_database(db_url, upgrade=False)  # the caller's database is the models' again
        shutil.rmtree(folder, ignore_errors=True)

    def ms(name: str, values: list[float], target: float | None = None, note: str = "") -> tuple[str, dict]:
        return name, {"value": round(percentile(values, 0.95), 2), "unit": "ms", "target": target, "note": note}

    where = f"{callbacks:,} open call-backs, {consoles} consoles ({LEADS} leads), SQLite"
    return dict([
        ("data", {"value": callbacks, "unit": "call-backs", "note": f"{where}; made in {made_s:.1f} s"}),
        ms("board opens (query + table diff), first", board["first_open"], 50, "a page of rows into an empty table"),
        ms("board filters (query + table diff) p95", board["query_and_diff"], 50,
           f"p50 {statistics.median(board['query_and_diff']):.1f} ms over {samples} filter changes; "
           "start-up heap frozen (gc.freeze)"),
        ms("board query alone p95", board["query"], None,
           f"p50 {statistics.median(board['query']):.1f} ms"),
        ms("notices: a lead's tick p95", notices["lead_tick"], 10,
           f"over the {notices['lead_snapshot_size'][0]:,} late or released call-backs a lead watches"),
        ms("notices: a lead's tick over every open one p95", notices["lead_all"], None,
           f"if all {callbacks:,} open call-backs were in a lead's snapshot (they are not: only late, released)"),
        ms("notices: all consoles' ticks in one process p95", notices["every_console_tick"], None,
           f"{consoles} consoles' work on one core, {sum(notices['notices']):,} notices standing; each runs its own"),
        ms("notices: one console's snapshot query p95", notices["snapshot_query"], None,
           "the database read behind each console's tick"),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callbacks", type=int, default=20_000)
    parser.add_argument("--consoles", type=int, default=200)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.consoles <= LEADS or args.callbacks < 1 or args.samples < 1:
        parser.error(f"--consoles must be more than {LEADS}; --callbacks and --samples at least 1")
    figures = run(samples=args.samples, seed=args.seed, callbacks=args.callbacks, consoles=args.consoles)
    for name, figure in figures.items():
        target = f"  (target <= {figure['target']} {figure['unit']})" if figure.get("target") else ""
        print(f"{name:<46} {figure['value']:>10} {figure['unit']}{target}  {figure.get('note', '')}")
    json.dump(figures, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
