"""Asterisk's queue_log, read into the desk's history: calls (arrival, answer, end, operator, outcome) and the
operators' states (signed in, paused, on a call), so a desk moving to calldesk keeps its statistics from day one.

Each line is ``time|callid|queue|agent|EVENT|data1|data2|...``. A call is found again by its Asterisk uniqueid
(``Call.external_id``; a caller put in another queue gets ``uniqueid#2``, ``#3``...), and a state change by its
operator, time and state, so importing the same file twice adds nothing. A line that cannot be read (no number where
one belongs, text the database cannot keep, bytes that are no text), or whose event calldesk does not know, is counted
and reported with its number; it never stops the import. The file is read a line at a time (desk/clients/file_lines.py).
Calls still waiting or on the line when the file ends are left for a later import of the longer file, so the live
queue never shows old callers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calldesk.desk.calls.queue import rings_heard
from calldesk.desk.calls.states import CallStatus, OperatorState
from calldesk.desk.clients.directory import match_caller
from calldesk.desk.clients.file_lines import FileLines
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.phones import MAX_RAW_LENGTH, parse_phone
from calldesk.store.limits import TextRefused, check_text
from calldesk.store.models import Call, Operator, OperatorStateChange, database

ENDINGS = {  # event -> the status the call ends in
    "COMPLETEAGENT": CallStatus.COMPLETED, "COMPLETECALLER": CallStatus.COMPLETED,
    "ABANDON": CallStatus.ABANDONED, "EXITWITHTIMEOUT": CallStatus.ABANDONED, "EXITEMPTY": CallStatus.ABANDONED,
    "EXITWITHKEY": CallStatus.ABANDONED,
    "BLINDTRANSFER": CallStatus.TRANSFERRED, "ATTENDEDTRANSFER": CallStatus.TRANSFERRED,
}
MEMBER_STATES = {"PAUSE": OperatorState.PAUSED, "PAUSEALL": OperatorState.PAUSED, "UNPAUSE": OperatorState.AVAILABLE,
                 "UNPAUSEALL": OperatorState.AVAILABLE, "ADDMEMBER": OperatorState.AVAILABLE,
                 "REMOVEMEMBER": OperatorState.OFFLINE}
UNFINISHED = (CallStatus.RINGING, CallStatus.ANSWERED)  # still waiting or talking: left for a later import
CALL_EVENTS = frozenset({"ENTERQUEUE", "CONNECT", *ENDINGS})
MEMBER_EVENTS = frozenset({"CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "BLINDTRANSFER", "ATTENDEDTRANSFER",
                           *MEMBER_STATES})  # the agent field names an operator
ATTENDED_METHODS = ("BRIDGE", "APP", "LINK")  # Asterisk 12+: ATTENDEDTRANSFER|method|target|hold|talk|position
NOT_USED = frozenset({"RINGNOANSWER", "RINGCANCELED", "QUEUESTART", "CONFIGRELOAD", "DID", "INFO", "SYSCOMPAT",
                      "AGENTDUMP", "AGENTCALLED", "TRANSFER"})  # known to Asterisk, nothing for the history
LOG_END_REASON = "end of queue_log"  # the closing "offline" an import adds after each operator's last line
BATCH = 500
REPORTED_LINES = 10
MALFORMED_KEPT = 1000  # malformed lines kept with their reasons; beyond, only counted
MAX_SECONDS = 86_400.0  # no caller waits or talks a whole day: a larger figure is the log's garbage


@dataclass
class QueueLogReport:
    """What an import of Asterisk's queue_log added, skipped and found wrong, for the summary read afterwards."""

    lines: int = 0
    calls_added: int = 0
    calls_updated: int = 0  # calls an earlier import left unfinished, or with no operator mapped, now filled in
    calls_present: int = 0  # already in the desk: nothing to do
    calls_unfinished: int = 0  # still waiting or talking when the file ends
    calls_begun_before: int = 0  # their ENTERQUEUE is in an earlier file: the caller's number is unknown
    state_changes: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line number, why): the first MALFORMED_KEPT
    malformed_count: int = 0
    unknown_events: Counter[str] = field(default_factory=Counter)
    not_used: Counter[str] = field(default_factory=Counter)
    unmapped_members: Counter[str] = field(default_factory=Counter)  # member -> lines naming them
    queues_mapped: dict[str, str] = field(default_factory=dict)  # Asterisk queue not in config.yaml -> desk queue

    def describe(self) -> list[str]:
        """The summary a person reads after the import, one fact a line."""
        out = [f"{self.lines:,} lines: {self.calls_added:,} calls added, {self.calls_updated:,} filled in, "
               f"{self.calls_present:,} already here; {self.state_changes:,} operator state changes added"]
        if self.calls_unfinished:
            out.append(f"{self.calls_unfinished:,} calls still waiting or talking when the file ends: left for a "
                       "later import")
        if self.calls_begun_before:
            out.append(f"{self.calls_begun_before:,} calls began before the file (no ENTERQUEUE): caller unknown")
        if self.malformed_count:
            out.append(f"{self.malformed_count:,} malformed lines, skipped:")
            out += [f"  line {n}: {why}" for n, why in self.malformed[:REPORTED_LINES]]
        if self.unknown_events:
            out.append("unknown events, skipped: " + _counts(self.unknown_events))
        if self.not_used:
            out.append("events with nothing for the history: " + _counts(self.not_used))
        if self.unmapped_members:
            out.append("queue members with no operator (map them in ami.operators or give the operator that "
                       "extension, then import again): " + _counts(self.unmapped_members))
        for pbx_queue, queue in sorted(self.queues_mapped.items()):
            out.append(f"queue {pbx_queue!r} is not in config.yaml: its calls went to {queue!r} (see ami.queues)")
        return out


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())


