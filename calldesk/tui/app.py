"""The calldesk console: the app, its database thread, the call source and the command palette."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from peewee import PeeweeException
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from calldesk.desk.calls import consult
from calldesk.desk.calls.routing import describe_queues, keep_queues, plan_queue_move
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.calls.supervision import Supervision, record_supervision, supervised_call
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.journal import Journal
from calldesk.desk.operators.language import operator_language
from calldesk.desk.operators.roster import OperatorView, move
from calldesk.i18n import _, choose_language, use_language
from calldesk.interpreter import collector_back_on, freeze_start_up_objects, quick_thread_turns, restore_thread_turns
from calldesk.store.errors import StoreError
from calldesk.store.models import database
from calldesk.telephony.consult import UNAVAILABLE, consult_line
from calldesk.tui.cell_widths import measure_text_as
from calldesk.tui.db_thread import DatabaseAway, DatabaseThread
from calldesk.tui.keys import APP_BINDINGS, DESK_BINDINGS, KEY_HELP
from calldesk.tui.screens.desk import DeskScreen

if TYPE_CHECKING:
    from calldesk.desk.clients.importing import ImportSummary
    from calldesk.desk.coach.training import TrainingSession
    from calldesk.desk.journal import Submitted

P = ParamSpec("P")
T = TypeVar("T")
EXIT_WHEN_READY_ENV = "CALLDESK_EXIT_WHEN_READY"  # for cold-start benchmarks: quit after the first full paint
PAINTED_MARK = "calldesk-painted-at"  # what scripts/cold_start.py reads on stderr, with the moment
SUMS_FIRST_AFTER = 20.0  # seconds: after start-up, out of the way of the first calls
SUMS_EVERY = 600.0  # a day closes once a day: every ten minutes finds it soon enough
COLLECTOR_BACK_AFTER = 5.0  # seconds: a desk that cannot read its database at start-up gets its collector back


class CalldeskApp(App[int]):
    CSS_PATH = "calldesk.tcss"
    BINDINGS = APP_BINDINGS
    TITLE = "calldesk"

    def __init__(self, desk: Desk, operator: OperatorView, source: Any = None,
                 training: TrainingSession | None = None, language: str | None = None) -> None:
        """``language``: the console's (``calldesk demo --language hi``); else the operator's own, else the desk's."""
        super().__init__()
        # chosen once, before any screen is built: every label is read through the catalog of this language
        own = getattr(operator, "language", None)
        if language is None and own is None:
            own = operator_language(operator.id)
        self.language = use_language(choose_language(language, own, desk.config.language))
        measure_text_as(desk.config.text_width)  # before any screen measures a name
        self.training = training  # a practice call: the desk plays its caller and scores the trainee
        self.desk = desk
        self.operator = operator
        self.source = source
        self.db = DatabaseThread()
        self.journal = Journal.for_operator(operator.login, clock=desk.clock)  # what an outage must not lose
        self.pop_timings: list[float] = []  # ms from "answer" to the dossier painted, for scripts/bench.py
        self.handset_pop_timings: list[float] = []  # ms from a call answered at the handset to its dossier painted
        self.link_text = ""
        self._stop_source = threading.Event()
        self._source_thread: threading.Thread | None = None
        self.desk_painted = False
        self.desk_screen: DeskScreen | None = None
        self.offline = False  # the database is away: work waits in the journal
        self._replaying = False

    def on_load(self) -> None:
        self._thread_turns = quick_thread_turns()

    def on_mount(self) -> None:
        self.set_timer(COLLECTOR_BACK_AFTER, collector_back_on)
        self.set_keymap(self.desk.config.keys)
        self.desk_screen = DeskScreen(self)
        self.push_screen(self.desk_screen)
        if self.source is not None:
            self._source_thread = threading.Thread(target=self._run_source, name="calldesk-source", daemon=True)
            self._source_thread.start()

    async def on_unmount(self) -> None:
        restore_thread_turns(self._thread_turns)
        # Staffing reports count a closed console as gone home, unless a call is still on it.
        if self.desk_screen is None or self.desk_screen.live is None:
            with contextlib.suppress(StoreError, DeskError):  # closing anyway: nobody is left to tell
                await self.db.run(move, self.desk, self.operator.id, OperatorEvent.SIGN_OUT)
        self._stop_source.set()
        if self._source_thread is not None:
            self._source_thread.join(timeout=2)
        self.db.close()

    # --- the one way to the database: rules run on its thread, under one outage policy -------------------

    async def attempt(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a desk rule on the database thread. A refusal is raised as the rule's DeskError; an outage runs the
        outage policy and is raised as DatabaseAway (a DeskError too), so a dialog shows either in its own line."""
        try:
            result = await self.db.run(fn, *args, **kwargs)
        except StoreError as exc:
            self.went_offline(exc)
            raise DatabaseAway(str(exc)) from None
        await self.back_online()
        return result

    async def run_rule(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """``attempt`` for the screens: a refusal becomes a one-line warning; None after a refusal or an outage."""
        try:
            return await self.attempt(fn, *args, **kwargs)
        except DatabaseAway:
            return None  # said once already, by the outage policy
        except DeskError as exc:
            self.notify(str(exc), severity="warning")
            return None

    async def rule_ok(self, fn: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> bool:
        """``run_rule`` for rules that return nothing: True when the rule went through."""
        try:
            await self.attempt(fn, *args, **kwargs)
        except DatabaseAway:
            return False
        except DeskError as exc:
            self.notify(str(exc), severity="warning")
            return False
        return True

    async def keep(self, kind: str, **payload: object) -> Submitted | None:
        """Save through the local journal: written to disk first, then to the database if it answers; during an
        outage it waits on this machine and is replayed when the database is back. None when a rule refused."""
        submitted = await self.run_rule(self.journal.submit, self.desk, kind, **payload)
        if submitted is not None and not submitted.applied:
            self.went_offline("database unavailable")
        return submitted

    async def replay_kept_work(self) -> None:
        """Changes an earlier console kept on this machine during an outage: said, and replayed now if the database
        answers, else on the first read that does."""
        if await self.run_rule(self.journal.pending):
            self.went_offline(_("changes made offline wait to be saved"))
            await self.back_online()

    def went_offline(self, reason: object) -> None:
        """The outage policy: the status bar says so and one message tells what is kept, however many fail."""
        if not self.offline:
            self.offline = True
            self._show_link()
            self.notify(_("Database offline, reconnecting ({reason}). Keep working: notes, wrap-ups and drafts are "
                          "kept on this machine until it is back.").format(reason=reason), severity="error", timeout=10)

    async def back_online(self) -> None:
        """After an outage: replay what was kept locally, once, and say so."""
        if not self.offline or self._replaying:
            return
        self._replaying = True
        desk = self.desk_screen
        try:
            # a poll read before the replay must not undo on screen what the replay does
            with desk.acting_on_call() if desk is not None else contextlib.nullcontext():
                report = await self.db.run(self.journal.replay, self.desk)
        except StoreError:
            return  # not back after all: the next poll tries again
        finally:
            self._replaying = False
        self.offline = False
        self._show_link()
        self.notify(_("Database back: {count} change(s) made offline are saved.").format(count=len(report.applied)))
        for entry, reason in report.refused:
            self.notify(_("Not saved ({kind}): {reason}").format(kind=entry.kind, reason=reason), severity="error",
                        timeout=15)
        if desk is not None:
            desk.poll_queue()

    def _show_link(self) -> None:
        if self.desk_screen is not None and self.desk_screen.is_mounted:
            self.desk_screen.show_status()

    # --- the call source, in its own thread ---------------------------------------------------------

    def _run_source(self) -> None:
        try:
            self.source.run(self._stop_source, self._report_link)
        except Exception as exc:
            self.call_from_thread(self.notify, _("Call source stopped: {problem}").format(problem=exc),
                                  severity="error", timeout=10)
            self._report_link(f"{getattr(self.source, 'name', 'source')} down")

    def _report_link(self, state: object) -> None:
        text = state.describe() if hasattr(state, "describe") else str(state)
        self.call_from_thread(setattr, self, "link_text", text)

    @work(thread=True, group="source")
    def dial(self, number: str) -> None:
        """Click-to-call: a PBX that can dial (Asterisk) rings the operator's phone, then the client."""
        call_out = getattr(self.source, "call_out", None)
        if call_out is None or not number:
            return
        try:
            call_out(self.operator.login, number)
        except DeskError as exc:
            self.call_from_thread(self.notify, _("The PBX could not dial: {problem}").format(problem=exc),
                                  severity="warning")

    async def supervise_call(self, operator_id: int, mode: Supervision) -> str:
        """A lead listens to, whispers on or joins an operator's call: the desk allows it, the PBX rings the lead's
        phone into the call, then the desk keeps it (audit, the operator told). What to tell the lead; a refusal,
        of the desk or the PBX, is raised as one line and leaves no trace."""
        supervise = getattr(self.source, "supervise", None)
        if supervise is None:
            raise DeskError(_("Listening in needs the PBX's phones: set call_source: ami in config.yaml"))
        call = await self.attempt(supervised_call, self.desk, self.operator.id, operator_id, mode)
        await asyncio.to_thread(supervise, self.operator.login, call.operator_login, mode)
        await self.attempt(record_supervision, self.desk, self.operator.id, call, mode)
        told = {Supervision.LISTEN: _("Your phone rings: answer it to hear {name}'s call"),
                Supervision.WHISPER: _("Your phone rings: {name} will hear you, the caller will not"),
                Supervision.BARGE: _("Your phone rings: answer it to join {name}'s call")}
        return told[mode].format(name=call.operator_name)

    async def move_in_queue(self, operator_id: int, queue: str, priority: int | None) -> str:
        """A lead puts an operator in a queue at a priority, or takes them out of it: the desk allows it, the PBX's
        queue members follow (with AMI), then the desk keeps it. What to tell the lead; a refusal, of the desk or
        the PBX, is raised as one line and changes nothing."""
        by = self.operator.login
        change = await self.attempt(plan_queue_move, self.desk, operator_id, queue, priority, by=by)
        follow = getattr(self.source, "follow_queues", None)
        if follow is not None:
            await asyncio.to_thread(follow, change)
        await self.attempt(keep_queues, self.desk, change, by=by)
        return _("{name} answers {queues}").format(name=change.name, queues=describe_queues(change.after))

    def consult_unavailable(self) -> str:
        """Why this console cannot consult first (no AMI, no consult hook), "" when it can."""
        return "" if consult_line(self.desk, self.source) else _(UNAVAILABLE)

    async def start_consult(self, call_id: int, colleague: str, note: str = "") -> str:
        """Consult first: the desk allows it, the PBX holds the caller and rings the colleague, then the desk keeps
        it (the call consulting, audited, with the ``note`` for the colleague). What to tell the operator; a refusal,
        of the desk or the PBX, is raised as one line and changes nothing."""
        line = consult_line(self.desk, self.source)
        if line is None:
            raise DeskError(_(UNAVAILABLE))
        planned = await self.attempt(consult.consult_to_start, self.desk, call_id, self.operator.id, colleague)
        await asyncio.to_thread(line.start_consult, planned)
        await self.attempt(consult.start_consult, self.desk, planned, note)
        return _("Calling {name}: the caller holds. F4 hands the caller over or takes you back.").format(
            name=planned.colleague_name)

    async def finish_consult(self, call_id: int, complete: bool) -> None:
        """The consult ends: the caller goes on to the colleague (``complete``, with the consult's note) or the
        operator goes back to them. The desk allows it, the PBX does it, the desk keeps it; a refusal is one line,
        nothing changed."""
        line = consult_line(self.desk, self.source)
        if line is None:
            raise DeskError(_(UNAVAILABLE))
        me = self.operator.id
        if complete:
            planned = await self.attempt(consult.consult_to_complete, self.desk, call_id, me)
            await asyncio.to_thread(line.complete_consult, planned)
            await self.attempt(consult.complete_consult, self.desk, call_id, me)
            return
        planned = await self.attempt(consult.consult_going_on, self.desk, call_id, me)
        if planned is not None:
            await asyncio.to_thread(line.cancel_consult, planned)
        await self.attempt(consult.return_from_consult, self.desk, call_id, me)

    @work(thread=True, group="source")
    def tell_source_paused(self, paused: bool, reason: str) -> None:
        """A PBX that queues calls (Asterisk) must stop offering them to a paused operator too."""
        set_paused = getattr(self.source, "set_paused", None)
        if set_paused is None:
            return
        try:
            set_paused(self.operator.login, paused, reason)
        except DeskError as exc:
            self.call_from_thread(self.notify, _("The PBX was not told: {problem}").format(problem=exc),
                                  severity="warning")

    # --- hooks for measurements ----------------------------------------------------------------------

    def record_screen_pop(self, started: float) -> None:
        self.pop_timings.append((time.perf_counter() - started) * 1000)

    def record_handset_pop(self, answered_at: datetime | None) -> None:
        """A call answered at the handset is painted: ms since the PBX's report of it was stored."""
        if answered_at is not None:
            self.handset_pop_timings.append((time.time() - answered_at.timestamp()) * 1000)

    def desk_ready(self) -> None:
        if not self.desk_painted:
            self.desk_painted = True
            if os.environ.get(EXIT_WHEN_READY_ENV):
                # the screen's next refresh: the app's own queue can hold the callback a few frames longer
                self.screen.call_after_refresh(self._say_painted_and_exit)
            else:
                self.set_timer(1.0, freeze_start_up_objects)
                self.set_timer(SUMS_FIRST_AFTER, self.keep_statistics_summed)
                self.set_interval(SUMS_EVERY, self.keep_statistics_summed)

    def _say_painted_and_exit(self) -> None:
        # Straight to descriptor 2: while the app runs, Textual captures sys.stderr.
        os.write(2, f"{PAINTED_MARK} {time.time():.6f}\n".encode())
        self.exit(0)

    @work(thread=True, exclusive=True, group="statistics-sums", exit_on_error=False)
    def keep_statistics_summed(self) -> None:
        """Closed days summed on a thread of their own, off the desk's database thread, so a lead's month is read
        from its sums instead of a million calls."""
        from calldesk.desk.stats.hours import keep_recent_days_summed  # statistics cost nothing at start-up

        try:
            keep_recent_days_summed(self.desk)
        except (PeeweeException, StoreError, DeskError):
            pass  # the database is away or busy: the next round sums what this one could not, nobody waits on it
        finally:
            if not database.is_closed():
                database.close()  # this thread's own connection

    # --- keys, help and the command palette ----------------------------------------------------------

    def action_help(self) -> None:
        """Every key; the keys of the screen in front (the board, the team view...) come first."""
        from calldesk.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        keymap = {binding_id: keys for binding_id, keys in self._keymap.items()}
        extra = []
        if not isinstance(self.screen, DeskScreen):
            where = type(self.screen).__name__.removesuffix("Screen").removesuffix("Modal")
            extra = [(where, keymap.get(b.id or "", b.key), _(b.description))
                     for b in getattr(self.screen, "BINDINGS", [])
                     if isinstance(b, Binding) and (b.id is not None or b.show)]  # not a hidden second key
        self.push_screen(HelpScreen(keymap, extra))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast is plain text, whoever asks for it: the names and notes in them come from callers and colleagues,
        and Textual would obey (or choke on) markup such as "[/]" or "[@click=app.quit]" in them."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    @work
    async def action_quit(self) -> None:
        from calldesk.tui.modals.confirm import ConfirmModal

        desk = self.desk_screen
        if (desk is not None and desk.live is not None
                and not await self.push_screen_wait(ConfirmModal(_("A call is live. Quit anyway? (it stays yours)")))):
            return
        self.exit(0)

    def action_import_clients(self) -> None:
        from calldesk.tui.modals.import_clients import ImportClientsModal  # lazy: its file readers are heavy

        def done(summary: ImportSummary | None) -> None:
            if summary is not None:
                self.notify(summary.describe(), title=_("Import"))

        self.push_screen(ImportClientsModal(self.desk, self.operator.login), done)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        desk = self.desk_screen
        if desk is not None:
            for binding in (b for b in DESK_BINDINGS if b.id):  # without an id: another key of one listed
                yield SystemCommand(
                    _(binding.description), _(KEY_HELP.get(binding.id or "", "")),
                    lambda action=binding.action: desk.run_action(action),
                )
            yield SystemCommand(_("Import clients"),
                                _("bring clients in from a CSV or vCard file, with a progress bar"),
                                self.action_import_clients)
            if desk.live is not None:
                from calldesk.desk.coach.script import list_scripts

                for script in list_scripts(self.desk.config):
                    yield SystemCommand(_("Script: {name}").format(name=script.name),
                                        _("use this script for the live call"),
                                        lambda name=script.name: desk.switch_script(name))
        yield from super().get_system_commands(screen)
