"""Asterisk through its Manager Interface (AMI, with panoramisk): queue events in; click-to-call, pause, a
lead's listen, whisper and barge, and the queues' members as a lead moves them out.

The source runs its own asyncio loop in the console's source thread. On every connect it logs in, compares the
desk's queue with the PBX's (QueueStatus), then applies events in the order received, a batch per transaction so
a burst is stored as fast as it comes. A lost link is retried with back-off while the console keeps working.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
import time
from collections import deque
from contextlib import suppress
from typing import Any

import phonenumbers
from panoramisk import Manager
from panoramisk.message import Message
from peewee import PeeweeException

from calldesk.config import AmiSettings
from calldesk.desk.calls.consult import Consult
from calldesk.desk.calls.routing import QueueChange
from calldesk.desk.calls.supervision import Supervision
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import _
from calldesk.paths import expand_user
from calldesk.phones import digits_of
from calldesk.store.failures import is_refused
from calldesk.store.models import database
from calldesk.telephony.ami_events import AmiEventHandler, event_fields
from calldesk.telephony.source import LinkState, LinkStatus, Report

log = logging.getLogger("calldesk.ami")

CONNECT_TIMEOUT_SECONDS = 5.0
ANSWER_TIMEOUT_SECONDS = 10.0  # for the PBX's response to an action
KEEPALIVE_SECONDS = 15.0  # a Ping this often; no answer means the link is dead even if TCP says otherwise
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0
BATCH_SIZE = 200  # events stored per transaction
POLL_SECONDS = 0.2  # how often the loop looks at the stop flag and at callers who left the queue
# ChanSpy's options: q no beep on the call, E the lead's line ends with the call, w whisper, B barge (both hear)
CHANSPY_OPTIONS = {Supervision.LISTEN: "qE", Supervision.WHISPER: "qwE", Supervision.BARGE: "qBE"}
_SUPERVISION_DOING = {Supervision.LISTEN: "listen to the call", Supervision.WHISPER: "whisper on the call",
                      Supervision.BARGE: "join the call"}


class TelephonyError(DeskError):
    """The phone system cannot be reached or refused; ``str(error)`` is the line to show."""


class _LinkLost(Exception):
    """The link went down after it was up."""


def read_secret(settings: AmiSettings) -> str:
    """The AMI secret, from ``ami.secret_file`` when set, else from the variable ``ami.secret_env``."""
    if settings.secret_file:
        path = expand_user(settings.secret_file)
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise TelephonyError(f"ami.secret_file {path}: cannot read it ({exc.strerror})") from None
        if not secret:
            raise TelephonyError(f"ami.secret_file {path}: the file is empty")
        return secret
    secret = os.environ.get(settings.secret_env, "")
    if not secret:
        raise TelephonyError(f"no AMI secret: set the environment variable {settings.secret_env} "
                             "(or ami.secret_file in config.yaml)")
    return secret


def dial_string(number: str, region: str, prefix: str = "") -> str:
    """The digits to dial from this region to reach ``number`` (national at home, international abroad)."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise TelephonyError(f"cannot dial {number!r}: not a phone number")
    return prefix + digits_of(phonenumbers.format_out_of_country_calling_number(parsed, region))


class _Link(Manager):
    """panoramisk's Manager with reconnecting left to the source, which backs off and resynchronises."""

    def __init__(self, on_lost: Any, **config: Any) -> None:
        super().__init__(**config)
        self._on_lost = on_lost

    def connection_made(self, f: asyncio.Future) -> None:
        if not f.cancelled() and f.exception() is None:  # a failed connect is raised to the source instead
            super().connection_made(f)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connected = False
        if self.pinger:
            self.pinger.cancel()
        self._on_lost(exc)


