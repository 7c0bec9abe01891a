"""The wallboard on the room's screen: a call rung in from a PBX shows on it within a second (SQLite and PostgreSQL),
its pages turn by themselves unless one is pinned, F1 or ? shows its keys, ctrl+q closes it. Kept as snapshots at
the smallest terminal, a comfortable one and a TV's."""

from __future__ import annotations

import time

import pytest
from stats_data import build_day
from textual.widgets import ContentSwitcher, Digits

from calldesk.desk.calls import queue
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.tui.wallboard.app import WallboardApp
from calldesk.tui.wallboard.widgets import WallboardHelp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36"),
         pytest.param((200, 60), id="200x60")]


@pytest.fixture
def day(desk, clock):
    """The day of tests/stats_data.py at 14:30 in India: a support caller ringing for 20 s, Ravi at lunch, Asha on
    a call."""
    built = build_day(desk)
    roster.move(desk, built.ravi, OperatorEvent.PAUSE, "Lunch")
    rahul = queue.ring_call(desk, "+91 98765 43210", "support", caller_name="Rahul Sharma")
    queue.claim_call(desk, rahul, built.asha)
    return built


def _with_wallboard(desk: Desk, **settings: object) -> Desk:
    config = desk.config._replace(wallboard=desk.config.wallboard._replace(**settings))
    return Desk(config, desk.clock)


async def _figures_shown(pilot) -> None:
    """Until the board shows its first figures, and a frame more."""
    for _ in range(100):
        if pilot.app.figures is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()


def _waiting(app: WallboardApp) -> str:
    return str(app.query_one("#wb-waiting Digits", Digits).value)


async def test_a_call_rung_in_shows_on_the_board_within_a_second(desk, day):
    app = WallboardApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        await _figures_shown(pilot)
        assert _waiting(app) == "1"
        await pilot.pause(0.5)  # the store's watcher is listening
        rung = time.perf_counter()
        queue.ring_call(desk, "+91 91234 56789", "sales")  # as `calldesk ring` from the PBX does
        while _waiting(app) != "2" and time.perf_counter() - rung < 2:
            await pilot.pause(0.02)
        assert _waiting(app) == "2"
        assert time.perf_counter() - rung < 1.0


async def test_the_pages_turn_by_themselves_and_the_keys_turn_them_too(desk, day):
    app = WallboardApp(_with_wallboard(desk, page_seconds=0.3))
    async with app.run_test(size=(120, 36)) as pilot:
        await _figures_shown(pilot)
        pages = app.query_one(ContentSwitcher)
        assert pages.current == "today"
        await pilot.pause(0.4)
        assert pages.current == "team"
        await pilot.press("left")
        assert pages.current == "today"
        await pilot.press("left")
        assert pages.current == "queue"


async def test_a_pinned_page_stays(desk, day):
    app = WallboardApp(_with_wallboard(desk, page_seconds=0.2), page="team")
    async with app.run_test(size=(120, 36)) as pilot:
        await _figures_shown(pilot)
        await pilot.pause(0.5)
        assert app.query_one(ContentSwitcher).current == "team"
        assert str(app.query_one("#wb-paused Digits", Digits).value) == "1"


@pytest.mark.parametrize("key", ["f1", "question_mark"])
async def test_help_shows_the_boards_keys_and_ctrl_q_closes_the_board(desk, day, key):
    app = WallboardApp(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await _figures_shown(pilot)
        await pilot.press(key)
        assert isinstance(app.screen, WallboardHelp)
        await pilot.press("escape")
        assert not isinstance(app.screen, WallboardHelp)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def _steady(pilot) -> None:
    await _figures_shown(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_the_board_for_the_room(snap_compare, desk, day, size, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")
    assert snap_compare(WallboardApp(desk), terminal_size=size, run_before=_steady)


def test_the_team_page_for_one_department(snap_compare, desk, day, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")
    assert snap_compare(WallboardApp(desk, "support", page="team"), terminal_size=(80, 24), run_before=_steady)


def test_the_waiting_callers_named_where_the_config_allows(snap_compare, desk, day, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")
    board = WallboardApp(_with_wallboard(desk, show_callers=True), page="queue")
    assert snap_compare(board, terminal_size=(80, 24), run_before=_steady)

