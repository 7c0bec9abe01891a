"""F10: the team and its figures. Two tabs.

Team (live): every operator's state and for how long, the live call's caller and talk time; the callers waiting
longest; today's service level, abandoned calls and open call-backs. A snapshot is read every second on the
database thread; the next read is scheduled only when one has been shown, so reads never pile up. Tables change by
keyed diffs inside one batch update: no flicker.

Statistics: a period, the figures (with each one's definition under the table), the weekday x hour heat map of
calls offered and of service level, staffing by hour (Erlang C beside who was staffed), time in states, and the
leaderboard (sortable, exportable to CSV). A period's figures are computed in a thread worker of their own, so a
month of calls never holds up the database thread the desk and this tab's live view share.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from peewee import PeeweeException
from rich.cells import cell_len
from rich.color import Color, blend_rgb
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from calldesk.desk.calls.queue import QueueReader
from calldesk.desk.calls.states import OperatorState
from calldesk.desk.calls.supervision import Supervision
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.roster import STATES
from calldesk.desk.stats.definitions import FIGURES, FIGURES_BY_NAME, definition_of, format_duration, format_value
from calldesk.desk.stats.grouping import Scope
from calldesk.desk.stats.leaderboard import (
    LEADERBOARD_COLUMNS,
    LeaderboardRow,
    sort_leaderboard,
    write_leaderboard_csv,
)
from calldesk.desk.stats.period import PRESETS, days_period, parse_day, preset_days
from calldesk.desk.stats.report import StatisticsReport, statistics_report
from calldesk.desk.stats.team import OperatorNow, TeamSnapshot, WaitingNow, team_snapshot
from calldesk.i18n import N_, _, desk_word, format_count, weekday_name
from calldesk.store.errors import StoreError
from calldesk.store.models import database
from calldesk.tui.db_thread import DatabaseAway
from calldesk.tui.keys import ALT_1, ALT_2
from calldesk.tui.widgets.key_bar import KeyBar
from calldesk.tui.widgets.keyed_table import KeyedTable

Runner = Callable[..., Awaitable[Any]]  # runs a desk function on the database thread: DatabaseThread.run
POLL_SECONDS = 1.0
SERVICE_LEVEL = FIGURES_BY_NAME["service_level"]
WAITING_SHOWN = 200  # the longest waiting; the count in the summary covers them all
_S = OperatorState
STATE_LABELS = {_S.AVAILABLE: (N_("Available"), "green"), _S.ON_CALL: (N_("On call"), "bold yellow"),
                _S.WRAP_UP: (N_("Wrap-up"), "cyan"), _S.PAUSED: (N_("Paused"), "magenta"),
                _S.OFFLINE: (N_("Offline"), "dim"), _S.RINGING: (N_("Ringing"), "yellow"),
                _S.DISABLED: (N_("Disabled"), "dim")}
OFFERED_LOW, OFFERED_HIGH = Color.parse("#1d2b3a").triplet, Color.parse("#3fa7ff").triplet
SL_GOOD, SL_CLOSE, SL_POOR = "on #2e7d32", "on #9a7d0a", "on #b71c1c"


class OperatorsTable(KeyedTable):
    """Who is on the desk now, in what state and for how long; in wrap-up, the time left."""

    COLUMNS = (("name", N_("Operator"), 18), ("state", N_("State"), 10), ("for", N_("For"), 8),
               ("left", N_("Left"), 5), ("caller", N_("Caller"), 20), ("talk", N_("Talk"), 6))

    @staticmethod
    def cells(person: OperatorNow) -> dict[str, object]:
        label, style = STATE_LABELS.get(person.state, (person.state, ""))
        label = _(label)
        if person.state == OperatorState.PAUSED and person.reason:
            label = desk_word(person.reason)
        return {
            "name": person.name,
            "state": Text(label, style=style),
            "for": Text(format_duration(person.in_state_seconds) if person.in_state_seconds is not None else "",
                        justify="right"),
            # the wrap-up time its queue still allows (desk/calls/wrap_up_limit.py)
            "left": Text(format_duration(person.wrap_up_left_seconds) if person.wrap_up_left_seconds is not None
                         else "", justify="right"),
            "caller": person.caller,
            "talk": Text(format_duration(person.call_seconds) if person.call_seconds is not None else "",
                         justify="right"),
        }


class WaitingTable(KeyedTable):
    """The callers waiting now, longest first."""

    COLUMNS = (("wait", N_("Wait"), 6), ("rings", N_("Rings"), 5), ("queue", N_("Queue"), 10),
               ("caller", N_("Caller"), 20))

    @staticmethod
    def cells(call: WaitingNow) -> dict[str, object]:
        style = "bold red" if call.late else ""
        return {
            "wait": Text(format_duration(call.waited_seconds), style=style, justify="right"),
            "rings": Text(str(call.rings), style=style, justify="right"),
            "queue": call.queue,
            "caller": call.caller,
        }


def _day_label(day: int) -> str:
    """The grid's row label, padded to five cells as the terminal draws them (मंगल is four letters, three cells)."""
    name = weekday_name(day)
    return name + " " * max(1, 5 - cell_len(name))