@dataclass
class _Leg:
    """One stay of a caller in one queue."""

    external_id: str
    queue: str
    number: str
    arrived: float
    answered: float | None = None
    ended: float | None = None
    status: CallStatus = CallStatus.RINGING
    member: str = ""
    transferred_to: str = ""


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the queue_log, split into its fields but not yet understood."""

    number: int
    time: float
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]

    def text(self, index: int) -> str:
        return self.data[index].strip() if index < len(self.data) else ""

    def seconds(self, index: int) -> float:
        """A data field holding a duration in seconds; ValueError names it."""
        try:
            value = self.data[index].strip()
            seconds = float(value)
        except (IndexError, ValueError):
            raise ValueError(f"{self.event}: data{index + 1} should be a number of seconds") from None
        if seconds < 0:
            raise ValueError(f"{self.event}: data{index + 1} is negative")
        if not math.isfinite(seconds) or seconds > MAX_SECONDS:
            raise ValueError(f"{self.event}: data{index + 1} ({value[:20]}) is no duration (at most a day)")
        return seconds


def _parse(number: int, text: str) -> _Line:
    parts = text.rstrip("\r\n").split("|")
    if len(parts) < 5:
        raise ValueError("expected time|callid|queue|agent|EVENT|data...")
    stamp, callid, queue, agent, event = (p.strip() for p in parts[:5])
    if not re.fullmatch(r"\d{9,11}(\.\d+)?", stamp):
        raise ValueError(f"the time {stamp[:20]!r} is not epoch seconds")
    if not re.fullmatch(r"[A-Z_]+", event):
        raise ValueError(f"the event {event[:20]!r} is not an event name")
    return _Line(number, float(stamp), callid, queue, agent, event, tuple(parts[5:]))


def extension_of(interface: str) -> str:
    """The extension or login in a member interface: "SIP/1001", "PJSIP/1001-0000a1", "Local/asha@agents/n"."""
    _, _, rest = interface.partition("/")
    match = re.match(r"[^@/;\-]+", rest or interface)
    return match.group(0) if match else ""


class _Members:
    """Queue members to operators: config.yaml's ami.operators, then the operator's extension, then the login or
    the display name."""

    def __init__(self, desk: Desk) -> None:
        self.mapping = desk.config.ami.operators
        self.operators = list(Operator.select(Operator.id, Operator.login, Operator.name, Operator.extension))
        self.found: dict[str, int | None] = {}

    def operator_id(self, member: str) -> int | None:
        if member not in self.found:
            self.found[member] = self._lookup(member)
        return self.found[member]

    def _lookup(self, member: str) -> int | None:
        by_login = {o.login: o.id for o in self.operators}
        if member in self.mapping:
            return by_login.get(self.mapping[member])
        tail = extension_of(member)
        for candidates, attribute in (((member, tail), "extension"), ((member, tail), "login"), ((member,), "name")):
            for operator in self.operators:
                if getattr(operator, attribute) and getattr(operator, attribute) in candidates:
                    return operator.id
        return None


class _Reader:
    def __init__(self, desk: Desk, report: QueueLogReport) -> None:
        self.desk = desk
        self.report = report
        self.members = _Members(desk)
        self.legs: list[_Leg] = []
        self.open: dict[str, _Leg] = {}  # callid -> its leg in a queue now
        self.stays: Counter[str] = Counter()  # callid -> legs so far
        self.states: list[tuple[int, OperatorState, str, float]] = []  # (operator id, state, reason, time)

    def queue_for(self, pbx_queue: str) -> str:
        config = self.desk.config
        if pbx_queue in config.ami.queues:
            return config.ami.queues[pbx_queue]
        if pbx_queue in config.queues:
            return pbx_queue
        self.report.queues_mapped[pbx_queue] = config.queues[0]
        return config.queues[0]

    def operator(self, member: str) -> int | None:
        if not member or member == "NONE":
            return None
        return self.members.operator_id(member)

    def new_leg(self, line: _Line, number: str, arrived: float) -> _Leg:
        stay = self.stays[line.callid] + 1
        external_id = line.callid if stay == 1 else f"{line.callid}#{stay}"
        _storable(Call.external_id, external_id)
        _storable(Call.number_raw, number[:MAX_RAW_LENGTH])
        self.stays[line.callid] = stay
        leg = _Leg(external_id, self.queue_for(line.queue), number, arrived)
        self.legs.append(leg)
        self.open[line.callid] = leg
        return leg

    def leg_of(self, line: _Line, started: float) -> _Leg:
        """The caller's leg in the queue; one that began before the file is made up from the wait it reports."""
        leg = self.open.get(line.callid)
        if leg is None:
            self.report.calls_begun_before += 1
            leg = self.new_leg(line, "", started)
        return leg

    def state(self, line: _Line, state: OperatorState, reason: str = "") -> None:
        _storable(OperatorStateChange.reason, reason[:64])
        operator_id = self.operator(line.agent)
        if operator_id is not None:
            self.states.append((operator_id, state, reason, line.time))

    def apply(self, line: _Line) -> None:
        event = line.event
        if event in CALL_EVENTS and line.callid in ("", "NONE"):
            raise ValueError(f"{event} without the call's uniqueid")
        if event in MEMBER_EVENTS and line.agent not in ("", "NONE") and self.operator(line.agent) is None:
            self.report.unmapped_members[line.agent] += 1
        if event == "ENTERQUEUE":
            self.new_leg(line, line.text(1), line.time)
        elif event == "CONNECT":
            hold = line.seconds(0)
            leg = self.leg_of(line, line.time - hold)
            leg.answered, leg.status, leg.member = line.time, CallStatus.ANSWERED, line.agent
            self.state(line, OperatorState.ON_CALL)
        elif event in ENDINGS:
            self.end(line, ENDINGS[event])
        elif event in MEMBER_STATES:
            self.state(line, MEMBER_STATES[event], line.text(0) if event.startswith("PAUSE") else "")
        elif event in NOT_USED:
            self.report.not_used[event] += 1
        else:
            self.report.unknown_events[event] += 1

    def end(self, line: _Line, status: CallStatus) -> None:
        event = line.event
        if event.startswith("COMPLETE"):
            hold, talk = line.seconds(0), line.seconds(1)
            leg = self.leg_of(line, line.time - talk - hold)
            if leg.answered is None:
                leg.answered, leg.member = line.time - talk, line.agent
        elif event.endswith("TRANSFER"):
            hold, talk = line.seconds(2), line.seconds(3)
            attended_method = event == "ATTENDEDTRANSFER" and line.text(0) in ATTENDED_METHODS
            target = line.text(1 if attended_method else 0)[:64]
            _storable(Call.transferred_to, target)
            leg = self.leg_of(line, line.time - talk - hold)
            leg.transferred_to = target
            if leg.answered is None:
                leg.answered, leg.member = line.time - talk, line.agent
        else:
            wait = line.seconds(3 if event == "EXITWITHKEY" else 2)
            leg = self.leg_of(line, line.time - wait)
        leg.ended, leg.status = line.time, status
        self.open.pop(line.callid, None)
        if status != CallStatus.ABANDONED:
            self.state(line, OperatorState.AVAILABLE)


