"""Asterisk feeds the desk through AMI: tests against a stand-in server that speaks the protocol over TCP."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from ami_server import AmiServer
from peewee import DataError, IntegrityError, OperationalError

from calldesk.config import ConfigError, load_config
from calldesk.desk.calls import consult, handling, pbx_events
from calldesk.desk.calls.queue import ring_call, waiting_calls
from calldesk.desk.clients.directory import NewPhone, create_client, match_caller
from calldesk.desk.context import Desk
from calldesk.desk.operators.roster import add_operator, get_operator
from calldesk.store.models import Call, OperatorStateChange
from calldesk.telephony import ami
from calldesk.telephony.ami import AmiSource, TelephonyError, dial_string
from calldesk.telephony.source import LinkState


def eventually(check: Callable[[], object], timeout: float = 5.0) -> object:
    """Wait until ``check()`` is truthy: the source works in its own thread."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, "the condition did not come true in time"
            return result
        time.sleep(0.02)


def call_for(uniqueid: str) -> Call | None:
    return Call.get_or_none(Call.external_id == uniqueid)


def status_of(uniqueid: str) -> str | None:
    call = call_for(uniqueid)
    return call.status if call else None


class Line:
    """The AMI source running against the test server, with the link states it reported."""

    def __init__(self, desk: Desk, server: AmiServer) -> None:
        self.server = server
        self.reports: list[LinkState] = []
        operators = {"PJSIP/102": "ravi"}
        settings = desk.config.ami._replace(port=server.port, operators=operators)
        self.source = AmiSource(desk, settings)
        self.source.events.leave_grace_seconds = 0.3
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.source.run, args=(self._stop, self.reports.append))

    def start(self, wait_connected: bool = True) -> Line:
        self._thread.start()
        if wait_connected:
            self.wait_for("connected")
        return self

    def wait_for(self, status: str, count: int = 1) -> LinkState:
        eventually(lambda: sum(r.status == status for r in self.reports) >= count)
        return [r for r in self.reports if r.status == status][-1]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        assert not self._thread.is_alive()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AmiServer]:
    monkeypatch.setattr(ami, "FIRST_RETRY_SECONDS", 0.1)
    with AmiServer(secret="s3cret") as server:
        monkeypatch.setenv("CALLDESK_AMI_SECRET", "s3cret")
        yield server


@pytest.fixture
def line(desk: Desk, server: AmiServer) -> Iterator[Line]:
    add_operator(desk, "asha", "Asha Rao", extension="101")
    add_operator(desk, "ravi", "Ravi Kumar")
    line = Line(desk, server)
    yield line
    line.stop()


def join(uniqueid: str, number: str = "+919812345678", queue: str = "support", name: str = "") -> dict:
    return {"Event": "QueueCallerJoin", "Channel": f"PJSIP/trunk-{uniqueid}", "Uniqueid": uniqueid,
            "Linkedid": uniqueid, "CallerIDNum": number, "CallerIDName": name or "<unknown>", "Queue": queue,
            "Position": "1", "Count": "1"}


