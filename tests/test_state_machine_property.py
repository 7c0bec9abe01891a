"""Random events from every path at once (F2, the PBX's hooks and AMI, the simulator, the journal's replay, consult
first, the wrap-up's time running out, the command line's operator changes and a lead's actions), on a real database:
whatever the order, the desk never ends with an operator on two live calls, a call answered twice, a call both
abandoned and answered, or a disabled operator acting. A refusal (a DeskError) is an expected outcome; anything else
is a failure.

Each example runs inside one transaction of the test's database (SQLite, and PostgreSQL when CALLDESK_TEST_PG_URL is
set), rolled back at its end: the desk's own transactions nest in it as savepoints, as they would in any caller's.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from peewee import fn

from calldesk.desk.callbacks.promises import CallbackRequest, create_callback, reassign_callbacks, start_callback
from calldesk.desk.calls import consult, handling, pbx_events, queue
from calldesk.desk.calls.answer import answer_call
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.calls.wrap_up_limit import close_wrap_ups_over
from calldesk.desk.clock import ManualClock
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.journal import Journal
from calldesk.desk.operators import roster, shift
from calldesk.desk.operators.shift import resume_shift
from calldesk.store.models import Call, CallBack, Operator, OperatorStateChange, database
from calldesk.telephony.ami_events import AmiEventHandler
from calldesk.telephony.simulator import Simulator

START = datetime(2026, 11, 27, 5, 30, tzinfo=UTC)  # 11:00 at the desk (India): inside the call-back hours
OPERATORS = ("op1", "op2")  # phones 101 and 102; two, so that events often meet on the same person
LEAD = "lead"
PHONES = {"op1": "PJSIP/101", "op2": "PJSIP/102", None: "PJSIP/999"}  # 999: a phone mapped to no operator
NUMBERS = ("+919812345678", "+919812345679", "098123 45670", "anonymous")
TARGETS = ("support", "sales", *OPERATORS, "nowhere")
DISPOSITIONS = ("Resolved", "Transferred", "Sale", "Retired disposition")
LIVE = ("answered",)
OPEN_AFTER_ANSWER = ("answered", "completed", "transferred")

operator_logins = st.sampled_from(OPERATORS)
actors = st.sampled_from(("own", "own", "own", *OPERATORS))  # mostly the call's own operator; sometimes another


class _EndOfExample(Exception):
    """Ends an example's transaction by rolling it back."""


