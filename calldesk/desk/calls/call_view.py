"""What the desk shows for a call on one screen: the call, the caller's dossier, the script and the draft notes.

Built in one trip so the screen pop paints at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk.calls.handling import LiveCall, get_call, transfer_note
from calldesk.desk.clients.dossier import Dossier, build_dossier
from calldesk.desk.clients.notes import load_draft
from calldesk.desk.coach.script import (
    ScriptStep,
    call_facts,
    choose_script,
    render_script,
    script_context,
    script_named,
)
from calldesk.desk.context import Desk
from calldesk.desk.operators.roster import OperatorView


@dataclass(frozen=True, slots=True)
class CallView:
    """Everything the console shows for a call on the line or in wrap-up, built in one trip to the database."""

    call: LiveCall
    dossier: Dossier | None  # None for a caller who is not a client yet
    script_name: str
    script: list[ScriptStep]
    draft: str
    transfer_note: str = ""  # what the colleague who transferred the call here said about it


def greeting_department(desk: Desk, queue: str, operator: OperatorView) -> str:
    """The department named in the greeting: the one that owns the call's queue, else the operator's own."""
    department = desk.config.department_of_queue(queue) or desk.config.department(operator.department)
    return department.name if department else operator.department


def call_script(desk: Desk, call_id: int, operator: OperatorView, script_name: str | None = None
                ) -> tuple[str, list[ScriptStep]]:
    """The call's script filled in for it: the one its queue and situation choose, or the one named."""
    facts = call_facts(call_id)  # one read of the call serves both the choice and the filling in
    script = script_named(desk.config, script_name) if script_name else choose_script(
        desk.config, facts.queue, facts.situation)
    context = script_context(desk, call_id, facts, operator.name, greeting_department(desk, facts.queue, operator))
    return script.name, render_script(desk.config, context, desk.clock.now(), script)


def open_call(desk: Desk, call_id: int, operator: OperatorView) -> CallView:
    """The screen pop for a call this operator has answered (or is wrapping up)."""
    call = get_call(desk, call_id)
    dossier = build_dossier(desk, call.client_id) if call.client_id else None
    script_name, script = call_script(desk, call_id, operator)
    return CallView(call=call, dossier=dossier, script_name=script_name, script=script,
                    draft=load_draft(operator.id, call_id), transfer_note=transfer_note(call))
