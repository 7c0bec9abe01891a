"""A DataTable kept equal to a list by keyed diffs: rows keyed by id, only changed cells written, one repaint.

The queue and the call-back lists refresh many rows every second; ``DataTable.update_cell`` repaints per cell
(about 20 µs each), so cells are written here and the table repaints once per refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


def _signature(value: object) -> object:
    return (value.plain, str(value.style)) if isinstance(value, Text) else value


class KeyedTable(DataTable):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._shown: dict[int, dict[str, object]] = {}  # what each row's cells show, to skip no-op writes

    def add_fixed_columns(self, columns: Iterable[tuple[str, str, int]]) -> None:
        """Columns (key, label, width) of fixed width. Labels go in as plain text: a str would be parsed as Rich
        markup, whose first use loads Rich's emoji table, 3 ms of the console's start-up."""
        for key, label, width in columns:
            self.add_column(Text(label), width=width, key=key)

    def add_keyed_row(self, row_id: int, cells: dict[str, object], height: int = 1) -> None:
        self.add_row(*cells.values(), key=str(row_id), height=height)
        self._shown[row_id] = {column: _signature(value) for column, value in cells.items()}

    def remove_keyed_row(self, row_id: int) -> None:
        self.remove_row(str(row_id))
        del self._shown[row_id]

    def clear_rows(self) -> None:
        self.clear()
        self._shown.clear()

    def in_view(self, ids: Iterable[int], row_height: int = 1) -> Iterator[int]:
        """Of the row ids in table order, those on screen and a screenful either side: what a clock tick rewrites.
        Rows out of sight keep their last text until the next tick after they scroll in, within a second."""
        screenful = max(self.size.height // row_height, 1)
        first = max(int(self.scroll_y) // row_height - screenful, 0)
        return islice(ids, first, first + 3 * screenful)

    def write_cells(self, row_id: int, cells: dict[str, object]) -> None:
        """Write the cells that changed; call ``refresh()`` once after a batch of these."""
        changed = False
        shown = self._shown[row_id]
        for column, value in cells.items():
            signature = _signature(value)
            if shown.get(column) != signature:
                self._data[RowKey(str(row_id))][ColumnKey(column)] = value
                shown[column] = signature
                changed = True
        if changed:
            self._update_count += 1  # what DataTable's row cache keys on
