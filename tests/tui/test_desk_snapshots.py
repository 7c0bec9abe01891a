"""What the desk looks like, at the smallest supported terminal and at a comfortable one."""

from __future__ import annotations

import pytest
from keyboard import type_text
from textual.widgets import TextArea

from calldesk.desk.calls import queue

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.fixture
def ringing(desk, clock, sharma):
    """Three callers waiting: a known client, a stranger, and one past the third ring."""
    queue.ring_call(desk, "+91 91234 56789", "sales")
    clock.advance(25)
    queue.ring_call(desk, "+91 98765 43210", "support")
    clock.advance(5)
    queue.ring_call(desk, "+44 20 7946 0958", "billing")
    clock.advance(2)


async def _steady(pilot) -> None:
    pilot.app.screen.query_one("#notes", TextArea).cursor_blink = False
    for _ in range(4):
        await pilot.pause()
        await pilot.app.db.run(lambda: None)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_desk_with_callers_waiting(snap_compare, desk, asha, ringing, run_app, size, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")
    assert snap_compare(run_app(desk, asha), terminal_size=size, run_before=_steady)


@pytest.mark.parametrize("size", SIZES)
def test_desk_during_a_call_with_a_known_client(snap_compare, desk, asha, ringing, run_app, size, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")

    async def answer_sharma(pilot) -> None:
        await _steady(pilot)
        await pilot.press("down", "f2")  # the second in line is Mr Sharma
        await _steady(pilot)
        await type_text(pilot, "Wants the premium package")
        await pilot.press("ctrl+n")
        await _steady(pilot)

    assert snap_compare(run_app(desk, asha), terminal_size=size, run_before=answer_sharma)