def _storable(column: Any, value: str) -> None:
    """The database's limits on text (store/limits.py), checked as the line is read so it alone is malformed."""
    try:
        check_text(column, value)
    except TextRefused as refused:
        raise ValueError(str(refused)) from None


def import_queue_log(desk: Desk, path: Path | str) -> QueueLogReport:
    """Read an Asterisk queue_log into calls and operator states; safe to run again on the same (or a longer) file."""
    path = Path(path)
    try:
        binary = path.open("rb")
    except FileNotFoundError:
        raise DeskError(f"{path}: no such file") from None
    except OSError as exc:
        raise DeskError(f"{path}: cannot read ({exc.strerror})") from None
    report = QueueLogReport()
    reader = _Reader(desk, report)
    with binary:
        lines = FileLines(binary)
        while (line := lines.take()) is not None:
            if not line.problem and not line.text.strip():
                continue
            report.lines += 1
            try:
                if line.problem:
                    raise ValueError(line.problem)
                reader.apply(_parse(line.number, line.text))
            except ValueError as exc:
                report.malformed_count += 1
                if len(report.malformed) < MALFORMED_KEPT:
                    report.malformed.append((line.number, str(exc)))
    if report.lines and report.malformed_count == report.lines:
        raise DeskError(f"{path}: not an Asterisk queue_log (no line reads time|callid|queue|agent|EVENT|...)")
    with database.atomic():
        _store_calls(desk, reader, report)
        _store_states(reader, report)
    return report


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _store_calls(desk: Desk, reader: _Reader, report: QueueLogReport) -> None:
    finished = [leg for leg in reader.legs if leg.status not in UNFINISHED]
    report.calls_unfinished = len(reader.legs) - len(finished)
    existing: dict[str, Call] = {}
    for start in range(0, len(finished), BATCH):
        ids = [leg.external_id for leg in finished[start:start + BATCH]]
        for row in Call.select(Call.id, Call.external_id, Call.status, Call.operator).where(
                Call.external_id.in_(ids)):
            existing[row.external_id] = row
    clients: dict[str, int | None] = {}
    rows = []
    for leg in finished:
        operator_id = reader.operator(leg.member) if leg.member else None
        values = {
            "status": leg.status, "answered_at": _moment(leg.answered), "ended_at": _moment(leg.ended),
            # the log has no wrap-up: the call's paperwork counts as done when it ended
            "wrapped_at": _moment(leg.ended) if leg.answered is not None else None,
            "rings": rings_heard(leg.answered - leg.arrived, desk.config.ring_cycle_seconds)
            if leg.answered is not None else None,
            "operator": operator_id, "transferred_to": leg.transferred_to[:64],
        }
        if leg.external_id in existing:
            present = existing[leg.external_id]
            if present.status in UNFINISHED:
                Call.update(**values).where(Call.id == present.id).execute()
                report.calls_updated += 1
            elif present.operator_id is None and operator_id is not None:
                Call.update(operator=operator_id).where(Call.id == present.id).execute()
                report.calls_updated += 1
            else:
                report.calls_present += 1
            continue
        if leg.number not in clients:
            clients[leg.number] = match_caller(desk, leg.number) if leg.number else None
        phone = parse_phone(leg.number, desk.region)
        rows.append({**values, "direction": "inbound", "number_raw": phone.raw, "number_e164": phone.e164,
                     "client": clients[leg.number], "queue": leg.queue, "arrived_at": _moment(leg.arrived),
                     "external_id": leg.external_id})
    for start in range(0, len(rows), BATCH):
        Call.insert_many(rows[start:start + BATCH]).execute()
    report.calls_added = len(rows)


