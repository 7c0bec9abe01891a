"""Statistics benchmarks: one month of 1,000,000 calls (target: the month's figures under 1 s on SQLite) and the
team view's tick with 50 operators and 500 waiting calls (target: under 10 ms).

    .venv/bin/python scripts/bench_stats.py                       # 1,000,000 calls in a temporary database
    .venv/bin/python scripts/bench_stats.py --db /tmp/month.sqlite3 --keep   # reuse the month on the next run

bench.py runs this as its "stats" section through ``run``. Both data sets are SQLite files made here by
executemany in large batches inside one transaction (secondary indexes set aside while loading), with the
columns, states, call-backs, complaints and reviews statistics read.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from bisect import bisect
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dataset import HOUR_WEIGHTS, QUEUE_WEIGHTS, Progress, _insert, _mobile, _operators, _set_aside

ROOT = Path(__file__).resolve().parent.parent
MONTH_FIRST = date(2026, 11, 1)
MONTH_DAYS = 30
MONTH_CALLS = 1_000_000
MONTH_CLIENTS = 200_000
IST = timedelta(hours=5, minutes=30)
TEAM_OPERATORS = 50
TEAM_WAITING = 500
TEAM_CALLS_TODAY = 5_000  # 50 operators, 100 calls each by the end of the day
CALL_COLUMNS = ["id", "direction", "number_raw", "number_e164", "client", "queue", "status", "arrived_at",
                "answered_at", "ended_at", "wrapped_at", "rings", "operator", "disposition", "script_steps",
                "phrase_hits"]


def _desk(url: str, now: datetime):
    from calldesk.config import load_config
    from calldesk.desk.clock import ManualClock
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database

    open_database(url)
    return Desk(load_config(ROOT / "config.yaml"), ManualClock(now))


def _month_end() -> datetime:
    return datetime.combine(MONTH_FIRST + timedelta(days=MONTH_DAYS), datetime.min.time(), UTC) - IST


def _arrivals(rng: random.Random, count: int, first: date, days: int) -> Iterator[float]:
    """Arrival times in order: weekdays busier than Sundays, IST office hours busiest."""
    weights = [(1.0, 1.0, 1.0, 1.0, 0.9, 0.6, 0.3)[(first + timedelta(days=d)).weekday()] for d in range(days)]
    hour_cum = list(accumulate(HOUR_WEIGHTS))
    left = count
    for day, weight in enumerate(weights):
        n = left if day == days - 1 else min(left, round(count * weight / sum(weights)))
        left -= n
        base = (datetime.combine(first + timedelta(days=day), datetime.min.time(), UTC) - IST).timestamp()
        yield from sorted(base + bisect(hour_cum, rng.random() * hour_cum[-1]) * 3600 + rng.random() * 3600
                          for _ in range(n))


def _calls(rng: random.Random, arrivals: Iterator[float], clients: int, operators: list[int], config,
           start_id: int = 1) -> Iterator[tuple]:
    """Calls as the desk stores them: most answered after a short wait, some abandoned, talk and wrap-up, script
    steps and phrase-guard hits; known callers (a few call often) and unknown numbers."""
    queues = [q for q in config.queues if q in QUEUE_WEIGHTS] or list(config.queues)
    queue_cum = list(accumulate(QUEUE_WEIGHTS.get(q, 1) for q in queues))
    step_ids = [f"{s}.{i}" for s, stage in enumerate(config.script, 1) for i in range(1, len(stage.steps) + 1)]
    numbers = [_mobile(rng) for _ in range(clients)]
    for call_id, arrived in enumerate(arrivals, start=start_id):
        client = int(clients * rng.random() ** 2) + 1 if rng.random() < 0.75 else None
        e164 = numbers[client - 1] if client else _mobile(rng)
        queue = queues[bisect(queue_cum, rng.random() * queue_cum[-1])]
        wait, patience = rng.expovariate(1 / 14), rng.expovariate(1 / 90)
        if patience < wait:
            yield (call_id, "inbound", e164, e164, client, queue, "abandoned", arrived, None, arrived + patience,
                   None, None, None, "", "", 0)
            continue
        answered = arrived + wait
        ended = answered + rng.expovariate(1 / 190) + 15
        steps = ",".join(step_ids[:rng.randint(2, len(step_ids))]) if rng.random() < 0.8 else ""
        hits = rng.choices((0, 1, 2), (80, 15, 5))[0]
        yield (call_id, "inbound", e164, e164, client, queue, "completed", arrived, answered, ended,
               ended + rng.uniform(5, 60), int(wait // config.ring_cycle_seconds) + 1, rng.choice(operators),
               "Resolved", steps, hits)


def _shifts(rng: random.Random, operators: list[int], first: date, days: int) -> Iterator[tuple]:
    """Each operator's day: signs in around 09:00, lunch pause at 13:00, signs out around 18:00 (IST)."""
    for day in range(days):
        base = (datetime.combine(first + timedelta(days=day), datetime.min.time(), UTC) - IST).timestamp()
        for operator in operators:
            start = base + 9 * 3600 + rng.uniform(-1800, 1800)
            lunch = base + 13 * 3600 + rng.uniform(-900, 900)
            yield (operator, "available", "", start)
            yield (operator, "paused", "Lunch", lunch)
            yield (operator, "available", "", lunch + rng.uniform(1800, 3600))
            yield (operator, "offline", "", base + 18 * 3600 + rng.uniform(-1800, 1800))


