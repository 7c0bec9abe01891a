"""AMI ingestion benchmark: events stored per second, and how soon a caller who joins a queue is visible.

    .venv/bin/python scripts/bench_ami.py [--calls 1000] [--samples 200]

Runs the AMI source against the test suite's AMI server (tests/ami_server.py) on a fresh SQLite database:

- throughput: a burst of whole call lives, written by the server at once, as Asterisk sends them with
  ``Events: on`` (channel, dialplan and bridge events the desk ignores, and the queue events it stores), timed
  until every call is stored as finished; and the same for queue events only (the worst case). Nothing may be lost.
- join-to-visible delay: QueueCallerJoin events one at a time; a reader on its own database connection polls
  ``waiting_calls`` every 2 ms and notes when each call appears (a console refreshes once a second on top of this).

scripts/bench.py calls ``run``; ``bench_ami`` returns the plain figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ami_server import AmiServer  # noqa: E402

from calldesk.config import load_config  # noqa: E402
from calldesk.desk.calls.queue import waiting_calls  # noqa: E402
from calldesk.desk.clients.directory import NewPhone, create_client  # noqa: E402
from calldesk.desk.context import Desk  # noqa: E402
from calldesk.desk.operators.roster import add_operator  # noqa: E402
from calldesk.store.database import open_database  # noqa: E402
from calldesk.store.models import Call, database  # noqa: E402
from calldesk.telephony.ami import AmiSource  # noqa: E402

SECRET = "bench-secret"
KNOWN_CLIENTS = 2_000
EVENTS_TARGET = 2_000  # per second, on SQLite
VISIBLE_TARGET_MS = 200
POLL_SECONDS = 0.002
FIRST_EXTENSION = 1000  # of the operators who answer a burst's calls


def call_life(uniqueid: str, number: str, interface: str = "PJSIP/101") -> list[dict[str, str]]:
    """What Asterisk sends for one caller who queues, is answered at ``interface`` and hangs up (20 events)."""
    agent = f"{uniqueid}9"
    channel = f"PJSIP/trunk-{uniqueid}"
    base = {"Channel": channel, "Uniqueid": uniqueid, "Linkedid": uniqueid, "CallerIDNum": number}
    leg = {"Channel": f"{interface}-0001", "Uniqueid": agent, "Linkedid": uniqueid}
    return [
        {"Event": "Newchannel", **base, "ChannelState": "0", "Context": "from-trunk", "Exten": "100"},
        {"Event": "Newexten", **base, "Application": "Answer", "AppData": ""},
        {"Event": "Newstate", **base, "ChannelState": "6", "ChannelStateDesc": "Up"},
        {"Event": "VarSet", **base, "Variable": "QUEUENAME", "Value": "support"},
        {"Event": "Newexten", **base, "Application": "Queue", "AppData": "support,t"},
        {"Event": "QueueCallerJoin", **base, "CallerIDName": "<unknown>", "Queue": "support", "Position": "1",
         "Count": "1"},
        {"Event": "Newchannel", **leg, "ChannelState": "0"},
        {"Event": "AgentCalled", **base, "Queue": "support", "Interface": interface, "MemberName": "Asha",
         "DestChannel": f"{interface}-0001", "DestUniqueid": agent},
        {"Event": "DialBegin", **base, "DestChannel": f"{interface}-0001", "DestUniqueid": agent},
        {"Event": "Newstate", **leg, "ChannelState": "6", "ChannelStateDesc": "Up"},
        {"Event": "DialEnd", **base, "DestUniqueid": agent, "DialStatus": "ANSWER"},
        {"Event": "QueueCallerLeave", **base, "Queue": "support", "Count": "0", "Position": "1"},
        {"Event": "AgentConnect", **base, "Queue": "support", "Interface": interface, "MemberName": "Asha",
         "HoldTime": "4", "RingTime": "2", "DestUniqueid": agent},
        {"Event": "BridgeEnter", **base, "BridgeUniqueid": f"b-{uniqueid}"},
        {"Event": "BridgeEnter", **leg, "BridgeUniqueid": f"b-{uniqueid}"},
        {"Event": "BridgeLeave", **base, "BridgeUniqueid": f"b-{uniqueid}"},
        {"Event": "BridgeLeave", **leg, "BridgeUniqueid": f"b-{uniqueid}"},
        {"Event": "AgentComplete", **base, "Queue": "support", "Interface": interface, "MemberName": "Asha",
         "HoldTime": "4", "TalkTime": "95", "Reason": "caller"},
        {"Event": "Hangup", **leg, "Cause": "16"},
        {"Event": "Hangup", **base, "Cause": "16"},
    ]


def queue_life(uniqueid: str, number: str, interface: str = "PJSIP/101") -> list[dict[str, str]]:
    """The four events of a call life the desk stores: join, connect, complete, hangup."""
    return [e for e in call_life(uniqueid, number, interface)
            if e["Event"] in ("QueueCallerJoin", "AgentConnect", "AgentComplete") or
            (e["Event"] == "Hangup" and e["Uniqueid"] == uniqueid)]


def join_life(uniqueid: str, number: str, interface: str = "PJSIP/101") -> list[dict[str, str]]:
    """A caller who joins the queue and is still waiting: the event that costs the desk most (an insert, a match)."""
    return [e for e in call_life(uniqueid, number, interface) if e["Event"] == "QueueCallerJoin"]


def _wait_until(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()


def _burst(server: AmiServer, prefix: str, calls: int, life, status: str = "completed",
           first_extension: int = FIRST_EXTENSION) -> tuple[int, float, int]:
    """Send ``calls`` call lives at once; returns (events, seconds until all are stored, calls not in ``status``).
    Each call goes to an operator of its own, from ``first_extension`` on: one who just hung up is wrapping up, and
    the desk offers them no call until they are done."""
    events = [e for i in range(calls)
              for e in life(f"{prefix}.{i}", f"+9198{i % KNOWN_CLIENTS:08d}", f"PJSIP/{first_extension + i}")]
    done = Call.select().where(Call.external_id.startswith(f"{prefix}.") & (Call.status == status))
    start = time.perf_counter()
    server.emit_many(events)
    _wait_until(lambda: done.count() >= calls, timeout=120)
    elapsed = time.perf_counter() - start
    return len(events), elapsed, calls - done.count()


def _visible_delays(desk: Desk, server: AmiServer, samples: int) -> list[float]:
    """Milliseconds from the server writing each QueueCallerJoin until another connection sees the call waiting."""
    seen: dict[str, float] = {}
    stop = threading.Event()

    def reader() -> None:
        known: set[int] = set()
        while not stop.is_set():
            fresh = {w.id for w in waiting_calls(desk)} - known
            if fresh:
                now = time.perf_counter()
                for row in Call.select(Call.id, Call.external_id).where(Call.id.in_(list(fresh))):
                    seen.setdefault(row.external_id, now)
                known |= fresh
            time.sleep(POLL_SECONDS)
        database.close()

    thread = threading.Thread(target=reader, name="bench-console")
    thread.start()
    try:
        for i in range(samples):
            uniqueid = f"v.{i}"
            server.emit("QueueCallerJoin", Uniqueid=uniqueid, Linkedid=uniqueid, Queue="support",
                        CallerIDNum=f"+9198{i:08d}", Channel=f"PJSIP/trunk-{i}")
            _wait_until(lambda uniqueid=uniqueid: uniqueid in seen, timeout=5)
            server.emit("QueueCallerAbandon", Uniqueid=uniqueid, Queue="support")  # keep the queue short
    finally:
        stop.set()
        thread.join()
    return sorted((seen[u] - server.sent_at[u]) * 1000 for u in seen if u.startswith("v."))


def bench_ami(calls: int = 1_000, samples: int = 200) -> dict[str, float]:
    """Measure AMI ingestion into a fresh SQLite database; returns the figures by name."""
    previous = database.obj  # bench.py's own database is put back afterwards
    folder = Path(tempfile.mkdtemp(prefix="calldesk-bench-ami-"))
    old_secret = os.environ.get("CALLDESK_AMI_SECRET")
    os.environ["CALLDESK_AMI_SECRET"] = SECRET
    try:
        open_database(f"sqlite:///{folder / 'ami.db'}")
        desk = Desk(load_config(ROOT / "config.yaml"))
        add_operator(desk, "asha", "Asha", extension="101")
        with database.atomic():
            for i in range(2 * calls):  # for the two bursts whose calls are answered
                add_operator(desk, f"op{i}", f"Operator {i}", extension=str(FIRST_EXTENSION + i))
        with database.atomic():
            for i in range(KNOWN_CLIENTS):
                create_client(desk, f"Client {i}", [NewPhone(f"+9198{i:08d}")])
        with AmiServer(secret=SECRET) as server:
            source = AmiSource(desk, desk.config.ami._replace(port=server.port))
            stop = threading.Event()
            thread = threading.Thread(target=source.run, args=(stop, lambda state: None), name="ami-source")
            thread.start()
            try:
                if not _wait_until(lambda: source.link.status == "connected", timeout=10):
                    raise RuntimeError(f"the AMI source did not connect: {source.link.describe()}")
                full_events, full_seconds, full_lost = _burst(server, "f", calls, call_life)
                queue_events, queue_seconds, queue_lost = _burst(server, "q", calls, queue_life,
                                                                 first_extension=FIRST_EXTENSION + calls)
                delays = _visible_delays(desk, server, samples)
                join_events, join_seconds, join_lost = _burst(server, "j", calls, join_life, "ringing")
            finally:
                stop.set()
                thread.join()
    finally:
        database.close()
        if previous is not None:
            database.initialize(previous)
        if old_secret is None:
            os.environ.pop("CALLDESK_AMI_SECRET", None)
        else:
            os.environ["CALLDESK_AMI_SECRET"] = old_secret
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "events_per_second": full_events / full_seconds,
        "events_in_burst": full_events,
        "calls_lost": full_lost,
        "queue_events_per_second": queue_events / queue_seconds,
        "queue_calls_lost": queue_lost,
        "join_events_per_second": join_events / join_seconds,
        "join_calls_lost": join_lost,
        "join_visible_p50_ms": statistics.median(delays),
        "join_visible_p95_ms": delays[max(0, round(0.95 * len(delays)) - 1)],
        "join_visible_max_ms": delays[-1],
        "join_samples": len(delays),
    }


def run(samples: int = 200, section_size: int | None = None) -> dict[str, dict]:
    """scripts/bench.py's entry: the figures with their units and targets (``section_size`` calls a burst)."""
    figures = bench_ami(calls=section_size or 1_000, samples=samples)
    lost = figures["calls_lost"] + figures["queue_calls_lost"] + figures["join_calls_lost"]
    return {
        "events ingested (whole call lives)": {"value": figures["events_per_second"], "unit": "/s",
                                               "target": EVENTS_TARGET, "at_least": True,
                                               "note": f"{figures['events_in_burst']} events, {lost} calls lost"},
        "events ingested (queue events only)": {"value": figures["queue_events_per_second"], "unit": "/s",
                                                "target": EVENTS_TARGET, "at_least": True},
        "events ingested (QueueCallerJoin only)": {"value": figures["join_events_per_second"], "unit": "/s",
                                                   "target": EVENTS_TARGET, "at_least": True,
                                                   "note": "each a new waiting call matched to a client"},
        "QueueCallerJoin to visible p95": {"value": figures["join_visible_p95_ms"], "unit": "ms",
                                           "target": VISIBLE_TARGET_MS,
                                           "note": f"p50 {figures['join_visible_p50_ms']:.1f} ms"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000, help="call lives in each burst")
    parser.add_argument("--samples", type=int, default=200, help="joins timed for the visible delay")
    args = parser.parse_args(argv)
    figures = bench_ami(args.calls, args.samples)
    for name, value in figures.items():
        print(f"{name:<28}{value:>12,.1f}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
