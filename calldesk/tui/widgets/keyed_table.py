"""A DataTable kept equal to a list by keyed diffs: rows keyed by id, only changed cells written, one repaint.

The queue, the call-back lists and the team view refresh many rows every second. Only Textual's public API writes
the table (``add_row``, ``update_cell``, ``remove_row``), inside ``App.batch_update`` so that a refresh is painted
once; a cell whose text and style are what is shown is not written at all (docs/performance.md, "The queue pane").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from calldesk.i18n import _


def plain(value: object) -> object:
    """A cell as shown: a str becomes Text, as DataTable would parse it as Rich markup (a caller named "[/]" crashed
    the table, a "[link=...]" became a link)."""
    return Text(value) if isinstance(value, str) else value


def _signature(value: object) -> object:
    # the spans too: a badge that turns red (a call-back gone late) changes only a span's style
    return (value.plain, str(value.style), tuple(value.spans)) if isinstance(value, Text) else value


class KeyedTable(DataTable):
    """Subclasses name their ``COLUMNS`` (key, label, fixed width)."""

    COLUMNS: ClassVar[tuple[tuple[str, str, int], ...]] = ()

    def __init__(self, **kwargs: object) -> None:
        # the cell's own colour wins under the cursor: a late call selected stays red
        super().__init__(cursor_type="row", zebra_stripes=False, cursor_foreground_priority="renderable", **kwargs)
        self._shown: dict[int, dict[str, object]] = {}  # what each row's cells show, to skip no-op writes

    def on_mount(self) -> None:
        # Labels go in as plain text: a str would be parsed as Rich markup, whose first use loads Rich's emoji table
        # (docs/performance.md, "Start-up and the screen pop")
        for key, label, width in self.COLUMNS:
            self.add_column(Text(_(label)), width=width, key=key)

    def add_keyed_row(self, row_id: int, cells: dict[str, object], height: int = 1) -> None:
        self.add_row(*map(plain, cells.values()), key=str(row_id), height=height)
        self._shown[row_id] = {column: _signature(value) for column, value in cells.items()}

    def remove_keyed_row(self, row_id: int) -> None:
        self.remove_row(str(row_id))
        del self._shown[row_id]

    def clear_rows(self) -> None:
        self.clear()
        self._shown.clear()

    def selected_id(self) -> int | None:
        """The id of the row under the cursor."""
        if not self._shown or not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return int(key) if key is not None else None

    def show_rows(self, rows: Iterable[tuple[int, dict[str, object]]]) -> None:
        """Make the table equal to ``rows`` (id and cells), in their order: rows gone are removed, changed cells
        written, new rows added at the end; a new order fills the table again with the cursor on the same row."""
        rows = list(rows)
        ids = {row_id for row_id, _ in rows}
        with self.app.batch_update():
            if self.order_changes([row_id for row_id, _ in rows]):
                self.refill(rows)
                return
            for gone in [row_id for row_id in self._shown if row_id not in ids]:
                self.remove_keyed_row(gone)
            for row_id, cells in rows:
                if row_id in self._shown:
                    self.write_cells(row_id, cells)
                else:
                    self.add_keyed_row(row_id, cells)
            self.refresh()

    def refill(self, rows: Iterable[tuple[int, dict[str, object]]], height: int = 1) -> None:
        """Rows again from scratch (a new order), the cursor on the same row if it is still there."""
        current = self.selected_id()
        self.clear_rows()
        for row_id, cells in rows:
            self.add_keyed_row(row_id, cells, height=height)
        if current in self._shown:
            self.move_cursor(row=self.get_row_index(str(current)))

    def order_changes(self, ids: Sequence[int]) -> bool:
        """Would showing ``ids`` need rows moved? Removing rows and appending new ones at the end never does."""
        kept = [i for i in ids if i in self._shown]
        still_here = set(kept)
        if kept != [i for i in self._shown if i in still_here]:
            return True
        first_new = next((n for n, i in enumerate(ids) if i not in self._shown), len(ids))
        return any(i in self._shown for i in ids[first_new:])

    def in_view(self, ids: Iterable[int], row_height: int = 1) -> Iterator[int]:
        """Of the row ids in table order, those on screen and a screenful either side: what a clock tick rewrites.
        Rows out of sight keep their last text until the next tick after they scroll in, within a second."""
        screenful = max(self.size.height // row_height, 1)
        first = max(int(self.scroll_y) // row_height - screenful, 0)
        return islice(ids, first, first + 3 * screenful)

    def write_cells(self, row_id: int, cells: dict[str, object]) -> None:
        """Write the cells that changed (``update_cell``), inside the caller's ``batch_update``: one repaint."""
        shown = self._shown[row_id]
        row_key = RowKey(str(row_id))
        for column, value in cells.items():
            signature = _signature(value)
            if shown.get(column) != signature:
                self.update_cell(row_key, ColumnKey(column), plain(value))
                shown[column] = signature