def _load(conn: sqlite3.Connection, fill: Callable[[], dict[str, int]]) -> dict[str, int]:
    from calldesk.store.migrations import fill_next_contacts
    from calldesk.store.models import database

    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    rebuilt = _set_aside(conn)
    conn.execute("BEGIN")
    counts = fill()
    conn.execute("COMMIT")
    for sql in rebuilt:
        conn.execute(sql)
    fill_next_contacts(database.obj)
    conn.execute("INSERT INTO client_search(client_search) VALUES ('rebuild')")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("ANALYZE")
    return counts


def _clients(conn: sqlite3.Connection, count: int, now: float) -> int:
    from calldesk.store.models import Client

    return _insert(conn, Client, ["id", "name", "created_at", "updated_at"],
                   ((i, f"Client {i}", now, now) for i in range(1, count + 1)))


def generate_month(path: Path, calls: int = MONTH_CALLS, seed: int = 7) -> dict:
    """A month of calls at ``path`` (November 2026, IST), with operators' shifts, call-backs, complaints and
    reviews; returns the row counts and the seconds it took."""
    from calldesk.store.models import Call as CallModel
    from calldesk.store.models import CallBack, CallReview, Feedback, OperatorStateChange

    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    progress = Progress()
    progress.say(f"generating a month of {calls:,} calls into {path}", force=True)
    started = time.perf_counter()
    end = _month_end()
    desk = _desk(f"sqlite:///{path}", end)
    from calldesk.store.models import database

    conn: sqlite3.Connection = database.connection()
    rng = random.Random(seed)
    operators = _operators(end - timedelta(days=MONTH_DAYS + 1))
    month_start = (end - timedelta(days=MONTH_DAYS)).timestamp()

    def fill() -> dict[str, int]:
        counts = {"client": _clients(conn, MONTH_CLIENTS, month_start)}
        counts["call"] = _insert(conn, CallModel, CALL_COLUMNS, _calls(
            rng, _arrivals(rng, calls, MONTH_FIRST, MONTH_DAYS), MONTH_CLIENTS, operators, desk.config))
        progress.say("operators' states, call-backs, complaints, reviews", force=True)
        counts["state"] = _insert(conn, OperatorStateChange, ["operator", "state", "reason", "started_at"],
                                  _shifts(rng, operators, MONTH_FIRST, MONTH_DAYS))
        counts["callback"] = _insert(conn, CallBack, ["reason", "due_at", "sla_deadline", "assignee", "status",
                                                      "closed_at", "created_at", "updated_at"],
                                     _promises(rng, operators, month_start, calls // 50))
        counts["complaint"] = _insert(conn, Feedback, ["kind", "body", "owner", "status", "deadline", "created_at",
                                                       "resolved_at"],
                                      _complaints(rng, operators, month_start, calls // 300))
        reviewed = sorted(rng.sample(range(1, calls + 1), calls // 200))
        counts["review"] = _insert(conn, CallReview, ["call", "reviewer", "score", "comment", "reviewed_at"],
                                   ((c, operators[0], rng.randint(1, 5), "", end.timestamp()) for c in reviewed))
        return counts

    counts = _load(conn, fill)
    database.close()
    seconds = round(time.perf_counter() - started, 1)
    progress.say(f"done in {seconds} s: {counts}", force=True)
    return {"rows": counts, "seconds": seconds}


def _promises(rng: random.Random, operators: list[int], start: float, count: int) -> Iterator[tuple]:
    for _ in range(count):
        created = start + rng.random() * MONTH_DAYS * 86400
        deadline = created + 10 * 3600
        pick = rng.random()
        status = "done" if pick < 0.85 else "cancelled" if pick < 0.9 else "open"
        closed = created + rng.expovariate(1 / (6 * 3600)) if status != "open" else None
        yield ("call back", created + 3600, deadline, rng.choice(operators), status, closed, created,
               closed or created)


def _complaints(rng: random.Random, operators: list[int], start: float, count: int) -> Iterator[tuple]:
    for _ in range(count):
        created = start + rng.random() * MONTH_DAYS * 86400
        resolved = created + rng.expovariate(1 / (8 * 3600)) if rng.random() < 0.7 else None
        yield ("complaint", "late delivery", rng.choice(operators), "resolved" if resolved else "open",
               created + 10 * 3600, created, resolved)


def _best(samples: int, action: Callable[[], object]) -> float:
    """Best of ``samples`` runs in milliseconds: the cost of the work itself, with the least noise from others."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def bench_month(url: str, samples: int = 3) -> dict:
    """Time the month's statistics on the database at ``url``: the figures whole and by each grouping, peak hours,
    staffing, leaderboard and the statistics tab's whole report."""
    from calldesk.desk.stats.grouping import Scope
    from calldesk.desk.stats.heatmap import heat_map
    from calldesk.desk.stats.hours import sum_closed_days
    from calldesk.desk.stats.kpis import figure_rows
    from calldesk.desk.stats.leaderboard import leaderboard
    from calldesk.desk.stats.period import days_period
    from calldesk.desk.stats.report import statistics_report
    from calldesk.desk.stats.staffing import staffing
    from calldesk.store.models import StatsDay, StatsHour

    desk = _desk(url, _month_end())
    scope = Scope(days_period(desk, MONTH_FIRST, MONTH_FIRST + timedelta(days=MONTH_DAYS - 1)))
    StatsHour.delete().execute()
    StatsDay.delete().execute()
    started, cpu = time.perf_counter(), time.process_time()
    [whole] = figure_rows(desk, scope)
    first, first_cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    StatsHour.delete().execute()
    StatsDay.delete().execute()
    started = time.perf_counter()
    summed = sum_closed_days(desk, scope.period.first_day, scope.period.last_day)
    summing = (time.perf_counter() - started) * 1000
    out: dict = {
        "month: calls offered": {"value": whole.tally.offered, "unit": "calls"},
        "month: figures, first read with no day summed": {
            "value": first, "unit": "ms",
            "note": "a month nobody summed (just imported, no console running): read from the calls, summing nothing"},
        "month: figures, first read with no day summed, CPU": {
            "value": first_cpu, "unit": "ms", "note": "the process's own: others' work disturbs it less"},
        "month: summing its closed days": {
            "value": summing, "unit": "ms",
            "note": f"{summed} days, {summing / max(summed, 1):.0f} ms a day: a console's background work "
                    "(and `calldesk stats` on unsummed days)"},
        "month: figures": {"value": _best(samples, lambda: figure_rows(desk, scope)), "unit": "ms",
                           "target": 1000, "note": "closed days from their sums, the last two from the calls"},
    }
    for by in ("queue", "operator", "day", "hour"):
        out[f"month: figures by {by}"] = {"value": _best(samples, lambda by=by: figure_rows(desk, scope, by)),
                                          "unit": "ms"}
    out["month: heat map"] = {"value": _best(samples, lambda: heat_map(desk, scope)), "unit": "ms"}
    out["month: staffing"] = {"value": _best(samples, lambda: staffing(desk, scope)), "unit": "ms"}
    out["month: leaderboard"] = {"value": _best(samples, lambda: leaderboard(desk, scope)), "unit": "ms"}
    out["month: statistics tab (all of it)"] = {"value": _best(samples, lambda: statistics_report(desk, scope)),
                                                "unit": "ms"}
    return out


def generate_team_day(path: Path, seed: int = 7) -> datetime:
    """A desk at 16:00 IST: 50 operators (some on calls, in wrap-up, paused), 500 callers waiting, the day's
    calls so far and a month before; returns the moment it shows."""
    from calldesk.store.models import Call, Operator, database

    path.unlink(missing_ok=True)
    today = MONTH_FIRST + timedelta(days=MONTH_DAYS - 1)
    now = datetime.combine(today, datetime.min.time(), UTC) - IST + timedelta(hours=16)
    desk = _desk(f"sqlite:///{path}", now)
    conn: sqlite3.Connection = database.connection()
    rng = random.Random(seed)
    operators = _operators(now - timedelta(days=MONTH_DAYS + 1))
    day_start = (now - timedelta(hours=16)).timestamp()

    def fill() -> dict[str, int]:
        history = _arrivals(rng, TEAM_CALLS_TODAY * MONTH_DAYS, today - timedelta(days=MONTH_DAYS), MONTH_DAYS)
        today_calls = sorted(day_start + 8 * 3600 + rng.random() * 8 * 3600 for _ in range(TEAM_CALLS_TODAY))
        arrivals = (t for t in [*history, *today_calls] if t < now.timestamp() - 600)
        counts = {"client": _clients(conn, 20_000, day_start)}
        counts["call"] = _insert(conn, Call, CALL_COLUMNS, _calls(rng, arrivals, 20_000, operators, desk.config))
        waiting = ((_mobile(rng), rng.choice(desk.config.queues), now.timestamp() - rng.uniform(0, 300))
                   for _ in range(TEAM_WAITING))
        counts["waiting"] = _insert(conn, Call, ["direction", "number_raw", "number_e164", "queue", "status",
                                                 "arrived_at"],
                                    (("inbound", n, n, q, "ringing", t) for n, q, t in waiting))
        return counts

    _load(conn, fill)
    for i, operator in enumerate(operators):  # a live desk: most on calls, some wrapping up, a few paused
        state = ("on_call", "on_call", "on_call", "wrap_up", "available", "paused")[i % 6]
        # a wrap-up began when its call ended, within the wrap-up time config.yaml allows (120 s)
        since = now - timedelta(seconds=rng.uniform(5, 100) if state == "wrap_up" else rng.uniform(10, 600))
        Operator.update(state=state, state_reason="Lunch" if state == "paused" else "",
                        state_since=since).where(Operator.id == operator).execute()
        if state in ("on_call", "wrap_up"):
            number = _mobile(rng)
            answered = since if state == "on_call" else since - timedelta(seconds=rng.uniform(30, 400))
            Call.create(number_raw=number, number_e164=number, queue="support",
                        status="answered" if state == "on_call" else "completed", arrived_at=answered,
                        answered_at=answered, ended_at=None if state == "on_call" else since, operator=operator)
    database.close()
    return now


def bench_team_tick(url: str, now: datetime, samples: int = 50) -> dict:
    """Time team_snapshot on the team-day database: p50 and p95 over ``samples`` ticks."""
    from calldesk.desk.calls.queue import QueueReader
    from calldesk.desk.stats.team import team_snapshot

    desk = _desk(url, now)
    reader = QueueReader()  # the team view's own, as on a lead's console
    snapshot = team_snapshot(desk, reader=reader)
    assert len(snapshot.waiting) == TEAM_WAITING and len(snapshot.operators) == TEAM_OPERATORS
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        team_snapshot(desk, reader=reader)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    note = f"{len(snapshot.operators)} operators, {len(snapshot.waiting)} waiting, {snapshot.today.offered:,} today"
    return {
        "team tick p50": {"value": statistics.median(times), "unit": "ms", "target": 10, "note": note},
        "team tick p95": {"value": times[int(0.95 * (len(times) - 1))], "unit": "ms", "target": 10},
        "team tick best": {"value": times[0], "unit": "ms", "note": "the work itself, least disturbed by others"},
    }


def run(samples: int = 3, seed: int = 7, month_calls: int = MONTH_CALLS, month_db: str | None = None,
        keep: bool = False, section_size: int | None = None) -> dict:
    """Both benchmarks on data of their own (bench.py's shared database is not a month of calls); bench.py passes
    only ``samples`` and ``seed``."""
    month_calls = section_size or month_calls
    folder = Path(tempfile.mkdtemp(prefix="calldesk-bench-stats-"))
    month = Path(month_db) if month_db else folder / "month.sqlite3"
    try:
        reuse = keep and month.exists()
        made = {"rows": "reused", "seconds": 0} if reuse else generate_month(month, month_calls, seed)
        out = {"month: generated in": {"value": made["seconds"], "unit": "s", "note": str(made["rows"])}}
        out |= bench_month(f"sqlite:///{month}", max(1, min(samples, 5)))
        now = generate_team_day(folder / "team.sqlite3", seed)
        out |= bench_team_tick(f"sqlite:///{folder / 'team.sqlite3'}", now, max(20, min(samples, 200)))
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=MONTH_CALLS, help="calls in the month")
    parser.add_argument("--db", help="SQLite file for the month (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="reuse the month in --db if it is there")
    parser.add_argument("--samples", type=int, default=3, help="runs of each figure (the best is kept)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    result = run(samples=args.samples, seed=args.seed, month_calls=args.calls, month_db=args.db, keep=args.keep)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
