"""The simulated phone line: callers ring in like real ones, on a clock the test moves."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from calldesk.config import ConfigError, SimulatorSettings, load_config
from calldesk.desk.calls.queue import claim_call, waiting_calls
from calldesk.desk.clients.directory import NewPhone, create_client
from calldesk.desk.clock import ManualClock
from calldesk.desk.context import Desk
from calldesk.desk.operators.roster import add_operator, get_operator
from calldesk.phones import parse_phone
from calldesk.store.models import Call
from calldesk.telephony.simulator import Simulator
from calldesk.telephony.source import LinkState
from calldesk.telephony.sources import make_source

OFF_PEAK = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)  # 08:00 in Kolkata
PEAK = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 10:30 in Kolkata


def desk_with(desk: Desk, clock: ManualClock | None = None, **settings: object) -> Desk:
    simulator = desk.config.simulator._replace(**settings)
    return Desk(desk.config._replace(simulator=simulator), clock or desk.clock)


def run_for(simulator: Simulator, clock: ManualClock, seconds: float, tick: float = 1.0) -> list[int]:
    rung = []
    for _ in range(int(seconds / tick)):
        rung += simulator.step(clock.now())
        clock.advance(tick)
    return rung


def add_clients(desk: Desk, count: int) -> set[int]:
    return {create_client(desk, f"Client {i}", [NewPhone(f"+9198{i:08d}")]) for i in range(count)}


def test_the_first_caller_rings_within_three_seconds(desk: Desk, clock: ManualClock) -> None:
    simulator = Simulator(desk, seed=1)
    start = clock.now()
    rung = []
    while not rung:
        rung = simulator.step(clock.now())
        assert (clock.now() - start).total_seconds() <= 3
        clock.advance(0.1)
    assert [w.id for w in waiting_calls(desk)] == rung


def test_the_same_seed_rings_the_same_calls(desk: Desk, clock: ManualClock) -> None:
    add_clients(desk, 5)

    def play() -> list[tuple]:
        Call.delete().execute()
        clock._now = OFF_PEAK
        run_for(Simulator(desk, seed=42), clock, 300)
        return [(c.number_raw, c.queue, c.arrived_at, c.status) for c in Call.select().order_by(Call.id)]

    first = play()
    assert len(first) > 5
    assert play() == first
    Call.delete().execute()
    clock._now = OFF_PEAK
    run_for(Simulator(desk, seed=43), clock, 300)
    assert [c.number_raw for c in Call.select().order_by(Call.id)] != [c[0] for c in first]


def test_peak_hours_ring_more_often_than_quiet_ones(desk: Desk) -> None:
    roomy = {"max_waiting": 1000, "patience_seconds": 10_000.0, "arrival_per_minute": 4.0, "peak_factor": 3.0}

    def calls_in_20_minutes(start: datetime) -> int:
        clock = ManualClock(start)
        return len(run_for(Simulator(desk_with(desk, clock, **roomy), seed=5), clock, 1200, tick=10))

    quiet, busy = calls_in_20_minutes(OFF_PEAK), calls_in_20_minutes(PEAK)
    assert 55 <= quiet <= 105  # about 4 a minute
    assert busy > 2 * quiet


def test_a_caller_left_waiting_hangs_up_after_their_patience(desk: Desk, clock: ManualClock) -> None:
    simulator = Simulator(desk_with(desk, patience_seconds=40.0, arrival_per_minute=0.01), seed=3)
    [call_id] = run_for(simulator, clock, 3)
    run_for(simulator, clock, 19)
    assert Call.get_by_id(call_id).status == "ringing"  # patience is at least half the setting
    run_for(simulator, clock, 45)
    call = Call.get_by_id(call_id)
    assert call.status == "abandoned"
    assert 20 <= (call.ended_at - call.arrived_at).total_seconds() <= 61


def test_an_answered_caller_hangs_up_and_the_operator_goes_to_wrap_up(desk: Desk, clock: ManualClock) -> None:
    asha = add_operator(desk, "asha")
    simulator = Simulator(desk_with(desk, talk_seconds=100.0, arrival_per_minute=0.01), seed=3)
    [call_id] = run_for(simulator, clock, 3)
    claim_call(desk, call_id, asha.id)
    run_for(simulator, clock, 49)
    assert Call.get_by_id(call_id).status == "answered"
    run_for(simulator, clock, 110)
    call = Call.get_by_id(call_id)
    assert call.status == "completed"
    assert 50 <= (call.ended_at - call.answered_at).total_seconds() <= 151
    assert get_operator(asha.id).state == "wrap_up"


def test_the_queue_never_floods(desk: Desk, clock: ManualClock) -> None:
    simulator = Simulator(desk_with(desk, max_waiting=3, patience_seconds=10_000.0, arrival_per_minute=30.0), seed=9)
    run_for(simulator, clock, 600, tick=2)
    assert len(waiting_calls(desk)) == 3


def test_known_callers_are_recognised_and_strangers_are_not(desk: Desk, clock: ManualClock) -> None:
    clients = add_clients(desk, 20)
    roomy = {"max_waiting": 1000, "patience_seconds": 10_000.0, "arrival_per_minute": 30.0}
    run_for(Simulator(desk_with(desk, known_caller_share=1.0, **roomy), seed=1), clock, 120)
    known = list(Call.select())
    assert len(known) > 20 and all(c.client_id in clients for c in known)
    Call.delete().execute()
    run_for(Simulator(desk_with(desk, known_caller_share=0.0, **roomy), seed=1), clock, 120)
    assert all(c.client_id is None for c in Call.select())


def test_strangers_call_from_local_mobiles_a_few_from_abroad_and_rarely_from_nonsense(
    desk: Desk, clock: ManualClock
) -> None:
    roomy = {"max_waiting": 1000, "patience_seconds": 10_000.0, "arrival_per_minute": 60.0, "known_caller_share": 0.0}
    run_for(Simulator(desk_with(desk, **roomy), seed=11), clock, 200, tick=2)
    phones = [parse_phone(c.number_raw, "IN") for c in Call.select()]
    local = [p for p in phones if p.valid and p.e164.startswith("+91")]
    foreign = [p for p in phones if p.valid and not p.e164.startswith("+91")]
    broken = [p for p in phones if not p.valid]
    assert len(phones) > 120
    assert len(local) > 0.8 * len(phones)
    assert 0 < len(foreign) < 0.15 * len(phones)
    assert 0 < len(broken) < 0.08 * len(phones)


def test_the_run_loop_reports_a_live_link_and_stops_when_asked(desk: Desk, clock: ManualClock) -> None:
    reports: list[LinkState] = []
    stop = threading.Event()
    thread = threading.Thread(target=Simulator(desk, seed=2).run, args=(stop, reports.append))
    thread.start()
    try:
        clock.advance(3)
        deadline = time.monotonic() + 5
        while not waiting_calls(desk) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_calls(desk)
    finally:
        stop.set()
        thread.join(timeout=2)
    assert not thread.is_alive()
    assert [r.status for r in reports] == ["connected"]


def test_the_config_picks_the_source(desk: Desk) -> None:
    def source_for(kind: str):
        return make_source(Desk(desk.config._replace(call_source=kind), desk.clock))

    assert isinstance(source_for("simulator"), Simulator)
    assert source_for("none") is None


def test_the_simulator_section_is_read_from_config_yaml(tmp_path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("simulator:\n  arrival_per_minute: 12\n  peak_hours: [9, 18]\n  known_caller_share: 0.25\n")
    settings = load_config(path).simulator
    assert settings == SimulatorSettings(arrival_per_minute=12.0, peak_hours=(9, 18), known_caller_share=0.25)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("simulator:\n  known_caller_share: 1.5\n", ":2: simulator.known_caller_share: expected a share from 0 to 1"),
        ("simulator:\n  peak_hours: [9, 25]\n", ":2: simulator.peak_hours: expected an hour from 0 to 23"),
        ("simulator:\n  arrival_per_minute: 0\n", ":2: simulator.arrival_per_minute: must be greater than 0"),
        ("simulator:\n  max_waiting: 2.5\n", ":2: simulator.max_waiting: expected a whole number"),
        ("simulator:\n  ringtone: loud\n", ":2: simulator.ringtone: unknown key"),
    ],
)
def test_a_bad_simulator_setting_names_its_line_and_key(tmp_path, yaml_text: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_config(path)
