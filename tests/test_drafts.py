"""Nothing typed is lost: a console killed mid-note finds the live call and the draft again on restart."""

from __future__ import annotations

from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.clients import directory, notes
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.clients.dossier import build_dossier
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.desk.operators.shift import resume_shift
from calldesk.store.database import open_database
from calldesk.store.models import NoteDraft, database

DRAFT = "Rahul ji says the RO purifier leaks since Tuesday; wants a visit before Saturday. बहुत परेशान हैं।"


def _answered_call(desk):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    rahul = directory.create_client(desk, "Rahul Sharma", [NewPhone("98765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    return asha, rahul, call_id


def _restart_console(desk, db_url) -> Desk:
    """What a console killed mid-call does when started again: new connection, new Desk, same database."""
    database.close()
    open_database(db_url)
    return Desk(desk.config, desk.clock)


def test_a_restarted_console_finds_the_live_call_and_the_half_typed_note(desk, db_url, clock):
    asha, rahul, call_id = _answered_call(desk)
    notes.save_draft(desk, asha.id, call_id, rahul, DRAFT[:40])
    clock.advance(5)
    notes.save_draft(desk, asha.id, call_id, rahul, DRAFT)  # the next autosave replaces the first

    restarted = _restart_console(desk, db_url)
    live = handling.live_call_of(restarted, asha.id)
    assert live is not None
    assert (live.id, live.client_id, live.status) == (call_id, rahul, "answered")
    assert notes.load_draft(asha.id, live.id) == DRAFT
    assert NoteDraft.select().count() == 1

    notes.add_note(restarted, asha.id, rahul, call_id, DRAFT)
    assert notes.load_draft(asha.id, call_id) == ""
    assert build_dossier(restarted, rahul).history[0].text == DRAFT


def test_a_console_restarted_during_wrap_up_still_shows_the_call_and_its_draft(desk, db_url):
    asha, rahul, call_id = _answered_call(desk)
    handling.end_call(desk, call_id, asha.id)
    notes.save_draft(desk, asha.id, call_id, rahul, DRAFT)

    restarted = _restart_console(desk, db_url)
    live = handling.live_call_of(restarted, asha.id)
    assert live is not None and live.id == call_id and live.in_wrap_up
    assert notes.load_draft(asha.id, call_id) == DRAFT

    handling.wrap_up(restarted, call_id, asha.id, "Resolved", note=notes.load_draft(asha.id, call_id))
    assert handling.live_call_of(restarted, asha.id) is None
    assert notes.load_draft(asha.id, call_id) == ""
    assert NoteDraft.select().count() == 0


def test_resuming_a_shift_brings_back_the_call_its_screen_pop_and_draft_and_keeps_the_operator_on_it(desk, db_url):
    asha, rahul, call_id = _answered_call(desk)
    notes.save_draft(desk, asha.id, call_id, rahul, DRAFT)

    resumed = resume_shift(_restart_console(desk, db_url), asha.id)
    assert resumed.live.id == call_id and resumed.view.call.id == call_id
    assert resumed.view.draft == DRAFT and resumed.view.dossier.name == "Rahul Sharma"
    assert resumed.operator.state == "on_call"  # still on the line: not made available


def test_resuming_a_new_shift_makes_the_operator_available_and_gives_back_notes_typed_between_calls(desk, db_url):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    roster.move(desk, asha.id, OperatorEvent.SIGN_OUT)
    notes.save_draft(desk, asha.id, None, None, "ring Mr Rao about the invoice")

    resumed = resume_shift(_restart_console(desk, db_url), asha.id)
    assert resumed.live is None and resumed.view is None
    assert resumed.draft == "ring Mr Rao about the invoice"
    assert resumed.operator.state == roster.get_operator(asha.id).state == "available"


def test_a_paused_operator_stays_paused_when_the_console_opens_again(desk, db_url):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    roster.move(desk, asha.id, OperatorEvent.PAUSE, "Lunch")

    resumed = resume_shift(_restart_console(desk, db_url), asha.id)
    assert (resumed.operator.state, resumed.operator.state_reason) == ("paused", "Lunch")


def test_wrapping_up_without_a_note_leaves_no_stale_draft(desk):
    asha, rahul, call_id = _answered_call(desk)
    notes.save_draft(desk, asha.id, call_id, rahul, "half a thought")
    handling.wrap_up(desk, call_id, asha.id, "Wrong number")
    assert notes.load_draft(asha.id, call_id) == ""
    assert NoteDraft.select().count() == 0


def test_clearing_the_notes_clears_the_draft_and_a_restart_brings_nothing_back(desk, db_url):
    asha, rahul, call_id = _answered_call(desk)
    notes.save_draft(desk, asha.id, call_id, rahul, "typo")
    notes.save_draft(desk, asha.id, call_id, rahul, "   ")
    assert notes.load_draft(asha.id, call_id) == ""
    assert resume_shift(_restart_console(desk, db_url), asha.id).view.draft == ""


def test_a_note_typed_between_calls_is_kept_apart_from_the_call_drafts(desk):
    asha, rahul, call_id = _answered_call(desk)
    notes.save_draft(desk, asha.id, None, rahul, "call Rahul's dealer tomorrow")
    notes.save_draft(desk, asha.id, call_id, rahul, DRAFT)
    assert notes.load_draft(asha.id, None) == "call Rahul's dealer tomorrow"
    handling.wrap_up(desk, call_id, asha.id, "Resolved", note=DRAFT)
    assert notes.load_draft(asha.id, None) == "call Rahul's dealer tomorrow"
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar")
    assert notes.load_draft(ravi.id, None) == ""  # drafts belong to the operator typing them
