"""Devanagari, Tamil and Bengali names keep every pane border in its column: the console measures text as the
terminal draws it (glibc's wcwidth, which xterm, VTE and tmux follow), not as Rich's own table would."""

from __future__ import annotations

import ctypes
import locale

import pytest
from rich import cells
from test_desk_flows import settle
from textual.widgets import DataTable

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.operators import roster
from calldesk.tui import cell_widths

NAMES = ["कविता सिंह", "ऋषि क्षत्रिय", "வணக்கம் முருகன்", "নমস্কার দাস", "Rahul Sharma"]


def terminal_width(text: str) -> int:
    """What a wcwidth terminal gives the text: the C library's own measure, in a UTF-8 locale."""
    libc = ctypes.CDLL(None)
    libc.wcswidth.restype = ctypes.c_int
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    try:
        return libc.wcswidth(ctypes.c_wchar_p(text), len(text))
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)


def test_rich_still_counts_spacing_vowel_signs_as_nothing_so_the_correction_is_still_needed():
    table = cell_widths._rich_load("auto")
    assert all(len(span) == 3 for span in table.widths[:10])  # (start, end, width): the shape corrected here
    zero = next(width for start, end, width in table.widths if start <= 0x093F <= end)
    assert zero == 0, "Rich now counts ि itself: calldesk/tui/cell_widths.py may go"


@pytest.mark.parametrize("name", NAMES)
def test_names_are_measured_as_the_terminal_draws_them(name):
    assert cells.cell_len(name) == terminal_width(name)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_desk_with_indic_names_keeps_every_line_the_width_of_the_screen(desk, run_app, size):
    asha = roster.add_operator(desk, "asha", "आशा वर्मा", "support", role="lead")
    roster.add_operator(desk, "kavita", "कविता सिंह", "support")
    for n, name in enumerate(NAMES):
        number = f"+91 98765 4321{n}"
        directory.create_client(desk, name, [directory.NewPhone(number)], company="शर्मा ट्रेडर्स", address_as=name)
        queue.ring_call(desk, number, "support", caller_name=name)
    app = run_app(desk, asha)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#queue", DataTable).row_count == len(NAMES)
        _assert_every_line_fits(app, size, "the queue")
        await pilot.press("f2")
        await settle(pilot)
        _assert_every_line_fits(app, size, "the dossier and script")
        for key, what in (("f9", "the call-back board"), ("f10", "the team view")):
            await pilot.press(key)
            await settle(pilot)
            _assert_every_line_fits(app, size, what)
            await pilot.press("escape")
            await settle(pilot)


def _assert_every_line_fits(app, size: tuple[int, int], what: str) -> None:
    width, _ = size
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    pushed = [(n, line) for n, line in enumerate(lines) if terminal_width(line) != width]
    assert not pushed, f"{what}: line {pushed[0][0]} is {terminal_width(pushed[0][1])} cells in a terminal"


def test_a_desk_whose_terminals_cluster_graphemes_measures_a_letter_and_its_signs_together(tmp_path):
    from calldesk.config import ConfigError, load_config

    path = tmp_path / "config.yaml"
    path.write_text("text_width: graphemes\n", encoding="utf-8")
    try:
        cell_widths.measure_text_as(load_config(path).text_width)
        assert cells.cell_len("कविता सिंह") == 6  # क वि ता, space, सिं ह: a cell a letter
        path.write_text("company: Acme\n", encoding="utf-8")
        cell_widths.measure_text_as(load_config(path).text_width)  # the default
        assert cells.cell_len("कविता सिंह") == terminal_width("कविता सिंह") == 9
    finally:
        cell_widths.measure_text_as("terminal")
    path.write_text("company: Acme\ntext_width: wide\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"yaml:2: text_width: expected one of terminal, graphemes, got 'wide'"):
        load_config(path)