def test_a_call_rings_is_answered_by_the_mapped_operator_and_ends_with_its_talk_time(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    client = create_client(desk, "Meera Iyer", [NewPhone("098123 45678")])
    line.start()
    server.emit_many([join("1700.1", "9812345678", name="MEERA IYER")])
    call = eventually(lambda: call_for("1700.1"))
    assert (call.status, call.queue, call.client_id, call.caller_name) == ("ringing", "support", client, "MEERA IYER")
    assert call.number_e164 == "+919812345678"
    assert [w.id for w in waiting_calls(desk)] == [call.id]

    server.emit("AgentCalled", Uniqueid="1700.1", Linkedid="1700.1", Queue="support", Interface="PJSIP/101",
                MemberName="Asha", DestChannel="PJSIP/101-00000001")
    eventually(lambda: call_for("1700.1").offered_to == "asha")
    desk.clock.advance(8)
    server.emit("QueueCallerLeave", Uniqueid="1700.1", Queue="support", Count="0", Position="1")
    server.emit("AgentConnect", Uniqueid="1700.1", Linkedid="1700.1", Queue="support", Interface="PJSIP/101",
                MemberName="Asha", HoldTime="8", RingTime="3", DestUniqueid="1700.2")
    answered = eventually(lambda: status_of("1700.1") == "answered" and call_for("1700.1"))
    assert answered.operator.login == "asha"
    assert answered.rings == 2
    assert get_operator(answered.operator_id).state == "on_call"

    time.sleep(0.5)  # past the grace for QueueCallerLeave: an answered caller is not counted as lost
    desk.clock.advance(120)
    server.emit("AgentComplete", Uniqueid="1700.1", Linkedid="1700.1", Queue="support", Interface="PJSIP/101",
                MemberName="Asha", HoldTime="8", TalkTime="42", Reason="caller")
    server.emit("Hangup", Uniqueid="1700.1", Linkedid="1700.1", Channel="PJSIP/trunk-1700.1", Cause="16")
    ended = eventually(lambda: status_of("1700.1") == "completed" and call_for("1700.1"))
    assert ended.ended_at - ended.answered_at == timedelta(seconds=42)
    assert get_operator(ended.operator_id).state == "wrap_up"
    history = OperatorStateChange.select().where(OperatorStateChange.operator == ended.operator_id).order_by(
        OperatorStateChange.id
    )
    assert [(h.state, h.started_at) for h in history][-2:] == [("on_call", answered.answered_at),
                                                              ("wrap_up", desk.clock.now())]
    assert line.reports[-1].status == "connected"


def test_a_caller_who_gives_up_in_the_queue_is_marked_abandoned(desk: Desk, server: AmiServer, line: Line) -> None:
    line.start()
    server.emit_many([join("1.1"), join("1.2"), join("1.3")])
    eventually(lambda: len(waiting_calls(desk)) == 3)
    server.emit("QueueCallerAbandon", Uniqueid="1.1", Queue="support", Position="1", OriginalPosition="1",
                HoldTime="30")
    server.emit("QueueCallerLeave", Uniqueid="1.2", Queue="support", Count="1", Position="1")  # queue timeout
    server.emit("Hangup", Uniqueid="1.3", Linkedid="1.3", Channel="PJSIP/trunk-1.3", Cause="16")
    eventually(lambda: [status_of(u) for u in ("1.1", "1.2", "1.3")] == ["abandoned"] * 3)
    assert waiting_calls(desk) == []


def test_an_operator_the_config_maps_by_interface_answers_and_an_unknown_phone_still_answers(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    line.start()
    server.emit_many([join("2.1"), join("2.2")])
    eventually(lambda: len(waiting_calls(desk)) == 2)
    server.emit("AgentConnect", Uniqueid="2.1", Interface="PJSIP/102", MemberName="Ravi")
    server.emit("AgentConnect", Uniqueid="2.2", Interface="PJSIP/999", MemberName="Temp")
    eventually(lambda: status_of("2.1") == status_of("2.2") == "answered")
    assert call_for("2.1").operator.login == "ravi"
    assert call_for("2.2").operator is None


def test_a_pbx_transfer_to_another_queue_rings_again_there(desk: Desk, server: AmiServer, line: Line) -> None:
    line.start()
    server.emit_many([join("3.1"), {"Event": "AgentConnect", "Uniqueid": "3.1", "Interface": "PJSIP/101"}])
    eventually(lambda: status_of("3.1") == "answered")
    server.emit("AgentComplete", Uniqueid="3.1", Interface="PJSIP/101", TalkTime="20", Reason="transfer")
    server.emit_many([join("3.1", queue="sales")])
    eventually(lambda: status_of("3.1") == "ringing")
    first, onward = Call.select().order_by(Call.id)
    assert (first.status, first.queue) == ("transferred", "support")
    assert (onward.queue, onward.number_e164) == ("sales", "+919812345678")


def test_after_a_lost_link_the_queue_is_resynchronised_with_the_pbx(desk: Desk, server: AmiServer, line: Line) -> None:
    line.start()
    server.emit_many([join("4.1"), join("4.2"), join("4.3")])
    server.emit("AgentConnect", Uniqueid="4.3", Interface="PJSIP/101", MemberName="Asha")
    eventually(lambda: status_of("4.3") == "answered")
    asha = call_for("4.3").operator_id

    server.drop()
    lost = line.wait_for("reconnecting", count=2)  # the first was "connecting" at start
    assert "lost" in lost.detail
    # While the link was down: 4.1 hung up, 4.2 still waits, 4.4 joined, 4.3 finished talking.
    server.queue_entries = [
        {"Queue": "support", "Position": "1", "Uniqueid": "4.2", "CallerIDNum": "+919812345678", "Wait": "40"},
        {"Queue": "sales", "Position": "1", "Uniqueid": "4.4", "CallerIDNum": "+442079460958",
         "CallerIDName": "J Smith", "Wait": "15"},
        {"Queue": "sales", "Position": "2", "Uniqueid": "4" * 65, "CallerIDNum": "+442079460959", "Wait": "5"},
    ]
    server.queue_members = [{"Queue": "support", "Name": "Asha", "Interface": "PJSIP/101", "InCall": "0",
                             "Status": "1", "Paused": "0"}]
    line.wait_for("connected", count=2)
    assert server.logins == 2
    assert [status_of(u) for u in ("4.1", "4.2", "4.3", "4.4")] == ["abandoned", "ringing", "completed", "ringing"]
    assert Call.select().count() == 4  # a caller whose PBX id is too long for the desk is left out, not a failure
    newcomer = call_for("4.4")
    assert (newcomer.queue, newcomer.caller_name) == ("sales", "J Smith")
    assert desk.clock.now() - newcomer.arrived_at == timedelta(seconds=15)
    assert get_operator(asha).state == "wrap_up"
    assert {w.id for w in waiting_calls(desk)} == {call_for("4.2").id, newcomer.id}

    handling.wrap_up(desk, call_for("4.3").id, asha, desk.config.dispositions[0])  # her console: free for the next
    server.emit("AgentConnect", Uniqueid="4.4", Interface="PJSIP/101")  # events flow again
    eventually(lambda: status_of("4.4") == "answered")


@pytest.mark.parametrize("talk", ["nan", "inf", "1e20", "-5"])
def test_a_talk_time_that_is_no_duration_ends_the_call_now_and_the_source_goes_on(
    desk: Desk, server: AmiServer, line: Line, talk: str
) -> None:
    line.start()
    server.emit_many([join("6.1"), {"Event": "AgentConnect", "Uniqueid": "6.1", "Interface": "PJSIP/101"}])
    answered = eventually(lambda: status_of("6.1") == "answered" and call_for("6.1"))
    desk.clock.advance(30)
    server.emit("AgentComplete", Uniqueid="6.1", Interface="PJSIP/101", TalkTime=talk, Reason="caller")
    ended = eventually(lambda: status_of("6.1") == "completed" and call_for("6.1"))
    assert ended.ended_at - answered.answered_at == timedelta(seconds=30)  # the PBX's count was no use: now
    server.emit("QueueCallerJoin", Uniqueid="6.2", Queue="support", CallerIDNum="+919812345679", Wait="inf")
    assert eventually(lambda: status_of("6.2") == "ringing")  # later callers are still recorded
    assert line.reports[-1].status == "connected"


def test_unknown_events_and_malformed_lines_change_nothing(desk: Desk, server: AmiServer, line: Line) -> None:
    line.start()
    server.emit("VarSet", Channel="PJSIP/trunk-1", Variable="FOO", Value="bar", Uniqueid="5.0")
    server.emit("Newchannel", Channel="PJSIP/trunk-1", Uniqueid="5.0", CallerIDNum="123")
    server.emit_raw("this line is not AMI at all\r\n\r\n")
    server.emit_raw("Event: QueueCallerJoin\r\nQueue: support\r\nCallerIDNum: +919812345678\r\n\r\n")  # no Uniqueid
    server.emit_raw("Event AgentConnect without a colon\r\nUniqueid:5.9\r\n\r\n")
    server.emit_raw(": \r\n\r\n\r\n\r\n")
    server.emit("AgentComplete", Uniqueid="no-such-call", TalkTime="abc")
    server.emit("QueueCallerJoin", Uniqueid="5.1", Queue="no-such-queue", CallerIDNum="<unknown>")
    server.emit("QueueCallerJoin", Uniqueid="5.2", Queue="sales", CallerIDNum="+91 98123 😀 45678",
                CallerIDName="शर्मा जी")
    eventually(lambda: call_for("5.2"))
    unknown_queue, odd = call_for("5.1"), call_for("5.2")
    assert (unknown_queue.queue, unknown_queue.number_raw) == ("support", "")  # the first queue; no caller ID
    assert (odd.queue, odd.caller_name, odd.number_raw) == ("sales", "शर्मा जी", "+91 98123 😀 45678")  # kept as sent
    assert Call.select().count() == 2
    assert line.reports[-1].status == "connected"


def test_a_wrong_secret_is_a_clear_error_that_never_shows_the_secret(
    desk: Desk, server: AmiServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CALLDESK_AMI_SECRET", "hunter2-wrong")
    caplog.set_level(logging.DEBUG)
    line = Line(desk, server).start(wait_connected=False)
    try:
        down = line.wait_for("down")
    finally:
        line.stop()
    assert down.detail.startswith(
        f"AMI login refused for calldesk@127.0.0.1:{server.port}: Authentication failed "
        "(check the secret in $CALLDESK_AMI_SECRET); retrying in"
    )
    assert "down since" in down.describe()
    everything = caplog.text + " ".join(r.detail for r in line.reports)
    assert "hunter2" not in everything
    assert server.logins == 0


def test_no_secret_at_all_says_where_to_put_it(desk: Desk, server: AmiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLDESK_AMI_SECRET")
    line = Line(desk, server).start(wait_connected=False)
    try:
        down = line.wait_for("down")
    finally:
        line.stop()
    assert "set the environment variable CALLDESK_AMI_SECRET" in down.detail


def test_the_secret_can_come_from_a_file(desk: Desk, server: AmiServer, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path) -> None:
    monkeypatch.delenv("CALLDESK_AMI_SECRET")
    (tmp_path / "ami-secret").write_text("s3cret\n")
    line = Line(desk, server)
    line.source.settings = line.source.settings._replace(secret_file=str(tmp_path / "ami-secret"))
    line.start()
    line.stop()
    assert server.logins == 1


def test_a_pbx_that_is_not_there_shows_the_link_down_and_the_desk_keeps_working(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLDESK_AMI_SECRET", "s3cret")
    with AmiServer() as gone:
        port = gone.port
    settings = desk.config.ami._replace(port=port)
    reports: list[LinkState] = []
    stop = threading.Event()
    thread = threading.Thread(target=AmiSource(desk, settings).run, args=(stop, reports.append))
    thread.start()
    try:
        eventually(lambda: any(r.status == "down" for r in reports))
        assert ring_call(desk, "+919812345678") in [w.id for w in waiting_calls(desk)]  # the ring hook still works
    finally:
        stop.set()
        thread.join(5)
    down = next(r for r in reports if r.status == "down")
    assert f"cannot reach Asterisk at 127.0.0.1:{port}" in down.detail


def test_a_burst_of_a_thousand_events_is_stored_without_losing_one(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    line.start()
    burst = [join(f"9.{i}", f"+9198{i:08d}") for i in range(500)]
    burst += [{"Event": "QueueCallerAbandon", "Uniqueid": f"9.{i}", "Queue": "support"} for i in range(0, 500, 2)]
    # Each answered at a phone of its own that no operator is mapped to: one operator is never on two live calls
    burst += [{"Event": "AgentConnect", "Uniqueid": f"9.{i}", "Interface": f"PJSIP/7{i:03d}"} for i in range(1, 500, 2)]
    assert len(burst) == 1000
    server.emit_many(burst)
    eventually(lambda: Call.select().where(Call.status == "answered").count() == 250, timeout=30)
    assert Call.select().count() == 500
    assert Call.select().where(Call.status == "abandoned").count() == 250
    assert Call.select().where(Call.operator.is_null(False)).count() == 0


def test_a_burst_of_callers_joining_is_stored_at_once_each_matched_as_one_caller_alone(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    rahul = create_client(desk, "Rahul Sharma", [NewPhone("098765 43210"), NewPhone("022 2765 4321 ext. 214")])
    delhi = create_client(desk, "Amit Gupta", [NewPhone("011 2345 6789")])
    create_client(desk, "Neha Shah", [NewPhone("022 2345 6789")])
    line.start()
    server.emit_many([join("t.1"), {"Event": "AgentConnect", "Uniqueid": "t.1", "Interface": "PJSIP/101"}])
    server.emit("AgentComplete", Uniqueid="t.1", Interface="PJSIP/101", TalkTime="20", Reason="transfer")
    eventually(lambda: status_of("t.1") == "transferred")
    callers = {
        "b.1": "+919876543210", "b.2": "09876543210", "b.3": "27654321",  # E.164, national form, the tail alone
        "b.4": "011 2345 6789", "b.5": "23456789",  # a full number; a tail two clients share
        "b.6": "+1 415 555 0134", "b.7": "<unknown>", "t.1": "+919812345678",  # a stranger, no caller ID, a transfer
    }
    burst = [join(uniqueid, number, queue="sales" if uniqueid == "t.1" else "support")
             for uniqueid, number in callers.items()]
    server.emit_many([*burst[:3], join("b.1", "+919876543210"), *burst[3:]])  # Asterisk repeats a join: one call
    eventually(lambda: status_of("t.1") == "ringing")
    stored = {c.external_id: c for c in Call.select().where(Call.status == "ringing")}
    assert {u: c.client_id for u, c in stored.items()} == {
        "b.1": rahul, "b.2": rahul, "b.3": rahul, "b.4": delhi, "b.5": None, "b.6": None, "b.7": None, "t.1": None,
    }
    assert {u: c.client_id for u, c in stored.items()} == {
        u: match_caller(desk, "" if n == "<unknown>" else n) for u, n in callers.items()
    }
    assert (stored["t.1"].queue, Call.select().where(Call.status == "transferred").count()) == ("sales", 1)
    assert [w.id for w in waiting_calls(desk)] == [stored[u].id for u in callers]  # in the order they joined


def test_a_database_failure_in_a_burst_loses_no_caller_and_stores_none_twice(
    desk: Desk, server: AmiServer, line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_ring_calls, runs = pbx_events.ring_calls, []

    def failing_once(desk: Desk, incoming: list) -> list[int]:
        runs.append(len(incoming))
        if len(runs) == 2:  # the burst's second run of joins: the first is written but not yet committed
            raise OperationalError("disk I/O error")
        return real_ring_calls(desk, incoming)

    monkeypatch.setattr(pbx_events, "ring_calls", failing_once)
    line.start()
    answer = {"Event": "AgentConnect", "Uniqueid": "8.0", "Interface": "PJSIP/101"}
    server.emit_many([*(join(f"8.{i}", f"+9198{i:08d}") for i in range(50)), answer,
                      *(join(f"8.{i}", f"+9198{i:08d}") for i in range(50, 100))])
    eventually(lambda: Call.select().count() == 100 and status_of("8.0") == "answered", timeout=10)
    assert len(runs) > 2  # it failed once and was stored when the database answered again
    assert sorted(c.external_id for c in Call.select()) == sorted(f"8.{i}" for i in range(100))
    asha = call_for("8.0").operator_id
    assert get_operator(asha).state == "on_call"
    assert OperatorStateChange.select().where((OperatorStateChange.operator == asha) &
                                              (OperatorStateChange.state == "on_call")).count() == 1


@pytest.mark.parametrize("refusal", [IntegrityError("UNIQUE constraint failed: call.external_id"),
                                     DataError("value too long for type character varying(64)")],
                         ids=["duplicate", "too long"])
def test_a_join_the_database_refuses_is_logged_and_the_rest_of_the_burst_stored(
    desk: Desk, server: AmiServer, line: Line, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    refusal: Exception,
) -> None:
    real_ring_calls = pbx_events.ring_calls

    def refusing(desk: Desk, incoming: list) -> list[int]:
        if any(call.external_id == "6.2" for call in incoming):
            raise refusal
        return real_ring_calls(desk, incoming)

    monkeypatch.setattr(pbx_events, "ring_calls", refusing)
    line.start()
    server.emit_many([join("6.1"), join("6.2"), join("6.3")])
    eventually(lambda: status_of("6.3") == "ringing")
    assert [status_of(u) for u in ("6.1", "6.2", "6.3")] == ["ringing", None, "ringing"]
    assert f"AMI QueueCallerJoin 6.2: {refusal}" in caplog.text
    assert not line.source._pending  # dropped, not held as if the database were away
    server.emit("AgentConnect", Uniqueid="6.3", Interface="PJSIP/101")  # later events are stored at once
    eventually(lambda: status_of("6.3") == "answered")


def test_a_pbx_id_longer_than_the_desk_keeps_is_logged_and_dropped_and_later_events_flow(
    desk: Desk, server: AmiServer, line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    line.start()
    server.emit_many([join("7.1"), {"Event": "AgentConnect", "Uniqueid": "7.1", "Interface": "PJSIP/101"}])
    eventually(lambda: status_of("7.1") == "answered")
    too_long = "pbx1-" + "7" * 75
    # One batch: the caller is transferred to sales while another joins with an id PostgreSQL would refuse.
    server.emit_many([
        {"Event": "AgentComplete", "Uniqueid": "7.1", "Interface": "PJSIP/101", "TalkTime": "20", "Reason": "transfer"},
        join("7.1", queue="sales"),
        {"Event": "AgentCalled", "Uniqueid": "7.1", "Interface": "PJSIP/102", "MemberName": "Ravi"},
        join(too_long),
        join("7.2", "+919800000002", name="Nul\x00Name"),
    ])
    eventually(lambda: status_of("7.2") == "ringing")
    first, onward = Call.select().where(Call.number_e164 == "+919812345678").order_by(Call.id)
    assert (first.status, onward.status, onward.queue, onward.offered_to) == ("transferred", "ringing", "sales", "ravi")
    assert get_operator(first.operator_id).state == "wrap_up"
    assert call_for("7.2").caller_name == "NulName"  # PostgreSQL refuses NUL in text; a PBX never means one
    assert Call.select().count() == 3
    assert f"AMI QueueCallerJoin {too_long}: the PBX's id for the call is 80 characters long" in caplog.text
    assert not line.source._pending
    assert line.reports[-1].status == "connected"


def test_click_to_call_rings_the_operators_phone_and_dials_the_client(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    line.start()
    line.source.call_out("asha", "+44 20 7946 0958")
    line.source.call_out("ravi", "098123 45678")
    originates = [a for a in server.actions if a.get("Action") == "Originate"]
    assert [(a["Channel"], a["Exten"], a["Context"]) for a in originates] == [
        ("PJSIP/101", "00442079460958", "from-internal"),
        ("PJSIP/102", "09812345678", "from-internal"),
    ]
    with pytest.raises(TelephonyError, match="cannot dial 'abc': not a phone number"):
        line.source.call_out("asha", "abc")


def test_pausing_in_the_console_pauses_the_operator_in_the_pbx_queues(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    server.queue_members = [{"Queue": "support", "Name": "Asha", "Interface": "PJSIP/101", "Status": "1"}]
    line.start()
    line.source.set_paused("asha", True, "Lunch")
    line.source.set_paused("asha", False)
    pauses = [a for a in server.actions if a.get("Action") == "QueuePause"]
    assert [(a["Interface"], a["Paused"], a.get("Reason")) for a in pauses] == [
        ("PJSIP/101", "true", "Lunch"), ("PJSIP/101", "false", None),
    ]
    with pytest.raises(TelephonyError, match="the PBX refused to pause: Interface not found"):
        line.source.set_paused("ravi", True, "Break")
    add_operator(desk, "nobody")
    with pytest.raises(TelephonyError, match="operator 'nobody' has no phone"):
        line.source.set_paused("nobody", True)


def test_click_to_call_while_the_link_is_down_says_so(desk: Desk) -> None:
    source = AmiSource(desk)
    add_operator(desk, "asha", extension="101")
    with pytest.raises(TelephonyError, match=r"cannot dial \+919812345678: the PBX link is down since"):
        source.call_out("asha", "+919812345678")


def test_dial_strings_follow_the_desk_region() -> None:
    assert dial_string("+919812345678", "IN") == "09812345678"
    assert dial_string("+12025550123", "IN", prefix="9") == "90012025550123"
    assert dial_string("020 7946 0958", "GB") == "02079460958"


def test_the_ami_section_is_read_and_a_secret_in_it_is_refused(tmp_path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text('ami:\n  host: pbx.local\n  port: 5039\n  operators:\n    "PJSIP/101": asha\n')
    settings = load_config(path).ami
    assert (settings.host, settings.port, settings.operators) == ("pbx.local", 5039, {"PJSIP/101": "asha"})
    path.write_text("ami:\n  host: pbx.local\n  secret: hunter2\n")
    with pytest.raises(ConfigError, match=r":3: ami.secret: secrets never go in config.yaml"):
        load_config(path)
    path.write_text("ami:\n  channel: PJSIP/101\n")
    with pytest.raises(ConfigError, match=r":2: ami.channel: must contain \{extension\}"):
        load_config(path)


def _answered_by_asha(desk: Desk, server: AmiServer, uniqueid: str) -> Call:
    """A caller Asha answered at her phone, PJSIP/101-0000000a: the line a consult starts from."""
    server.emit_many([join(uniqueid)])
    eventually(lambda: call_for(uniqueid))
    server.emit("AgentConnect", Uniqueid=uniqueid, Linkedid=uniqueid, Queue="support", Interface="PJSIP/101",
                MemberName="Asha", DestChannel="PJSIP/101-0000000a", HoldTime="3", RingTime="2")
    return eventually(lambda: status_of(uniqueid) == "answered" and call_for(uniqueid))


def test_consult_first_is_an_attended_transfer_on_the_operators_line_and_returning_cancels_it(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    meena = add_operator(desk, "meena", "Meena Nair", extension="103")
    line.start()
    call = _answered_by_asha(desk, server, "1700.40")
    asha = call.operator_id

    planned = consult.consult_to_start(desk, call.id, asha, "meena")
    line.source.start_consult(planned)
    consult.start_consult(desk, planned)
    line.source.cancel_consult(planned)
    consult.return_from_consult(desk, call.id, asha)
    planned = consult.consult_to_start(desk, call.id, asha, "meena")
    line.source.start_consult(planned)
    consult.start_consult(desk, planned, "wants the refund")
    line.source.complete_consult(consult.consult_to_complete(desk, call.id, asha))
    onward = consult.complete_consult(desk, call.id, asha)

    sent = [a for a in server.actions if a.get("Action") in ("Atxfer", "CancelAtxfer", "Hangup")]
    assert [(a["Action"], a["Channel"], a.get("Exten"), a.get("Context")) for a in sent] == [
        ("Atxfer", "PJSIP/101-0000000a", "103", "from-internal"),
        ("CancelAtxfer", "PJSIP/101-0000000a", None, None),  # returning: the colleague is hung up on
        ("Atxfer", "PJSIP/101-0000000a", "103", "from-internal"),
        ("Hangup", "PJSIP/101-0000000a", None, None),  # completing: Asha's line leaves, the caller goes to Meena
    ]
    assert Call.get_by_id(onward).operator_id == meena.id
    # Asterisk then reports the hand-over; the desk has it already
    server.emit("AgentComplete", Uniqueid="1700.40", Linkedid="1700.40", Queue="support", Interface="PJSIP/101",
                MemberName="Asha", HoldTime="3", TalkTime="60", Reason="transfer")
    time.sleep(0.3)
    assert (Call.get_by_id(call.id).transferred_to, Call.get_by_id(onward).status) == ("meena", "answered")


def test_a_consult_the_pbx_refuses_is_one_line_and_changes_nothing(
    desk: Desk, server: AmiServer, line: Line
) -> None:
    add_operator(desk, "meena", "Meena Nair", extension="103")
    line.start()
    call = _answered_by_asha(desk, server, "1700.41")
    server.refusing["atxfer"] = "No such channel"
    planned = consult.consult_to_start(desk, call.id, call.operator_id, "meena")
    with pytest.raises(TelephonyError) as refused:
        line.source.start_consult(planned)
    assert str(refused.value) == "the PBX refused to call Meena Nair: No such channel"
    assert (Call.get_by_id(call.id).status, Call.get_by_id(call.id).consult_with) == ("answered", "")
    server.refusing = {"cancelatxfer": "No active transfer"}
    consult.start_consult(desk, planned)  # the PBX took the Atxfer this time
    with pytest.raises(TelephonyError, match=r"^the PBX refused to go back to the caller: No active transfer$"):
        line.source.cancel_consult(planned)
    assert Call.get_by_id(call.id).consult_with == "meena"  # still consulting: the console says so, and no more
    # a call answered at the console, not at the phone: the PBX never said which line it is on
    with pytest.raises(TelephonyError, match=r"^cannot consult: the PBX has not said which line ravi is on"):
        line.source.start_consult(replace(planned, operator_login="ravi"))
