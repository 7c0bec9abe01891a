"""The desk: queue on the left, the caller's dossier and notes in the centre, the etiquette script on the right."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, TextArea

from calldesk.desk.callbacks.lines import CallbackLine, callback_of_call, my_callbacks, notice_snapshot
from calldesk.desk.callbacks.reminders import Viewer, describe_notice, most_severe, notices_for, summarize_notices
from calldesk.desk.calls import escalation, handling, queue
from calldesk.desk.calls.handling import LiveCall
from calldesk.desk.calls.states import OperatorEvent, OperatorState
from calldesk.desk.calls.wrap_up_limit import close_wrap_up_if_over, close_wrap_ups_over, wrap_up_ends_at
from calldesk.desk.context import Desk
from calldesk.desk.errors import CallTaken, DeskError
from calldesk.desk.operators import roster
from calldesk.desk.operators.notices import NoticeView
from calldesk.desk.operators.permissions import Action, may
from calldesk.desk.operators.shift import Standing, resume_shift, where_i_stand
from calldesk.i18n import N_, _, desk_word
from calldesk.interpreter import collect_between_calls
from calldesk.store.changes import ChangeWatcher
from calldesk.tui.db_thread import DatabaseAway
from calldesk.tui.desk_host import DeskHost
from calldesk.tui.keys import DESK_BINDINGS
from calldesk.tui.widgets.dossier_view import DossierView
from calldesk.tui.widgets.key_bar import KeyBar
from calldesk.tui.widgets.my_callbacks import MyCallbacks
from calldesk.tui.widgets.notes_area import NotesArea
from calldesk.tui.widgets.phrase_hints import PhraseHints
from calldesk.tui.widgets.queue_table import QueueTable
from calldesk.tui.widgets.script_pane import ScriptPane
from calldesk.tui.widgets.status_bar import RAW_STATE_WORDS, DeskStatus, StatusBar

PRACTICE_BANNER = N_("PRACTICE CALL (calldesk train): the caller is a scenario; ctrl+l plays their next words")

if TYPE_CHECKING:
    from calldesk.desk.callbacks.promises import OutcomeResult
    from calldesk.desk.calls.call_view import CallView
    from calldesk.desk.clients.directory import ClientHit
    from calldesk.desk.coach.phrase_guard import PhraseGuard
    from calldesk.tui.modals.client_details import ClientForm
    from calldesk.tui.modals.transfer import TransferChoice

# Dialogs, the other screens and what a call needs (the screen pop, the phrase guard, the call-back and client
# rules) are imported where they are used: the desk paints before any is needed, and prepare_for_calls imports the
# call's once it has.
AUTOSAVE_SECONDS = 3.0
TICK_SECONDS = 1.0
WATCH_SECONDS = 0.5  # how long the watcher waits for a change before it checks whether the console is closing
READ_GAP_SECONDS = 0.1  # in a burst of changes (a PBX's), the desk is read again at most this often
# The watcher's first look reads the desk once more (it catches what changed meanwhile): after the first paint, not in
# its way
WATCH_AFTER_PAINT_SECONDS = 0.3
TOASTS_AT_ONCE = 3  # more new call-back notices than this at once are summed up in one toast
RELEASE_SECONDS = 30.0  # how often a console hands untouched overdue call-backs back to their pool


class DeskScreen(Screen):
    BINDINGS = DESK_BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, console: DeskHost) -> None:
        super().__init__()
        self.console = console  # the app: who works here, the database thread, the call source
        # The class Textual gives on the first resize, given before the first styling: given after, it styles every
        # widget a second time (docs/performance.md)
        width = self.app.size.width
        self.add_class(next(name for at, name in reversed(self.HORIZONTAL_BREAKPOINTS) if width >= at), update=False)
        self.live: LiveCall | None = None
        self.script_name = ""
        self.client_id: int | None = None  # whose dossier is shown (and gets the notes)
        self._saved_notes = ""
        self._polling = False
        self._poll_again = False
        self._stop_watching = threading.Event()
        self._watching: threading.Thread | None = None
        self._phrases: frozenset[str] = frozenset()  # the negative phrasings already stored for the live call
        self._escalations: list[escalation.EscalationView] = []
        self._queue_reader = queue.QueueReader()  # read on the database thread only
        self._notice_lines: list[CallbackLine] = []  # what the call-back notices are computed from each second
        self._noticed: set[tuple] = set()  # notices already toasted
        self._suggested_disposition = ""
        self._following = False  # until the start-up recovery has put the operator's call back
        self._call_actions = 0  # this console's own call changes under way
        self._settling = 0  # own changes done but not painted yet: reads wait for the paint
        self._call_generation = 0  # bumped by each of them
        self._wrapping_up = False
        self._closing_wrap_up = False  # the wrap-up's time ran out: its notes are being kept as a draft
        self._signing_out = False
        self._toasted_notices: set[int] = set()

    @property
    def desk(self) -> Desk:
        return self.console.desk

    @property
    def _due_soon(self) -> timedelta:
        return timedelta(minutes=self.console.desk.config.callbacks.due_soon_minutes)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                with Vertical(id="queue-pane", classes="pane") as pane:
                    pane.border_title = _("Queue")
                    yield QueueTable(self.desk, id="queue")
                with Vertical(id="callbacks-pane", classes="pane") as pane:
                    pane.border_title = _("My call-backs")
                    yield MyCallbacks(self._due_soon, self.desk.zone, id="my-callbacks")
            with Vertical(id="centre", classes="pane"):
                yield DossierView(id="dossier")
                notes_area = NotesArea(id="notes", soft_wrap=True, show_line_numbers=False)
                notes_area.border_title = _("Notes")
                yield notes_area
            with Vertical(id="script-pane", classes="pane") as pane:
                pane.border_title = _("Script")
                yield ScriptPane(id="script")
                yield PhraseHints(id="phrase-hints")
        yield KeyBar()

    async def on_mount(self) -> None:
        self._guard: PhraseGuard | None = None
        self.status = DeskStatus(operator=self.console.operator.name, department=self._department_name())
        self.query_one("#notes", TextArea).border_subtitle = _("autosaved · ctrl+s keeps it on the dossier")
        self._paint_status()
        await self._save_work_left_offline()
        self.poll_queue()  # first read of the store: the queue is on the desk's first paint
        await self._recover()
        self._following = True
        if self.console.training is not None:
            await self._start_training()
            self.poll_queue()
        self.set_interval(TICK_SECONDS, self._tick)
        self.set_interval(AUTOSAVE_SECONDS, self.autosave_notes)
        self.set_interval(RELEASE_SECONDS, self.release_overdue)

    # --- the queue ---------------------------------------------------------------------------------

    def _tick(self) -> None:
        now = self.desk.clock.now()
        table = self.query_one(QueueTable)
        table.tick(now)
        self.status.late = table.late_count(now)
        self.query_one(MyCallbacks).tick(now)
        self._show_notices(now)
        self._paint_status()
        if self._wrap_up_ran_out(now) and not self.console.offline and not self._closing_wrap_up:
            self.end_wrap_up_on_time()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        if self._watching is not None:
            self._watching.join(timeout=2)

    def _start_watching(self) -> None:
        """After the first paint: a thread waits for changes to the store and has the desk read them at once."""
        if self._watching is None:
            self._watching = threading.Thread(target=self._watch_the_store, name="calldesk-watch", daemon=True)
            self._watching.start()

    def _watch_the_store(self) -> None:
        """Another console's, the PBX's or a lead's change (SQLite's data_version, PostgreSQL's NOTIFY) makes the
        desk read itself again within a moment: a call answered at the handset pops as soon as it is stored."""
        watcher = ChangeWatcher()
        try:
            while not self._stop_watching.is_set():
                if watcher.wait_for_change(WATCH_SECONDS) and not self._stop_watching.is_set():
                    self.app.call_from_thread(self.poll_queue)
                    self._stop_watching.wait(READ_GAP_SECONDS)
        except RuntimeError:
            pass  # the app stopped while this thread was handing it a change
        finally:
            watcher.close()

    @work(group="queue")
    async def poll_queue(self) -> None:
        """Read what others change on the desk; reads never overlap, and one asked for meanwhile follows."""
        if self._polling or self._call_actions or self._settling:
            self._poll_again = True  # a change came while a read or this console's own change was under way
            return
        self._polling = True
        generation = self._call_generation
        try:
            # the desk's first paint needs only the call-backs in sight (docs/performance.md)
            limit = MyCallbacks.SHOWN if self.console.desk_painted else MyCallbacks.FIRST_PAINT
            waiting = await self.console.run_rule(self._read_the_desk, limit)
        finally:
            self._polling = False
        if self._poll_again:
            self._poll_again = False
            self.poll_queue()
        if waiting is None or not self.app.is_running:  # refused or away, or the console is closing: panes going
            return
        waiting, raised, mine, self._notice_lines, standing = waiting
        self._show_escalations(raised)
        now = self.desk.clock.now()
        self.query_one(MyCallbacks).show_lines(mine, now)
        if self.console.desk_painted:
            self._show_notices(now)
        else:  # a toast lays the whole screen out again: the desk is painted first, its toasts a frame later
            self.call_after_refresh(self._show_start_up_notices)
        table = self.query_one(QueueTable)
        table.show_calls(waiting, now)
        self.status.waiting = len(waiting)
        self.status.late = table.late_count(now)
        self._paint_status()
        if not self.console.desk_painted:
            self.call_after_refresh(self.prepare_for_calls)  # needed once a call comes, not to paint
            self.set_timer(WATCH_AFTER_PAINT_SECONDS, self._start_watching)
            if len(mine) == limit:  # the first read stopped at its limit: the rest of my call-backs
                self.call_after_refresh(self.poll_queue)
        self.console.desk_ready()
        if self._following and not self._call_actions and generation == self._call_generation:
            await self._follow(standing)

    def _read_the_desk(self, callbacks_limit: int) -> tuple:
        """Everything the desk shows that others change: the queue and its callers' badges, escalations, my
        call-backs and notices, and where I stand."""
        me = self.console.operator
        raised = escalation.open_escalations(self.desk) if may(me, Action.ACKNOWLEDGE_ESCALATION) else []
        return (self._queue_reader.waiting_calls(self.desk, badges=True), raised,
                my_callbacks(self.desk, me.id, limit=callbacks_limit), notice_snapshot(self.desk, me.id),
                where_i_stand(self.desk, me.id))

    # --- following the store: whoever moved the operator, the console shows it ----------------------------------

    @contextmanager
    def acting_on_call(self) -> Iterator[None]:
        """This console is changing its own call: a read of the store meanwhile may be older or newer than what the
        change will show, so reads wait until the change is on screen (and do not compete with its paint)."""
        self._call_actions += 1
        self._call_generation += 1
        try:
            yield
        finally:
            self._call_actions -= 1
            if not self._call_actions:
                self._settling += 1
                self.call_after_refresh(self._settled)

    def _settled(self) -> None:
        self._settling -= 1
        if not (self._settling or self._call_actions) and self._poll_again:
            self._poll_again = False
            self.poll_queue()

    async def _follow(self, standing: Standing) -> None:
        """Show what the store says of me: my state, a call answered at the handset, a hang-up from the PBX, a
        lead disabling me, and the notices others left me."""
        me, live = standing.operator, standing.live
        self._show_stored_notices(standing.unread)
        self._show_operator(me)  # paints the status bar, with the count of notices
        if me.state == OperatorState.DISABLED:
            await self._signed_out_by_a_lead()
        elif live is not None and (self.live is None or live.id != self.live.id):
            await self._pop_from_store(live)
        elif live is not None and live.in_wrap_up and not self.live.in_wrap_up:
            self.live = live  # the PBX says the line went down: wrap-up, as F6 would open it
            self.notify(_("The caller hung up: choose how the call ended."), title=_("Call ended"))
            self.open_wrap_up(self._suggested_disposition)
        elif live is None and self.live is not None and self._wrap_up_ran_out(self.desk.clock.now()):
            await self._wrap_up_time_over()  # another console of mine, or a lead's view, noticed it first
        elif live is None and self.live is not None and not self._wrapping_up:
            self._call_over_elsewhere()

    async def _pop_from_store(self, live: LiveCall) -> None:
        """A call became mine without F2 (picked up at the handset, say): the same screen pop as F2."""
        from calldesk.desk.calls.call_view import open_call

        with self.acting_on_call():
            view = await self.console.run_rule(open_call, self.desk, live.id, self.console.operator)
        if view is None or not self.app.is_running:
            return
        self._show_call(view)
        self.call_after_refresh(self.console.record_handset_pop, live.answered_at)
        if live.in_wrap_up:
            self.open_wrap_up()

    def _wrap_up_ran_out(self, now: datetime) -> bool:
        """The status bar's countdown of my wrap-up has reached nought."""
        ends = self.status.wrap_up_ends
        return ends is not None and ends <= now

    @work(group="wrap-up-time")
    async def end_wrap_up_on_time(self) -> None:
        """The countdown reached nought: the notes are kept as the call's draft, the desk closes the wrap-up
        (desk/calls/wrap_up_limit.py) and the operator is available again."""
        if self._closing_wrap_up or self.live is None:
            return
        self._closing_wrap_up = True
        try:
            with self.acting_on_call():
                await self.autosave_notes()  # nothing typed is lost: My recent calls finishes the wrap-up with it
                closed = await self.console.run_rule(close_wrap_up_if_over, self.desk, self.console.operator.id)
                if closed is not None:  # closed now, or by another path a moment ago: either way it is over
                    self._wrap_up_gone()
        finally:
            self._closing_wrap_up = False
        await self._refresh_operator()

    async def _wrap_up_time_over(self) -> None:
        """Another console of mine, or a lead's view, found my wrap-up's time over first."""
        if not self._closing_wrap_up:
            await self.autosave_notes()
            self._wrap_up_gone()

    def _wrap_up_gone(self) -> None:
        """My wrap-up's time ran out: its dialog goes, the desk is free, and the operator is told where it waits."""
        from calldesk.tui.modals.wrap_up import WrapUpModal

        if isinstance(self.app.screen, WrapUpModal):
            self.app.screen.dismiss(None)
        self._call_over_elsewhere()
        self.notify(_("Wrap-up time is over: you are available again. Your notes are kept as a draft; finish the "
                      "wrap-up from My recent calls (ctrl+g)."), title=_("Wrap-up time over"), timeout=10)

    def _call_over_elsewhere(self) -> None:
        """My call was wrapped up by another console of mine or the journal: the desk is free again."""
        self.live = None
        self.client_id = None
        self._clear_notes()
        self.query_one(ScriptPane).load([])
        self.query_one(DossierView).show_idle()

    async def _signed_out_by_a_lead(self) -> None:
        """A lead disabled me: the notes typed so far are kept as a draft, and the console closes, saying why."""
        if self._signing_out:
            return
        self._signing_out = True
        await self.autosave_notes()
        self.app.exit(return_code=1, message="calldesk: " + _(
            "{name} was disabled by a team lead and is signed out; the notes typed so far are kept as a draft."
        ).format(name=self.console.operator.name))

    def _show_stored_notices(self, unread: list[NoticeView]) -> None:
        """A toast for each notice the first time it is seen; the status bar is to count the unread ones."""
        for notice in unread:
            if notice.id not in self._toasted_notices:
                self._toasted_notices.add(notice.id)
                title = _("Notice from {name}").format(name=notice.by) if notice.by else _("Notice")
                self.notify(notice.text, title=title, timeout=10)
                if notice.kind.startswith("callback") and self.client_id is not None:
                    self.run_worker(self._reload_dossier(), group="dossier", exclusive=True)
        self.status.unread = len(unread)

    def _show_start_up_notices(self) -> None:
        self._show_notices(self.desk.clock.now())
        self._paint_status()

    def _notice_viewer(self) -> Viewer:
        """Who the call-back notices are for: a lead hears of everyone's late ones."""
        me = self.console.operator
        return Viewer(me.id, me.login, may(me, Action.SEE_EVERY_CALLBACK))

    def _show_notices(self, now: datetime) -> None:
        """Call-back notices: a toast the first time each appears, a counter while it stands."""
        notices = notices_for(self._notice_lines, self._notice_viewer(), now, self._due_soon)
        fresh = [notice for notice in notices if notice.key not in self._noticed]
        self._noticed.update(notice.key for notice in fresh)
        if len(fresh) > TOASTS_AT_ONCE:  # a backlog (a lead starting the day): one toast, not a wall of them
            self.notify(summarize_notices(fresh), title=_("Call-backs"), severity=most_severe(fresh))
        else:
            for notice in fresh:
                self.notify(describe_notice(notice, now), title=_("Call-back"), severity=notice.severity)
        self.status.notices = len(notices)
        self.status.callbacks_due = self.query_one(MyCallbacks).count("overdue", now) + self.query_one(
            MyCallbacks).count("due_soon", now)

    async def release_overdue(self) -> None:
        """Nobody's absence strands a client: untouched overdue call-backs go back to their pool."""
        from calldesk.desk.callbacks.promises import release_overdue_callbacks

        released = await self.console.run_rule(release_overdue_callbacks, self.desk)
        # nor anyone's wrap-up left running on a console that closed: they are free again when its time runs out
        closed = await self.console.run_rule(close_wrap_ups_over, self.desk)
        if released or closed:
            self.poll_queue()

    def _show_escalations(self, raised: list[escalation.EscalationView]) -> None:
        """Leads hear of every new escalation at once; the status bar counts those still waiting."""
        known = {e.id for e in self._escalations}
        for item in raised:
            if item.id not in known:
                self.notify(_("{operator} escalates {caller}: {reason} (ctrl+a to step in)").format(
                    operator=item.operator, caller=item.client_name or item.number, reason=item.reason),
                    title=_("Escalation"), severity="warning", timeout=10)
        self._escalations = raised
        self.status.alerts = len(raised)

    # --- answering and the screen pop -------------------------------------------------------------

    async def action_answer(self, picked: bool = False) -> None:
        """F2: the next caller of my queues by priority (desk/calls/routing.py); ``picked``: the call under the queue's
        cursor, which enter (or a click) chooses."""
        started = time.perf_counter()
        from calldesk.desk.calls.answer import answer_call

        mine = self.query_one(MyCallbacks)
        if self.focused is mine and mine.selected_line() is not None:
            await self.start_callback(mine.selected_line(), started)
            return
        training = self.console.training  # a trainee's F2 takes the practice call, whatever its queue
        selected = (self.query_one(QueueTable).selected_id() if picked
                    else training.call_id if training is not None else None)
        try:
            with self.acting_on_call():
                answered = await self.console.attempt(answer_call, self.desk, self.console.operator, selected)
        except CallTaken as exc:
            self.notify(_("Taken by {name}. Pick another call.").format(name=exc.by), severity="warning")
            self.poll_queue()
            return
        except DatabaseAway:
            return  # the outage policy has said so
        except DeskError as exc:
            self.notify(str(exc), severity="warning")
            self.poll_queue()
            return
        if answered is None:
            if self.query_one(QueueTable).row_count:
                self.notify(_("Nobody is waiting in your queues: enter on a call in the queue takes it."))
            else:
                self.notify(_("Nobody is waiting."))
            return
        view = answered.view
        self._show_call(view)
        self._show_operator(answered.me)
        self.call_after_refresh(self.console.record_screen_pop, started)
        self.call_after_refresh(self.poll_queue)  # the queue catches up once the pop is on screen
        if self.console.training is not None and self.console.training.lines_said == 0:
            await self.action_caller_line()

    def _show_call(self, view: CallView) -> None:
        self.live = view.call
        dossier = self.query_one(DossierView)
        banner = _(PRACTICE_BANNER) if self.console.training is not None else view.transfer_note
        if view.dossier is not None:
            self.client_id = view.dossier.client_id
            dossier.show_dossier(view.dossier, self._desk_now(), banner)
        else:
            self.client_id = None
            dossier.show_unknown(view.call.number, view.call.caller_name, banner)
        self.script_name = view.script_name
        self.query_one(ScriptPane).load(view.script, view.call.script_steps)
        self._phrases = frozenset()
        self.query_one(PhraseHints).show_hits([])
        notes_area = self.query_one("#notes", TextArea)
        notes_area.load_text(view.draft)
        self._saved_notes = view.draft
        notes_area.border_title = _("Notes · call {id} · {number}").format(id=view.call.id,
                                                                          number=escape(view.call.number))
        notes_area.focus()

    def _desk_now(self) -> datetime:
        """Now on the desk's clock, which the screen shows every time on."""
        return self.desk.clock.now().astimezone(self.desk.zone)

    async def _save_work_left_offline(self) -> None:
        """What a console that died left in the journal is saved before the desk reads itself: the notes come back as
        last typed, not as last saved to the database (typed on and autosaved, that older text won)."""
        await self.console.replay_kept_work()

    async def _recover(self) -> None:
        """After a crash or a restart: the live call, its script and the unsaved notes come back."""
        resumed = await self.console.run_rule(resume_shift, self.desk, self.console.operator.id)
        if resumed is None:
            return
        if resumed.view is not None:
            self._show_call(resumed.view)
            if resumed.view.draft:
                self.notify(_("Your unsaved notes for this call were recovered."))
            if resumed.live.in_wrap_up:
                self.open_wrap_up()
        elif resumed.draft:
            self.query_one("#notes", TextArea).load_text(resumed.draft)
            self._saved_notes = resumed.draft
            self.notify(_("Your unsaved notes were recovered."))
        self._show_operator(resumed.operator)

    async def start_callback(self, line: CallbackLine, started: float | None = None) -> None:
        """Dial a promised call-back: the dossier and the call-back script appear as for an incoming call."""
        started = started or time.perf_counter()
        from calldesk.desk.callbacks import promises

        with self.acting_on_call():
            begun = await self.console.run_rule(promises.start_callback, self.desk, line.id, line.version,
                                            self.console.operator.id)
        if begun is None:
            self.poll_queue()
            return
        self._show_call(begun.view)
        self.call_after_refresh(self.console.record_screen_pop, started)
        self.console.dial(line.number_e164 or line.number)
        self.poll_queue()
        await self._refresh_operator()

    # --- training: a practice call on the real desk -----------------------------------------------------

    async def _start_training(self) -> None:
        scenario = self.console.training.scenario
        if await self.console.run_rule(self.console.training.start) is not None:
            self.notify(f"{scenario.briefing}\n" + _("F2 answers; ctrl+l: the caller's next words."),
                        title=scenario.title, timeout=20)

    async def action_caller_line(self) -> None:
        if self.console.training is None:
            self.notify(_("ctrl+l plays the caller's words in training (calldesk train)."), severity="warning")
            return
        line = await self.console.run_rule(self.console.training.next_line)
        self.notify(line or _("(The caller has said all they wanted: help, promise, wrap up with F6.)"),
                    title=_("Caller"), timeout=30)

    async def _finish_training(self) -> None:
        from calldesk.tui.modals.training_score import TrainingScoreModal

        score = await self.console.run_rule(self.console.training.finish)
        if score is not None:
            await self.app.push_screen_wait(TrainingScoreModal(score))
            self.app.exit(0)

    # --- call-backs instead of hold ------------------------------------------------------------------

    @work
    async def action_callback(self) -> None:
        from calldesk.desk.callbacks.promises import create_callback, offer_context
        from calldesk.tui.modals.callback_offer import CallbackOfferModal

        if self.live is None or self.live.in_wrap_up:
            self.notify(_("F5 promises a call-back during a call."), severity="warning")
            return
        me = self.console.operator
        offer = await self.console.run_rule(offer_context, self.desk, me.id, call_id=self.live.id)
        if offer is None:
            if self.console.offline:
                await self._promise_offline()
            return
        submit = lambda request: self.console.attempt(create_callback, self.desk, me.id, request)  # noqa: E731
        offered = await self.app.push_screen_wait(CallbackOfferModal(self.desk, offer, submit))
        if offered is not None:
            self._suggested_disposition = "Call-back promised"
            self.notify(_("Promised: {owner} calls back {time} ({client_time} for the client). F6 then enter ends "
                          "the call.").format(owner=offered.owner, time=offered.operator_time,
                                              client_time=offered.client_time))
            self.poll_queue()
            await self._reload_dossier()

    async def _promise_offline(self) -> None:
        """The database is away: keep the promise in the journal; it is checked and saved when it is back."""
        from calldesk.tui.modals.callback_offline import OfflineCallbackModal

        request = await self.app.push_screen_wait(
            OfflineCallbackModal(self.desk.clock.now(), self.live.id if self.live else None, self.client_id))
        if request is not None and await self.console.keep("callback", **dataclasses.asdict(request)) is not None:
            self._suggested_disposition = "Call-back promised"
            self.notify(_("Call-back kept on this machine; it is saved when the database is back."))

    @work
    async def action_board(self) -> None:
        from calldesk.tui.screens.callback_board import CallbackBoardScreen

        me = self.console.operator
        line = await self.app.push_screen_wait(CallbackBoardScreen(self.desk, me, run=self.console.attempt))
        self.poll_queue()
        if line is not None:
            if self.live is not None:
                self.notify(_("Finish this call first, then start the call-back."), severity="warning")
                return
            await self.start_callback(line)

    async def _record_callback_outcome(self) -> bool:
        """On a call-back try, F6 first asks how it went; False when the operator backs out."""
        from calldesk.desk.callbacks.promises import record_outcome
        from calldesk.tui.modals.callback_outcome import CallbackOutcomeModal

        line = await self.console.run_rule(callback_of_call, self.desk, self.live.id)
        if line is None:
            return True
        me = self.console.operator

        async def submit(outcome: str, next_due: datetime | None, confirm: bool) -> OutcomeResult:
            with self.acting_on_call():  # it may end the call: F6 goes on to the wrap-up, not the PBX's hang-up
                return await self.console.attempt(record_outcome, self.desk, line.id, line.version, me.id, outcome,
                                              next_due=next_due, confirm_past_deadline=confirm)

        result = await self.app.push_screen_wait(CallbackOutcomeModal(self.desk, line, submit))
        if result is None:
            return False
        if result.escalated_to:
            self.notify(_("No answer too often: {name} takes it over.").format(name=result.escalated_to),
                        severity="warning")
        return True

    # --- during the call ---------------------------------------------------------------------------

    async def action_new_client(self) -> None:
        """F3: the caller's details, when the operator chooses: a new client for an unknown caller, or a correction."""
        if self.live is None:
            self.notify(_("F3 is for the caller on the line: answer a call first (F2)."), severity="warning")
            return
        from calldesk.tui.modals.client_details import ClientDetailsModal, ClientForm

        if self.client_id is None:
            self.app.push_screen(ClientDetailsModal(self.live.number, self.live.caller_name), self._create_client)
            return
        from calldesk.desk.clients.dossier import build_dossier

        dossier = await self.console.run_rule(build_dossier, self.desk, self.client_id)
        if dossier is not None:
            known = ClientForm(name=dossier.name, company=dossier.company, address_as=dossier.address_as,
                               manner=dossier.manner, stage=dossier.stage, tags=dossier.tags)
            self.app.push_screen(ClientDetailsModal(known=known), self._correct_client)

    async def _create_client(self, form: ClientForm | None) -> None:
        if form is None or self.live is None:
            return
        from calldesk.desk.calls.call_view import open_call
        from calldesk.desk.clients import directory

        call_id = self.live.id
        actor = self.console.operator.login

        def create() -> CallView:
            client_id = directory.create_client(
                self.desk, form.name, [directory.NewPhone(form.phone)], company=form.company,
                address_as=form.address_as, manner=form.manner, stage=form.stage, actor=actor,
            )
            handling.attach_client(self.desk, call_id, client_id)
            return open_call(self.desk, call_id, self.console.operator)

        view = await self.console.run_rule(create)
        if view is not None:
            self._show_call(dataclasses.replace(view, draft=self.query_one("#notes", TextArea).text))
            self.notify(_("{name} is now a client.").format(name=form.name))

    async def _correct_client(self, form: ClientForm | None) -> None:
        if form is None or self.live is None or self.client_id is None:
            return
        from calldesk.desk.calls.call_view import open_call
        from calldesk.desk.clients import directory

        call_id, client_id, actor = self.live.id, self.client_id, self.console.operator.login
        changes = {"name": form.name, "company": form.company, "address_as": form.address_as,
                   "manner": form.manner, "stage": form.stage, "tags": form.tags}

        def correct() -> CallView:
            directory.update_client(self.desk, client_id, actor, **changes)
            return open_call(self.desk, call_id, self.console.operator)

        view = await self.console.run_rule(correct)
        if view is not None:  # the dossier and the script's greeting name the client as corrected
            self._show_call(dataclasses.replace(view, draft=self.query_one("#notes", TextArea).text))
            self.notify(_("{name}: details saved.").format(name=form.name))

    def action_next_step(self) -> None:
        self.query_one(ScriptPane).advance()

    def action_previous_step(self) -> None:
        self.query_one(ScriptPane).back()

    @on(ScriptPane.StepsChanged)
    async def _store_steps(self, event: ScriptPane.StepsChanged) -> None:
        if self.live is not None:
            await self.console.run_rule(handling.record_script_steps, self.live.id, event.done)

    def action_transfer(self) -> None:
        if self.live is None or self.live.in_wrap_up:
            self.notify(_("No live call to transfer."), severity="warning")
            return
        self._open_transfer()

    @work
    async def _open_transfer(self) -> None:
        from calldesk.desk.calls.consult import consult_going_on
        from calldesk.tui.modals.transfer import TransferModal

        going_on = await self.console.run_rule(consult_going_on, self.desk, self.live.id, self.console.operator.id)
        if going_on is not None:  # F4 again, while the caller holds: hand them over, or go back to them
            await self._end_consult(going_on.colleague_name)
            return
        people = await self.console.run_rule(roster.list_operators) or []
        targets = [(d.id, _("Department · {name}").format(name=d.name)) for d in self.desk.config.departments]
        targets += [(o.login, _("Operator · {name} ({state})").format(name=o.name, state=_(RAW_STATE_WORDS.get(
            o.state, o.state)))) for o in people if o.id != self.console.operator.id]
        choice: TransferChoice | None = await self.app.push_screen_wait(
            TransferModal(targets, self.console.consult_unavailable()))
        if choice is None or self.live is None:
            return
        if choice.consult:
            await self._start_consult(choice)
            return
        with self.acting_on_call():
            done = await self.console.run_rule(handling.transfer_call, self.desk, self.live.id,
                                               self.console.operator.id, choice.target, choice.note)
            if done is not None:
                self.live = await self.console.run_rule(handling.get_call, self.desk, self.live.id)
        if done is not None:
            self.notify(_("Transferred to {target}.").format(target=choice.target))
            await self._refresh_operator()
            self.poll_queue()
            self.open_wrap_up(suggested="Transferred")

    async def _start_consult(self, choice: TransferChoice) -> None:
        """Consult first: the colleague's phone rings, the caller holds; the note waits with the call."""
        try:
            told = await self.console.start_consult(self.live.id, choice.target, choice.note)
        except DeskError as exc:  # the desk's or the PBX's refusal, in its one line: nothing changed
            self.notify(str(exc), severity="warning")
            return
        self.notify(told, title=_("Consult first"))

    async def _end_consult(self, colleague: str) -> None:
        from calldesk.tui.modals.transfer import ConsultModal

        step = await self.app.push_screen_wait(ConsultModal(colleague))
        if step is None or self.live is None:
            return
        complete = step == "complete"
        with self.acting_on_call():
            try:
                await self.console.finish_consult(self.live.id, complete)
            except DeskError as exc:
                self.notify(str(exc), severity="warning")
                return
            self.live = await self.console.run_rule(handling.get_call, self.desk, self.live.id) or self.live
        if not complete:
            self.notify(_("Back with the caller."), title=_("Consult first"))
            return
        self.notify(_("Handed over to {name}.").format(name=colleague))
        await self._refresh_operator()
        self.poll_queue()
        self.open_wrap_up(suggested="Transferred")

    @work
    async def action_end_call(self) -> None:
        if self.live is None:
            self.notify(_("No call to end."), severity="warning")
            return
        if not self.live.in_wrap_up and not await self._record_callback_outcome():
            return
        with self.acting_on_call():  # the call-back's outcome may have ended the call: this console opens the wrap-up
            self.live = await self.console.run_rule(handling.get_call, self.desk, self.live.id) or self.live
            if not self.live.in_wrap_up:
                if await self.console.rule_ok(handling.end_call, self.desk, self.live.id, self.console.operator.id):
                    self.live = await self.console.run_rule(handling.get_call, self.desk, self.live.id) or self.live
                    await self._refresh_operator()
                elif not self.console.offline:
                    return  # refused; offline, the journaled wrap-up ends the call when the database is back
            self.open_wrap_up(self._suggested_disposition)

    @work
    async def open_wrap_up(self, suggested: str = "") -> None:
        from calldesk.tui.modals.wrap_up import WrapUpModal

        if self._wrapping_up:
            return  # the dialog is open already (F6 pressed as the PBX's hang-up came in, say)
        self._wrapping_up = True
        try:
            text = self.query_one("#notes", TextArea).text
            disposition = await self.app.push_screen_wait(WrapUpModal(self.desk.config.dispositions, suggested, text))
            if disposition is None or self.live is None:
                return
            text = self.query_one("#notes", TextArea).text  # typing may have gone on behind the dialog
            with self.acting_on_call():
                if await self.console.keep("wrap_up", call_id=self.live.id, disposition=disposition, note=text) is None:
                    return  # refused: nothing typed is lost, F6 tries again
                self.live = None
        finally:
            self._wrapping_up = False
        self._suggested_disposition = ""
        self._clear_notes()
        self.query_one(ScriptPane).load([])
        await self._refresh_operator()
        await self._reload_dossier()
        self.notify(_("Call wrapped up: {disposition}.").format(disposition=disposition))
        self.call_after_refresh(collect_between_calls)
        if self.console.training is not None:
            await self._finish_training()

    # --- notes and the positive-language guard ------------------------------------------------------

    @work(thread=True, group="prepare-for-calls")
    def prepare_for_calls(self) -> None:
        """After the desk's first paint: the phrase guard, compiled once (it checks every keystroke), and the
        screen pop's and the call-back rules' modules, imported here so that the first F2 or F5 does not wait."""
        from calldesk.desk.calls import answer  # noqa: F401 - imports the modules a call needs
        from calldesk.desk.coach.phrase_guard import guard_for

        guard = guard_for(self.desk.config)
        self.app.call_from_thread(setattr, self, "_guard", guard)

    @on(TextArea.Changed, "#notes")
    def _check_phrasing(self, event: TextArea.Changed) -> None:
        if self._guard is None:
            return  # still compiling, a moment after start: the next keystroke is checked
        hits = self._guard.check(event.text_area.text)
        self.query_one(PhraseHints).show_hits(hits)
        phrases = frozenset(h.phrase.casefold() for h in hits)
        if self.live is not None and not phrases <= self._phrases:
            self._phrases |= phrases
            self.store_phrase_hits(self.live.id, hits)

    @work(group="phrases")
    async def store_phrase_hits(self, call_id: int, hits: list) -> None:
        from calldesk.desk.coach.phrase_guard import record_phrase_hits

        await self.console.run_rule(record_phrase_hits, self.desk, call_id, hits)

    async def autosave_notes(self) -> None:
        text = self.query_one("#notes", TextArea).text
        if text == self._saved_notes:
            return
        call_id = self.live.id if self.live else None
        if await self.console.keep("draft", body=text, call_id=call_id, client_id=self.client_id) is not None:
            self._saved_notes = text

    async def action_save_note(self) -> None:
        text = self.query_one("#notes", TextArea).text
        if not text.strip():
            self.notify(_("Nothing to keep: the notes are empty."))
            return
        if self.client_id is None and self.live is None:
            self.notify(_("Open a client (ctrl+f) or answer a call first."), severity="warning")
            return
        call_id = self.live.id if self.live else None
        kept = await self.console.keep("note", body=text, client_id=self.client_id, call_id=call_id)
        if kept is not None:
            self._clear_notes()
            await self._reload_dossier()
            self.notify(_("Note kept on the dossier.") if kept.applied else _("Note kept on this machine until the "
                                                                              "database is back."))

    def _clear_notes(self) -> None:
        notes_area = self.query_one("#notes", TextArea)
        notes_area.load_text("")
        notes_area.border_title = _("Notes")
        self._saved_notes = ""

    # --- finding clients ---------------------------------------------------------------------------

    async def _search(self, query: str) -> list[ClientHit]:
        from calldesk.desk.clients.directory import find_clients

        return await self.console.run_rule(find_clients, self.desk, query) or []

    @work
    async def action_find_client(self) -> None:
        from calldesk.tui.modals.find_client import FindClientModal

        client_id = await self.app.push_screen_wait(FindClientModal(self._search))
        if client_id is None:
            return
        if self.live is not None and self.client_id is None:
            from calldesk.desk.calls.call_view import open_call

            await self.console.run_rule(handling.attach_client, self.desk, self.live.id, client_id)
            view = await self.console.run_rule(open_call, self.desk, self.live.id, self.console.operator)
            if view is not None:
                self._show_call(dataclasses.replace(view, draft=self.query_one("#notes", TextArea).text))
                self.notify(_("The call is now linked to this client."))
            return
        if self.live is None:
            self.client_id = client_id
        await self._reload_dossier(client_id)

    async def _reload_dossier(self, client_id: int | None = None) -> None:
        client_id = client_id or self.client_id
        if client_id is None:  # an unknown caller stays on screen as such; with no call, the desk is idle
            dossier_view = self.query_one(DossierView)
            if self.live is not None:
                dossier_view.show_unknown(self.live.number, self.live.caller_name)
            else:
                dossier_view.show_idle()
            return
        from calldesk.desk.clients.dossier import build_dossier

        dossier = await self.console.run_rule(build_dossier, self.desk, client_id)
        if dossier is not None:
            self.query_one(DossierView).show_dossier(dossier, self._desk_now())

    # --- FAQ, complaints and suggestions, escalation -------------------------------------------------

    @work
    async def action_faq(self) -> None:
        from calldesk.tui.modals.faq_search import FaqSearchModal

        answer = await self.app.push_screen_wait(FaqSearchModal(self.desk, self.console.operator))
        if answer:
            notes_area = self.query_one("#notes", TextArea)
            notes_area.insert(("\n" if notes_area.text and not notes_area.text.endswith("\n") else "") + answer)
            notes_area.focus()

    @work
    async def action_feedback(self) -> None:
        from calldesk.tui.modals.feedback_form import FeedbackFormModal

        feedback_id = await self.app.push_screen_wait(FeedbackFormModal(
            self.desk, self.console.operator, client_id=self.client_id, call_id=self.live.id if self.live else None,
            client_name=self.query_one(DossierView).subject,
        ))
        if feedback_id is not None:
            self.notify(_("Logged. It has an owner and a deadline."))
            await self._reload_dossier()

    @work
    async def action_escalate(self) -> None:
        from calldesk.tui.modals.escalate import EscalateModal

        if self.live is None or self.live.in_wrap_up:
            self.notify(_("Escalate flags the live call: there is none."), severity="warning")
            return
        caller = self.query_one(DossierView).subject or self.live.caller_name or self.live.number
        raised = await self.app.push_screen_wait(
            EscalateModal(self.desk, self.console.operator.id, self.live.id, caller))
        if raised is not None:
            self.notify(_("A team lead has been alerted."))

    @work
    async def action_alerts(self) -> None:
        from calldesk.tui.modals.alerts import AlertsModal

        if not may(self.console.operator, Action.ACKNOWLEDGE_ESCALATION):
            self.notify(_("Alerts are for team leads."), severity="warning")
            return
        self._escalations = await self.console.run_rule(escalation.open_escalations, self.desk) or []
        chosen = await self.app.push_screen_wait(AlertsModal(self._escalations, self.desk.zone))
        if chosen is not None and await self.console.rule_ok(escalation.acknowledge_escalation, self.desk,
                                                 self.console.operator.id, chosen):
            self.notify(_("Acknowledged: the operator sees you are stepping in."))
            self.poll_queue()

    @work
    async def action_notices(self) -> None:
        """The list behind the status bar's count; opening it marks my stored notices read."""
        from calldesk.desk.operators.notices import mark_read, notices_of
        from calldesk.tui.modals.notices import NoticesModal

        me = self.console.operator
        stored = await self.console.run_rule(notices_of, me.id)
        if stored is None:
            return
        now = self.desk.clock.now()
        standing = notices_for(self._notice_lines, self._notice_viewer(), now, self._due_soon)
        await self.app.push_screen_wait(NoticesModal(stored, [describe_notice(n, now) for n in standing],
                                                     now.astimezone(self.desk.zone)))
        if any(not notice.read for notice in stored) and await self.console.rule_ok(mark_read, self.desk, me.id):
            self.status.unread = 0
            self._paint_status()

    @work
    async def action_review_call(self) -> None:
        from calldesk.desk.stats.reviews import reviewable_calls
        from calldesk.tui.modals.call_review import CallReviewModal
        from calldesk.tui.modals.review_picker import ReviewPickerModal, call_moment

        if not may(self.console.operator, Action.REVIEW_CALL):
            self.notify(_("Reviewing calls is for team leads."), severity="warning")
            return
        client_id = self.client_id
        if client_id is None:
            self.notify(_("Find a client first (ctrl+f) or answer a call: reviews start from the client's history."),
                        severity="warning")
            return
        answered = await self.console.run_rule(reviewable_calls, self.desk, client_id)
        name = self.query_one(DossierView).subject
        if not answered:
            if answered is not None:
                self.notify(_("{name} has no answered call to review yet.").format(name=name))
            return
        call = await self.app.push_screen_wait(ReviewPickerModal(answered, name, self.desk.zone))
        if call is None:
            return
        review = await self.app.push_screen_wait(CallReviewModal(
            self.desk, self.console.operator.id, call.call_id, f"{name} · {call_moment(call.at, self.desk.zone)}"))
        if review is not None:
            self.notify(_("Review kept: {score}/5 for the call of {moment}.").format(
                score=review.score, moment=call_moment(call.at, self.desk.zone)))
            await self._reload_dossier()

    @work
    async def action_pause(self) -> None:
        from calldesk.tui.modals.pause import AVAILABLE, PauseModal

        paused = self.status.state == OperatorState.PAUSED
        choice = await self.app.push_screen_wait(PauseModal(self.desk.config.pause_reasons, paused))
        if choice is None:
            return
        event, reason = (OperatorEvent.RESUME, "") if choice == AVAILABLE else (OperatorEvent.PAUSE, choice)
        if await self.console.rule_ok(roster.move, self.desk, self.console.operator.id, event, reason):
            self.console.tell_source_paused(event == OperatorEvent.PAUSE, reason)
            await self._refresh_operator()

    @work
    async def action_recent_calls(self) -> None:
        """My recent calls; a wrap-up whose time ran out is finished from there, as F6 would, with its draft."""
        from calldesk.desk.calls.recent import my_recent_calls
        from calldesk.tui.modals.recent_calls import RecentCallsModal
        from calldesk.tui.modals.wrap_up import WrapUpModal

        calls = await self.console.run_rule(my_recent_calls, self.desk, self.console.operator.id)
        if calls is None:
            return
        chosen = await self.app.push_screen_wait(RecentCallsModal(calls, self.desk.zone))
        if chosen is None:
            return
        if not chosen.unfinished:
            self.notify(_("Call {call} needs no wrap-up from here: F6 wraps up the call on the desk.").format(
                call=chosen.id))
            return
        later = _("call {call} · {caller}").format(call=chosen.id, caller=escape(chosen.caller))
        disposition = await self.app.push_screen_wait(
            WrapUpModal(self.desk.config.dispositions, notes_preview=chosen.draft, later_call=later))
        if disposition is None:
            return
        kept = await self.console.keep("wrap_up", call_id=chosen.id, disposition=disposition, note=chosen.draft)
        if kept is not None:
            self.notify(_("Call {call} wrapped up: {disposition}.").format(call=chosen.id,
                                                                          disposition=desk_word(disposition)))
            await self._reload_dossier()

    def action_team(self) -> None:
        from calldesk.tui.screens.team import TeamScreen

        self.app.push_screen(TeamScreen(self.desk, self.console.attempt, supervise=self.console.supervise_call,
                                        move_in_queue=self.console.move_in_queue))

    async def switch_script(self, name: str) -> None:
        """Change the live call's script (angry caller, refund...) from the command palette."""
        if self.live is None:
            self.notify(_("Scripts switch during a call."), severity="warning")
            return
        from calldesk.desk.calls.call_view import call_script

        chosen = await self.console.run_rule(call_script, self.desk, self.live.id, self.console.operator, name)
        if chosen is not None:
            self.script_name, steps = chosen
            self.query_one(ScriptPane).load(steps, self.query_one(ScriptPane).done)

    # --- panes and status --------------------------------------------------------------------------

    def action_focus_pane(self, pane: str) -> None:
        self.query_one(f"#{pane}").focus()

    @on(DataTable.RowSelected, "#queue")
    async def _answer_selected(self) -> None:
        await self.action_answer(picked=True)

    async def _refresh_operator(self) -> None:
        me = await self.console.run_rule(roster.get_operator, self.console.operator.id)
        if me is not None:
            self._show_operator(me)

    def _show_operator(self, me: roster.OperatorView) -> None:
        self.status.state, self.status.state_reason, self.status.state_since = me.state, me.state_reason, me.state_since
        self._paint_status()

    def show_status(self) -> None:
        """The status bar as things stand: my state, the counters, the database's and the call source's link."""
        self._paint_status()

    def _paint_status(self) -> None:
        live = self.live
        self.status.wrap_up_ends = wrap_up_ends_at(self.desk, live.queue, live.ended_at) if (
            live is not None and live.in_wrap_up) else None
        self.status.offline = self.console.offline
        self.status.link = self.console.link_text
        self.query_one(StatusBar).show(self.status, self._desk_now())

    def _department_name(self) -> str:
        department = self.desk.config.department(self.console.operator.department)
        return department.name if department else self.console.operator.department