def _state_key(operator_id: int, state: str, epoch: float) -> tuple[int, str, float]:
    return operator_id, state, round(epoch, 3)  # stored times come back through datetime: microseconds


def _store_states(reader: _Reader, report: QueueLogReport) -> None:
    """The members' state changes, each once; a member's history ends "offline" at their last line in the file."""
    changes: list[tuple[int, str, str, float]] = []
    last: dict[int, tuple[str, float]] = {}
    for operator_id, state, reason, moment in sorted(reader.states, key=lambda s: (s[0], s[3])):
        if last.get(operator_id, ("", 0.0))[0] != state:
            changes.append((operator_id, state, reason, moment))
        last[operator_id] = (state, moment)
    for operator_id, (state, moment) in last.items():
        if state != OperatorState.OFFLINE:
            changes.append((operator_id, OperatorState.OFFLINE, LOG_END_REASON, moment))
    if not changes:
        return
    first, final = min(c[3] for c in changes), max(c[3] for c in changes)
    in_range = (OperatorStateChange.operator.in_(list(last)) & (OperatorStateChange.started_at >= first)
                & (OperatorStateChange.started_at <= final))
    wanted = {_state_key(o, s, t) for o, s, _, t in changes}
    present = set()
    for row in OperatorStateChange.select().where(in_range):
        key = _state_key(row.operator_id, row.state, row.started_at.timestamp())
        if row.reason == LOG_END_REASON and key not in wanted:
            row.delete_instance()  # an earlier, shorter file ended here: this one carries the history on
        else:
            present.add(key)
    new = [c for c in changes if _state_key(c[0], c[1], c[3]) not in present]
    for start in range(0, len(new), BATCH):
        OperatorStateChange.insert_many(
            [{"operator": o, "state": s, "reason": r[:64], "started_at": _moment(t)} for o, s, r, t in
             new[start:start + BATCH]]).execute()
    report.state_changes = len(new)