class AmiSource:
    """The call source for an Asterisk PBX. ``call_out`` and ``set_paused`` may be called from any thread."""

    name = "ami"

    def __init__(self, desk: Desk, settings: AmiSettings | None = None) -> None:
        self.desk = desk
        self.settings = settings or desk.config.ami
        self.events = AmiEventHandler(desk, self.settings)
        self.link = LinkState("down", desk.clock.now(), _("not started"))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._manager: _Link | None = None
        self._pending: deque[dict[str, str]] = deque()
        self._wakeup: asyncio.Event | None = None

    @property
    def address(self) -> str:
        return f"{self.settings.username}@{self.settings.host}:{self.settings.port}"

    def run(self, stop: threading.Event, report: Report) -> None:
        """Keep the link to Asterisk up and its events flowing into the desk until ``stop`` is set."""
        asyncio.run(self._run(stop, report))

    def call_out(self, operator_login: str, number: str, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """Click-to-call: the PBX rings the operator's phone, then dials the client's number from it."""
        interface = self._interface(operator_login)
        exten = dial_string(number, self.desk.region, self.settings.dial_prefix)
        self._request({"Action": "Originate", "Channel": interface, "Context": self.settings.context,
                       "Exten": exten, "Priority": "1", "CallerID": f"{self.desk.config.company} <{exten}>",
                       "Timeout": "30000", "Async": "true"}, f"dial {number}", timeout)

    def supervise(self, lead_login: str, operator_login: str, mode: Supervision,
                  timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """Ring the lead's phone into the operator's call (ChanSpy): to listen, whisper or join it."""
        spied = self._interface(operator_login)
        self._request({"Action": "Originate", "Channel": self._interface(lead_login), "Application": "ChanSpy",
                       "Data": f"{spied},{CHANSPY_OPTIONS[mode]}", "CallerID": f"{mode.value} <{spied}>",
                       "Timeout": "30000", "Async": "true"}, _SUPERVISION_DOING[mode], timeout)

    def start_consult(self, consult: Consult, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """Consult first: Asterisk's attended transfer holds the caller and rings the colleague from the operator's
        line."""
        self._request({"Action": "Atxfer", "Channel": self._line(consult.operator_login),
                       "Exten": consult.colleague_extension, "Context": self.settings.context},
                      f"call {consult.colleague_name}", timeout)

    def complete_consult(self, consult: Consult, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """The operator's line leaves the attended transfer: Asterisk connects the caller to the colleague."""
        self._request({"Action": "Hangup", "Channel": self._line(consult.operator_login)},
                      f"hand the caller to {consult.colleague_name}", timeout)

    def cancel_consult(self, consult: Consult, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """The colleague is hung up on and the operator is back with the caller (Asterisk 13.18 and later)."""
        self._request({"Action": "CancelAtxfer", "Channel": self._line(consult.operator_login)},
                      "go back to the caller", timeout)

    def _line(self, login: str) -> str:
        """The channel of the operator's live call, as the PBX reported it when they answered (AgentConnect)."""
        line = self.events.lines.get(login)
        if line is None:
            raise TelephonyError(f"cannot consult: the PBX has not said which line {login} is on (answer the call "
                                 "at the phone)")
        return line

    def set_paused(self, operator_login: str, paused: bool, reason: str = "",
                   timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """Pause (or resume) the operator in every queue, with the reason the console picked."""
        action = {"Action": "QueuePause", "Interface": self._interface(operator_login),
                  "Paused": "true" if paused else "false"}
        if reason:
            action["Reason"] = reason
        self._request(action, "pause" if paused else "resume", timeout)

    def follow_queues(self, change: QueueChange, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        """The PBX's queue members follow a lead's change: QueueAdd for a queue joined, QueuePenalty for a new
        priority, QueueRemove for a queue left. The member is named by the login, which maps the PBX's events back
        to the operator. The team view changes one queue at a time: one action, refused whole or done."""
        interface = self._interface(change.login)
        for member in change.joined:
            self._request({"Action": "QueueAdd", "Queue": self._asterisk_queue(member.queue), "Interface": interface,
                           "Penalty": str(member.priority), "MemberName": change.login},
                          f"add {change.login} to {member.queue}", timeout)
        for member in change.moved:
            self._request({"Action": "QueuePenalty", "Interface": interface, "Penalty": str(member.priority),
                           "Queue": self._asterisk_queue(member.queue)},
                          f"give {change.login} priority {member.priority} in {member.queue}", timeout)
        for member in change.left:
            self._request({"Action": "QueueRemove", "Queue": self._asterisk_queue(member.queue),
                           "Interface": interface}, f"take {change.login} out of {member.queue}", timeout)

    def _asterisk_queue(self, queue: str) -> str:
        """The Asterisk queue for a desk queue: config.yaml's ami.queues read backwards, else the same name."""
        return next((ami_queue for ami_queue, desk_queue in self.settings.queues.items() if desk_queue == queue),
                    queue)

    def _interface(self, login: str) -> str:
        interface = self.events.interface_for(login)
        if interface is None:
            raise TelephonyError(f"operator {login!r} has no phone: give them an extension or map them in "
                                 "ami.operators in config.yaml")
        return interface

    def _request(self, action: dict[str, str], doing: str, timeout: float) -> None:
        loop = self._loop
        if loop is None or self._manager is None or self.link.status != "connected":
            raise TelephonyError(f"cannot {doing}: the PBX link is {self.link.describe()}")
        future = asyncio.run_coroutine_threadsafe(self._send(action), loop)
        try:
            reply = future.result(timeout)
        except (TimeoutError, concurrent.futures.TimeoutError):
            future.cancel()
            raise TelephonyError(f"cannot {doing}: the PBX did not answer within {timeout:g} s") from None
        if not reply.success:
            raise TelephonyError(f"the PBX refused to {doing}: {reply.get('message') or reply.get('response')}")

    async def _send(self, action: dict[str, str]) -> Message:
        if self._manager is None:
            raise TelephonyError("the PBX link went down")
        return await self._manager.send_action(action, as_list=False)

    def _report(self, report: Report, status: LinkStatus, detail: str, since: Any = None) -> None:
        self.link = LinkState(status, since or self.desk.clock.now(), detail)
        report(self.link)

    async def _run(self, stop: threading.Event, report: Report) -> None:
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        retry = FIRST_RETRY_SECONDS
        down_since = None
        self._report(report, "reconnecting", _("connecting to {address}").format(address=self.address))
        try:
            while not stop.is_set():
                try:
                    await self._session(stop, report)
                except _LinkLost as exc:
                    retry, down_since = FIRST_RETRY_SECONDS, self.desk.clock.now()
                    self._report(report, "reconnecting",
                                 _("link to {address} lost ({problem})").format(address=self.address, problem=exc))
                except (TelephonyError, OSError, TimeoutError) as exc:
                    down_since = down_since or self.desk.clock.now()
                    problem = str(exc) if isinstance(exc, TelephonyError) else _unreachable(exc, self.settings)
                    log.warning("AMI: %s", problem)
                    self._report(report, "down", _("{problem}; retrying in {seconds} s").format(
                        problem=problem, seconds=f"{retry:g}"), since=down_since)
                else:
                    down_since = None
                await _wait(stop, retry)
                retry = min(retry * 2, MAX_RETRY_SECONDS)
        finally:
            self._loop = None

    async def _session(self, stop: threading.Event, report: Report) -> None:
        """One connection: log in, resynchronise, then apply events until the link drops or ``stop`` is set."""
        secret = read_secret(self.settings)
        lost: asyncio.Future = self._loop.create_future()

        def on_lost(exc: object) -> None:
            if not lost.done():
                lost.set_result(str(exc) if isinstance(exc, Exception) and str(exc) else "closed by the PBX")

        manager = _Link(on_lost, loop=self._loop, host=self.settings.host, port=self.settings.port,
                        ping_delay=3600)  # the source pings itself and checks the answers
        manager.register_event("*", self._on_event)
        keepalive = None
        try:
            await asyncio.wait_for(manager.connect(), CONNECT_TIMEOUT_SECONDS)
            self._manager = manager
            self._pending.clear()
            try:
                await self._log_in(manager, lost, secret)
                await self._resync(manager, lost)
            except _LinkLost as exc:  # not up yet: a failure to connect, retried with back-off
                raise TelephonyError(f"Asterisk at {self.settings.host}:{self.settings.port} dropped the link "
                                     f"while logging in ({exc})") from None
            self._report(report, "connected", self.address)
            keepalive = asyncio.ensure_future(self._keep_alive(manager, lost))
            await self._pump(stop, lost)
        finally:
            if keepalive is not None:
                keepalive.cancel()
            self._manager = None
            manager.close()

    async def _log_in(self, manager: _Link, lost: asyncio.Future, secret: str) -> None:
        reply = await self._ask(manager, lost, {"Action": "Login", "Username": self.settings.username,
                                                "Secret": secret, "Events": "on"})
        if not reply.success:
            where = self.settings.secret_file or f"${self.settings.secret_env}"
            raise TelephonyError(f"AMI login refused for {self.address}: "
                                 f"{reply.get('message') or 'no reason given'} (check the secret in {where})")

    async def _ask(self, manager: _Link, lost: asyncio.Future, action: dict[str, str],
                   as_list: bool = False) -> Any:
        reply = manager.send_action(action, as_list=as_list)
        done, _ = await asyncio.wait({reply, lost}, timeout=ANSWER_TIMEOUT_SECONDS,
                                     return_when=asyncio.FIRST_COMPLETED)
        if reply in done:
            return reply.result()
        if lost.done():
            raise _LinkLost(lost.result())
        raise _LinkLost(f"no answer to {action['Action']} within {ANSWER_TIMEOUT_SECONDS:g} s")

    async def _resync(self, manager: _Link, lost: asyncio.Future) -> None:
        """Events received meanwhile wait in _pending: they are newer than the PBX's answer, so they apply after."""
        replies = await self._ask(manager, lost, {"Action": "QueueStatus"}, as_list=True)
        status = [event_fields(r) for r in (replies if isinstance(replies, list) else [replies])]
        pending = {e[k] for e in self._pending for k in ("uniqueid", "linkedid") if e.get(k)}
        with database.atomic():
            result = self.events.resync(status, pending)
        if result.added or result.dropped:
            log.info("AMI resync: %d calls found waiting, %d gone", len(result.added), len(result.dropped))

    async def _keep_alive(self, manager: _Link, lost: asyncio.Future) -> None:
        while not lost.done():
            await asyncio.sleep(KEEPALIVE_SECONDS)
            try:
                await self._ask(manager, lost, {"Action": "Ping"})
            except _LinkLost as exc:
                if not lost.done():
                    lost.set_result(str(exc))

    def _on_event(self, _manager: Manager, message: Message) -> None:
        self._pending.append(event_fields(message))
        self._wakeup.set()

    async def _pump(self, stop: threading.Event, lost: asyncio.Future) -> None:
        store_down = False
        while not stop.is_set():
            self._wakeup.clear()
            try:
                await self._apply_pending()
                self.events.expire_leaves()
            except PeeweeException as exc:  # the database is away: keep the events and try again
                if not store_down:
                    log.warning("AMI: database unavailable, holding %d events: %s", len(self._pending), exc)
                store_down = True
                await asyncio.sleep(1)
                continue
            store_down = False
            if lost.done():
                raise _LinkLost(lost.result())
            woken = asyncio.ensure_future(self._wakeup.wait())
            await asyncio.wait({woken, lost}, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
        with suppress(PeeweeException):  # stopping: store what was received, if the database lets us
            await self._apply_pending()

    async def _apply_pending(self) -> None:
        while self._pending:
            batch = [self._pending.popleft() for _ in range(min(BATCH_SIZE, len(self._pending)))]
            try:
                self._apply(batch)
            except PeeweeException:
                self._pending.extendleft(reversed(batch))
                raise
            await asyncio.sleep(0)  # let the socket be read between batches

    def _apply(self, batch: list[dict[str, str]]) -> None:
        """The batch in one transaction (one commit); an event the desk refuses is logged and the rest stored."""
        runs = list(self.events.in_runs(batch))
        try:
            with self.events.kept_in_step(), database.atomic():
                for run in runs:
                    self.events.apply_run(run)
        except Exception as exc:
            if not _refused(exc):
                raise
            # all rolled back: again, each run on a savepoint of its own (which costs, so only now)
            with self.events.kept_in_step(), database.atomic():
                for run in runs:
                    if not self._store(run) and len(run) > 1:
                        for event in run:  # one bad join among many: the others are stored all the same
                            self._store([event])

    def _store(self, run: list[dict[str, str]]) -> bool:
        try:
            with database.atomic():
                self.events.apply_run(run)
        except Exception as exc:
            if not _refused(exc):
                raise
            if len(run) == 1:  # a longer run is stored again event by event, and the bad one named then
                log.warning("AMI %s %s: %s", run[0].get("event"), run[0].get("uniqueid", ""), exc)
            return False
        return True


async def _wait(stop: threading.Event, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(min(POLL_SECONDS, deadline - time.monotonic()))


def _refused(exc: BaseException) -> bool:
    """The desk or the database refuses the event itself (store/failures.py): it is dropped, the rest are stored."""
    return isinstance(exc, DeskError) or is_refused(exc)


def _unreachable(exc: BaseException, settings: AmiSettings) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError):
        reason = f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s"
    return f"cannot reach Asterisk at {settings.host}:{settings.port} ({reason})"
