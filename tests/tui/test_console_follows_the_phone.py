"""The console is a view of the store: whoever moves the operator or their call (the PBX at the handset, a lead, the
command line), the operator's screen follows, as it does for their own keys."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from test_desk_flows import SIZE, dossier_text, settle
from textual.widgets import TextArea

from calldesk.cli import main
from calldesk.desk.callbacks import promises
from calldesk.desk.callbacks.lines import line_of
from calldesk.desk.calls import escalation, handling, pbx_events, queue
from calldesk.desk.operators import roster
from calldesk.desk.operators.notices import unread_notices
from calldesk.store.models import Call, NoteDraft
from calldesk.tui.widgets.script_pane import ScriptPane

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


async def until(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for the console's next polls (a few a second) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the console did not follow the store in time"
        await pilot.pause(0.05)
    await settle(pilot)


def toasts(app) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_a_call_answered_at_the_handset_pops_the_dossier_and_the_script(desk, asha, sharma, run_app):
    call_id = pbx_events.ring_pbx_call(desk, "1700.1", "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.live is None
        pbx_events.answer_call_as(desk, call_id, "asha")  # she picked up the handset; no key pressed
        await until(pilot, lambda: app.screen.live is not None)
        assert app.screen.live.id == call_id
        assert "Rahul Sharma" in dossier_text(app) and "premium package brochure" in dossier_text(app)
        assert "this is Asha Verma" in app.screen.query_one("#script", ScriptPane).lines_text()[1]
        assert app.focused is app.screen.query_one("#notes", TextArea)
        assert "On call" in str(app.screen.query_one("#status").content)
        await pilot.pause(0.1)
        assert app.handset_pop_timings, "the handset's screen pop is timed inside the app"


async def test_the_pbx_hang_up_moves_the_console_to_wrap_up(desk, asha, sharma, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"wants a bigger fridge")
        pbx_events.hang_up_call(desk, call_id)  # the caller hung up: the PBX says so
        await until(pilot, lambda: type(app.screen).__name__ == "WrapUpModal")
        assert app.screen_stack[1].live.in_wrap_up
        assert "The caller hung up" in toasts(app)
        await pilot.press("enter")  # the first disposition
        await settle(pilot)
        assert roster.get_operator(asha.id).state == "available"
        assert app.screen.live is None
    call = Call.get_by_id(call_id)
    assert call.status == "completed" and call.wrapped_at is not None


async def test_f2_while_on_a_call_is_refused_with_the_reason(desk, asha, sharma, run_app):
    queue.ring_call(desk, "+91 98765 43210", "support")
    second = queue.ring_call(desk, "+91 91234 56789", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        first = app.screen.live.id
        await pilot.press("f2")
        await settle(pilot)
        assert "Asha Verma is on a call: finish it first (F6)" in toasts(app)
        assert app.screen.live.id == first
    assert Call.get_by_id(second).status == "ringing"


async def test_an_acknowledged_escalation_tells_the_operator_who_is_joining(desk, asha, ravi, sharma, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "sales")  # Ravi's queue
    app = run_app(desk, ravi)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        raised = escalation.escalate_call(desk, ravi.id, call_id, "wants a manager")
        escalation.acknowledge_escalation(desk, asha.id, raised)  # from Asha's console, elsewhere
        await until(pilot, lambda: "Asha Verma is joining your call" in toasts(app))
        assert "1 notice (ctrl+t)" in str(app.screen.query_one("#status").content)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert type(app.screen).__name__ == "NoticesModal"
        listed = app.screen.query_one("#notices-list").get_option_at_index(0).prompt
        assert "Asha Verma" in str(listed) and "wants a manager" in str(listed)
        await pilot.press("escape")
        await settle(pilot)
        assert "notice" not in str(app.screen.query_one("#status").content)
    assert unread_notices(ravi.id) == []


async def test_a_disabled_operator_is_signed_out_with_the_draft_kept(desk, db_url, asha, ravi, sharma, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "sales")  # Ravi's queue
    app = run_app(desk, ravi)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"promised a refund")
        assert main(["--config", str(CONFIG), "--db", db_url, "operator", "disable", "ravi"]) == 0
        await until(pilot, lambda: not app.is_running)
    assert app.return_code == 1
    assert NoteDraft.get((NoteDraft.operator == ravi.id) & (NoteDraft.call == call_id)).body == "promised a refund"
    assert roster.get_operator(ravi.id).state == "disabled"


async def test_a_call_back_taken_away_is_a_notice_and_the_dossier_shows_its_new_owner(desk, asha, ravi, sharma,
                                                                                          clock, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, ravi.id)
    promised = promises.create_callback(desk, ravi.id, promises.CallbackRequest(
        reason="send the brochure", due_at=clock.now() + timedelta(hours=2), call_id=call_id, client_id=sharma))
    handling.wrap_up(desk, call_id, ravi.id, "Call-back promised")
    app = run_app(desk, ravi)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"Sharma")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Ravi Kumar · send the brochure" in dossier_text(app)
        line = line_of(desk, promised)
        promises.reassign_callbacks(desk, asha.id, [(line.id, line.version)], "asha")  # the lead's board
        await until(pilot, lambda: "Asha Verma · send the brochure" in dossier_text(app))
        assert "Notice from Asha Verma: call-back" in toasts(app) and "was handed to asha" in toasts(app)


async def test_a_call_transferred_to_me_is_a_notice_and_arrives_with_the_note_on_top(desk, asha, ravi, sharma, run_app):
    first = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, ravi)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue.claim_call(desk, first, asha.id)  # at Asha's console, elsewhere
        onward = handling.transfer_call(desk, first, asha.id, "ravi", "wants the premium brochure by post")
        await until(pilot, lambda: "is waiting for you" in toasts(app))
        assert f"Rahul Sharma is waiting for you (call {onward})" in toasts(app)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.live.id == onward
        assert dossier_text(app).startswith("Transferred by Asha Verma: wants the premium brochure by post")


async def test_ctrl_s_during_a_call_from_an_unknown_caller_keeps_the_caller_on_screen(desk, asha, run_app):
    queue.ring_call(desk, "+91 99887 76655", "support")  # Asha's queue
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("escape")  # not a client yet: the operator notes first
        await pilot.press(*"asks for the price list", "ctrl+s")
        await settle(pilot)
        assert dossier_text(app).startswith("Unknown caller 099887 76655")
        assert "On call" in str(app.screen.query_one("#status").content)
