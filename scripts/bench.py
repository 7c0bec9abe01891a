"""The calldesk benchmark: speed and memory on a database of a given size, as a table and a JSON file.

    .venv/bin/python scripts/bench.py                                   # 100,000 clients, 500,000 calls
    .venv/bin/python scripts/bench.py --clients 1000000 --calls 5000000 --keep
    .venv/bin/python scripts/bench.py --only search,dossier --keep
    .venv/bin/python scripts/bench.py --backend postgresql --pg-url postgresql://postgres@127.0.0.1/test

Figures (p50/p95 over --samples runs each): client search by name, company fragment and phone digits; caller-ID
matching; one queue refresh with 500 waiting calls (the desk's query, the callers' badges included, plus the
queue table's diff); the dossier build and open_call (the domain side of the screen pop); the screen pop timed
inside the app (answer pressed to dossier painted), and for a call answered at the handset (the PBX's answer
stored to the dossier painted, the wait for the change to be seen included); cold start against a bare Textual app
(scripts/cold_start.py); peak memory. Each figure's target is written beside it; docs/performance.md says why each
choice was made. The data comes from scripts/bench_dataset.py, in a child process.

Other benchmarks plug in as scripts/bench_NAME.py (callbacks, coach, stats, ami, import, junk_import): bench.py
imports the module when its section runs and calls its ``run`` function, passing whichever of these keyword
arguments it names: desk, db_url, db_path, config, dataset_clients, dataset_calls, samples, seed, keep, backend,
junk_rows (the desk and the URL are the benchmark's own database, already open). ``run`` returns a dict of figures,
``{"name": number}`` or ``{"name": {"value": v, "unit": "ms", "target": 50, "at_least": False, "note": ""}}``
(target is an upper bound unless at_least is true).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import importlib
import inspect
import json
import math
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_dataset import describe_size, is_bench_database, is_reusable, sidecar_of
from cold_start import measure_cold_start, run_child

import calldesk.tui  # noqa: F401  (sets the console's frame rate, which Textual reads when it is first imported)

ROOT = Path(__file__).resolve().parent.parent
BENCH_OPERATOR = "bench"
CORE_SECTIONS = ("search", "caller", "queue", "dossier", "pop", "cold")
PLUGIN_SECTIONS = ("callbacks", "coach", "stats", "ami", "import", "team", "junk_import", "wallboard")


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str = "ms"
    target: float | None = None
    at_least: bool = False  # the target is a floor (throughput), not a ceiling
    note: str = ""

    @property
    def ok(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target if self.at_least else self.value <= self.target

    def as_json(self) -> dict:
        return asdict(self) | {"ok": self.ok}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: p95 of 200 samples is the 190th smallest."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def timed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def spread(name: str, samples: list[float], target: float | None = None, note: str = "") -> list[Figure]:
    """The p50 and p95 of a series of timings; the target applies to the p95."""
    if not samples:
        return [Figure(name, None, note="nothing to measure in this data")]
    return [Figure(f"{name} p50", percentile(samples, 0.5), note=note),
            Figure(f"{name} p95", percentile(samples, 0.95), target=target)]


# --- the data ------------------------------------------------------------------------------------------------


def generate_in_child(args: argparse.Namespace, where: list[str], described: str) -> list[Figure]:
    """Data generation runs in a process of its own, so the bench's peak memory is the desk's alone."""
    child = run_child([sys.executable, str(Path(__file__).with_name("bench_dataset.py")), *where,
                       "--clients", str(args.clients), "--calls", str(args.calls), "--seed", str(args.seed)],
                      stream_stderr=True, timeout=6 * 3600)
    if child.status != 0:
        raise SystemExit(f"bench: generating the data failed (status {child.status})")
    return [Figure("data: generation time", child.seconds, "s", note=described),
            Figure("data: generation peak memory", child.max_rss_kb / 1024, "MiB")]


def prepare_postgres(args: argparse.Namespace) -> tuple[str, Callable[[], None] | None, list[Figure]]:
    """A schema of its own in the --pg-url database, named by the size, so --keep can find it again."""
    import psycopg

    schema = f"calldesk_bench_{args.clients}_{args.calls}"
    separator = "&" if "?" in args.pg_url else "?"
    url = f"{args.pg_url}{separator}options=-csearch_path%3D{schema},public"  # public holds pg_trgm
    try:
        conn = psycopg.connect(args.pg_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise SystemExit(f"bench: --pg-url: {(str(exc).strip().splitlines() or ['cannot connect'])[0]}") from None
    with conn:
        found = conn.execute("SELECT to_regclass(%s)", (f"{schema}.bench_dataset",)).fetchone()[0]
        made = json.loads(conn.execute(f"SELECT made FROM {schema}.bench_dataset").fetchone()[0]) if found else {}
        wanted = describe_size(args.clients, args.calls, args.seed)
        if args.keep and all(made.get(k) == v for k, v in wanted.items()):
            return url, None, [Figure("data: reused", None, "", note=f"schema {schema} ({made['rows']})")]
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")

    def drop_schema() -> None:
        from calldesk.store.models import database

        database.close()
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return url, None if args.keep else drop_schema, generate_in_child(args, ["--pg-url", url], f"schema {schema}")


def prepare_database(args: argparse.Namespace) -> tuple[str, Callable[[], None] | None, list[Figure]]:
    """The database URL to measure on (generated unless --keep finds one of the same size), and its cleanup."""
    if args.backend == "postgresql":
        if not args.pg_url:
            raise SystemExit("bench: --backend postgresql needs --pg-url postgresql://...")
        return prepare_postgres(args)
    scratch = None
    if args.db:
        path = Path(args.db).expanduser().resolve()
    elif args.keep:
        path = Path(tempfile.gettempdir()) / "calldesk-bench" / f"clients{args.clients}-calls{args.calls}.sqlite3"
    else:
        scratch = Path(tempfile.mkdtemp(prefix="calldesk-bench-"))
        path = scratch / "bench.sqlite3"
    cleanup = None if scratch is None else lambda: shutil.rmtree(scratch, ignore_errors=True)
    if args.keep and is_reusable(path, args.clients, args.calls, args.seed):
        made = json.loads(sidecar_of(path).read_text(encoding="utf-8"))
        return f"sqlite:///{path}", cleanup, [Figure("data: reused", None, "", note=f"{path} ({made['rows']})")]
    if not is_bench_database(path):
        raise SystemExit(f"bench: {path} exists and was not made by bench.py: pick another --db")
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = generate_in_child(args, ["--db", str(path)], str(path))
    figures[0].note += f" {json.loads(sidecar_of(path).read_text(encoding='utf-8'))['rows']}"
    return f"sqlite:///{path}", cleanup, figures


def open_bench_desk(url: str):
    from calldesk.config import load_config
    from calldesk.desk.calls import handling
    from calldesk.desk.calls.states import OperatorEvent
    from calldesk.desk.context import Desk
    from calldesk.desk.operators import roster
    from calldesk.store.database import open_database
    from calldesk.store.models import Call, Operator

    open_database(url)
    desk = Desk(load_config(ROOT / "config.yaml"))
    if Operator.get_or_none(Operator.login == BENCH_OPERATOR) is None:
        roster.add_operator(desk, BENCH_OPERATOR, "Bench Operator", role="lead")
    # the cold start runs the console as this OS user, who must be a lead to work as the bench operator
    me = getpass.getuser()
    if Operator.get_or_none(Operator.account == me) is None:
        roster.add_operator(desk, f"bench-{me}", f"Bench ({me})", role="lead", account=me)
    me = roster.sign_in(desk, BENCH_OPERATOR)
    live = handling.live_call_of(desk, me.id)
    if live is not None:  # an interrupted run left a call open
        handling.wrap_up(desk, live.id, me.id, desk.config.dispositions[0])
    Call.update(status="abandoned", ended_at=desk.clock.now()).where(Call.status == "ringing").execute()
    roster.move(desk, me.id, OperatorEvent.SIGN_IN)
    roster.move(desk, me.id, OperatorEvent.RESUME)  # a paused run left behind is available again
    return desk, roster.sign_in(desk, BENCH_OPERATOR)


def random_ids(model, count: int, rng: random.Random) -> list[int]:
    from peewee import fn

    low, high = model.select(fn.MIN(model.id), fn.MAX(model.id)).scalar(as_tuple=True)
    return [rng.randint(low, high) for _ in range(count)] if low is not None else []


def clients_with_history(count: int, rng: random.Random) -> list[int]:
    """Clients who have called before, picked through random calls (so frequent callers come up more)."""
    from calldesk.store.models import Call

    rows = Call.select(Call.client).where(Call.id.in_(random_ids(Call, count * 3, rng)) & Call.client.is_null(False))
    return list(dict.fromkeys(r.client_id for r in rows))[:count]


def known_numbers(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """(client id, E.164) of valid phones of random clients."""
    from calldesk.store.models import Phone

    rows = Phone.select(Phone.client, Phone.e164).where(
        Phone.id.in_(random_ids(Phone, count * 2, rng)) & Phone.valid & Phone.e164.is_null(False))
    return [(r.client_id, r.e164) for r in rows][:count]


# --- client search and caller matching ----------------------------------------------------------------------


def search_queries(rng: random.Random, count: int) -> dict[str, list[str]]:
    """What operators type: names (surnames are the common case), company fragments, 4 to 8 digits of a number."""
    from calldesk.desk.clients.directory import fold
    from calldesk.store.models import Client, Phone

    people = list(Client.select(Client.name, Client.company).where(Client.id.in_(random_ids(Client, count * 4, rng))))
    names, companies = [], []
    for person in people:
        words = fold(person.name).split(" ")
        first, last = words[0], words[-1]
        names.append(rng.choice([last, last, person.name, f"{first} {last[:3]}", first]))
        if person.company:
            company = fold(person.company)
            word = rng.choice([w for w in company.split(" ") if len(w) >= 3] or [company])
            start = rng.randrange(max(len(word) - 3, 1))
            companies.append(rng.choice([word[start:start + rng.randint(3, 7)], company[:rng.randint(6, 14)]]))
    digits = []
    phones = Phone.select(Phone.e164).where(Phone.id.in_(random_ids(Phone, count, rng)) & Phone.e164.is_null(False))
    for phone in phones:
        number = phone.e164.lstrip("+")
        length = rng.randint(4, 8)
        start = rng.randrange(len(number) - length + 1)
        digits.append(number[start:start + length])
    keystrokes = [rng.choice(["s", "a", "k", "9", "sh", "ra", "pa", "98", "zx", "q", "अ", "xy"]) for _ in range(count)]
    return {"names": names[:count], "company fragments": companies[:count], "phone digits": digits[:count],
            "first keystrokes (1-2 chars)": keystrokes}


def bench_search(desk, args, rng) -> list[Figure]:
    from calldesk.desk.clients.directory import find_clients

    figures = []
    for kind, queries in search_queries(rng, args.samples).items():
        if not queries:
            figures.append(Figure(f"search {kind}", None, note="nothing to search for in this data"))
            continue
        for query in queries[:10]:  # warm the page cache the same way a console in use has it
            find_clients(desk, query)
        hits, samples = [], []
        for query in queries:
            started = time.perf_counter()
            hits.append(len(find_clients(desk, query)))
            samples.append((time.perf_counter() - started) * 1000)
        slowest = queries[samples.index(max(samples))]
        short = kind.startswith("first keystrokes")  # the find dialog waits for 3 characters: no target to meet
        figures += spread(f"search {kind}", samples, target=None if short else 20,
                          note=f"{len(queries)} queries, {sum(hits) / len(hits):.0f} hits on average")
        figures[-1].note = f"slowest: {slowest!r} {max(samples):.1f} ms" + (
            "; the find dialog never runs these (it waits for 3 characters)" if short else "")
    return figures


def bench_caller(desk, args, rng) -> list[Figure]:
    """Matching a caller ID to a client, as the PBX sends it: E.164, national with trunk zero, or the tail only."""
    from calldesk.desk.clients.directory import match_caller

    numbers = known_numbers(args.samples, rng)
    forms = {
        "E.164": [n for _, n in numbers],
        "national (0...)": ["0" + n[3:] if n.startswith("+91") else n for _, n in numbers],
        "last 8 digits": [n[-8:] for _, n in numbers],
    }
    figures = []
    for form, sent in forms.items():
        samples = [timed_ms(lambda number=number: match_caller(desk, number)) for number in sent]
        figures += spread(f"caller match {form}", samples, target=10, note="own target: a ring stays instant")
    return figures


# --- the queue, the dossier and the screen pop -------------------------------------------------------------


def ring_many(desk, rng, count: int) -> list[int]:
    from calldesk.desk.calls.queue import ring_call

    numbers = known_numbers(count, rng)
    strangers = [f"+91{rng.randint(6_000_000_000, 9_999_999_999)}" for _ in range(count - len(numbers))]
    return [ring_call(desk, number, rng.choice(desk.config.queues)) for number in [n for _, n in numbers] + strangers]


def forget_calls(call_ids: list[int]) -> None:
    """Calls rung only to be measured leave no trace in the statistics."""
    from calldesk.store.models import Call

    for start in range(0, len(call_ids), 500):
        Call.delete().where(Call.id.in_(call_ids[start:start + 500])).execute()


def bench_dossier(desk, operator, args, rng) -> list[Figure]:
    """The domain side of the screen pop: the dossier alone, and everything the console reads for an answered call."""
    from calldesk.desk.calls import handling
    from calldesk.desk.calls.call_view import open_call
    from calldesk.desk.calls.queue import claim_call, ring_call
    from calldesk.desk.clients.dossier import build_dossier

    client_ids = clients_with_history(args.samples, rng)
    samples = [timed_ms(lambda client_id=client_id: build_dossier(desk, client_id)) for client_id in client_ids]
    figures = spread("dossier build", samples, target=50, note=f"{len(client_ids)} clients with history")
    answered, samples = [], []
    for _, number in known_numbers(args.pop_samples, rng):
        call_id = ring_call(desk, number)
        answered.append(claim_call(desk, call_id, operator.id))
        samples.append(timed_ms(lambda call_id=call_id: open_call(desk, call_id, operator)))
        handling.wrap_up(desk, call_id, operator.id, desk.config.dispositions[0])
    forget_calls(answered)
    return figures + spread("open_call (all the domain work of a screen pop)", samples, target=50,
                            note="call, dossier, script and draft, for an answered call")


async def _settle(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        await pilot.pause(0.005)
    return True


async def _drive_app(desk, operator, args, rng, sections: set[str]) -> list[Figure]:
    """One headless console: the queue table's diff with many waiting calls, then answer / pop / wrap-up cycles,
    by F2 and at the handset."""
    from calldesk.desk.calls.queue import QueueReader, abandon_call, ring_call
    from calldesk.tui.app import CalldeskApp
    from calldesk.tui.screens.desk import DeskScreen
    from calldesk.tui.widgets.queue_table import QueueTable

    gc.collect()  # what the earlier sections left behind is not the console's to collect
    app = CalldeskApp(desk, operator)
    figures: list[Figure] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot, lambda: isinstance(app.screen, DeskScreen))
        screen: DeskScreen = app.screen
        table = screen.query_one(QueueTable)
        if "queue" in sections:
            ringing = ring_many(desk, rng, args.queue_length)
            query_ms, diff_ms, tick_ms = [], [], []
            now = desk.clock.now()
            reader = QueueReader()  # the desk's own: the calls of its last read are reused
            table.show_calls(reader.waiting_calls(desk, badges=True), now)  # the first fill adds every row at once
            await pilot.pause()
            for second in range(args.samples):
                # each second, as on the desk: the clock ticks every row on, then the queue is re-read because
                # one caller hung up and another rang in
                now += timedelta(seconds=1)
                tick_ms.append(timed_ms(lambda now=now: table.tick(now)))
                abandon_call(desk, ringing.pop(0))
                ringing.append(ring_call(desk, known_numbers(1, rng)[0][1]))
                started = time.perf_counter()
                waiting = reader.waiting_calls(desk, badges=True)  # the desk's read: the callers' badges with the calls
                query_ms.append((time.perf_counter() - started) * 1000)
                diff_ms.append(timed_ms(lambda waiting=waiting, now=now: table.show_calls(waiting, now)))
                if second % 20 == 0:
                    await pilot.pause()  # let it paint now and then, as the live desk does
            total = [q + d for q, d in zip(query_ms, diff_ms, strict=True)]
            figures += spread(f"queue refresh, {args.queue_length} waiting (query + table diff, with badges)", total,
                              target=10)
            figures += spread("  of which waiting_calls query (with the callers' badges)", query_ms)
            figures += spread(f"queue tick, {args.queue_length} rows (wait and rings move on)", tick_ms, target=10)
            for call_id in ringing:
                abandon_call(desk, call_id)
            forget_calls(ringing)
            table.show_calls([], now)
            await pilot.pause()
        if "pop" in sections:
            answered = []
            for _, number in known_numbers(args.pop_samples, rng):
                call_id = ring_call(desk, number)
                answered.append(call_id)
                if not await _ringing_on_screen(pilot, screen, table, call_id):
                    break
                popped = len(app.pop_timings)
                await pilot.press("f2")
                if not await _settle(pilot, lambda popped=popped: len(app.pop_timings) > popped):
                    break
                if not await _wrap_up_by_keys(pilot, app, screen):
                    break
            forget_calls(answered)
            if app.pop_timings:
                figures += spread("screen pop in the app (F2 to dossier painted)", app.pop_timings, target=50,
                                  note=f"{len(app.pop_timings)} answered calls")
            else:
                figures.append(Figure("screen pop in the app", None, note="the app recorded no pop timings"))
            if len(app.pop_timings) < len(answered):
                figures.append(Figure("screen pop cycles that stalled", len(answered) - len(app.pop_timings), "",
                                      note="F2 / F6 / wrap-up did not complete within 5 s"))
            figures += await _handset_pops(pilot, app, screen, table, desk, args, rng)
    return figures


async def _ringing_on_screen(pilot, screen, table, call_id: int) -> bool:
    screen.poll_queue()
    return await _settle(pilot, lambda: any(c.id == call_id for c in table.calls))


async def _wrap_up_by_keys(pilot, app, screen) -> bool:
    """F6, the first disposition, enter: the desk is free again (and the operator available in the store)."""
    from textual.widgets import OptionList

    from calldesk.tui.modals.wrap_up import WrapUpModal

    await pilot.press("f6")
    if not await _settle(pilot, lambda: isinstance(app.screen, WrapUpModal)):
        return False
    if app.screen.query_one(OptionList).highlighted is None:
        await pilot.press("down")
    await pilot.press("enter")
    return await _settle(pilot, lambda: screen.live is None and app.screen is screen)


async def _handset_pops(pilot, app, screen, table, desk, args, rng) -> list[Figure]:
    """Calls answered at the bench operator's handset: the PBX's report is stored from a thread of its own (its own
    database connection, as the hook command or AMI has), the console's watcher sees the change and the desk pops the
    dossier as F2 does. The app times it from the stored answered_at (the wall clock) to the paint, so the figure
    holds the wait for the change to be seen: what the operator feels between picking up and seeing the caller."""
    from concurrent.futures import ThreadPoolExecutor

    from calldesk.desk.calls.pbx_events import answer_call_as
    from calldesk.desk.calls.queue import ring_call
    from calldesk.desk.errors import DeskError
    from calldesk.store.models import database
    from calldesk.tui.screens.desk import READ_GAP_SECONDS

    def answer(call_id: int) -> str:
        try:
            answer_call_as(desk, call_id, BENCH_OPERATOR)
        except DeskError as exc:
            return str(exc)
        return ""

    loop = asyncio.get_running_loop()
    pbx = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-pbx")  # one thread: one connection, kept
    answered, refusals, completed = [], [], 0
    try:
        for _, number in known_numbers(args.pop_samples, rng):
            call_id = ring_call(desk, number)
            answered.append(call_id)
            if not await _ringing_on_screen(pilot, screen, table, call_id):
                break
            # a PBX answers whenever the operator picks up, not in step with the console's reads: a random moment
            await asyncio.sleep(rng.uniform(0, 0.25))
            popped = len(app.handset_pop_timings)
            refused = await loop.run_in_executor(pbx, answer, call_id)
            if refused:
                refusals.append(refused)
                break
            if not await _settle(pilot, lambda popped=popped: len(app.handset_pop_timings) > popped):
                break
            if not await _wrap_up_by_keys(pilot, app, screen):
                break
            completed += 1
    finally:
        await loop.run_in_executor(pbx, database.close)
        pbx.shutdown()
    forget_calls(answered)
    timings = app.handset_pop_timings
    if not timings:
        figures = [Figure("handset answer to dossier painted", None, note="the app recorded no handset pops")]
    else:
        figures = spread("handset answer to dossier painted", timings, target=200,
                         note=f"{len(timings)} calls answered by the PBX; includes the wait for the change to be "
                              f"seen (at most {READ_GAP_SECONDS * 1000:.0f} ms apart in a burst)")
    if completed < len(answered):
        why = f"refused: {refusals[0]}" if refusals else "ring / pop / wrap-up did not complete within 5 s"
        figures.append(Figure("handset pop cycles that stalled", len(answered) - completed, "", note=why[:200]))
    return figures


def bench_cold(url: str, args) -> list[Figure]:
    result = measure_cold_start(url, BENCH_OPERATOR, args.cold_runs)
    return [
        Figure("cold start: console to a usable desk", result["app_s"] * 1000,
               note=f"best of {args.cold_runs}, spawn to painted with its first read"),
        Figure("cold start: bare Textual app, same widgets", result["bare_s"] * 1000, note="spawn to painted"),
        Figure("cold start ratio console / bare", result["ratio"], "x", target=1.3, note="best against best"),
        Figure("cold start ratio, median of run pairs", result["pair_ratio_median"], "x", target=1.3,
               note="each console start against the bare start right after it"),
        Figure("process life (spawn to exit after painting): console", result["app_life_s"] * 1000,
               note="adds the interpreter's teardown"),
        Figure("process life (spawn to exit after painting): bare app", result["bare_life_s"] * 1000),
        Figure("process life ratio console / bare", result["life_ratio"], "x"),
        Figure("peak memory: console child", result["app_max_rss_kb"] / 1024, "MiB"),
        Figure("peak memory: bare app child", result["bare_max_rss_kb"] / 1024, "MiB"),
    ]


# --- other helpers' benchmarks ----------------------------------------------------------------------------


def bench_plugin(name: str, pool: dict) -> list[Figure]:
    """Run scripts/bench_NAME.py's ``run`` with the arguments it asks for; a missing module is a note."""
    module_name = f"bench_{name}"
    if not (Path(__file__).parent / f"{module_name}.py").exists():
        return [Figure(f"{name}", None, "", note=f"scripts/{module_name}.py not there yet: skipped")]
    module = importlib.import_module(module_name)
    run = getattr(module, "run", None)
    if not callable(run):
        return [Figure(f"{name}", None, "", note=f"scripts/{module_name}.py has no run(): skipped")]
    wanted = inspect.signature(run).parameters
    missing = [p for p, spec in wanted.items() if p not in pool and spec.default is inspect.Parameter.empty
               and spec.kind not in (spec.VAR_KEYWORD, spec.VAR_POSITIONAL)]
    if missing:
        return [Figure(f"{name}", None, "", note=f"run() wants {', '.join(missing)}: skipped")]
    accepts_any = any(spec.kind is spec.VAR_KEYWORD for spec in wanted.values())
    from calldesk.store.models import database

    bound = database.obj  # a section may open a database of its own: the next one gets the bench's back
    try:
        result = run(**{k: v for k, v in pool.items() if accepts_any or k in wanted})
    finally:
        if database.obj is not bound:
            if not database.is_closed():
                database.close()
            database.initialize(bound)
    return [_plugin_figure(f"{name}: {key}", value) for key, value in (result or {}).items()]


