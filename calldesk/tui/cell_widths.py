"""Text measured as the terminal draws it: a spacing vowel sign takes a cell.

Rich (and so Textual) counts the spacing combining marks of Indic scripts (Unicode category Mc: the ि and ा of
"कविता") as zero cells; terminals that follow wcwidth (xterm, VTE, tmux, most others) draw each in a cell of its
own, so every Devanagari, Tamil or Bengali name pushed the pane borders right. Rich has no setting for this, so the
width table it loads (on the first text that is not plain Latin) is corrected here: each Mc character it counts as
zero becomes one. ``tests/tui/test_cell_widths.py`` fails if Rich's table changes shape or starts counting these
marks itself.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from rich import cells

_rich_load = cells.load_cell_table


def measure_text_as(text_width: str) -> None:
    """Measure text as config.yaml's ``text_width`` says the desk's terminals draw it: "terminal" (the default,
    wcwidth) or "graphemes" (a spacing mark within its letter's cells, as Rich counts it)."""
    if text_width == "graphemes":
        if cells.load_cell_table is not _rich_load:
            cells.load_cell_table = _rich_load
            _forget_measures()
    else:
        draw_spacing_marks_as_terminals_do()


def draw_spacing_marks_as_terminals_do() -> None:
    """From now on Rich counts every spacing combining mark as one cell, as wcwidth terminals draw it."""
    if cells.load_cell_table is not _load_as_terminals_draw:
        cells.load_cell_table = _load_as_terminals_draw
        _forget_measures()


def _forget_measures() -> None:
    cells.get_character_cell_size.cache_clear()
    cells.cached_cell_len.cache_clear()


@cache
def _load_as_terminals_draw(unicode_version: str = "auto") -> cells.CellTable:
    table = _rich_load(unicode_version)
    corrected: list[tuple[int, int, int]] = []
    for start, end, width in table.widths:
        marks = {c for c in range(start, end + 1) if _is_spacing_mark(c)} if width == 0 else ()
        if not marks:
            corrected.append((start, end, width))
            continue
        for code in range(start, end + 1):  # the zero run split where the spacing marks are
            cell = 1 if code in marks else 0
            if corrected[-1][1] == code - 1 and corrected[-1][2] == cell and corrected[-1][0] >= start:
                corrected[-1] = (corrected[-1][0], code, cell)
            else:
                corrected.append((code, code, cell))
    return table._replace(widths=corrected)


def _is_spacing_mark(code: int) -> bool:
    return unicodedata.category(chr(code)) == "Mc"