class DeskMachine(RuleBasedStateMachine):
    """The desk, driven by every path. ``desk`` is the test's desk (its config); ``folder`` holds the journals.

    A rule is who acts (the caller's line, F2, the PBX answering, ringing or ending a call, the console finishing one,
    the command line, a lead), the path it takes one of its arguments: so answering and ending weigh about the same,
    and calls stay live long enough for the rest to meet them.
    """

    def __init__(self, desk: Desk, folder: Path) -> None:
        super().__init__()
        self.desk = Desk(desk.config, ManualClock(START))
        self.folder = folder
        self._transaction = database.atomic()
        self._transaction.__enter__()
        self.ids: dict[str, int] = {}
        self._next_pbx_id = itertools.count(1)
        # what the invariants remember between steps
        self.answered: dict[int, tuple[int | None, datetime]] = {}  # call -> (operator, answered_at) at first sight
        self.disabled_seen: dict[int, tuple[int, int]] = {}  # operator -> (state changes, calls) when seen disabled
        self.present: set[str] = set()  # the call statuses in the database after the last step: what events fit
        self.ami = AmiEventHandler(self.desk, self.desk.config.ami)
        quiet = self.desk.config.simulator._replace(arrival_per_minute=2.0, peak_factor=1.0, patience_seconds=40.0,
                                                    talk_seconds=60.0, max_waiting=3)
        self.simulator = Simulator(Desk(self.desk.config._replace(simulator=quiet), self.desk.clock), seed=11)

    def teardown(self) -> None:
        self._transaction.__exit__(_EndOfExample, _EndOfExample(), None)  # rolled back: the next example starts empty

    # --- helpers ---

    def _try(self, action, *args, **kwargs):
        """Run one event; a refusal is an outcome like any other (None), anything else fails the test."""
        try:
            return action(*args, **kwargs)
        except DeskError:
            return None

    def _call(self, data: st.DataObject, fitting: bool, statuses: tuple[str, ...], pbx: bool = False) -> Call | None:
        """A call for the event: mostly one in a state it fits (``statuses``), else any call at all (a late event, a
        wrong one); ``pbx``: one the PBX knows by its id. None when there is none."""
        query = Call.select().order_by(Call.id)
        if fitting:
            query = query.where(Call.status.in_(statuses))
        if pbx:
            query = query.where(Call.external_id.is_null(False))
        found = list(query)
        return data.draw(st.sampled_from(found), label="call") if found else None

    def _acting(self, call: Call, who: str) -> int:
        """Who does it: the call's own operator ("own"; the first operator for a call nobody answered), or the one
        named."""
        if who == "own":
            return call.operator_id if call.operator_id is not None else self.ids[OPERATORS[0]]
        return self.ids[who]

    def _ami(self, event: str, call: Call, **fields: str) -> None:
        """An Asterisk event about a PBX caller, as the AMI source applies it."""
        self._try(self.ami.apply, {"event": event, "uniqueid": call.external_id, "linkedid": call.external_id,
                                   "queue": "support", **fields})

    @initialize()
    def staff_the_desk(self) -> None:
        self.ids[LEAD] = roster.add_operator(self.desk, LEAD, "Lina Lead", role="lead").id
        for n, login in enumerate(OPERATORS, start=1):
            self.ids[login] = roster.add_operator(self.desk, login, f"Operator {n}", extension=f"10{n}").id
        queue.ring_call(self.desk, NUMBERS[0], "support")  # callers waiting already as the shift starts
        pbx_events.ring_pbx_call(self.desk, f"1700.{next(self._next_pbx_id)}", NUMBERS[1], "support")

    # --- the callers' side: ringing in, the simulated line, time passing ---

    @rule(data=st.data(), how=st.sampled_from(("queue", "pbx", "pbx_again", "simulator")),
          number=st.sampled_from(NUMBERS), seconds=st.sampled_from((0, 1, 10, 60)))
    def arrive(self, data: st.DataObject, how: str, number: str, seconds: int) -> None:
        """`calldesk ring`, a PBX join (or one told again, or a transferred caller joining another queue), or the
        simulator's step: callers ring, give up while waiting, or hang up after talking."""
        self.desk.clock.advance(seconds)
        if how == "queue":
            queue.ring_call(self.desk, number, "support")
        elif how == "simulator":
            self._try(self.simulator.step, self.desk.clock.now())
        else:
            known = self._call(data, False, (), pbx=True) if how == "pbx_again" else None
            external_id = known.external_id.partition("#")[0] if known else f"1700.{next(self._next_pbx_id)}"
            self._try(pbx_events.ring_pbx_call, self.desk, external_id, number, "support")

    # --- the console ---

    @precondition(lambda self: "ringing" in self.present)
    @rule(data=st.data(), chosen=st.booleans(), fitting=st.booleans(), login=operator_logins)
    def f2(self, data: st.DataObject, chosen: bool, fitting: bool, login: str) -> None:
        """F2 on a chosen call, or on the longest waiting one."""
        call = self._call(data, fitting, ("ringing",)) if chosen else None
        self._try(answer_call, self.desk, roster.get_operator(self.ids[login]), call.id if call else None)

    @precondition(lambda self: "after_answer" in self.present)
    @rule(data=st.data(), fitting=st.booleans(), how=st.sampled_from(("end", "transfer", "wrap_up", "journal")),
          who=actors, to=st.sampled_from(TARGETS), disposition=st.sampled_from(DISPOSITIONS), twice=st.booleans())
    def console_finishes(self, data: st.DataObject, fitting: bool, how: str, who: str, to: str, disposition: str,
                         twice: bool) -> None:
        """F6 ends the call, a transfer, the wrap-up; or a wrap-up typed while the database was away, replayed (once
        or twice) when it is back, where a refusal is reported rather than raised."""
        call = self._call(data, fitting, LIVE if how in ("end", "transfer") else OPEN_AFTER_ANSWER)
        if call is None:
            return
        operator_id = self._acting(call, who)
        if how == "end":
            self._try(handling.end_call, self.desk, call.id, operator_id)
        elif how == "transfer":
            self._try(handling.transfer_call, self.desk, call.id, operator_id, to)
        elif how == "wrap_up":
            self._try(handling.wrap_up, self.desk, call.id, operator_id, disposition)
        else:
            book = Journal.for_operator(Operator.get_by_id(operator_id).login, clock=self.desk.clock,
                                        folder=self.folder)
            for _ in range(2 if twice else 1):
                book.record("wrap_up", call_id=call.id, disposition=disposition, note="")
            book.replay(self.desk)

    @precondition(lambda self: "after_answer" in self.present)
    @rule(data=st.data(), fitting=st.booleans(), how=st.sampled_from(("start", "start", "complete", "return")),
          who=actors, colleague=st.sampled_from(("other", "other", *OPERATORS)))
    def consult_first(self, data: st.DataObject, fitting: bool, how: str, who: str, colleague: str) -> None:
        """F4's consult first: the operator rings a colleague (mostly the other one; sometimes themselves) while the
        caller holds (the PBX took it), then hands the caller over or comes back to them; sometimes on a call that is
        not theirs, or one no longer live or consulting."""
        if how == "start" or not fitting:
            call = self._call(data, fitting, LIVE)
        else:
            consulting = list(Call.select().where(Call.consult_with != "").order_by(Call.id))
            call = data.draw(st.sampled_from(consulting), label="call") if consulting else None
        if call is None:
            return
        operator_id = self._acting(call, who)
        if how == "start":
            own = Operator.get_by_id(operator_id).login
            to = next(login for login in OPERATORS if login != own) if colleague == "other" and own in OPERATORS \
                else colleague if colleague != "other" else OPERATORS[0]
            planned = self._try(consult.consult_to_start, self.desk, call.id, operator_id, to)
            if planned is not None:
                consult.start_consult(self.desk, planned, "about the invoice")
        elif how == "complete":
            if self._try(consult.consult_to_complete, self.desk, call.id, operator_id) is not None:
                self._try(consult.complete_consult, self.desk, call.id, operator_id)
        else:
            self._try(consult.return_from_consult, self.desk, call.id, operator_id)

    @rule(seconds=st.sampled_from((30, 200)))
    def wrap_up_time_passes(self, seconds: int) -> None:
        """Time goes by during wrap-ups, and a console's periodic check closes those whose limit ran out."""
        self.desk.clock.advance(seconds)
        close_wrap_ups_over(self.desk)

    @rule(login=operator_logins, how=st.sampled_from(("pause", "resume", "open", "close")))
    def console(self, login: str, how: str) -> None:
        """ctrl+o pauses (with a reason) or makes the operator available again; a console opens on them (the call
        left on it comes back, or a new shift starts) or closes."""
        operator_id = self.ids[login]
        if how == "open":
            if self._try(roster.sign_in, self.desk, login) is not None:
                self._try(resume_shift, self.desk, operator_id)
        elif how == "close":
            self._try(roster.move, self.desk, operator_id, OperatorEvent.SIGN_OUT)
        else:
            event = OperatorEvent.PAUSE if how == "pause" else OperatorEvent.RESUME
            self._try(roster.move, self.desk, operator_id, event, "Lunch" if how == "pause" else "")

    # --- the PBX: hook commands and AMI ---

    @precondition(lambda self: "ringing" in self.present)
    @rule(data=st.data(), fitting=st.booleans(), ami=st.booleans(), login=st.sampled_from((*OPERATORS, None)))
    def pbx_answers(self, data: st.DataObject, fitting: bool, ami: bool, login: str | None) -> None:
        """`calldesk event answered` or AMI's AgentConnect (None: a phone mapped to no operator)."""
        call = self._call(data, fitting, ("ringing",), pbx=ami)
        if call is None:
            return
        if ami:
            self._ami("AgentConnect", call, interface=PHONES[login])
        else:
            self._try(pbx_events.answer_call_as, self.desk, call.id, login)

    @precondition(lambda self: "ringing" in self.present)
    @rule(data=st.data(), fitting=st.booleans(), ami=st.booleans(), login=st.sampled_from((*OPERATORS, "")))
    def pbx_rings(self, data: st.DataObject, fitting: bool, ami: bool, login: str) -> None:
        """The PBX rings an operator's phone for a caller, or stops ringing it (""): AgentCalled, AgentRingNoAnswer."""
        call = self._call(data, fitting, ("ringing",), pbx=ami)
        if call is None:
            return
        if not ami:
            self._try(pbx_events.offer_call, self.desk, call.id, login)
        elif login:
            self._ami("AgentCalled", call, interface=PHONES[login])
        else:
            self._ami("AgentRingNoAnswer", call, interface=PHONES[OPERATORS[0]])

    @precondition(lambda self: self.present)
    @rule(data=st.data(), fitting=st.booleans(), to=st.sampled_from(TARGETS), how=st.sampled_from((
        "hangup", "hangup_transferred", "transfer", "abandon",  # `calldesk event ...`
        "AgentComplete", "AgentComplete_transfer", "Hangup", "QueueCallerAbandon", "QueueCallerLeave",  # AMI
    )))
    def pbx_line_down(self, data: st.DataObject, fitting: bool, to: str, how: str) -> None:
        """The line goes down, or the PBX moves the caller on: a hang-up, a transfer, an abandon."""
        waiting_or_live = ("ringing", *LIVE)
        ami = how[0].isupper()
        fits = {"transfer": LIVE, "abandon": ("ringing",), "AgentComplete": LIVE, "AgentComplete_transfer": LIVE,
                "QueueCallerAbandon": ("ringing",), "QueueCallerLeave": ("ringing",)}.get(how, waiting_or_live)
        call = self._call(data, fitting, fits, pbx=ami)
        if call is None:
            return
        if how in ("hangup", "hangup_transferred"):
            self._try(pbx_events.hang_up_call, self.desk, call.id, transferred=how == "hangup_transferred")
        elif how == "transfer":
            self._try(pbx_events.transfer_pbx_call, self.desk, call.id, to)
        elif how == "abandon":
            self._try(queue.abandon_call, self.desk, call.id)
        elif how.startswith("AgentComplete"):
            self._ami("AgentComplete", call, interface=PHONES[OPERATORS[0]], talktime="20",
                      reason="transfer" if how.endswith("transfer") else "caller")
        elif how == "QueueCallerLeave":  # and no AgentConnect within the grace time: the caller is lost
            self._ami(how, call)
            self._try(self.ami.expire_leaves, float("inf"))
        else:
            self._ami(how, call)

    # --- the command line and a lead ---

    @rule(login=operator_logins, by_lead=st.booleans(), again=st.booleans())
    def operator_access(self, login: str, by_lead: bool, again: bool) -> None:
        """`calldesk operator disable|enable LOGIN` (the administrator) or a lead's change on the team screen: the
        other of the operator's two, or (``again``) the one they had already, which changes nothing."""
        operator_id = self.ids[login]
        if Operator.get_by_id(operator_id).enabled != again:
            self._try(roster.disable_operator, self.desk, login, by=LEAD if by_lead else None)
            return
        self._try(shift.enable_operator, self.desk, login, by=LEAD if by_lead else None)

    @rule(data=st.data(), how=st.sampled_from(("promise", "dial", "dial", "reassign")), login=operator_logins,
          owner=st.sampled_from(("", "support", *OPERATORS)), number=st.sampled_from(NUMBERS[:3]))
    def callbacks(self, data: st.DataObject, how: str, login: str, owner: str, number: str) -> None:
        """Call-backs: an operator promises one (to themselves, a colleague or a pool) or dials one (its call goes
        live as any answered call), or a lead hands one to someone else (who is told by a notice)."""
        if how == "promise":
            request = CallbackRequest(reason="Call back about the invoice", due_at=self.desk.clock.now() + timedelta(
                minutes=30), owner=owner, number=number, confirm_past_deadline=True)
            self._try(create_callback, self.desk, self.ids[login], request)
            return
        open_ones = list(CallBack.select().where(CallBack.status == "open").order_by(CallBack.id))
        if not open_ones:
            return
        callback = data.draw(st.sampled_from(open_ones), label="call-back")
        if how == "dial":
            self._try(start_callback, self.desk, callback.id, callback.version, self.ids[login])
        else:
            self._try(reassign_callbacks, self.desk, self.ids[LEAD], [(callback.id, callback.version)],
                      owner or "support")

    # --- what must hold after every step, read from the database itself ---

    @invariant()
    def the_desk_is_consistent(self) -> None:
        """The four promises (one live call per operator, one answer per call, never abandoned and answered, a
        disabled operator inert), and the operator's state agreeing with their calls. Also notes which statuses are
        present, for the rules' preconditions."""
        rows = list(Call.select(Call.id, Call.status, Call.operator, Call.answered_at).tuples())
        for call_id, consulted, answered_at, own in (Call.select(Call.id, Call.consult_with, Call.answered_at,
                                                                 Operator.login)
                                                     .join(Operator).where(Call.consult_with != "").tuples()):
            assert answered_at is not None and consulted != own, f"call {call_id}: {own} consults {consulted}"
        staff = {op_id: (login, state, enabled) for op_id, login, state, enabled
                 in Operator.select(Operator.id, Operator.login, Operator.state, Operator.enabled).tuples()}
        self.present = {status for _, status, _, _ in rows}
        if any(answered is not None and status != "ringing" for _, status, _, answered in rows):
            self.present.add("after_answer")
        live_of: dict[int, list[int]] = {}
        for call_id, status, operator_id, answered_at in rows:
            if status in LIVE and operator_id is not None:
                live_of.setdefault(operator_id, []).append(call_id)
            assert not (status == "abandoned" and answered_at is not None), f"call {call_id} abandoned and answered"
            if answered_at is not None:
                seen = self.answered.setdefault(call_id, (operator_id, answered_at))
                assert seen == (operator_id, answered_at), f"call {call_id} answered twice: {seen} then " \
                                                           f"{(operator_id, answered_at)}"
            assert (status == "ringing") == (answered_at is None and status != "abandoned"), \
                f"call {call_id} is {status} with answered_at {answered_at}"

        changes = dict(OperatorStateChange.select(OperatorStateChange.operator, fn.COUNT(OperatorStateChange.id))
                       .group_by(OperatorStateChange.operator).tuples())
        calls_of = dict(Call.select(Call.operator, fn.COUNT(Call.id)).where(Call.operator.is_null(False))
                        .group_by(Call.operator).tuples())
        for operator_id, (login, state, enabled) in staff.items():
            live = live_of.get(operator_id, [])
            assert len(live) <= 1, f"{login} is on {len(live)} live calls: {live}"
            assert enabled == (state != "disabled"), f"{login}: enabled={enabled} in state {state}"
            if enabled and live:  # a lead may disable someone mid-call (the table allows it): they stay disabled
                assert state == "on_call", f"{login} has live call {live[0]} but is {state}"
            if state == "on_call":
                assert live, f"{login} is on_call with no live call"
            if not enabled:  # a disabled operator does nothing: no state change, no call answered or dialled
                now = (changes.get(operator_id, 0), calls_of.get(operator_id, 0))
                before = self.disabled_seen.setdefault(operator_id, now)
                assert now == before, f"{login} acted while disabled: (state changes, calls) {before} -> {now}"
            else:
                self.disabled_seen.pop(operator_id, None)


def run_machine(desk: Desk, folder: Path) -> None:
    run_state_machine_as_test(lambda: DeskMachine(desk, folder), settings=settings(
        max_examples=50, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))


def test_random_events_from_every_path_keep_the_desk_consistent(desk: Desk, tmp_path: Path) -> None:
    run_machine(desk, tmp_path / "journals")
