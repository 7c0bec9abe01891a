"""F9: the call-back board. A team lead sees every open call-back with a live countdown to its deadline, sorts and
filters it, selects with space and reassigns or distributes in two keystrokes. An operator sees their own only
(the domain decides that, not this screen). F2 returns the call-back under the cursor for the desk to start."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from calldesk.desk.callbacks.board import BoardFilter, BoardPage, board_page
from calldesk.desk.callbacks.lines import CallbackLine
from calldesk.desk.callbacks.promises import StaleCallBack, distribute_callbacks, reassign_callbacks
from calldesk.desk.callbacks.times import describe_moment
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.roster import OperatorView, list_operators
from calldesk.i18n import N_, _
from calldesk.store.changes import ChangeWatcher
from calldesk.tui.db_thread import DatabaseAway
from calldesk.tui.modals.callback_owner import OwnerPickerModal
from calldesk.tui.widgets.callback_table import STATE_STYLES, STATE_WORDS, CallbackTable, countdown
from calldesk.tui.widgets.key_bar import KeyBar
from calldesk.tui.widgets.status_bar import RAW_STATE_WORDS

Runner = Callable[..., Awaitable[Any]]  # runs a desk function on the database thread: DatabaseThread.run
TICK_SECONDS = 1.0
STATES = ((N_("Every state"), ""), (N_("Overdue"), "overdue"), (N_("Due soon"), "due_soon"),
          (N_("In a pool"), "unassigned"))
SORTS = ((N_("By deadline"), "deadline"), (N_("By due time"), "due"), (N_("Most urgent"), "state"),
         (N_("By owner"), "owner"), (N_("By department"), "department"), (N_("Newest first"), "newest"))


SCROLLBAR = 2  # the table's own vertical scrollbar, kept free so a long board loses no column
CELL_PADDING = 2  # DataTable's space either side of a cell


def board_columns(width: int) -> dict[str, int]:
    """The board's columns that fit in ``width``, by key, with their widths: the most needed first (what to call,
    how late, for whom, why, who has it), then the due time and the id, tries and who promised; the spare width goes
    to the reason, the client and the owner, in turn."""
    minimum = {key: least for key, _, least in BoardTable.COLUMNS}
    widths: dict[str, int] = {}
    room = width - SCROLLBAR
    for key in BoardTable.PRIORITY:
        if minimum[key] + CELL_PADDING > room:
            break  # a less needed column never takes the place of a more needed one's room to grow
        widths[key] = minimum[key]
        room -= minimum[key] + CELL_PADDING
    for key, most in BoardTable.GROWS:
        if key in widths:
            grown = min(most - widths[key], room)
            widths[key] += grown
            room -= grown
    return {key: widths[key] for key, _, _ in BoardTable.COLUMNS if key in widths}  # in the table's own order


class BoardTable(CallbackTable):
    COLUMNS = (("sel", "", 1), ("id", "#", 5), ("state", "", 4), ("left", N_("Left"), 9), ("due", N_("Due"), 15),
               ("owner", N_("Owner"), 12), ("client", N_("Client"), 15), ("reason", N_("Reason"), 12),
               ("tries", N_("Tries"), 5), ("by", N_("By"), 10))
    PRIORITY = ("sel", "state", "left", "client", "reason", "owner", "due", "id", "tries", "by")
    GROWS = (("reason", 24), ("client", 20), ("owner", 16), ("reason", 80))

    def __init__(self, due_soon: timedelta, zone: tzinfo, **kwargs: object) -> None:
        super().__init__(due_soon, zone, **kwargs)
        self.selected: set[int] = set()
        self.widths = {key: width for key, _label, width in self.COLUMNS}  # the columns shown: all, until laid out
        self.painted_at: datetime | None = None  # the moment the rows show, to fill them again on a resize

    def on_resize(self) -> None:
        widths = board_columns(self.size.width)
        if widths == self.widths:
            return
        self.widths = widths
        current, lines = self.selected_id(), self.lines
        self.clear_rows()
        self.clear(columns=True)
        for key, label, _width in self.COLUMNS:
            if key in widths:
                self.add_column(Text(_(label)), width=widths[key], key=key)
        if self.painted_at is not None:
            self._rebuild(lines, self.painted_at)
        if current in self._shown:
            self.move_cursor(row=self.get_row_index(str(current)))

    def cells(self, line: CallbackLine, now: datetime) -> dict[str, object]:
        self.painted_at = now
        state = line.state(now, self.due_soon)
        style = STATE_STYLES[state]
        pooled = "italic" if line.assignee_id is None else ""
        every = {
            "sel": Text("●" if line.id in self.selected else " ", style="bold"),
            "id": Text(str(line.id), justify="right", style="dim"),
            "state": Text(_("call") if line.on_the_line else _(STATE_WORDS[state]), style=style),
            "left": countdown(line, now),
            "due": Text(describe_moment(line.due_at, self.zone, now), style=style),
            "owner": Text(line.owner, style=pooled),
            "client": line.caller,
            "reason": line.reason,
            "tries": Text(str(line.attempts), justify="right"),
            "by": line.created_by or _("desk"),
        }
        return {key: every[key] for key in self.widths}

    def toggle(self, line: CallbackLine, now: datetime) -> None:
        self.selected ^= {line.id}
        self.write_cells(line.id, self.cells(line, now))
        self.refresh()

    def chosen(self) -> list[CallbackLine]:
        """The selected call-backs, else the one under the cursor."""
        picked = [line for line in self.lines if line.id in self.selected]
        if picked:
            return picked
        line = self.selected_line()
        return [line] if line is not None else []


class CallbackBoardScreen(Screen[CallbackLine | None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # narrow: a lead's filters take two rows
    BINDINGS = [
        Binding("escape,f9", "close", N_("Close"), id="board_close"),
        # priority: the filter box has its own ctrl+a (home), ctrl+d and ctrl+f, and the board's keys work from it too
        Binding("f2", "start", N_("Start"), id="board_start", priority=True),
        Binding("space", "toggle_select", N_("Select"), id="board_select"),
        Binding("ctrl+a", "select_all", N_("All"), id="board_select_all", priority=True),
        Binding("ctrl+r", "reassign", N_("Reassign"), id="board_reassign", priority=True),
        Binding("ctrl+d", "distribute", N_("Distribute"), id="board_distribute", priority=True),
        Binding("ctrl+f", "focus_filter", N_("Filter"), id="board_filter", priority=True),
    ]

    def __init__(self, desk: Desk, viewer: OperatorView, run: Runner) -> None:
        """``run`` runs a desk function on the database thread (the app's ``attempt``); dismisses with the call-back
        to start (F2), or None."""
        super().__init__(classes="-lead" if viewer.is_lead else None)
        self.desk = desk
        self.viewer = viewer
        self.run = run
        self.due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
        self.page: BoardPage | None = None
        self._people: list[OperatorView] = []
        self._watcher = ChangeWatcher()
        self._dirty = True  # the filter changed or this console changed something: read again whatever the hint

    def compose(self) -> ComposeResult:
        yield Static(id="board-summary")
        with Horizontal(id="board-filters"):
            yield Input(id="board-text", placeholder=_("filter: client, number, reason, owner"), compact=True)
            yield Select([(_(label), value) for label, value in STATES], value="", allow_blank=False,
                         id="board-state", compact=True)
            if self.viewer.is_lead:
                yield Select([(_("Every owner"), "")], value="", allow_blank=False, id="board-owner", compact=True)
                departments = [(_("Every department"), "")] + [(d.name, d.id) for d in self.desk.config.departments]
                yield Select(departments, value="", allow_blank=False, id="board-department", compact=True)
            yield Select([(_(label), value) for label, value in SORTS], value="deadline", allow_blank=False,
                         id="board-sort", compact=True)
        yield BoardTable(self.due_soon, self.desk.zone, id="board-table")
        yield KeyBar()

    async def on_mount(self) -> None:
        self.query_one(BoardTable).focus()
        self.set_interval(TICK_SECONDS, self._tick)
        self.refresh_board()
        self._load_people()

    @work(group="board-people")
    async def _load_people(self) -> None:
        try:
            self._people = await self.run(list_operators)
        except DeskError:
            return
        if self.viewer.is_lead:
            owners = [(_("Every owner"), "")] + [(p.name, p.login) for p in self._people]
            owners += [(_("{department} pool").format(department=d.name), d.id) for d in self.desk.config.departments]
            self.query_one("#board-owner", Select).set_options(owners)
            self.query_one("#board-owner", Select).value = ""

    # --- reading the board -------------------------------------------------------------------------

    def wanted(self) -> BoardFilter:
        def choice(selector: str) -> str:
            found = self.query(selector)
            value = found.first(Select).value if found else ""
            return value if isinstance(value, str) else ""

        return BoardFilter(
            owner=choice("#board-owner"), department=choice("#board-department"), state=choice("#board-state"),
            text=self.query_one("#board-text", Input).value, sort=choice("#board-sort") or "deadline",
        )

    @on(Input.Changed, "#board-text")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self._dirty = True
        self.refresh_board()

    def _read_if_changed(self, wanted: BoardFilter, force: bool) -> BoardPage | None:
        changed = self._watcher.changed()
        return board_page(self.desk, self.viewer.id, wanted) if changed or force else None

    @work(exclusive=True, group="board")
    async def refresh_board(self) -> None:
        """Read the board again if anything changed; a newer refresh supersedes this one."""
        try:
            page = await self.run(self._read_if_changed, self.wanted(), self._dirty)
        except DatabaseAway:
            return  # the status bar says so; the board shows what it last knew
        except DeskError as exc:
            self.notify(str(exc), severity="warning")
            return
        if page is not None and self.is_attached and self.app.is_running:  # not if the board or the console closed
            self._dirty = False
            self.show_page(page, self.desk.clock.now())

    def show_page(self, page: BoardPage, now: datetime) -> None:
        """Put a page on screen by keyed diffs; the selection keeps the call-backs still shown."""
        self.page = page
        table = self.query_one(BoardTable)
        table.selected &= {line.id for line in page.lines}
        table.show_lines(page.lines, now)
        self._paint_summary()

    def _tick(self) -> None:
        self.query_one(BoardTable).tick(self.desk.clock.now())
        self.refresh_board()

    def _paint_summary(self) -> None:
        if self.page is None:
            return
        counts, table = self.page.counts, self.query_one(BoardTable)
        title = _("Call-back board") if self.viewer.is_lead else _("My call-backs")
        parts: list[str | tuple[str, str]] = [
            (title, "bold"), "  " + _("open {count}").format(count=counts.open) + "  ",
            (_("overdue {count}").format(count=counts.overdue), "bold $error" if counts.overdue else ""),
            "  ", (_("due soon {count}").format(count=counts.due_soon), "$warning" if counts.due_soon else ""),
            "  " + _("in pools {count}").format(count=counts.unassigned) + "  ·  "
            + _("showing {count}").format(count=len(self.page.lines)),
        ]
        if self.page.more:
            parts.append(("  · " + _("more match: filter to narrow"), "$warning"))
        if table.selected:
            parts.append(("  ·  " + _("{count} selected").format(count=len(table.selected)), "bold $accent"))
        self.query_one("#board-summary", Static).update(Content.assemble(*parts))

    # --- choosing and handing out --------------------------------------------------------------------

    def action_toggle_select(self) -> None:
        table = self.query_one(BoardTable)
        line = table.selected_line()
        if line is None:
            return
        table.toggle(line, self.desk.clock.now())
        table.action_cursor_down()
        self._paint_summary()

    def action_select_all(self) -> None:
        table = self.query_one(BoardTable)
        shown = {line.id for line in table.lines}
        table.selected = set() if shown <= table.selected else shown
        table.tick(self.desk.clock.now())
        self._paint_summary()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "distribute":
            return self.viewer.is_lead  # operators never see it; the domain refuses them anyway
        return True

    @work(group="board-change")
    async def action_reassign(self) -> None:
        lines = self.query_one(BoardTable).chosen()
        if not lines:
            self.notify(_("Nothing to reassign: select call-backs with space."), severity="warning")
            return
        owners = [(p.login, f"{p.name} · {p.department} · {_(RAW_STATE_WORDS.get(p.state, p.state))}")
                  for p in self._people]
        owners += [(d.id, _("{department} pool").format(department=d.name)) for d in self.desk.config.departments]
        many = (_("{count} call-backs").format(count=len(lines)) if len(lines) > 1
                else _("call-back {id}").format(id=lines[0].id))
        target = await self.app.push_screen_wait(OwnerPickerModal(_("Give {what} to").format(what=many), owners))
        if target is None:
            return
        label = next((label.split(" · ")[0] for key, label in owners if key == target), target)
        seen = [(line.id, line.version) for line in lines]
        if await self._change(reassign_callbacks, self.desk, self.viewer.id, seen, target) is not None:
            self.notify(_("{what} given to {owner}.").format(what=many[:1].upper() + many[1:], owner=label))

    @work(group="board-change")
    async def action_distribute(self) -> None:
        lines = self.query_one(BoardTable).chosen()
        if not lines:
            self.notify(_("Nothing to distribute: select call-backs with space."), severity="warning")
            return
        given = await self._change(distribute_callbacks, self.desk, self.viewer.id,
                                   [(line.id, line.version) for line in lines])
        if given:
            tally: dict[str, int] = {}
            for login in given.values():
                tally[login] = tally.get(login, 0) + 1
            self.notify(_("Spread over the free operators: ") + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))

    async def _change(self, rule: Callable[..., Any], *args: Any) -> Any:
        """Run a change; a stale edit or a refusal is told in one line, and the board reads the new state."""
        try:
            result = await self.run(rule, *args)
        except StaleCallBack as exc:
            self.notify(str(exc), title=_("Changed meanwhile"), severity="warning", timeout=8)
            return None
        except DatabaseAway:
            self.notify(_("The database is away: nothing was changed."), severity="error", timeout=8)
            return None
        except DeskError as exc:
            self.notify(str(exc), severity="warning")
            return None
        finally:
            self._dirty = True
            self.refresh_board()
        self.query_one(BoardTable).selected.clear()
        return result

    def action_focus_filter(self) -> None:
        self.query_one("#board-text", Input).focus()

    def action_start(self) -> None:
        line = self.query_one(BoardTable).selected_line()
        if line is not None:
            self.dismiss(line)

    def action_close(self) -> None:
        self.dismiss(None)
