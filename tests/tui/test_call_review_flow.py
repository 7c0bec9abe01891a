"""A team lead reviews a call from the client's history with ctrl+r; operators are told it is for leads."""

from __future__ import annotations

from test_desk_flows import SIZE, dossier_text, settle
from textual.widgets import TextArea

from calldesk.desk.calls import handling, queue
from calldesk.desk.stats.reviews import review_of


def handled_call(desk, clock, operator_id: int) -> int:
    """A call Mr Sharma made this morning, answered and wrapped up by the operator."""
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, operator_id)
    clock.advance(125)
    handling.end_call(desk, call_id, operator_id)
    handling.wrap_up(desk, call_id, operator_id, "Information given")
    clock.advance(600)
    return call_id


async def test_a_lead_scores_a_call_from_the_clients_history_and_the_dossier_shows_it(
        desk, clock, asha, ravi, sharma, run_app):
    call_id = handled_call(desk, clock, ravi.id)
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"43210")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "reviewed" not in dossier_text(app)
        app.screen.query_one("#notes", TextArea).focus()
        await pilot.press("ctrl+r")  # works while the cursor is in the notes
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewPickerModal"
        assert "support · Information given · talk 2:05 · Ravi Kumar · not reviewed" in str(
            app.screen.query_one("#review-calls").get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallReviewModal"
        await pilot.press("4", "tab", *"Clear and warm", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "DeskScreen"
        assert "reviewed 4/5" in dossier_text(app)
        assert any("Review kept: 4/5" in n.message for n in app._notifications)
    review = review_of(call_id)
    assert (review.score, review.comment, review.reviewer) == (4, "Clear and warm", "asha")


async def test_ctrl_r_asks_a_lead_for_a_client_first_and_refuses_an_operator(desk, clock, asha, ravi, sharma,
                                                                             run_app):
    call_id = handled_call(desk, clock, ravi.id)
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ == "DeskScreen"
        assert any("Find a client first (ctrl+f)" in n.message for n in app._notifications)
    app = run_app(desk, ravi)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"43210")
        await settle(pilot)
        await pilot.press("enter", "ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ == "DeskScreen"
        assert any("for team leads" in n.message for n in app._notifications)
    assert review_of(call_id) is None