def heat_map_text(report: StatisticsReport, target: float) -> Text:
    """Two weekday x hour grids: calls offered (darker to brighter blue) and service level (green at or above the
    target, amber within 10 points, red below)."""
    cells = report.heat_map
    busiest = cells.busiest
    hours = Text("     " + "".join(f"{h:>4}" for h in range(24)), style="dim")  # a space before each cell: 100 100
    out = Text()
    out.append(_("Calls offered"), style="bold")
    out.append("   (" + (_("brightest: {count} calls in one hour of the week").format(count=format_count(busiest))
                         if busiest else _("no calls")) + ")\n", style="dim")
    out.append_text(hours)
    out.append("\n")
    for day in range(7):
        out.append(_day_label(day))
        for hour in range(24):
            offered = cells.offered(day, hour)
            if not offered:
                out.append("   ·", style="dim")
                continue
            shade = blend_rgb(OFFERED_LOW, OFFERED_HIGH, offered / busiest)
            shown = str(offered) if offered < 1000 else f"{offered // 1000}k"
            out.append(" ")
            out.append(f"{shown:>3}", style=Style(color="white", bgcolor=Color.from_triplet(shade)))
        out.append("\n")
    out.append("\n" + _("Service level (target {percent} %)").format(percent=f"{100 * target:.0f}") + "\n",
               style="bold")
    out.append_text(hours)
    out.append("\n")
    for day in range(7):
        out.append(_day_label(day))
        for hour in range(24):
            level = cells.service_level(day, hour)
            if level is None:
                out.append("   ·", style="dim")
                continue
            style = SL_GOOD if level >= target else SL_CLOSE if level >= target - 0.1 else SL_POOR
            out.append(" ")
            out.append(f"{round(100 * level):>3}", style=f"white {style}")
        out.append("\n" if day < 6 else "")
    return out


class TeamScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,f10", "close", N_("Close"), id="team_close"),
        Binding("alt+1", "show_tab('team-tab')", N_("Team"), id="team_tab"),
        Binding("alt+2", "show_tab('stats-tab')", N_("Statistics"), id="stats_tab"),
        Binding(ALT_1, "show_tab('team-tab')", N_("Team"), show=False),  # alt+1 and alt+2 as most terminals send them
        Binding(ALT_2, "show_tab('stats-tab')", N_("Statistics"), show=False),
        Binding("ctrl+r", "recompute", N_("Recompute"), id="stats_recompute"),
        Binding("ctrl+o", "next_sort", N_("Sort board"), id="leaderboard_sort"),
        Binding("ctrl+v", "reverse_sort", N_("Best/worst first"), id="leaderboard_reverse", show=False),
        Binding("ctrl+x", "export_leaderboard", N_("Export CSV"), id="leaderboard_export"),
        Binding("ctrl+l", "supervise('listen')", N_("Listen"), id="team_listen"),
        Binding("ctrl+w", "supervise('whisper')", N_("Whisper"), id="team_whisper"),
        Binding("ctrl+b", "supervise('barge')", N_("Barge in"), id="team_barge"),
        Binding("ctrl+u", "queues", N_("Queues"), id="team_queues"),
    ]

    def __init__(self, desk: Desk, run: Runner, export_folder: Path | None = None,
                 supervise: Callable[[int, Supervision], Awaitable[str]] | None = None,
                 move_in_queue: Callable[[int, str, int | None], Awaitable[str]] | None = None) -> None:
        """``run`` runs a desk function on the database thread (the app's ``attempt``); the leaderboard's CSV goes
        to ``export_folder`` (default: the current folder); ``supervise`` rings the lead into an operator's call
        (the app's ``supervise_call``); ``move_in_queue`` moves an operator into or out of a queue, the PBX's members
        following (the app's ``move_in_queue``)."""
        super().__init__()
        self.desk = desk
        self.run = run
        self.supervise = supervise
        self.move_in_queue = move_in_queue
        self.export_folder = export_folder or Path.cwd()
        self._queue_reader = QueueReader()  # read on the database thread only
        self.zone = desk.zone
        self.report: StatisticsReport | None = None
        self.sort_column = "calls_handled"
        self.best_first = True
        self.snapshot: TeamSnapshot | None = None

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="team-tab", id="team-tabs"):
            with TabPane(_("Team"), id="team-tab"):
                yield Static(id="team-summary")
                with Horizontal(id="team-tables"):
                    with Vertical(id="team-operators-pane"):
                        yield Label(_("Operators"), classes="team-heading")
                        yield OperatorsTable(id="team-operators")
                    with Vertical(id="team-waiting-pane"):
                        yield Label(_("Waiting, longest first"), classes="team-heading")
                        yield WaitingTable(id="team-waiting")
            with TabPane(_("Statistics"), id="stats-tab"):
                with Horizontal(id="stats-period"):
                    yield Select([(_(label), key) for key, label in PRESETS], value="today", allow_blank=False,
                                 id="stats-preset", compact=True)
                    yield Input(id="stats-from", placeholder=_("from 2026-11-01"), compact=True)
                    yield Input(id="stats-to", placeholder=_("to: today"), compact=True)
                    yield Static(id="stats-status")
                with VerticalScroll(id="stats-body"):
                    yield Label(_("Figures"), classes="team-heading")
                    yield DataTable(id="stats-figures", cursor_type="row")
                    yield Static(id="stats-definition")
                    yield Static(id="stats-heatmap")
                    yield Label(_("Staffing by hour (Erlang C) on a typical open day"), classes="team-heading")
                    yield DataTable(id="stats-staffing", cursor_type="row")
                    yield Label(_("Leaderboard"), classes="team-heading", id="stats-leaderboard-heading")
                    yield DataTable(id="stats-leaderboard", cursor_type="row")
                    yield Label(_("Time in states"), classes="team-heading")
                    yield DataTable(id="stats-states", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        figures = self.query_one("#stats-figures", DataTable)
        figures.add_column(_("Figure"), width=28, key="figure")
        figures.add_column(_("Value"), width=12, key="value")
        staffing = self.query_one("#stats-staffing", DataTable)
        for key, label, width in (("hour", _("Hour"), 5), ("calls", _("Calls/h"), 8), ("aht", _("AHT"), 6),
                                  ("needed", _("Needed"), 7), ("staffed", _("Staffed"), 8),
                                  ("short", _("Short by"), 9), ("sl", _("SL"), 7)):
            staffing.add_column(label, width=width, key=key)
        board = self.query_one("#stats-leaderboard", DataTable)
        board.add_column(_("Operator"), width=18, key="name")
        for column in LEADERBOARD_COLUMNS[1:]:
            label = _(column.label)
            board.add_column(label, width=max(cell_len(label), 8), key=column.name)
        states = self.query_one("#stats-states", DataTable)
        states.add_column(_("Operator"), width=18, key="name")
        for state in STATES:
            states.add_column(_(STATE_LABELS[state][0]), width=9, key=state)
        self.query_one(OperatorsTable).focus()
        self.poll_team()
        self.compute_statistics()

    # --- the live team ---------------------------------------------------------------------------------

    @work(exclusive=True, group="team-poll")
    async def poll_team(self) -> None:
        """One read of the team; the next is scheduled once this one is shown."""
        try:
            snapshot, problem = await self.run(team_snapshot, self.desk, reader=self._queue_reader), ""
        except DatabaseAway as exc:  # the database away: say so, keep the picture, try again
            snapshot, problem = None, str(exc)
        if not self.is_attached or not self.app.is_running:
            return  # the lead closed the view, or the console, while the read was on its way
        if snapshot is None:
            problem = _("Cannot read the desk: {problem}").format(problem=problem)
            self.query_one("#team-summary", Static).update(Text(problem, style="bold red"))
        else:
            self.show_team(snapshot)
        self.set_timer(POLL_SECONDS, self.poll_team)  # not after a cancel: the screen is going

    def show_team(self, snapshot: TeamSnapshot) -> None:
        self.snapshot = snapshot
        today = snapshot.today
        level = format_value(SERVICE_LEVEL, today.service_level)
        longest = format_duration(snapshot.longest_wait) if snapshot.longest_wait is not None else "–"
        summary = Text()
        summary.append(f"{snapshot.taken_at.astimezone(self.zone):%H:%M:%S}  ", style="dim")
        summary.append(_("Today: service level") + " ")
        summary.append(level, style="bold")
        summary.append(" · " + _("answered {count}").format(count=f"{today.answered:,}") + " · " + _("abandoned") + " ")
        summary.append(f"{today.abandoned:,}", style="bold red" if today.counted_abandoned else "")
        summary.append(" (" + _("{count} short").format(count=f"{today.short_abandoned:,}") + ") · "
                       + _("waiting {count}, longest {wait}").format(count=f"{len(snapshot.waiting):,}", wait=longest)
                       + " · " + _("call-backs open {count}").format(count=f"{snapshot.open_callbacks:,}"))
        if snapshot.overdue_callbacks:
            summary.append(" (" + _("{count} overdue").format(count=f"{snapshot.overdue_callbacks:,}")
                           + ")", style="bold red")
        self.query_one("#team-summary", Static).update(summary)
        self.query_one(OperatorsTable).show_rows((p.id, OperatorsTable.cells(p)) for p in snapshot.operators)
        self.query_one(WaitingTable).show_rows(
            (w.id, WaitingTable.cells(w)) for w in snapshot.waiting[:WAITING_SHOWN])

    # --- statistics for a period -------------------------------------------------------------------------

    def period_days(self) -> tuple[date, date]:
        """The custom dates when typed, else the chosen preset."""
        typed_from = self.query_one("#stats-from", Input).value.strip()
        typed_to = self.query_one("#stats-to", Input).value.strip()
        if typed_from:
            first = parse_day(self.desk, typed_from, _("from"))
            return first, parse_day(self.desk, typed_to or "today", _("to"))
        preset = self.query_one("#stats-preset", Select).value
        return preset_days(self.desk, preset if isinstance(preset, str) else "today")

    @on(Select.Changed, "#stats-preset")
    def _preset_chosen(self) -> None:
        self.query_one("#stats-from", Input).value = ""
        self.query_one("#stats-to", Input).value = ""
        self.compute_statistics()

    @on(Input.Submitted, "#stats-from, #stats-to")
    def _dates_typed(self) -> None:
        self.compute_statistics()

    def action_recompute(self) -> None:
        self.compute_statistics()

    def compute_statistics(self) -> None:
        try:
            first, last = self.period_days()
            scope = Scope(days_period(self.desk, first, last))
        except DeskError as exc:
            self.notify(str(exc), severity="error")
            return
        computing = _("computing {period}…").format(period=scope.period.label)
        self.query_one("#stats-status", Static).update(Text(computing, style="dim"))
        self._statistics_worker(scope)

    @work(thread=True, exclusive=True, group="statistics")
    def _statistics_worker(self, scope: Scope) -> None:
        try:
            report = statistics_report(self.desk, scope)
        except (PeeweeException, StoreError, DeskError) as exc:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._statistics_failed, str(exc))
            return
        finally:
            if not database.is_closed():
                database.close()  # this thread's own connection: the next worker is a new thread
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_statistics, report)

    def _statistics_failed(self, message: str) -> None:
        problem = _("cannot compute: {problem}").format(problem=message)
        self.query_one("#stats-status", Static).update(Text(problem, style="bold red"))

    def show_statistics(self, report: StatisticsReport) -> None:
        self.report = report
        config = self.desk.config
        self.query_one("#stats-status", Static).update(Text(report.scope.period.label, style="bold"))
        with self.app.batch_update():
            figures = self.query_one("#stats-figures", DataTable)
            cursor = figures.cursor_row
            figures.clear()
            for figure in FIGURES:
                figures.add_row(_(figure.label), Text(format_value(figure, figure.value(report.whole, config)),
                                                   justify="right"), key=figure.name)
            figures.move_cursor(row=cursor)
            self.query_one("#stats-heatmap", Static).update(heat_map_text(report, config.service_level_target))
            staffing = self.query_one("#stats-staffing", DataTable)
            staffing.clear()
            for hour in report.staffing:
                if not hour.calls_per_hour and not hour.staffed:
                    continue
                short_style = "bold red" if hour.short > 0.5 else ""
                staffing.add_row(
                    f"{hour.hour:02d}:00", Text(f"{hour.calls_per_hour:.1f}", justify="right"),
                    Text(format_duration(hour.handle_seconds) if hour.handle_seconds else "–", justify="right"),
                    Text(str(hour.needed), justify="right"), Text(f"{hour.staffed:.1f}", justify="right"),
                    Text(f"{hour.short:+.1f}", style=short_style, justify="right"),
                    Text(format_value(SERVICE_LEVEL, hour.service_level), justify="right"), key=str(hour.hour),
                )
            states = self.query_one("#stats-states", DataTable)
            states.clear()
            for row in report.states:
                states.add_row(Text(row.name), *(Text(format_duration(row.seconds.get(s, 0.0)), justify="right")
                                           for s in STATES), key=str(row.operator_id))
            self.show_leaderboard()

    def show_leaderboard(self) -> None:
        if self.report is None:
            return
        rows = sort_leaderboard(list(self.report.leaderboard), self.sort_column, self.best_first)
        spec = next(c for c in LEADERBOARD_COLUMNS if c.name == self.sort_column)
        order = _("best first") if self.best_first else _("worst first")
        self.query_one("#stats-leaderboard-heading", Label).update(
            _("Leaderboard, by {column} ({order}): ctrl+o another column, ctrl+v reverse, ctrl+x export CSV").format(
                column=_(spec.label), order=order))
        board = self.query_one("#stats-leaderboard", DataTable)
        board.clear()
        for row in rows:
            board.add_row(Text(row.name), *(self._board_cell(row, c.name, c.kind) for c in LEADERBOARD_COLUMNS[1:]),
                          key=str(row.operator_id))

    @staticmethod
    def _board_cell(row: LeaderboardRow, name: str, kind: str) -> Text:
        value = getattr(row, name)
        if value is None:
            return Text("–", justify="right")
        shown = {"count": lambda: f"{value:,}", "share": lambda: f"{100 * value:.1f} %",
                 "number": lambda: f"{value:.1f}", "seconds": lambda: format_duration(value)}[kind]()
        return Text(shown, justify="right")

    @on(DataTable.RowHighlighted, "#stats-figures")
    def _figure_highlighted(self, event: DataTable.RowHighlighted) -> None:
        figure = next((f for f in FIGURES if f.name == event.row_key.value), None)
        if figure is not None:
            self.query_one("#stats-definition", Static).update(
                Text(_("{figure}: {definition}.").format(figure=_(figure.label),
                                                          definition=definition_of(figure, self.desk.config)),
                     style="italic"))

    @on(DataTable.HeaderSelected, "#stats-leaderboard")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == "name":
            column = "login"
        if column == self.sort_column:
            self.best_first = not self.best_first
        else:
            self.sort_column, self.best_first = column, True
        self.show_leaderboard()

    def action_next_sort(self) -> None:
        names = [c.name for c in LEADERBOARD_COLUMNS]
        self.sort_column = names[(names.index(self.sort_column) + 1) % len(names)]
        self.best_first = True
        self.show_leaderboard()

    def action_reverse_sort(self) -> None:
        self.best_first = not self.best_first
        self.show_leaderboard()

    def action_export_leaderboard(self) -> None:
        if self.report is None:
            self.notify(_("The figures are still being computed"), severity="warning")
            return
        period = self.report.scope.period
        path = self.export_folder / f"leaderboard-{period.first_day}-to-{period.last_day}.csv"
        rows = sort_leaderboard(list(self.report.leaderboard), self.sort_column, self.best_first)
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                count = write_leaderboard_csv(rows, out)
        except OSError as exc:
            self.notify(_("Cannot write {path}: {problem}").format(path=path, problem=exc.strerror), severity="error")
            return
        self.notify(_("Leaderboard ({count} operators) written to {path}").format(count=count, path=path))

    # --- a lead on an operator's call --------------------------------------------------------------------

    def action_supervise(self, mode: str) -> None:
        operator_id = self.query_one(OperatorsTable).selected_id()
        if self.supervise is None or operator_id is None:
            self.notify(_("Choose an operator on a call in the Team tab first"), severity="warning")
            return
        self.run_worker(self._supervise(operator_id, Supervision(mode)), group="supervise", exclusive=True)

    async def _supervise(self, operator_id: int, mode: Supervision) -> None:
        try:
            told = await self.supervise(operator_id, mode)
        except DeskError as exc:
            self.notify(str(exc), severity="warning", timeout=8)
            return
        self.notify(told)

    # --- a lead moves people between queues ----------------------------------------------------------------

    def action_queues(self) -> None:
        operator_id = self.query_one(OperatorsTable).selected_id()
        if self.move_in_queue is None or operator_id is None:
            self.notify(_("Choose an operator in the Team tab first"), severity="warning")
            return
        self.run_worker(self._move_in_queue(operator_id), group="queues", exclusive=True)

    async def _move_in_queue(self, operator_id: int) -> None:
        from calldesk.desk.calls.routing import queues_of
        from calldesk.tui.modals.queue_member import QueueMemberModal

        name = next((p.name for p in self.snapshot.operators if p.id == operator_id), "") if self.snapshot else ""
        try:
            members = await self.run(queues_of, self.desk, operator_id)
            move = await self.app.push_screen_wait(QueueMemberModal(name, self.desk.config.queues, members))
            if move is None:
                return
            told = await self.move_in_queue(operator_id, move.queue, move.priority)
        except DeskError as exc:
            self.notify(str(exc), severity="warning", timeout=8)
            return
        self.notify(told)

    # --- moving around -----------------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_close(self) -> None:
        self.dismiss(None)
