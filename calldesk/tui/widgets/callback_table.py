"""A table of call-backs kept equal to the latest list by keyed diffs: rows are keyed by call-back id, a refresh
updates only the cells that changed, and the clock's tick moves the countdowns without asking the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

from rich.text import Text

from calldesk.desk.callbacks.lines import CallbackLine
from calldesk.desk.callbacks.times import describe_left
from calldesk.i18n import N_
from calldesk.tui.widgets.keyed_table import KeyedTable

REBUILD_AFTER = 12  # rows coming or going: past this, filling the table again is cheaper than a row at a time
STATE_WORDS = {"overdue": N_("late"), "due_soon": N_("soon"), "unassigned": N_("pool"), "scheduled": ""}
STATE_STYLES = {"overdue": "bold red", "due_soon": "bold yellow", "unassigned": "italic", "scheduled": ""}


def countdown(line: CallbackLine, now: datetime) -> Text:
    """Time left to the promised time; red once it has passed."""
    left = line.seconds_left(now)
    return Text(describe_left(left), style="bold red" if left < 0 else "", justify="right")


class CallbackTable(KeyedTable):
    """Subclasses name their ``COLUMNS`` (key, label, width) and say what each row shows in ``cells``."""

    ROW_HEIGHT: ClassVar[int] = 1

    def __init__(self, due_soon: timedelta, zone: tzinfo, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.due_soon = due_soon
        self.zone = zone  # the desk's clock: due times are shown on it
        self._lines: dict[int, CallbackLine] = {}

    def cells(self, line: CallbackLine, now: datetime) -> dict[str, object]:
        raise NotImplementedError

    @property
    def lines(self) -> list[CallbackLine]:
        return list(self._lines.values())

    def selected_line(self) -> CallbackLine | None:
        """The call-back under the cursor."""
        selected = self.selected_id()
        return self._lines.get(selected) if selected is not None else None

    def show_lines(self, lines: Sequence[CallbackLine], now: datetime) -> None:
        """Make the table equal to ``lines``, in their order, with the fewest changes: the cursor stays on its row."""
        incoming = {line.id: line for line in lines}
        with self.app.batch_update():
            changing = len(self._lines.keys() ^ incoming.keys())
            if changing > REBUILD_AFTER or self.order_changes(list(incoming)):
                self._rebuild(lines, now)
                return
            for gone in [i for i in self._lines if i not in incoming]:
                self.remove_keyed_row(gone)
                del self._lines[gone]
            for line in lines:
                known = self._lines.get(line.id)
                if known == line:
                    continue  # unchanged: the clock's tick moves its countdown
                cells = self.cells(line, now)
                if known is not None:
                    self.write_cells(line.id, cells)
                else:
                    self.add_keyed_row(line.id, cells, height=self.ROW_HEIGHT)
                self._lines[line.id] = line
            self.refresh()

    def _rebuild(self, lines: Sequence[CallbackLine], now: datetime) -> None:
        """A new order (another sort, a call-back slotted in between): rows again, the cursor on the same one."""
        self._lines = {line.id: line for line in lines}
        self.refill(((line.id, self.cells(line, now)) for line in lines), self.ROW_HEIGHT)

    def tick(self, now: datetime) -> None:
        """Move the countdowns and states in view on by the clock (the counts of each state read every line)."""
        with self.app.batch_update():
            for line_id in self.in_view(self._lines, self.ROW_HEIGHT):
                self.write_cells(line_id, self.cells(self._lines[line_id], now))
            self.refresh()

    def count(self, state: str, now: datetime) -> int:
        return sum(1 for line in self._lines.values() if line.state(now, self.due_soon) == state)
