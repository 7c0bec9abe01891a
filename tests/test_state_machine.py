"""One state machine for calls and operators (calldesk/desk/calls/states.py), asked by every path: F2, the PBX's hook
commands, AMI, the simulator, the journal's replay, the command line and a lead's actions. The same rules hold on
each: an operator busy with a call takes no other, a disabled operator does nothing, and an event for a call that has
moved on already (a late hang-up, an answer told twice) changes nothing and is no error."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from ami_server import AmiServer

from calldesk.cli import main
from calldesk.desk.callbacks.promises import CallbackRequest, create_callback, reassign_callbacks, start_callback
from calldesk.desk.calls import handling, pbx_events, queue
from calldesk.desk.calls.answer import answer_call
from calldesk.desk.calls.escalation import acknowledge_escalation, escalate_call
from calldesk.desk.calls.states import (
    CALL_MOVES,
    OPERATOR_MOVES,
    CallEvent,
    CallState,
    OperatorEvent,
    OperatorState,
    Refused,
    call_move,
    call_state,
    operator_move,
    sources_of,
)
from calldesk.desk.context import Desk
from calldesk.desk.errors import CallGone, CallTaken, DeskError, NotAllowed
from calldesk.desk.journal import Journal
from calldesk.desk.operators import roster
from calldesk.desk.operators.notices import NoticeKind, unread_notices
from calldesk.store.accounts import session_account
from calldesk.store.models import BaseModel, Call, CallBack, OperatorStateChange
from calldesk.telephony import ami
from calldesk.telephony.ami import AmiSource
from calldesk.telephony.simulator import Simulator
from calldesk.telephony.source import LinkState

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
NUMBER, OTHER_NUMBER = "+919812345678", "+919812345679"


# --- helpers ---------------------------------------------------------------------------------------------------------


def state_of(operator_id: int) -> str:
    return roster.get_operator(operator_id).state


def moves_of(operator_id: int) -> list[str]:
    """The operator's state history, oldest first: a no-op adds nothing to it."""
    return [s.state for s in OperatorStateChange.select().where(OperatorStateChange.operator == operator_id)
            .order_by(OperatorStateChange.id)]


def call_row(call_id: int) -> tuple:
    call = Call.get_by_id(call_id)
    return call.status, call.operator_id, call.answered_at, call.ended_at, call.wrapped_at, call.disposition


def everything() -> dict[str, list[str]]:
    """Every row of every table: to prove an event changed nothing at all."""
    models = sorted(_all_models(BaseModel), key=lambda m: m._meta.table_name)
    return {m._meta.table_name: sorted(repr(row) for row in m.select().tuples()) for m in models}


def _all_models(base: type) -> set[type]:
    found = set()
    for sub in base.__subclasses__():
        found |= {sub, *_all_models(sub)}
    return found


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("calldesk: ")
    assert "Traceback" not in err
    return lines[0]


def promise(desk: Desk, by_id: int, owner: str = "", reason: str = "Send the invoice copy") -> int:
    return create_callback(desk, by_id, CallbackRequest(
        reason=reason, due_at=desk.clock.now() + timedelta(hours=1), owner=owner, number=NUMBER))


def version_of(callback_id: int) -> int:
    return CallBack.get_by_id(callback_id).version


@pytest.fixture
def team(desk: Desk):
    """A lead (Lina, signed in as whoever runs the tests) and two operators with phones: Asha at 101, Ravi at 102."""
    lina = roster.add_operator(desk, "lina", "Lina Das", "support", role="lead", account=session_account())
    asha = roster.add_operator(desk, "asha", "Asha Rao", "support", extension="101")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "sales", extension="102")
    return lina, asha, ravi