def _plugin_figure(name: str, value: object) -> Figure:
    if isinstance(value, dict):
        return Figure(name, _number(value.get("value")), str(value.get("unit", "")), _number(value.get("target")),
                      bool(value.get("at_least", False)), str(value.get("note", "")))
    number = _number(value)
    return Figure(name, number, "", note="" if number is not None else str(value))


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- the report ---------------------------------------------------------------------------------------------


def _amount(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 or value == int(value) else f"{value:,.2f}"


def print_table(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures) + 2
    print(f"{'figure':<{width}}{'value':>16}  {'target':<14}{'':6}note")
    for f in figures:
        value = "-" if f.value is None else f"{_amount(f.value)} {f.unit}".rstrip()
        target = "" if f.target is None else f"{'>=' if f.at_least else '<='} {f.target:g} {f.unit}".rstrip()
        verdict = {True: "ok", False: "MISS", None: ""}[f.ok]
        print(f"{f.name:<{width}}{value:>16}  {target:<14}{verdict:6}{f.note}")


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=positive, default=100_000)
    parser.add_argument("--calls", type=positive, default=500_000)
    parser.add_argument("--db", help="SQLite file for the data (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data, and reuse data of the same size made by an earlier run")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the figures")
    parser.add_argument("--only", help=f"comma-separated sections: {', '.join(CORE_SECTIONS + PLUGIN_SECTIONS)}")
    parser.add_argument("--samples", type=positive, default=200, help="samples per timed figure")
    parser.add_argument("--queue-length", type=positive, default=500, help="waiting calls for the queue refresh")
    parser.add_argument("--pop-samples", type=positive, default=100, help="answered calls for the screen pop")
    parser.add_argument("--cold-runs", type=positive, default=5, help="cold starts of each app (best is kept)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--junk-rows", type=positive, default=1_000_000, help="rows of the junk CSV to import")
    parser.add_argument("--section-size", type=positive,
                        help="rows the callbacks, coach, stats, ami, import and team sections make for themselves "
                             "(default: each section's own; a small one checks them all in a minute)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", help="PostgreSQL database for --backend postgresql; the data goes in a schema of "
                        "its own (calldesk_bench_CLIENTS_CALLS), dropped afterwards unless --keep")
    args = parser.parse_args(argv)
    sections = set(CORE_SECTIONS + PLUGIN_SECTIONS)
    if args.only:
        sections = {s.strip() for s in args.only.split(",") if s.strip()}
        unknown = sections - set(CORE_SECTIONS + PLUGIN_SECTIONS)
        if unknown:
            parser.error(f"--only: unknown section {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    url, cleanup, figures = prepare_database(args)
    try:
        desk, operator = open_bench_desk(url)
        rng = random.Random(args.seed)
        steps: list[tuple[str, Callable[[], list[Figure]]]] = [
            ("search", lambda: bench_search(desk, args, rng)),
            ("caller", lambda: bench_caller(desk, args, rng)),
            ("dossier", lambda: bench_dossier(desk, operator, args, rng)),
        ]
        if sections & {"queue", "pop"}:
            steps.append(("queue" if "queue" in sections else "pop",
                          lambda: asyncio.run(_drive_app(desk, operator, args, rng, sections))))
        steps.append(("cold", lambda: bench_cold(url, args)))
        pool = {"desk": desk, "db_url": url, "db_path": url.removeprefix("sqlite:///") if "sqlite" in url else None,
                "config": desk.config, "dataset_clients": args.clients, "dataset_calls": args.calls,
                "samples": args.samples, "seed": args.seed, "keep": args.keep, "backend": args.backend,
                "junk_rows": args.junk_rows, "section_size": args.section_size}
        steps.append(("memory", lambda: [Figure("peak memory: bench process, desk figures", peak_rss_mib(), "MiB",
                                                note="search, dossier, queue and the app in one process")]))
        steps += [(name, lambda name=name: bench_plugin(name, pool)) for name in PLUGIN_SECTIONS]
        for section, step in steps:
            if section in sections | {"memory"}:
                print(f"bench: {section}...", file=sys.stderr, flush=True)
                try:
                    figures += step()
                except Exception as exc:  # one broken section must not cost the others their figures
                    traceback.print_exc()
                    figures.append(Figure(section, None, "", note=f"failed: {type(exc).__name__}: {exc}"[:200]))
        figures.append(Figure("peak memory: bench process, all", peak_rss_mib(), "MiB",
                              note="data generation runs in a child of its own"))
        figures.append(Figure("machine load average (1 min), end", os.getloadavg()[0], "",
                              note=f"{load_before:.2f} at the start, on {os.cpu_count()} cores: others' work skews"))
    finally:
        if cleanup is not None:
            cleanup()
    print_table(figures)
    report = {"clients": args.clients, "calls": args.calls, "backend": args.backend,
              "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "seconds": round(time.perf_counter() - started, 1), "figures": [f.as_json() for f in figures]}
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten to {args.json}", file=sys.stderr)
    return 1 if any(f.ok is False for f in figures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
