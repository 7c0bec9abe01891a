"""Consult first (issue 21, item 5): an operator holds the caller, talks to a colleague, then hands the caller over
(the colleague gets the live call with the dossier and the note) or goes back to the caller. Every step audited."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from calldesk.config import ConfigError, load_config
from calldesk.desk.calls import consult, handling, queue
from calldesk.desk.calls.call_view import open_call
from calldesk.desk.calls.pbx_events import hang_up_call
from calldesk.desk.calls.states import CallState, OperatorEvent, call_state
from calldesk.desk.clients import directory
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.errors import DeskError
from calldesk.desk.operators import roster
from calldesk.desk.operators.shift import where_i_stand
from calldesk.store.models import AuditEvent, Call
from calldesk.telephony.consult import consult_line


@pytest.fixture
def team(desk):
    """Asha (101) on a live call from Rahul Sharma; Ravi (102) available; Meera with no phone."""
    asha = roster.add_operator(desk, "asha", "Asha Verma", "support", extension="101")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "billing", extension="102")
    meera = roster.add_operator(desk, "meera", "Meera Nair", "support")
    directory.create_client(desk, "Rahul Sharma", [NewPhone("98765 43210")], address_as="Mr Sharma")
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    return asha, ravi, meera, call_id


def _audit() -> list[tuple[str, str, dict]]:
    return [(e.actor, e.action, json.loads(e.after or e.before)) for e in AuditEvent.select()
            .where(AuditEvent.entity == "call").order_by(AuditEvent.id)]


def test_a_consult_completed_hands_the_live_caller_to_the_colleague_with_the_dossier_and_the_note(desk, team):
    asha, ravi, _, call_id = team
    planned = consult.consult_to_start(desk, call_id, asha.id, "ravi")
    assert (planned.operator_extension, planned.colleague_extension, planned.colleague_name) == (
        "101", "102", "Ravi Kumar")
    consult.start_consult(desk, planned, "Double charge on the AMC invoice")
    call = Call.get_by_id(call_id)
    assert call_state(call.status, call.offered_to, call.wrapped_at, call.consult_with) == CallState.CONSULTING
    assert call.consult_note == "Double charge on the AMC invoice"  # kept with the call: a restart loses nothing
    assert consult.consult_going_on(desk, call_id, asha.id).colleague_login == "ravi"

    consult.consult_to_complete(desk, call_id, asha.id)
    onward_id = consult.complete_consult(desk, call_id, asha.id)

    first = Call.get_by_id(call_id)
    assert (first.status, first.transferred_to, first.consult_with, first.consult_note) == (
        "transferred", "ravi", "", "")
    onward = Call.get_by_id(onward_id)
    assert (onward.status, onward.operator_id, onward.transferred_from_id) == ("answered", ravi.id, call_id)
    assert roster.get_operator(asha.id).state == "wrap_up"
    assert roster.get_operator(ravi.id).state == "on_call"
    # Ravi's console reads the store and pops the call: the dossier, with Asha's note as its banner
    live = where_i_stand(desk, ravi.id).live
    assert live.id == onward_id
    view = open_call(desk, onward_id, roster.get_operator(ravi.id))
    assert view.dossier.name == "Rahul Sharma"
    assert view.transfer_note == "Transferred by Asha Verma: Double charge on the AMC invoice"
    assert _audit() == [("asha", "consult", {"with": "ravi"}),
                        ("asha", "transfer", {"to": "ravi", "new_call": onward_id}),
                        ("asha", "consult_complete", {"with": "ravi", "new_call": onward_id})]
    handling.wrap_up(desk, call_id, asha.id, "Transferred")
    assert roster.get_operator(asha.id).state == "available"


def test_returning_from_a_consult_keeps_the_caller_with_the_operator(desk, team):
    asha, ravi, _, call_id = team
    consult.start_consult(desk, consult.consult_to_start(desk, call_id, asha.id, "ravi"))
    consult.return_from_consult(desk, call_id, asha.id)

    call = Call.get_by_id(call_id)
    assert (call.status, call.operator_id, call.consult_with) == ("answered", asha.id, "")
    assert consult.consult_going_on(desk, call_id, asha.id) is None
    assert (roster.get_operator(asha.id).state, roster.get_operator(ravi.id).state) == ("on_call", "available")
    assert Call.select().count() == 1
    assert [action for _, action, _ in _audit()] == ["consult", "consult_return"]
    handling.end_call(desk, call_id, asha.id)  # the call goes on as any other
    assert Call.get_by_id(call_id).status == "completed"


def test_who_may_consult_whom(desk, team):
    asha, ravi, _, call_id = team
    with pytest.raises(DeskError, match="you cannot consult yourself"):
        consult.consult_to_start(desk, call_id, asha.id, "asha")
    with pytest.raises(DeskError, match="Meera Nair has no phone extension to call"):
        consult.consult_to_start(desk, call_id, asha.id, "meera")
    with pytest.raises(DeskError, match="no operator called 'nobody'"):
        consult.consult_to_start(desk, call_id, asha.id, "nobody")
    with pytest.raises(DeskError, match=f"call {call_id} is not yours"):
        consult.consult_to_start(desk, call_id, ravi.id, "asha")
    roster.move(desk, ravi.id, OperatorEvent.PAUSE, "Lunch")
    with pytest.raises(DeskError, match="Ravi Kumar is paused"):
        consult.consult_to_start(desk, call_id, asha.id, "ravi")
    roster.move(desk, ravi.id, OperatorEvent.RESUME)

    consult.start_consult(desk, consult.consult_to_start(desk, call_id, asha.id, "ravi"))
    with pytest.raises(DeskError, match=f"call {call_id} is holding while you consult a colleague"):
        consult.consult_to_start(desk, call_id, asha.id, "ravi")  # one consult at a time
    with pytest.raises(DeskError, match="holding while you consult"):
        handling.transfer_call(desk, call_id, asha.id, "billing")  # finish the consult first
    with pytest.raises(DeskError, match="holding while you consult"):
        handling.wrap_up(desk, call_id, asha.id, "Resolved")
    assert Call.get_by_id(call_id).consult_with == "ravi"  # nothing refused changed anything


def test_a_colleague_who_took_a_call_meanwhile_cannot_be_handed_the_caller(desk, team):
    asha, ravi, _, call_id = team
    consult.start_consult(desk, consult.consult_to_start(desk, call_id, asha.id, "ravi"))
    other = queue.ring_call(desk, "+91 98765 43211", "support")
    queue.claim_call(desk, other, ravi.id)
    with pytest.raises(DeskError, match="Ravi Kumar is on a call"):
        consult.consult_to_complete(desk, call_id, asha.id)
    with pytest.raises(DeskError, match="Ravi Kumar is on a call"):
        consult.complete_consult(desk, call_id, asha.id)
    assert Call.get_by_id(call_id).consult_with == "ravi" and Call.select().count() == 2


def test_a_caller_who_hangs_up_while_holding_ends_the_call_and_the_return_changes_nothing_more(desk, team):
    asha, _, _, call_id = team
    consult.start_consult(desk, consult.consult_to_start(desk, call_id, asha.id, "ravi"))
    hang_up_call(desk, call_id)
    assert Call.get_by_id(call_id).status == "completed"
    assert roster.get_operator(asha.id).state == "wrap_up"
    with pytest.raises(DeskError, match="not live any more"):
        consult.consult_to_complete(desk, call_id, asha.id)
    consult.return_from_consult(desk, call_id, asha.id)
    assert Call.get_by_id(call_id).consult_with == ""
    handling.wrap_up(desk, call_id, asha.id, "Resolved")


def test_the_pbx_reporting_the_hand_over_first_still_gives_the_colleague_the_call(desk, team):
    asha, ravi, _, call_id = team
    consult.start_consult(desk, consult.consult_to_start(desk, call_id, asha.id, "ravi"))
    hang_up_call(desk, call_id, transferred=True)  # AgentComplete, reason transfer, before the console records it
    onward_id = consult.complete_consult(desk, call_id, asha.id)
    assert Call.get_by_id(onward_id).operator_id == ravi.id
    assert Call.get_by_id(call_id).transferred_to == "ravi"
    assert roster.get_operator(asha.id).state == "wrap_up"


def test_a_pbx_without_ami_consults_through_the_configured_hook_with_the_extensions(desk, team, tmp_path):
    asha, _, _, call_id = team
    told = tmp_path / "told"
    hook = tmp_path / "pbx-consult"
    hook.write_text(f'#!/bin/sh\necho "$@" >> {told}\n[ "$1" != return ] || {{ echo "no consult on 101" >&2; '
                    'exit 3; }\n')
    hook.chmod(0o755)
    line = consult_line(replace(desk, config=desk.config._replace(consult_hook=(str(hook),))), source=None)
    planned = consult.consult_to_start(desk, call_id, asha.id, "ravi")
    line.start_consult(planned)
    line.complete_consult(planned)
    with pytest.raises(DeskError) as refused:
        line.cancel_consult(planned)
    assert str(refused.value) == "the consult hook failed (return, exit 3): no consult on 101"
    # the last argument, the PBX's id of the call, is empty: this caller was rung by `calldesk ring`, with none
    assert told.read_text().splitlines() == [f"start {call_id} 101 102 ", f"complete {call_id} 101 102 ",
                                             f"return {call_id} 101 102 "]
    assert consult_line(desk, source=None) is None  # neither AMI nor a hook: the console says why


def test_the_consult_hook_is_read_as_a_command_line(tmp_path):
    good = tmp_path / "config.yaml"
    good.write_text("consult_hook: /usr/local/bin/pbx-consult --pbx 'main office'\n")
    assert load_config(good).consult_hook == ("/usr/local/bin/pbx-consult", "--pbx", "main office")
    bad = tmp_path / "bad.yaml"
    bad.write_text("consult_hook: /usr/local/bin/pbx-consult 'main\n")
    with pytest.raises(ConfigError, match="consult_hook: not a command line"):
        load_config(bad)