@pytest.fixture
def hook(desk: Desk, db_url: str, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Runs `calldesk --config config.yaml --db URL ARGS...` as a dialplan or a lead would: (status, out, err)."""

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--config", str(CONFIG), "--db", db_url, *argv])
        out, err = capsys.readouterr()
        return status, out.strip(), err.strip()

    return run


# --- (a) the table itself --------------------------------------------------------------------------------------------


def test_each_call_event_has_one_answer_per_state_a_move_a_no_op_or_a_reason() -> None:
    for event, (sources, target, no_ops) in CALL_MOVES.items():
        assert not sources & no_ops, f"{event}: a state both moves and does nothing"
        for state in CallState:
            if state in sources:
                assert call_move(event, state, 7) == target
            elif state in no_ops:
                assert call_move(event, state, 7) is None
            else:
                with pytest.raises(Refused) as refused:
                    call_move(event, state, 7)
                reason = str(refused.value)
                assert reason.startswith("call 7 ") and len(reason) > len("call 7 ") + 10
                assert "\n" not in reason and "CallState" not in reason
                assert isinstance(refused.value, DeskError)  # every path shows it as a refusal, never a crash


def test_each_operator_event_has_one_answer_per_state_a_move_a_no_op_or_a_reason() -> None:
    for event, (sources, target, no_ops) in OPERATOR_MOVES.items():
        assert not sources & no_ops, f"{event}: a state both moves and does nothing"
        for state in OperatorState:
            if state in sources:
                assert operator_move(event, state, "Asha Rao") == target
            elif state in no_ops:
                assert operator_move(event, state, "Asha Rao") is None
            else:
                with pytest.raises(Refused) as refused:
                    operator_move(event, state, "Asha Rao")
                reason = str(refused.value)
                assert reason.startswith("Asha Rao ") and len(reason) > len("Asha Rao ") + 10
                assert "\n" not in reason and "OperatorState" not in reason


@pytest.mark.parametrize(("event", "state"), [
    (CallEvent.ANSWER, CallState.ANSWERED),  # a retrying PBX tells the answer twice
    (CallEvent.ANSWER, CallState.ENDED),
    (CallEvent.ANSWER, CallState.TRANSFERRED),
    (CallEvent.ANSWER, CallState.WRAPPED_UP),
    (CallEvent.HANG_UP, CallState.ENDED),  # a late hang-up
    (CallEvent.HANG_UP, CallState.TRANSFERRED),
    (CallEvent.HANG_UP, CallState.WRAPPED_UP),
    (CallEvent.HANG_UP, CallState.ABANDONED),
    (CallEvent.ABANDON, CallState.ANSWERED),  # QueueCallerLeave just before AgentConnect
    (CallEvent.ABANDON, CallState.ABANDONED),
    (CallEvent.ABANDON, CallState.WRAPPED_UP),
    (CallEvent.OFFER, CallState.ANSWERED),  # AgentRingNoAnswer after another phone picked up
    (CallEvent.OFFER, CallState.ABANDONED),
    (CallEvent.WRAP_UP, CallState.WRAPPED_UP),  # a journal entry replayed after the console wrapped up
])
def test_an_event_for_a_call_that_moved_on_is_a_no_op(event: CallEvent, state: CallState) -> None:
    assert call_move(event, state, 3) is None


@pytest.mark.parametrize(("move", "reason"), [
    (lambda: call_move(CallEvent.ANSWER, CallState.ABANDONED, 5),
     "call 5 was abandoned: the caller hung up before the answer"),
    (lambda: call_move(CallEvent.TRANSFER, CallState.ENDED, 5), "call 5 is not live any more"),
    (lambda: call_move(CallEvent.TRANSFER, CallState.TRANSFERRED, 5), "call 5 was transferred already"),
    (lambda: call_move(CallEvent.WRAP_UP, CallState.RINGING, 5),
     "call 5 is still waiting in the queue: nobody has answered it"),
    (lambda: call_move(CallEvent.HANG_UP, CallState.OFFERED, 5),
     "call 5 is still waiting in the queue: nobody has answered it"),
    (lambda: operator_move(OperatorEvent.ANSWER, "on_call", "Asha Rao"), "Asha Rao is on a call: finish it first (F6)"),
    (lambda: operator_move(OperatorEvent.ANSWER, "wrap_up", "Asha Rao"),
     "Asha Rao is wrapping up a call: finish the wrap-up first (F6)"),
    (lambda: operator_move(OperatorEvent.ANSWER, "paused", "Asha Rao"),
     "Asha Rao is paused: be available again first (ctrl+o)"),
    (lambda: operator_move(OperatorEvent.PAUSE, "on_call", "Asha Rao"), "Asha Rao is on a call: finish it first (F6)"),
    (lambda: operator_move(OperatorEvent.ANSWER, "disabled", "Asha Rao"),
     "Asha Rao is disabled: a team lead can enable them again"),
], ids=["answer-abandoned", "transfer-ended", "transfer-twice", "wrap-waiting", "hangup-ringing-phone",
        "answer-on-call", "answer-wrap-up", "answer-paused", "pause-on-call", "answer-disabled"])
def test_a_refused_move_says_why_in_words_for_the_console(move: Callable[[], object], reason: str) -> None:
    with pytest.raises(Refused) as refused:
        move()
    assert str(refused.value) == reason


def test_an_operator_busy_with_a_call_takes_no_other_and_a_free_one_does() -> None:
    for busy in ("on_call", "wrap_up", "paused", "disabled"):
        with pytest.raises(Refused):
            operator_move(OperatorEvent.ANSWER, busy, "Asha Rao")
    for free in ("available", "ringing", "offline"):  # offline: the handset picked up with the console closed
        assert operator_move(OperatorEvent.ANSWER, free, "Asha Rao") == OperatorState.ON_CALL
    assert sources_of(OperatorEvent.ANSWER) == ("available", "offline", "ringing")


def test_a_disabled_operator_acts_in_nothing_and_is_moved_by_nothing_but_enable() -> None:
    for event in (OperatorEvent.ANSWER, OperatorEvent.RING, OperatorEvent.PAUSE, OperatorEvent.RESUME,
                  OperatorEvent.SIGN_IN):  # what they would do, or be rung for
        with pytest.raises(Refused, match="Asha Rao is disabled: a team lead can enable them again"):
            operator_move(event, "disabled", "Asha Rao")
    for event in OperatorEvent:  # the line and the paperwork may move on around them; they stay disabled
        if event != OperatorEvent.ENABLE:
            with contextlib.suppress(Refused):
                assert operator_move(event, "disabled", "Asha Rao") is None
    assert operator_move(OperatorEvent.ENABLE, "disabled", "Asha Rao") == OperatorState.OFFLINE
    assert operator_move(OperatorEvent.ENABLE, "available", "Asha Rao") is None  # enabled already: nothing
    assert operator_move(OperatorEvent.DISABLE, "disabled", "Asha Rao") is None


@pytest.mark.parametrize(("status", "offered_to", "wrapped", "state"), [
    ("ringing", "", False, CallState.RINGING),
    ("ringing", "asha", False, CallState.OFFERED),
    ("answered", "", False, CallState.ANSWERED),
    ("completed", "", False, CallState.ENDED),
    ("completed", "", True, CallState.WRAPPED_UP),
    ("transferred", "", False, CallState.TRANSFERRED),
    ("transferred", "", True, CallState.WRAPPED_UP),
    ("abandoned", "", False, CallState.ABANDONED),
])
def test_a_calls_state_is_read_from_its_stored_columns(status, offered_to, wrapped, state) -> None:
    assert call_state(status, offered_to, 1.0 if wrapped else None) == state


# --- (b) every path asks the same rules ------------------------------------------------------------------------------


def test_f2_refuses_a_second_call_to_an_operator_busy_with_one_and_claims_nothing(desk: Desk, team) -> None:
    _, asha, _ = team
    first, second = queue.ring_call(desk, NUMBER), queue.ring_call(desk, OTHER_NUMBER)
    assert answer_call(desk, asha, first).me.state == "on_call"
    for f2 in (lambda: queue.claim_call(desk, second, asha.id), lambda: answer_call(desk, asha, second),
               lambda: answer_call(desk, asha, None), lambda: queue.answer_next(desk, asha.id)):
        with pytest.raises(Refused, match="Asha Rao is on a call: finish it first"):
            f2()
    assert call_row(second)[:2] == ("ringing", None)
    assert [w.id for w in queue.waiting_calls(desk)] == [second]

    handling.end_call(desk, first, asha.id)
    with pytest.raises(Refused, match="Asha Rao is wrapping up a call"):
        answer_call(desk, asha, second)
    handling.wrap_up(desk, first, asha.id, "Resolved")
    assert answer_call(desk, asha, None).view.call.id == second  # free again: F2 takes the waiting caller
    assert moves_of(asha.id) == ["on_call", "wrap_up", "available", "on_call"]


def test_f2_on_a_call_gone_or_taken_leaves_the_operator_as_they_were(desk: Desk, team) -> None:
    _, asha, ravi = team
    gone, taken = queue.ring_call(desk, NUMBER), queue.ring_call(desk, OTHER_NUMBER)
    queue.abandon_call(desk, gone)
    queue.claim_call(desk, taken, ravi.id)
    with pytest.raises(CallGone, match="the caller hung up before the answer"):
        queue.claim_call(desk, gone, asha.id)
    with pytest.raises(CallTaken, match="taken by Ravi Kumar"):
        answer_call(desk, asha, taken)
    assert state_of(asha.id) == "available" and moves_of(asha.id) == []  # the operator's move went back with it
    assert call_row(taken)[:2] == ("answered", ravi.id)


def test_f2_is_refused_to_a_paused_operator_until_they_resume(desk: Desk, team) -> None:
    _, asha, _ = team
    call_id = queue.ring_call(desk, NUMBER)
    roster.move(desk, asha.id, OperatorEvent.PAUSE, "Lunch")
    with pytest.raises(Refused, match="Asha Rao is paused"):
        queue.claim_call(desk, call_id, asha.id)
    roster.move(desk, asha.id, OperatorEvent.RESUME)
    queue.claim_call(desk, call_id, asha.id)
    with pytest.raises(Refused, match="Asha Rao is on a call"):
        roster.move(desk, asha.id, OperatorEvent.PAUSE, "Break")
    assert moves_of(asha.id) == ["paused", "available", "on_call"]


def test_the_hook_refuses_a_second_call_to_an_operator_on_a_call(desk: Desk, team, hook) -> None:
    _, asha, _ = team
    _, first, _ = hook("event", "ring", NUMBER, "--pbx-id", "1700.1")
    _, second, _ = hook("event", "ring", OTHER_NUMBER, "--pbx-id", "1700.2")
    assert hook("event", "answered", "1700.1", "--by", "asha") == (0, "", "")
    for who in (("--by", "asha"), ("--extension", "101")):
        status, out, err = hook("event", "answered", "1700.2", *who)
        assert (status, out) == (1, "")
        assert one_line(err) == "calldesk: Asha Rao is on a call: finish it first (F6)"
    assert call_row(int(second))[:2] == ("ringing", None)
    assert call_row(int(first))[:2] == ("answered", asha.id)
    assert moves_of(asha.id) == ["on_call"]


def test_the_hook_takes_a_late_hang_up_and_a_repeated_answer_as_no_ops(desk: Desk, team, hook) -> None:
    _, asha, ravi = team
    _, call_id, _ = hook("event", "ring", NUMBER, "--pbx-id", "1700.3")
    assert hook("event", "answered", "1700.3", "--extension", "101")[0] == 0
    answered = call_row(int(call_id))
    for again in (("--extension", "101"), ("--by", "asha"), ("--by", "ravi")):  # a retrying PBX
        assert hook("event", "answered", "1700.3", *again) == (0, "", "")
    assert call_row(int(call_id)) == answered
    assert state_of(ravi.id) == "available" and moves_of(ravi.id) == []

    desk.clock.advance(60)
    assert hook("event", "hangup", "1700.3") == (0, "completed", "")
    ended = call_row(int(call_id))
    desk.clock.advance(5)
    assert hook("event", "hangup", "1700.3") == (0, "completed", "")  # late: told twice
    assert hook("event", "hangup", call_id) == (0, "completed", "")
    assert hook("event", "abandon", "1700.3") == (0, "completed", "")
    assert hook("abandon", call_id) == (0, "completed", "")
    assert hook("event", "answered", "1700.3", "--by", "asha") == (0, "", "")  # an answer after the end
    assert call_row(int(call_id)) == ended
    assert moves_of(asha.id) == ["on_call", "wrap_up"]


def test_a_transfer_hook_for_a_call_that_ended_is_refused_and_changes_nothing(desk: Desk, team, hook) -> None:
    _, call_id, _ = hook("event", "ring", NUMBER, "--pbx-id", "1700.4")
    hook("event", "answered", "1700.4", "--by", "asha")
    hook("event", "hangup", "1700.4")
    before = everything()
    status, out, err = hook("event", "transfer", "1700.4", "--to", "billing")
    assert (status, out) == (1, "")
    assert one_line(err) == f"calldesk: call {call_id} is not live any more"
    assert everything() == before


# --- AMI, against the in-suite server ---


def eventually(check: Callable[[], object], timeout: float = 5.0) -> object:
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.02)
    return result


def pbx_call(uniqueid: str) -> Call | None:
    return Call.get_or_none(Call.external_id == uniqueid)


def status_of(uniqueid: str) -> str | None:
    call = pbx_call(uniqueid)
    return call.status if call else None


def join(uniqueid: str, number: str = NUMBER) -> dict[str, str]:
    return {"Event": "QueueCallerJoin", "Channel": f"PJSIP/trunk-{uniqueid}", "Uniqueid": uniqueid,
            "Linkedid": uniqueid, "CallerIDNum": number, "CallerIDName": "<unknown>", "Queue": "support",
            "Position": "1", "Count": "1"}


def connect(uniqueid: str, interface: str) -> dict[str, str]:
    return {"Event": "AgentConnect", "Uniqueid": uniqueid, "Linkedid": uniqueid, "Queue": "support",
            "Interface": interface, "HoldTime": "3"}


class AmiLine:
    """The AMI source running in its thread against the test server, with the link states it reported."""

    def __init__(self, desk: Desk, server: AmiServer) -> None:
        self.reports: list[LinkState] = []
        self.source = AmiSource(desk, desk.config.ami._replace(port=server.port))
        self.source.events.leave_grace_seconds = 0.3
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.source.run, args=(self._stop, self.reports.append))

    def start(self) -> AmiLine:
        self._thread.start()
        eventually(lambda: any(r.status == "connected" for r in self.reports))
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self.reports[-1].status == "connected"

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        assert not self._thread.is_alive()


@pytest.fixture
def ami_line(desk: Desk, team, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[AmiServer, AmiLine]]:
    monkeypatch.setattr(ami, "FIRST_RETRY_SECONDS", 0.1)
    monkeypatch.setenv("CALLDESK_AMI_SECRET", "s3cret")
    with AmiServer(secret="s3cret") as server:
        line = AmiLine(desk, server).start()
        yield server, line
        line.stop()


def test_ami_refuses_a_second_call_to_an_operator_on_a_call_and_keeps_running(
    desk: Desk, team, ami_line, caplog: pytest.LogCaptureFixture
) -> None:
    _, asha, ravi = team
    server, line = ami_line
    server.emit_many([join("2.1"), join("2.2", OTHER_NUMBER), connect("2.1", "PJSIP/101")])
    eventually(lambda: status_of("2.1") == "answered" and status_of("2.2") == "ringing")
    server.emit_many([connect("2.2", "PJSIP/101")])  # Asha's phone again, while she is on 2.1
    eventually(lambda: "Asha Rao is on a call: finish it first" in caplog.text)
    assert (pbx_call("2.2").status, pbx_call("2.2").operator_id) == ("ringing", None)
    assert moves_of(asha.id) == ["on_call"]

    server.emit_many([connect("2.2", "PJSIP/102")])  # the next event is applied: the link did not stop
    eventually(lambda: status_of("2.2") == "answered")
    assert (pbx_call("2.1").operator_id, pbx_call("2.2").operator_id) == (asha.id, ravi.id)
    assert line.running


def test_ami_takes_a_late_hang_up_and_a_repeated_answer_as_no_ops(
    desk: Desk, team, ami_line, caplog: pytest.LogCaptureFixture
) -> None:
    _, asha, ravi = team
    server, line = ami_line
    caplog.set_level(logging.WARNING, logger="calldesk.ami")
    server.emit_many([join("3.1"), connect("3.1", "PJSIP/101")])
    eventually(lambda: status_of("3.1") == "answered")
    answered = call_row(pbx_call("3.1").id)
    server.emit_many([connect("3.1", "PJSIP/101"), connect("3.1", "PJSIP/102"),  # told again, and from elsewhere
                      {"Event": "AgentRingNoAnswer", "Uniqueid": "3.1", "Interface": "PJSIP/102"}])
    desk.clock.advance(30)
    server.emit_many([{"Event": "AgentComplete", "Uniqueid": "3.1", "Interface": "PJSIP/101", "TalkTime": "25",
                       "Reason": "caller"}])
    eventually(lambda: status_of("3.1") == "completed")
    ended = call_row(pbx_call("3.1").id)
    assert ended[:3] == ("completed", asha.id, answered[2])
    desk.clock.advance(5)
    server.emit_many([  # late: the trunk's hang-up, a repeat of the end, the queue's leave and abandon
        {"Event": "Hangup", "Uniqueid": "3.1", "Linkedid": "3.1", "Channel": "PJSIP/trunk-3.1", "Cause": "16"},
        {"Event": "AgentComplete", "Uniqueid": "3.1", "Interface": "PJSIP/101", "TalkTime": "25"},
        {"Event": "QueueCallerAbandon", "Uniqueid": "3.1", "Queue": "support"},
        connect("3.1", "PJSIP/101"),
        join("3.2", OTHER_NUMBER), connect("3.2", "PJSIP/102"),
    ])
    eventually(lambda: status_of("3.2") == "answered")
    assert call_row(pbx_call("3.1").id) == ended
    assert moves_of(asha.id) == ["on_call", "wrap_up"]
    assert moves_of(ravi.id) == ["on_call"]
    assert [r.getMessage() for r in caplog.records if r.name == "calldesk.ami"] == []  # no-ops, not refusals
    assert line.running


def test_a_call_back_is_not_dialled_by_an_operator_on_a_call_and_blocks_f2_while_dialled(desk: Desk, team) -> None:
    _, asha, ravi = team
    mine = promise(desk, asha.id)
    waiting = queue.ring_call(desk, OTHER_NUMBER)
    queue.claim_call(desk, queue.ring_call(desk, NUMBER), asha.id)
    calls_before, version = Call.select().count(), version_of(mine)
    with pytest.raises(Refused, match="Asha Rao is on a call"):
        start_callback(desk, mine, version, asha.id)
    assert (Call.select().count(), version_of(mine)) == (calls_before, version)  # no outbound call, no change

    theirs = promise(desk, ravi.id)
    started = start_callback(desk, theirs, version_of(theirs), ravi.id)
    assert state_of(ravi.id) == "on_call"
    with pytest.raises(Refused, match="Ravi Kumar is on a call"):
        queue.claim_call(desk, waiting, ravi.id)
    with pytest.raises(Refused, match="Ravi Kumar is on a call"):
        pbx_events.answer_call_as(desk, waiting, "ravi")
    handling.end_call(desk, started.view.call.id, ravi.id)
    assert state_of(ravi.id) == "wrap_up"


def test_the_simulators_hang_up_moves_the_operator_to_wrap_up_and_a_later_step_changes_nothing(
    desk: Desk, team
) -> None:
    _, asha, _ = team
    quiet = desk.config.simulator._replace(arrival_per_minute=0.01, peak_factor=1.0, talk_seconds=100.0)
    simulated = Desk(desk.config._replace(simulator=quiet), desk.clock)
    simulator = Simulator(simulated, seed=7)
    rung: list[int] = []
    while not rung:
        rung = simulator.step(desk.clock.now())
        desk.clock.advance(0.5)
    [call_id] = rung
    answer_call(desk, asha, call_id)
    desk.clock.advance(30)
    assert simulator.step(desk.clock.now()) == [] and state_of(asha.id) == "on_call"  # still talking
    desk.clock.advance(200)  # past the longest talk the simulator gives (1.5 x 100 s)
    simulator.step(desk.clock.now())
    assert call_row(call_id)[0] == "completed"
    assert state_of(asha.id) == "wrap_up"
    ended = call_row(call_id)
    desk.clock.advance(60)
    simulator.step(desk.clock.now())
    assert call_row(call_id) == ended and moves_of(asha.id) == ["on_call", "wrap_up"]


def test_a_simulated_caller_who_gave_up_is_gone_for_f2_and_the_operator_stays_free(desk: Desk, team) -> None:
    _, asha, _ = team
    quiet = desk.config.simulator._replace(arrival_per_minute=0.01, peak_factor=1.0, patience_seconds=20.0)
    simulator = Simulator(Desk(desk.config._replace(simulator=quiet), desk.clock), seed=3)
    rung: list[int] = []
    while not rung:
        rung = simulator.step(desk.clock.now())
        desk.clock.advance(0.5)
    desk.clock.advance(40)  # past the longest patience (1.5 x 20 s)
    simulator.step(desk.clock.now())
    assert call_row(rung[0])[0] == "abandoned"
    with pytest.raises(CallGone):
        queue.claim_call(desk, rung[0], asha.id)
    assert state_of(asha.id) == "available" and moves_of(asha.id) == []


def test_a_replayed_wrap_up_for_a_call_the_pbx_ended_applies_and_a_second_replay_changes_nothing(
    desk: Desk, team
) -> None:
    _, asha, _ = team
    call_id = queue.ring_call(desk, NUMBER)
    queue.claim_call(desk, call_id, asha.id)
    book = Journal.for_operator("asha", clock=desk.clock)
    desk.clock.advance(90)
    book.record("wrap_up", call_id=call_id, disposition="Resolved", note="")  # typed while the database was away
    wrapped_at = desk.clock.now()
    desk.clock.advance(30)
    assert pbx_events.hang_up_call(desk, call_id) == "completed"  # the PBX's hang-up reached the database first
    assert state_of(asha.id) == "wrap_up"

    report = book.replay(desk)
    assert [e.kind for e in report.applied] == ["wrap_up"] and report.refused == ()
    done = call_row(call_id)
    assert (done[0], done[4], done[5]) == ("completed", wrapped_at, "Resolved")
    assert state_of(asha.id) == "available"
    before = everything()
    assert book.replay(desk).total == 0
    assert everything() == before

    book.record("wrap_up", call_id=call_id, disposition="Sale", note="")  # the same wrap-up kept twice
    again = book.replay(desk)
    assert len(again.applied) == 1 and again.refused == ()  # a no-op, not a refusal shown to the operator
    assert call_row(call_id) == done
    assert moves_of(asha.id) == ["on_call", "wrap_up", "available"]


def test_operator_disable_on_the_command_line_leaves_them_disabled_and_every_path_refuses_them(
    desk: Desk, team, hook
) -> None:
    lina, asha, _ = team
    ringing = queue.ring_call(desk, NUMBER)
    pbx = pbx_events.ring_pbx_call(desk, "1700.9", OTHER_NUMBER, "support")
    callback = promise(desk, asha.id)
    status, out, err = hook("operator", "disable", "asha")
    assert (status, err) == (0, "")
    assert out.startswith("asha is disabled")
    me = roster.get_operator(asha.id)
    assert (me.enabled, me.state) == (False, "disabled")
    [listed] = [line for line in hook("operator", "list")[1].splitlines() if line.startswith("asha ")]
    assert listed.endswith(" disabled")
    before = everything()

    with pytest.raises(Refused, match="Asha Rao is disabled"):
        queue.claim_call(desk, ringing, asha.id)  # F2
    with pytest.raises(Refused, match="Asha Rao is disabled"):
        answer_call(desk, me, None)
    for who in (("--by", "asha"), ("--extension", "101")):  # the hook
        status, out, err = hook("event", "answered", "1700.9", *who)
        assert (status, out) == (1, "")
        assert one_line(err) == "calldesk: Asha Rao is disabled: a team lead can enable them again"
    with pytest.raises(Refused, match="Asha Rao is disabled"):  # AMI
        pbx_events.answer_call_as(desk, pbx, "asha")
    with pytest.raises(Refused, match="Asha Rao is disabled"):
        pbx_events.offer_call(desk, pbx, "asha")
    for event, reason in ((OperatorEvent.PAUSE, "Lunch"), (OperatorEvent.RESUME, ""), (OperatorEvent.SIGN_IN, "")):
        with pytest.raises(Refused, match="Asha Rao is disabled"):
            roster.move(desk, asha.id, event, reason)
    with pytest.raises(NotAllowed, match="asha is disabled"):
        start_callback(desk, callback, version_of(callback), asha.id)  # a call-back
    with pytest.raises(DeskError, match="'asha' is disabled"):
        reassign_callbacks(desk, lina.id, [(callback, version_of(callback))], "asha")  # nothing new given to her
    assert everything() == before

    assert hook("operator", "disable", "asha")[0] == 0  # told twice: nothing more
    assert everything() == before
    assert hook("operator", "enable", "asha")[0] == 0
    assert state_of(asha.id) == "offline"
    queue.claim_call(desk, ringing, asha.id)  # her handset or console may answer again
    assert state_of(asha.id) == "on_call"


def test_a_leads_reassign_acknowledgement_and_a_transfer_post_notices_to_the_operators(desk: Desk, team) -> None:
    lina, asha, ravi = team
    assert unread_notices(asha.id) == unread_notices(ravi.id) == []
    callback = promise(desk, asha.id)
    reassign_callbacks(desk, lina.id, [(callback, version_of(callback))], "ravi")
    [taken] = unread_notices(asha.id)
    [given] = unread_notices(ravi.id)
    assert (taken.kind, taken.by) == (NoticeKind.CALLBACK_TAKEN, "Lina Das") and "ravi" in taken.text
    assert (given.kind, given.by) == (NoticeKind.CALLBACK_GIVEN, "Lina Das") and f"call-back {callback}" in given.text

    call_id = queue.ring_call(desk, NUMBER)
    queue.claim_call(desk, call_id, asha.id)
    escalation = escalate_call(desk, asha.id, call_id, "Wants a refund above my limit")
    acknowledge_escalation(desk, lina.id, escalation)
    acknowledged = unread_notices(asha.id)[-1]
    assert (acknowledged.kind, acknowledged.by) == (NoticeKind.ESCALATION_ACKNOWLEDGED, "Lina Das")
    assert f"call {call_id}" in acknowledged.text

    onward = handling.transfer_call(desk, call_id, asha.id, "ravi", "needs the sales price list")
    transferred = unread_notices(ravi.id)[-1]
    assert (transferred.kind, transferred.by) == (NoticeKind.CALL_TRANSFERRED, "Asha Rao")
    assert f"call {onward}" in transferred.text and "sales price list" in transferred.text
    assert unread_notices(lina.id) == []  # who did it is not told of it
    assert state_of(asha.id) == "wrap_up"


# --- (c) bad input: one line, exit status 1, nothing changed ----------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (("event", "answered", "99999", "--by", "asha"), "calldesk: call 99999 does not exist"),
    (("event", "hangup", "99999"), "calldesk: call 99999 does not exist"),
    (("event", "abandon", "99999"), "calldesk: call 99999 does not exist"),
    (("event", "transfer", "99999", "--to", "billing"), "calldesk: call 99999 does not exist"),
    (("event", "answered", "never-seen.1", "--by", "asha"), "calldesk: no call has the PBX id 'never-seen.1'"),
    (("event", "hangup", "never-seen.1"), "calldesk: no call has the PBX id 'never-seen.1'"),
    (("event", "abandon", "never-seen.1"), "calldesk: no call has the PBX id 'never-seen.1'"),
    (("event", "answered", "{call}", "--extension", "555"), "calldesk: no operator has extension '555'"),
    (("event", "answered", "1700.5", "--extension", "555"), "calldesk: no operator has extension '555'"),
    (("event", "answered", "1700.5", "--by", "nobody"), "calldesk: operator 'nobody' is not known here"),
], ids=["answered-unknown-call", "hangup-unknown-call", "abandon-unknown-call", "transfer-unknown-call",
        "answered-unseen-pbx-id", "hangup-unseen-pbx-id", "abandon-unseen-pbx-id", "extension-of-nobody",
        "extension-of-nobody-by-pbx-id", "unknown-login"])
def test_a_hook_event_the_desk_cannot_place_is_one_line_exit_1_and_changes_nothing(
    desk: Desk, team, hook, argv: tuple[str, ...], message: str
) -> None:
    _, call_id, _ = hook("event", "ring", NUMBER, "--pbx-id", "1700.5")
    hook("event", "ring", OTHER_NUMBER)
    before = everything()
    status, out, err = hook(*(arg.replace("{call}", call_id) for arg in argv))
    assert (status, out) == (1, "")
    assert one_line(err).startswith(message)
    assert everything() == before


# --- the line moves on around a disabled operator: they stay disabled ----------------------------------------------


def test_the_pbx_hang_up_ends_the_live_call_of_an_operator_disabled_mid_call(desk: Desk, team, hook) -> None:
    _, asha, _ = team
    _, call_id, _ = hook("event", "ring", NUMBER, "--pbx-id", "1700.7")
    hook("event", "answered", "1700.7", "--by", "asha")
    hook("operator", "disable", "asha")
    status, out, err = hook("event", "hangup", "1700.7")
    assert (status, out, err) == (0, "completed", "")
    assert call_row(int(call_id))[0] == "completed"
    assert state_of(asha.id) == "disabled"

    book = Journal.for_operator("asha", clock=desk.clock)  # her wrap-up, typed before the lead's change
    book.record("wrap_up", call_id=int(call_id), disposition="Resolved", note="")
    assert len(book.replay(desk).applied) == 1
    assert call_row(int(call_id))[4:] == (desk.clock.now(), "Resolved")
    assert (state_of(asha.id), moves_of(asha.id)) == ("disabled", ["on_call", "disabled"])  # the paperwork moved on


def test_a_caller_waiting_for_a_disabled_operator_can_still_hang_up_or_be_answered_by_the_pbx(
    desk: Desk, team, hook
) -> None:
    _, asha, _ = team
    call_id = queue.ring_call(desk, NUMBER)
    queue.claim_call(desk, call_id, asha.id)
    onward = handling.transfer_call(desk, call_id, asha.id, "ravi")  # reserved for ravi
    pbx = pbx_events.ring_pbx_call(desk, "1700.8", OTHER_NUMBER, "support")
    pbx_events.offer_call(desk, pbx, "ravi")  # ringing at ravi's phone
    roster.disable_operator(desk, "ravi")
    assert hook("event", "hangup", str(onward)) == (0, "abandoned", "")
    handling.wrap_up(desk, call_id, asha.id, "Transferred")
    pbx_events.answer_call_as(desk, pbx, "asha")  # the queue rang on to asha, who picked up
    assert call_row(pbx)[:2] == ("answered", asha.id)


# --- found by these tests, and mended ------------------------------------------------------------------------


def test_an_operator_enabled_again_mid_call_is_not_put_on_a_second_live_call(desk: Desk, team, hook) -> None:
    _, asha, _ = team
    first = queue.ring_call(desk, NUMBER)
    second = pbx_events.ring_pbx_call(desk, "1700.6", OTHER_NUMBER, "support")
    queue.claim_call(desk, first, asha.id)
    hook("operator", "disable", "asha")
    hook("operator", "enable", "asha")
    hook("event", "answered", "1700.6", "--by", "asha")
    live = Call.select().where((Call.operator == asha.id) & (Call.status == "answered")).count()
    assert live == 1, f"asha is on {live} live calls ({first} and {second})"


def test_f2_on_a_call_ringing_at_another_phone_stops_that_ringing(desk: Desk, team) -> None:
    _, asha, ravi = team
    call_id = pbx_events.ring_pbx_call(desk, "1700.10", NUMBER, "support")
    pbx_events.offer_call(desk, call_id, "asha")
    assert state_of(asha.id) == "ringing"
    queue.claim_call(desk, call_id, ravi.id)
    pbx_events.offer_call(desk, call_id, "")  # AgentRingNoAnswer at asha's phone, after ravi's answer
    assert state_of(asha.id) == "available"
