"""F4, consult first (issue 21, item 5): the operator calls a colleague while the caller holds, then hands the
caller over (the colleague has the live call, the dossier and the note) or goes back to the caller."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console
from textual.widgets import Static

from calldesk.desk.calls import queue
from calldesk.store.models import AuditEvent, Call, Operator

SIZE = (120, 36)


async def settle(pilot) -> None:
    """Let the database thread answer every chained request, the hook run, and the screen repaint."""
    for _ in range(6):
        await pilot.pause()
        await pilot.app.db.run(lambda: None)
    await pilot.pause()


def dossier_text(app) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#dossier-body", Static).content)
    return console.export_text()


def _with_hook(desk, tmp_path):
    """A PBX without AMI, whose consult hook is a script that says yes and notes what it was asked."""
    hook = tmp_path / "pbx-consult"
    hook.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'told'}\n")
    hook.chmod(0o755)
    return replace(desk, config=desk.config._replace(consult_hook=(str(hook),)))


async def _consult_ravi(pilot, note: str) -> None:
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("end", "enter")  # Operator · Ravi Kumar, the last of the list
    await pilot.press(*note, "ctrl+t")
    await settle(pilot)


async def test_f4_consult_first_then_complete_hands_the_caller_and_the_note_over_even_after_a_restart(
        desk, asha, ravi, sharma, run_app, tmp_path):
    Operator.update(extension="102").where(Operator.id == ravi.id).execute()
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(_with_hook(desk, tmp_path), asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _consult_ravi(pilot, "wants a quote for 20 fridges")
        assert Call.get_by_id(call_id).consult_with == "ravi"
        assert type(app.screen).__name__ == "DeskScreen"  # talking to Ravi; the caller holds
    app = run_app(_with_hook(desk, tmp_path), asha)  # her console restarts mid-consult: the note is the call's
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConsultModal"
        await pilot.press("enter")  # Complete: hand the caller to Ravi Kumar
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpModal"
    first = Call.get_by_id(call_id)
    assert (first.status, first.transferred_to, first.consult_with) == ("transferred", "ravi", "")
    onward = Call.get(Call.transferred_from == call_id)
    assert (onward.status, onward.operator_id, onward.client_id) == ("answered", ravi.id, sharma)
    assert [e.action for e in AuditEvent.select().where(AuditEvent.entity == "call").order_by(AuditEvent.id)] == [
        "consult", "transfer", "consult_complete"]
    assert (tmp_path / "told").read_text().split("\n")[:2] == [f"start {call_id}  102 ", f"complete {call_id}  102 "]

    ravis = run_app(desk, Operator.get_by_id(ravi.id))  # Ravi's console pops the call with Asha's note
    async with ravis.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ravis.screen.live.id == onward.id
        assert "Transferred by Asha Verma: wants a quote for 20 fridges" in dossier_text(ravis)


async def test_f4_consult_first_then_return_keeps_the_caller(desk, asha, ravi, sharma, run_app, tmp_path):
    Operator.update(extension="102").where(Operator.id == ravi.id).execute()
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(_with_hook(desk, tmp_path), asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _consult_ravi(pilot, "")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down", "enter")  # Return to the caller
        await settle(pilot)
        assert type(app.screen).__name__ == "DeskScreen" and app.screen.live.id == call_id
    call = Call.get_by_id(call_id)
    assert (call.status, call.operator_id, call.consult_with) == ("answered", asha.id, "")
    assert Call.select().count() == 1
    assert (tmp_path / "told").read_text().split("\n")[1] == f"return {call_id}  102 "


async def test_consult_first_without_a_pbx_says_why_in_one_line_and_changes_nothing(desk, asha, ravi, sharma,
                                                                                    run_app):
    Operator.update(extension="102").where(Operator.id == ravi.id).execute()
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _consult_ravi(pilot, "")
        assert type(app.screen).__name__ == "TransferModal"  # still choosing: the reason is shown
        shown = [n.message for n in app._notifications]
        assert "Consult first needs the PBX: set call_source: ami, or consult_hook in config.yaml" in shown
    assert Call.get_by_id(call_id).consult_with == ""
