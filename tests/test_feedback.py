"""A complaint or suggestion logged during a call gets an owner and a 10-hour deadline, and is seen through."""

from __future__ import annotations

from datetime import timedelta

import pytest
from keyboard import type_text
from modal_host import ModalHost, settle

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory, dossier
from calldesk.desk.errors import DeskError, NotAllowed
from calldesk.desk.exports import EXPORTS
from calldesk.desk.feedback.complaints import (
    assign_feedback,
    get_feedback,
    list_feedback,
    log_feedback,
    resolve_feedback,
    start_feedback,
)
from calldesk.desk.operators import roster
from calldesk.store.models import AuditEvent
from calldesk.tui.modals.feedback_form import FeedbackFormModal


@pytest.fixture
def team(desk):
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    asha = roster.add_operator(desk, "asha", "Asha Verma", "sales")
    meera = roster.add_operator(desk, "meera", "Meera Iyer", "support", role="lead")
    return ravi, asha, meera


@pytest.fixture
def live_call(desk, team):
    ravi = team[0]
    client_id = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, ravi.id)
    return client_id, call_id


def test_a_complaint_logged_on_a_call_is_owned_due_in_ten_hours_and_shown_in_the_dossier(desk, clock, team,
                                                                                          live_call):
    ravi = team[0]
    client_id, call_id = live_call
    feedback_id = log_feedback(desk, ravi.id, "complaint", "delivery", "The fridge came two days late.",
                               call_id=call_id)
    view = get_feedback(desk, feedback_id)
    assert (view.client_id, view.call_id, view.owner, view.status) == (client_id, call_id, "ravi", "open")
    assert view.category == "Delivery"  # matched to the config's category, any case
    assert view.deadline == clock.now() + timedelta(hours=10)
    [shown] = dossier.build_dossier(desk, client_id).feedback
    assert shown.kind == "complaint" and "two days late" in shown.text


def test_it_moves_open_in_progress_resolved_and_resolving_needs_a_note(desk, team, live_call):
    ravi, asha, meera = team
    feedback_id = log_feedback(desk, ravi.id, "complaint", "Delivery", "Late fridge", call_id=live_call[1])
    with pytest.raises(NotAllowed):
        start_feedback(desk, asha.id, feedback_id)  # not hers
    start_feedback(desk, ravi.id, feedback_id)
    with pytest.raises(DeskError, match="needs a note"):
        resolve_feedback(desk, ravi.id, feedback_id, "   ")
    resolve_feedback(desk, meera.id, feedback_id, "Apologised; delivery fee refunded.")
    view = get_feedback(desk, feedback_id)
    assert view.status == "resolved" and view.resolution == "Apologised; delivery fee refunded."
    with pytest.raises(DeskError, match="is resolved: it cannot become in progress"):
        start_feedback(desk, meera.id, feedback_id)
    assert dossier.build_dossier(desk, live_call[0]).feedback == ()  # resolved ones leave the dossier
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "feedback").order_by(AuditEvent.id)]
    assert actions == ["create", "in_progress", "resolved"]


def test_bad_input_is_refused_in_one_line(desk, team):
    ravi = team[0]
    with pytest.raises(DeskError, match="kind 'praise' is not one of complaint, suggestion"):
        log_feedback(desk, ravi.id, "praise", "Other", "Great!")
    with pytest.raises(DeskError, match="category 'Weather' is not one of Product"):
        log_feedback(desk, ravi.id, "suggestion", "Weather", "More sun")
    with pytest.raises(DeskError, match="needs a text"):
        log_feedback(desk, ravi.id, "suggestion", "Other", " \n ")


def test_leads_filter_the_register_and_operators_see_their_own(desk, clock, team, live_call):
    ravi, asha, meera = team
    late = log_feedback(desk, ravi.id, "complaint", "Delivery", "Late fridge", call_id=live_call[1])
    idea = log_feedback(desk, asha.id, "suggestion", "Website", "Add a price filter")
    clock.advance(hours=11)
    fresh = log_feedback(desk, asha.id, "complaint", "Billing", "Charged twice for the GST invoice")
    assign_feedback(desk, meera.id, fresh, "ravi")
    with pytest.raises(NotAllowed):
        assign_feedback(desk, ravi.id, idea, "ravi")
    ids = lambda views: [v.id for v in views]  # noqa: E731
    assert ids(list_feedback(desk, meera.id)) == [late, idea, fresh]  # by deadline
    assert ids(list_feedback(desk, meera.id, kind="complaint")) == [late, fresh]
    assert ids(list_feedback(desk, meera.id, past_deadline=True)) == [late, idea]
    assert ids(list_feedback(desk, meera.id, owner="ravi")) == [late, fresh]
    assert ids(list_feedback(desk, meera.id, category="billing", text="gst")) == [fresh]
    resolve_feedback(desk, meera.id, idea, "Passed to the web team")
    assert ids(list_feedback(desk, meera.id, status="unresolved")) == [late, fresh]
    assert ids(list_feedback(desk, meera.id, status="resolved")) == [idea]
    assert ids(list_feedback(desk, asha.id)) == [fresh, idea]  # logged by her; resolved ones last
    assert list_feedback(desk, meera.id, past_deadline=True)[0].past_deadline


def test_calldesk_export_feedback_writes_the_documented_fields(desk, team, live_call):
    ravi = team[0]
    log_feedback(desk, ravi.id, "complaint", "Delivery", "Late, \"again\"", call_id=live_call[1])
    export = EXPORTS["feedback"]
    [row] = list(export.rows())
    assert list(row) == list(export.fields)
    assert row["owner"] == "ravi" and row["kind"] == "complaint" and row["deadline"].endswith("+00:00")


async def test_f8_form_logs_a_suggestion_for_the_client_on_the_line(desk, team, live_call):
    ravi = roster.get_operator(team[0].id)
    client_id, call_id = live_call
    app = ModalHost(FeedbackFormModal(desk, ravi, client_id, call_id, "Rahul Sharma"))
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing typed yet: refused, the form stays
        await settle(pilot)
        assert "needs a text" in str(app.screen.query_one("#feedback-error").content)
        await type_text(pilot, "Open on Sundays")
        await pilot.press("shift+tab", "shift+tab", "down", "enter")  # back to the kind: suggestion
        await pilot.press("ctrl+s")
        await settle(pilot)
    view = get_feedback(desk, app.result)
    assert (view.kind, view.text, view.client_id, view.call_id) == ("suggestion", "Open on Sundays", client_id, call_id)
