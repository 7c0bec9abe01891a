"""The wrap-up's time on the console (config.yaml's wrap_up_seconds, 120 s for the support queue): the status bar
counts it down, at nought the notes become the call's draft and the operator is available again, and My recent calls
(ctrl+g) finishes the wrap-up later with those notes."""

from __future__ import annotations

from test_desk_flows import plain, settle

from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import notes
from calldesk.store.models import Call, Note
from calldesk.tui.modals.recent_calls import RecentCallsModal
from calldesk.tui.modals.wrap_up import WrapUpModal
from calldesk.tui.widgets.status_bar import StatusBar

SIZE = (80, 24)  # the smallest terminal the desk is made for: the countdown must still read there


def status_text(app) -> str:
    return plain(app.desk_screen.query_one(StatusBar))


async def tick(pilot) -> None:
    """Let the console's one-second tick run on the moved clock."""
    await pilot.pause(1.2)
    await settle(pilot)


async def _answered_and_ended(pilot, words: str) -> None:
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press(*words)
    await pilot.press("f6")
    await settle(pilot)


async def test_the_status_bar_counts_the_wrap_up_down_and_at_nought_the_notes_wait_as_a_draft(
        desk, asha, sharma, clock, run_app):
    call_id = queue.ring_call(desk, "098765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await _answered_and_ended(pilot, "Wants a refund")
        assert isinstance(app.screen, WrapUpModal)
        assert "Wrap-up 02:00 left" in status_text(app)
        clock.advance(100)
        await tick(pilot)
        assert "Wrap-up 00:20 left" in status_text(app)
        clock.advance(21)
        await tick(pilot)
        assert not isinstance(app.screen, WrapUpModal)  # the dialog went with the time
        assert app.screen.live is None and "Available" in status_text(app)
        assert any("Wrap-up time is over" in str(n.message) for n in app._notifications)
    call = Call.get_by_id(call_id)
    assert call.wrapped_at is not None and call.disposition == ""
    assert notes.load_draft(asha.id, call_id) == "Wants a refund"  # nothing typed is lost
    assert handling.live_call_of(desk, asha.id) is None


async def test_my_recent_calls_finishes_a_wrap_up_whose_time_ran_out_with_its_notes(
        desk, asha, sharma, clock, run_app):
    call_id = queue.ring_call(desk, "098765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await _answered_and_ended(pilot, "Refund promised")
        await pilot.press("escape")  # later
        clock.advance(121)
        await tick(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, RecentCallsModal)
        listed = str(app.screen.query_one("#recent-calls").get_option_at_index(0).prompt)
        assert "Rahul Sharma" in listed and "wrap-up not finished" in listed
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WrapUpModal) and app.screen.notes_preview == "Refund promised"
        await pilot.press("enter")  # Resolved
        await settle(pilot)
    call = Call.get_by_id(call_id)
    assert call.disposition == "Resolved"
    assert Note.get(Note.call == call_id).body == "Refund promised"
    assert notes.load_draft(asha.id, call_id) == ""


async def test_a_wrap_up_that_ran_out_while_the_console_was_closed_is_not_brought_back(
        desk, asha, sharma, clock, run_app):
    call_id = queue.ring_call(desk, "098765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    handling.end_call(desk, call_id, asha.id)
    notes.save_draft(desk, asha.id, call_id, None, "Half-typed notes")
    clock.advance(600)
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.live is None and not isinstance(app.screen, WrapUpModal)
        assert "Available" in status_text(app)
    assert notes.load_draft(asha.id, call_id) == "Half-typed notes"


async def test_a_lead_sees_who_is_wrapping_up_for_how_long_and_the_time_left(desk, asha, ravi, clock, run_app):
    from calldesk.tui.screens.team import OperatorsTable

    call_id = queue.ring_call(desk, "+91 99000 11111", "sales")
    queue.claim_call(desk, call_id, ravi.id)
    handling.end_call(desk, call_id, ravi.id)
    clock.advance(45)
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        people = app.screen.query_one(OperatorsTable)
        row = [str(cell) for cell in people.get_row(str(ravi.id))]
        assert row[1:4] == ["Wrap-up", "0:45", "1:15"]
        clock.advance(80)
        await pilot.pause(1.2)
        await settle(pilot)
        row = [str(cell) for cell in people.get_row(str(ravi.id))]
        assert row[1:4] == ["Available", "0:05", ""]  # the lead's view closed Ravi's wrap-up: its time ran out
