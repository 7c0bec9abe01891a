"""The wallboard's pieces: a figure in big digits, the service level by hour, the longest waiting callers, and its
help."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Digits, Label, Static

from calldesk.desk.stats.definitions import format_duration
from calldesk.desk.stats.wallboard import WaitingCaller, target_band
from calldesk.i18n import N_, _

TONES = ("good", "close", "poor")  # target_band's; a count that should be nought shows as poor
BARS = " ▁▂▃▄▅▆▇█"
BAR_ROWS = 2  # the sparkline's height: 16 steps from 0 to 100 %
TONE_STYLES = {"good": "bold green", "close": "bold yellow", "poor": "bold red", None: "dim"}


class FigureTile(Vertical):
    """One figure for the room: what it is, its value in big digits, and a line under it. Its tone (good, close,
    poor) colours it; a tile with none is plain."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id, classes="tile")
        self.title = title
        self._shown: tuple[str, str, str | None] | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="tile-title")
        yield Digits("-", classes="tile-value")
        yield Label("", classes="tile-note")

    def show(self, value: str, note: str = "", tone: str | None = None) -> None:
        # Most refreshes change a figure or two: the others are left alone, not painted again.
        if self._shown == (value, note, tone):
            return
        self._shown = (value, note, tone)
        self.query_one(Digits).update(value)
        self.query_one(".tile-note", Label).update(note, layout=False)  # one line, whatever it says
        for name in TONES:
            self.set_class(name == tone, f"-{name}")


def service_level_bars(levels: Sequence[float | None], target: float, width: int) -> Text:
    """The day's service level by hour as a sparkline: a column of blocks per hour from midnight to now, coloured
    against the target, a dot for an hour nobody was measured in, and the hours beneath."""
    cell = max(1, min(8, width // 24))  # columns per hour: the whole day fits at 80 columns
    lines = [Text() for _ in range(BAR_ROWS)]
    axis = Text(style="dim")
    steps = (len(BARS) - 1) * BAR_ROWS
    for hour in range(24):
        level = levels[hour] if hour < len(levels) else None
        if level is None:
            for row, line in enumerate(lines):
                line.append(("·" if row == BAR_ROWS - 1 and hour < len(levels) else " ").center(cell))
        else:
            filled = max(1, round(level * steps))  # a bar of 0 % still shows the hour was measured
            style = TONE_STYLES[target_band(level, target)]
            for row, line in enumerate(lines):
                blocks = min(max(filled - (BAR_ROWS - 1 - row) * (len(BARS) - 1), 0), len(BARS) - 1)
                line.append(BARS[blocks] * max(1, cell - 1) + " " * (cell > 1), style=style)
        label = f"{hour:02d}" if cell >= 3 or (cell == 2 and hour % 2 == 0) else ""  # no room below 48 columns
        axis.append(label.ljust(cell))
    return Text("\n").join([*lines, axis])


class WaitingCallers(Static):
    """The callers waiting longest: queue, wait and rings (red past the threshold), and who, where the config lets
    the room see it."""

    _shown: tuple[tuple[WaitingCaller, ...], bool] | None = None

    def show(self, callers: Sequence[WaitingCaller], show_callers: bool) -> None:
        if self._shown == (tuple(callers), show_callers):
            return
        self._shown = (tuple(callers), show_callers)
        if not callers:
            self.update(Text(_("Nobody is waiting."), style="dim"), layout=False)
            return
        table = Table(expand=True, box=None, pad_edge=False, header_style="bold")
        table.add_column(_("Queue"), ratio=2, no_wrap=True)
        table.add_column(_("Wait"), justify="right", ratio=1)
        table.add_column(_("Rings"), justify="right", ratio=1)
        if show_callers:
            table.add_column(_("Caller"), ratio=4, no_wrap=True)
        for call in callers:
            style = "bold red" if call.late else ""
            row = [Text(call.queue), Text(format_duration(call.waited_seconds), style=style),
                   Text(str(call.rings), style=style)]
            table.add_row(*row, *([Text(call.caller)] if show_callers else []))
        self.update(table, layout=False)  # the list has the page's height, however long it is


class WallboardHelp(ModalScreen[None]):
    """F1 or ?: the wallboard's keys."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss(None)", N_("Close"))]
    KEYS = (("F1, ?", N_("these keys")), ("→ / ←", N_("next / previous page")),
            ("ctrl+q", N_("quit the wallboard")))

    def compose(self) -> ComposeResult:
        table = Table(expand=True, box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column(no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for key, what in self.KEYS:
            table.add_row(key, _(what))
        table.add_row("", "")
        table.add_row("", Text(_("Read-only: the figures follow the desk as it changes; pages turn by themselves "
                                 "unless one is pinned (--page)."), style="dim"))
        with VerticalScroll(classes="dialog", id="wallboard-help") as dialog:
            dialog.border_title = _("Wallboard keys (escape closes)")
            yield Static(table)
