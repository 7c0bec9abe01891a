"""The wallboard: the team's figures for the room, full screen, read-only, in a terminal or a browser (textual-serve).

The figures are read on one database thread (db_thread: one connection for the board's life) as soon as the store
changes (the consoles' change watcher: SQLite's data_version, PostgreSQL's NOTIFY) and every second besides, as
waits grow and the clock moves when nothing is stored. Reads never overlap: one asked for meanwhile follows.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Label, Static

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.definitions import format_duration
from calldesk.desk.stats.wallboard import WallboardFigures, target_band, wallboard_figures
from calldesk.i18n import N_, _, ngettext, use_language
from calldesk.store.changes import ChangeWatcher
from calldesk.store.errors import StoreError
from calldesk.tui.db_thread import DatabaseThread
from calldesk.tui.wallboard.widgets import FigureTile, WaitingCallers, WallboardHelp, service_level_bars
from calldesk.tui.widgets.key_bar import KeyBar

PAGES = {"today": N_("Today"), "team": N_("Team and call-backs"), "queue": N_("Waiting now")}
TICK_SECONDS = 1.0
WATCH_SECONDS = 0.5  # how long the watcher waits for a change before it checks whether the board is closing
READ_GAP_SECONDS = 0.1  # in a burst of changes the figures are read at most this often


class WallboardApp(App[None]):
    CSS_PATH = Path(__file__).with_name("wallboard.tcss")  # whole, so a subclass elsewhere (the bench's) finds it
    TITLE = "calldesk wallboard"
    ENABLE_COMMAND_PALETTE = False  # a board in the room: nothing to do but look, page and quit
    BINDINGS = [
        Binding("f1,question_mark", "help", N_("Help"), id="wallboard_help"),
        Binding("right", "turn(1)", N_("Next page"), id="wallboard_next"),
        Binding("left", "turn(-1)", N_("Previous page"), id="wallboard_previous"),
        Binding("ctrl+q", "quit", N_("Quit"), id="wallboard_quit", priority=True),
    ]

    def __init__(self, desk: Desk, department: str = "", page: str | None = None) -> None:
        """``department``: its id, "" for the whole desk; ``page``: one of PAGES to pin, None to turn them every
        ``wallboard.page_seconds``."""
        super().__init__()
        use_language(desk.config.language)
        self.desk = desk
        self.department = department
        self.pinned = page
        self.page = page or next(iter(PAGES))
        self.show_callers = desk.config.wallboard.show_callers
        self.db = DatabaseThread()
        self.figures: WallboardFigures | None = None
        self.problem = ""
        self._reading = False
        self._read_again = False
        self._stop_watching = threading.Event()
        self._watching: threading.Thread | None = None
        self._turner = None
        self._bars: tuple | None = None  # what the sparkline was last drawn from
        self._title: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="wb-title")
        with Horizontal(id="wb-headline", classes="tiles"):
            yield FigureTile(_("Waiting"), id="wb-waiting")
            yield FigureTile(_("Longest wait"), id="wb-longest")
            yield FigureTile(_("Service level today"), id="wb-service")
        with ContentSwitcher(initial=self.page, id="wb-pages"):
            with Vertical(id="today"):
                with Horizontal(classes="tiles"):
                    yield FigureTile(_("Answered today"), id="wb-answered")
                    yield FigureTile(_("Abandoned today"), id="wb-abandoned")
                with Vertical(id="wb-by-hour"):
                    yield Label(_("Service level by hour"), classes="tile-title")
                    yield Static(id="wb-sparkline")
            with Vertical(id="team"):
                with Horizontal(classes="tiles"):
                    yield FigureTile(_("Available"), id="wb-available")
                    yield FigureTile(_("On call"), id="wb-on-call")
                    yield FigureTile(_("Wrap-up"), id="wb-wrap-up")
                    yield FigureTile(_("Paused"), id="wb-paused")
                with Horizontal(classes="tiles"):
                    yield FigureTile(_("Call-backs overdue"), id="wb-overdue")
                    yield FigureTile(_("Call-backs due within the hour"), id="wb-due")
            with Vertical(id="queue"):
                yield Label(_("Waiting, longest first"), classes="tile-title")
                yield WaitingCallers(id="wb-callers")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self.read_figures)
        if self.pinned is None:
            self._turner = self.set_interval(self.desk.config.wallboard.page_seconds, self.action_turn)
        self.read_figures()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        if self._watching is not None:
            self._watching.join(timeout=2)
        self.db.close()

    # --- reading the desk --------------------------------------------------------------------------------

    def _watch_the_store(self) -> None:
        """Another console's, the PBX's or `calldesk ring`'s change makes the board read the figures at once."""
        watcher = ChangeWatcher()
        try:
            while not self._stop_watching.is_set():
                if watcher.wait_for_change(WATCH_SECONDS) and not self._stop_watching.is_set():
                    self.call_from_thread(self.read_figures)
                    self._stop_watching.wait(READ_GAP_SECONDS)
        except RuntimeError:
            pass  # the app stopped while this thread was handing it a change
        finally:
            watcher.close()

    @work(group="wallboard-read")
    async def read_figures(self) -> None:
        """One read of the figures; a read asked for while one is under way follows it."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        try:
            figures = await self.db.run(wallboard_figures, self.desk, self.department,
                                        show_callers=self.show_callers)
            problem = ""
        except (StoreError, DeskError) as exc:  # the database away: say so, keep the figures, try again
            figures, problem = None, str(exc)
        finally:
            self._reading = False
        if self._read_again:
            self._read_again = False
            self.read_figures()
        if not self.is_running:
            return
        self.problem = problem
        if figures is not None:
            first = self.figures is None
            self.show_figures(figures)
            if first:
                self.call_after_refresh(self._first_paint_done)
        else:
            self.show_title(self.desk.clock.now())

    def _first_paint_done(self) -> None:
        """Once the first figures are painted, watch the store: its first look reports a change, and the read it
        asks for belongs after the paint."""
        if self._watching is None:
            self._watching = threading.Thread(target=self._watch_the_store, name="wallboard-watch", daemon=True)
            self._watching.start()

    # --- showing the figures -------------------------------------------------------------------------------

    def show_title(self, now: datetime) -> None:
        department = self.desk.config.department(self.department) if self.department else None
        where = department.name if department is not None else _("All departments")
        pages = list(PAGES)
        title = Text()
        title.append(f" {self.desk.config.company} · {where}", style="bold")
        title.append(f"   {_(PAGES[self.page])} ({pages.index(self.page) + 1}/{len(pages)})")
        if self.problem:
            title.append("   " + _("Cannot read the desk: {problem}").format(problem=self.problem), style="bold red")
        title.append(f"   {now.astimezone(self.desk.zone):%H:%M:%S}", style="bold")
        if title != self._title:  # twice in a second reads the same
            self._title = title
            self.query_one("#wb-title", Static).update(title, layout=False)  # one line, whatever it says

    def show_figures(self, figures: WallboardFigures) -> None:
        self.figures = figures
        today, target = figures.today, figures.service_level_target
        tile = self.query_one
        with self.batch_update():
            self.show_title(figures.taken_at)
            late = "poor" if figures.longest_wait_late else None
            tile("#wb-waiting", FigureTile).show(f"{figures.waiting}", tone=late)
            if figures.longest_wait_seconds is None:
                tile("#wb-longest", FigureTile).show("0:00", _("nobody waiting"))
            else:
                rings = figures.longest_wait_rings or 0
                tile("#wb-longest", FigureTile).show(
                    format_duration(figures.longest_wait_seconds),
                    ngettext("{count} ring", "{count} rings", rings).format(count=rings),
                    tone=late)
            level = figures.service_level
            tile("#wb-service", FigureTile).show(
                "-" if level is None else f"{100 * level:.0f}%",
                _("target {percent} %").format(percent=f"{100 * target:.0f}"), tone=target_band(level, target))
            tile("#wb-answered", FigureTile).show(
                f"{today.answered}", _("of {count} offered").format(count=f"{today.offered:,}"))
            tile("#wb-abandoned", FigureTile).show(
                f"{today.abandoned}", _("{count} short").format(count=f"{today.short_abandoned:,}"),
                tone="poor" if today.counted_abandoned else None)
            sparkline = self.query_one("#wb-sparkline", Static)
            bars = (figures.service_level_by_hour, target, sparkline.size.width or self.size.width)
            if bars != self._bars:  # an hour's level changes when its calls do, not every second
                self._bars = bars
                sparkline.update(service_level_bars(*bars), layout=False)
            for group, tile_id in (("available", "#wb-available"), ("on_call", "#wb-on-call"),
                                   ("wrap_up", "#wb-wrap-up"), ("paused", "#wb-paused")):
                tile(tile_id, FigureTile).show(f"{figures.operators[group]}")
            tile("#wb-overdue", FigureTile).show(f"{figures.callbacks_overdue}",
                                                 tone="poor" if figures.callbacks_overdue else None)
            tile("#wb-due", FigureTile).show(f"{figures.callbacks_due_within_hour}",
                                             tone="close" if figures.callbacks_due_within_hour else None)
            tile("#wb-callers", WaitingCallers).show(figures.longest_waiting, self.show_callers)

    def on_resize(self) -> None:
        if self.figures is not None:
            self.call_after_refresh(self.show_figures, self.figures)  # the sparkline's hours take the new width

    # --- keys ----------------------------------------------------------------------------------------------

    def action_turn(self, step: int = 1) -> None:
        """The next (or previous) page; a page turned by hand stays its full time before the next turns it."""
        pages = list(PAGES)
        self.page = pages[(pages.index(self.page) + step) % len(pages)]
        self.query_one(ContentSwitcher).current = self.page
        if self._turner is not None:
            self._turner.reset()
        self.show_title(self.figures.taken_at if self.figures is not None else self.desk.clock.now())

    def action_help(self) -> None:
        if not isinstance(self.screen, WallboardHelp):
            self.push_screen(WallboardHelp())
