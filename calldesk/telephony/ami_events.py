"""Asterisk's queue events, turned into the desk's calls.

Calls are found by Asterisk's Uniqueid (kept as ``Call.external_id``), or by Linkedid when an event names another
leg of the call. An event the desk has no use for, or one missing what it needs, changes nothing.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from calldesk.config import AmiSettings
from calldesk.desk.calls import pbx_events
from calldesk.desk.calls.pbx_events import PbxWaitingCall, QueueResync
from calldesk.desk.calls.queue import WITHHELD, abandon_call
from calldesk.desk.context import Desk
from calldesk.store.models import Operator

log = logging.getLogger("calldesk.ami")

AmiEvent = Mapping[str, str]  # header names lower-cased
LEAVE_GRACE_SECONDS = 3.0  # Asterisk reports QueueCallerLeave just before AgentConnect: wait before calling it lost
NO_CALLER_ID = ("", "<unknown>", "unknown", "anonymous")
CALL_ID_CACHE_SIZE = 20_000
OPERATOR_CACHE_SECONDS = 30.0
MAX_SECONDS = 86_400.0  # no caller waits or talks a whole day: a larger figure is the PBX's garbage


def event_fields(message: Mapping[str, object]) -> dict[str, str]:
    """An AMI message as plain text fields with lower-case names (a repeated header keeps its last value)."""
    fields = {}
    for key, value in message.items():
        text = str(value[-1] if isinstance(value, list) else value)
        fields[key.lower()] = text.replace("\x00", "")  # PostgreSQL refuses NUL in text; a PBX never means one
    return fields


def extension_of(interface: str) -> str:
    """The extension in a queue member interface or channel: "PJSIP/101", "Local/101@ctx/n", "SIP/101-0000a1"."""
    _, _, rest = interface.partition("/")
    match = re.match(r"[^@/;\-]+", rest)
    return match.group(0) if match else ""


class AmiEventHandler:
    """Applies AMI events to the desk, one at a time, in the order Asterisk sent them."""

    def __init__(self, desk: Desk, settings: AmiSettings) -> None:
        self.desk = desk
        self.settings = settings
        self.leave_grace_seconds = LEAVE_GRACE_SECONDS
        self._left: dict[str, float] = {}  # Uniqueid -> when a caller who left the queue counts as lost
        self._call_ids: dict[str, int] = {}  # Uniqueid -> call: most events of a call follow its join closely
        self._logins: dict[tuple[str, str], str | None] = {}
        self.lines: dict[str, str] = {}  # operator login -> the channel of the call they answered (for a consult)
        self._logins_until = 0.0

    def handles(self, event: AmiEvent) -> bool:
        """Whether the event can change the desk (most of what Asterisk sends cannot)."""
        return hasattr(self, f"_on_{event.get('event', '').lower()}")

    def apply(self, event: AmiEvent) -> None:
        handler = getattr(self, f"_on_{event.get('event', '').lower()}", None)
        if handler is None:
            return
        try:
            handler(event)
        except KeyError as exc:
            log.warning("AMI %s event without %s: ignored", event.get("event"), exc)

    def in_runs(self, events: Iterable[AmiEvent]) -> Iterator[list[AmiEvent]]:
        """The events the desk handles, in order, in runs to apply: consecutive QueueCallerJoin events together,
        any other event on its own."""
        run: list[AmiEvent] = []
        for event in filter(self.handles, events):
            if run and not (_is_join(event) and _is_join(run[-1])):
                yield run
                run = []
            run.append(event)
        if run:
            yield run

    def apply_run(self, run: list[AmiEvent]) -> None:
        """Apply a run from ``in_runs``: a burst of callers joining is stored in a few statements."""
        if _is_join(run[0]):
            self._join(run)
        else:
            self.apply(run[0])

    @contextmanager
    def kept_in_step(self) -> Iterator[None]:
        """For a transaction: should it fail, what was learnt of calls meanwhile is forgotten with what it wrote."""
        call_ids, left = dict(self._call_ids), dict(self._left)
        try:
            yield
        except BaseException:
            self._call_ids, self._left = call_ids, left
            raise

    def expire_leaves(self, now: float | None = None) -> None:
        """Callers who left the queue and were not connected to anyone within the grace time abandoned."""
        now = time.monotonic() if now is None else now
        for uniqueid, deadline in list(self._left.items()):
            if deadline <= now:
                del self._left[uniqueid]
                call_id = self._call_id(uniqueid)
                if call_id is not None:
                    abandon_call(self.desk, call_id)

    def resync(self, status: list[AmiEvent], pending: set[str]) -> QueueResync:
        """Make the desk equal the PBX's answer to QueueStatus (QueueEntry and QueueMember events)."""
        waiting = [
            PbxWaitingCall(
                external_id=e["uniqueid"], number=self._number(e), queue=self.queue_for(e.get("queue", "")),
                caller_name=self._caller_name(e), waited_seconds=_seconds(e.get("wait")) or 0.0,
            )
            for e in status if e.get("event", "").lower() == "queueentry" and e.get("uniqueid")
        ]
        self._call_ids.clear()
        result = pbx_events.resync_queue(self.desk, waiting, pending)
        busy, idle = set(), set()
        for member in (e for e in status if e.get("event", "").lower() == "queuemember" and "incall" in e):
            login = self.login_for(member.get("interface") or member.get("location", ""), member.get("membername")
                                   or member.get("name", ""))
            if login:
                (busy if member["incall"] == "1" else idle).add(login)
        pbx_events.end_calls_of_idle_operators(self.desk, idle - busy)
        return result

    def login_for(self, interface: str, member_name: str = "") -> str | None:
        """The operator at a queue member interface: config.yaml's map, then the extension, then the member name."""
        now = time.monotonic()
        if now > self._logins_until:  # an operator added or given an extension is seen within this time
            self._logins.clear()
            self._logins_until = now + OPERATOR_CACHE_SECONDS
        key = (interface, member_name)
        if key not in self._logins:
            self._logins[key] = self._find_login(interface, member_name)
        return self._logins[key]

    def _find_login(self, interface: str, member_name: str) -> str | None:
        if interface in self.settings.operators:
            return self.settings.operators[interface]
        extension = extension_of(interface)
        candidates = [v for v in (interface, extension) if v]
        if candidates:
            operator = Operator.select(Operator.login).where(Operator.extension.in_(candidates)).first()
            if operator is not None:
                return operator.login
        if member_name and Operator.select().where(Operator.login == member_name).exists():
            return member_name
        return None

    def interface_for(self, login: str) -> str | None:
        """An operator's phone as Asterisk names it; None when neither the config nor the operator says."""
        for interface, mapped in self.settings.operators.items():
            if mapped == login:
                return interface
        operator = Operator.get_or_none(Operator.login == login)
        if operator is None or not operator.extension:
            return None
        if "/" in operator.extension:
            return operator.extension
        return self.settings.channel.format(extension=operator.extension)

    def queue_for(self, ami_queue: str) -> str:
        """The desk's queue for an Asterisk queue: config.yaml's map, the same name, else the first queue."""
        if ami_queue in self.settings.queues:
            return self.settings.queues[ami_queue]
        return ami_queue if ami_queue in self.desk.config.queues else self.desk.config.queues[0]

    def _call_id(self, uniqueid: str) -> int | None:
        call_id = self._call_ids.get(uniqueid)
        if call_id is None and (call_id := pbx_events.call_id_for(uniqueid)) is not None:
            self._remember(uniqueid, call_id)
        return call_id

    def _remember(self, uniqueid: str, call_id: int) -> None:
        if len(self._call_ids) > CALL_ID_CACHE_SIZE:
            self._call_ids.clear()
        self._call_ids[uniqueid] = call_id

    def _call_of(self, event: AmiEvent) -> int | None:
        for key in ("uniqueid", "linkedid"):
            if event.get(key) and (call_id := self._call_id(event[key])) is not None:
                return call_id
        return None

    @staticmethod
    def _number(event: AmiEvent) -> str:
        number = event.get("calleridnum", "").strip()
        return WITHHELD if number.lower() in NO_CALLER_ID else number  # said outright: the desk refuses a blank one

    @staticmethod
    def _caller_name(event: AmiEvent) -> str:
        name = event.get("calleridname", "").strip()
        return "" if name.lower() in NO_CALLER_ID else name

    def _on_queuecallerjoin(self, event: AmiEvent) -> None:
        self._join([event])

    def _join(self, events: list[AmiEvent]) -> None:
        callers = []
        for event in events:
            if "uniqueid" not in event:
                log.warning("AMI %s event without 'uniqueid': ignored", event.get("event"))
                continue
            callers.append(PbxWaitingCall(external_id=event["uniqueid"], number=self._number(event),
                                          queue=self.queue_for(event.get("queue", "")),
                                          caller_name=self._caller_name(event)))
        for caller, call_id in zip(callers, pbx_events.ring_pbx_calls(self.desk, callers), strict=True):
            if call_id is not None:
                self._remember(caller.external_id, call_id)

    def _on_agentcalled(self, event: AmiEvent) -> None:
        call_id = self._call_of(event)
        login = self.login_for(event.get("interface") or event.get("agentcalled", ""),
                               event.get("membername") or event.get("agentname", ""))
        if call_id is not None and login:
            pbx_events.offer_call(self.desk, call_id, login)

    def _on_agentringnoanswer(self, event: AmiEvent) -> None:
        if (call_id := self._call_of(event)) is not None:
            pbx_events.offer_call(self.desk, call_id, "")

    def _on_agentconnect(self, event: AmiEvent) -> None:
        call_id = self._call_of(event)
        if call_id is None:
            return
        self._left.pop(event.get("uniqueid", ""), None)
        interface = event.get("interface") or event.get("destchannel") or event.get("channel", "")
        login = self.login_for(interface, event.get("membername", ""))
        if login is None:
            log.warning("AMI: %s answered call %s but maps to no operator (see ami.operators)", interface, call_id)
        pbx_events.answer_call_as(self.desk, call_id, login)
        if login and event.get("destchannel"):
            self.lines[login] = event["destchannel"]

    def _on_agentcomplete(self, event: AmiEvent) -> None:
        if (call_id := self._call_of(event)) is not None:
            talk = _seconds(event.get("talktime"))
            pbx_events.hang_up_call(self.desk, call_id, talk, transferred=event.get("reason") == "transfer")

    def _on_queuecallerabandon(self, event: AmiEvent) -> None:
        self._left.pop(event["uniqueid"], None)
        if (call_id := self._call_id(event["uniqueid"])) is not None:
            abandon_call(self.desk, call_id)

    def _on_queuecallerleave(self, event: AmiEvent) -> None:
        self._left[event["uniqueid"]] = time.monotonic() + self.leave_grace_seconds

    def _on_hangup(self, event: AmiEvent) -> None:
        uniqueid = event["uniqueid"]
        self._left.pop(uniqueid, None)
        if event.get("linkedid", uniqueid) != uniqueid and uniqueid not in self._call_ids:
            return  # another leg of the call (an agent's phone): its end comes as AgentComplete
        if (call_id := self._call_id(uniqueid)) is not None:
            pbx_events.hang_up_call(self.desk, call_id)


def _is_join(event: AmiEvent) -> bool:
    return event.get("event", "").lower() == "queuecallerjoin"


def _seconds(value: str | None) -> float | None:
    """A duration the PBX reported; None when absent or no sane number (nan, inf, negative, over a day)."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0.0 <= seconds <= MAX_SECONDS else None  # nan compares false: None too
