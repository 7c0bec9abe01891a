"""The console in Hindi: the operator's language (else the desk's) is chosen once at start, and every label, key
name, help line and dialog the operator reads comes from the Hindi catalog, with every border in its column."""

from __future__ import annotations

import re

import pytest
from test_cell_widths import terminal_width
from test_screens_whole import SCREENS, SIZES, _steady, busy_morning  # noqa: F401 - the fixture, shared

from calldesk.desk.operators import roster
from calldesk.i18n import current_language
from calldesk.tui.widgets.key_bar import KeyBar

# Words of the English interface that must not be left on a Hindi screen (data such as the FAQ or a department's
# name may be English: these are the console's own words).
ENGLISH_LABELS = [
    "Queue", "My call-backs", "Notes", "Script", "Dossier", "Answer", "Transfer", "End call", "Complaint", "Help",
    "Quit", "waiting", "Keys", "What it does", "Every dialog", "Everywhere", "Owner", "When", "Category",
    "Every state", "By deadline", "Leaderboard", "Operators", "Statistics", "Team", "Find", "Call-back board",
    "Address as", "History", "Promised call-backs", "escape: cancel", "escape: close", "type to search", "Available",
    "On call", "Wait", "Rings", "Caller", "Left", "Due", "Reason", "Tries", "Figures", "autosaved", "Close",
    "Cancel", "Save", "Promise", "palette",
]


@pytest.fixture
def hindi_app(run_app):
    from calldesk.tui.app import CalldeskApp

    return lambda desk, operator: CalldeskApp(desk, operator, language="hi")


def _screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _english_left(text: str) -> list[str]:
    return [word for word in ENGLISH_LABELS if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


async def test_an_operator_who_chose_hindi_gets_the_console_in_hindi(desk, run_app):
    meera = roster.add_operator(desk, "meera", "मीरा शर्मा", "support", language="hi")
    app = run_app(desk, meera)
    async with app.run_test(size=(120, 36)) as pilot:
        await _steady(pilot)
        assert app.language == current_language() == "hi"
        bar = "\n".join(strip.text for strip in app.screen.query_one(KeyBar).render_lines(
            app.screen.query_one(KeyBar).region.reset_offset))
        assert "कॉल लें" in bar and "सहायता" in bar and "f2" in bar.lower()


async def test_the_desks_language_is_the_consoles_when_the_operator_chose_none(desk, asha, run_app):
    hindi_desk = type(desk)(desk.config._replace(language="hi"), desk.clock)
    app = run_app(hindi_desk, asha)
    async with app.run_test(size=(120, 36)) as pilot:
        await _steady(pilot)
        assert app.language == "hi"
        assert "कतार" in _screen_text(app)


async def test_an_english_operator_on_a_hindi_desk_keeps_english(desk, run_app):
    john = roster.add_operator(desk, "john", "John Mathew", "support", language="en")
    hindi_desk = type(desk)(desk.config._replace(language="hi"), desk.clock)
    app = run_app(hindi_desk, john)
    async with app.run_test(size=(120, 36)) as pilot:
        await _steady(pilot)
        assert app.language == "en" and "Queue" in _screen_text(app)


@pytest.mark.usefixtures("busy_morning")
async def test_in_hindi_the_key_bar_f1_and_the_call_back_dialog_speak_hindi(desk, asha, hindi_app):
    app = hindi_app(desk, asha)
    async with app.run_test(size=(120, 36)) as pilot:
        await _steady(pilot)
        text = _screen_text(app)
        assert "कॉल लें" in text and "ट्रांसफ़र" in text and "शिकायत" in text  # the key bar
        await pilot.press("f1")
        await _steady(pilot)
        text = _screen_text(app)
        # the title, and a key's help in the screenful F1 opens on (F1's own line is further down)
        assert "कुंजियाँ (escape से बंद करें)" in text and "कारण के साथ विराम लें" in text
        await pilot.press("escape", "f2")
        await _steady(pilot)
        await pilot.press("f5")
        await _steady(pilot)
        text = _screen_text(app)
        assert ("कॉल-बैक" in text and "enter: वादा करें" in text and "ग्राहक की घड़ी" not in text) or "कारण" in text


@pytest.mark.usefixtures("busy_morning")
@pytest.mark.parametrize("keys", SCREENS)
@pytest.mark.parametrize("size", SIZES)
async def test_no_english_label_is_left_on_a_hindi_screen_and_every_line_fits(desk, asha, hindi_app, size, keys):
    app = hindi_app(desk, asha)
    async with app.run_test(size=size) as pilot:
        await _steady(pilot)
        for key in keys:
            await pilot.press(key)
            await _steady(pilot)
        text = _screen_text(app)
        assert not _english_left(text), text
        width, _ = size
        pushed = [line for line in text.split("\n") if terminal_width(line) != width]
        assert not pushed, f"a line is {terminal_width(pushed[0])} cells in a terminal: {pushed[0]!r}"


@pytest.mark.usefixtures("busy_morning")
@pytest.mark.parametrize("keys", SCREENS)
@pytest.mark.parametrize("size", SIZES)
def test_every_hindi_screen_pictured(snap_compare, desk, asha, hindi_app, size, keys, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")

    async def open_screen(pilot) -> None:
        await _steady(pilot)
        for key in keys:
            await pilot.press(key)
            await _steady(pilot)

    assert snap_compare(hindi_app(desk, asha), terminal_size=size, run_before=open_screen)

