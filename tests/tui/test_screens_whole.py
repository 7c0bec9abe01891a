"""Every screen whole at the smallest supported terminal (80x24) and a comfortable one (120x36): every key shown in
the key bar, the clock and the call source's link in the status bar, F1 readable, the board's most needed columns,
and no dialog's help line cut."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import TextArea

from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
from calldesk.desk.calls import queue
from calldesk.desk.coach.faq_seed import seed_faq
from calldesk.tui.keys import APP_BINDINGS, DESK_BINDINGS
from calldesk.tui.widgets.key_bar import KeyBar
from calldesk.tui.widgets.status_bar import StatusBar

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SCREENS = [pytest.param((), id="desk"), pytest.param(("f1",), id="F1"), pytest.param(("f2", "f5"), id="F5"),
           pytest.param(("f7",), id="F7"), pytest.param(("f2", "f8"), id="F8"), pytest.param(("f9",), id="F9"),
           pytest.param(("f10",), id="F10")]


@pytest.fixture
def busy_morning(desk, clock, asha, ravi, sharma):
    """Mr Sharma and two strangers waiting (one past the third ring), call-backs on the board, the FAQ filled."""
    seed_faq(desk)
    now = clock.now()
    for owner, reason, minutes in (("ravi", "Refund for order 4411: the courier lost the parcel", 150),
                                   ("support", "Missed call: hung up after 1:23", 200),
                                   ("ravi", "Invoice copy for March", 260)):
        create_callback(desk, ravi.id, CallbackRequest(reason=reason, owner=owner, client_id=sharma,
                                                       due_at=now + timedelta(minutes=minutes)))
    queue.ring_call(desk, "+91 98765 43210", "support")
    clock.advance(25)
    queue.ring_call(desk, "+91 91234 56789", "sales")
    clock.advance(5)
    queue.ring_call(desk, "+44 20 7946 0958", "billing")
    clock.advance(2)


async def _steady(pilot) -> None:
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    for _ in range(4):
        await pilot.pause()
        await pilot.app.db.run(lambda: None)
    await pilot.pause()


def _drawn(widget: Widget) -> list[str]:
    """The widget's lines as the terminal shows them, within its laid-out size."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return ["".join(segment.text for segment in strip) for strip in strips]


@pytest.mark.parametrize("keys", SCREENS)
@pytest.mark.parametrize("size", SIZES)
def test_every_screen_is_whole(snap_compare, desk, asha, busy_morning, run_app, size, keys, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")

    async def open_screen(pilot) -> None:
        await _steady(pilot)
        for key in keys:
            await pilot.press(key)
            await _steady(pilot)

    assert snap_compare(run_app(desk, asha), terminal_size=size, run_before=open_screen)


async def test_at_80x24_every_desk_key_is_shown_and_the_status_bar_keeps_the_clock_and_link(
        desk, asha, busy_morning, clock, run_app):
    app = run_app(desk, asha)
    async with app.run_test(size=(80, 24)) as pilot:
        await _steady(pilot)
        app.link_text = "connected: simulated calls"  # as the simulator reports it
        await pilot.press("f2")  # on a call, the status bar's state grows
        await _steady(pilot)
        bar = "\n".join(_drawn(app.screen.query_one(KeyBar)))
        for binding in [b for b in DESK_BINDINGS if b.show] + APP_BINDINGS:
            assert f" {app.get_key_display(binding)} {binding.description} " in bar, binding.id
        status = _drawn(app.screen.query_one(StatusBar))[0]
        assert f"{clock.now().astimezone(desk.zone):%H:%M:%S}" in status and "· connected" in status
        assert "On call" in status and "waiting 2" in status
