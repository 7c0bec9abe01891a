"""What the desk shows for a call on one screen: the call, the caller's dossier, the script and the draft notes.

Built in one trip so the screen pop paints at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk.calls import LiveCall, get_call
from calldesk.desk.context import Desk
from calldesk.desk.dossier import Dossier, build_dossier
from calldesk.desk.notes import load_draft
from calldesk.desk.operators import OperatorView
from calldesk.desk.script import ScriptContext, ScriptStep, render_script


@dataclass(frozen=True)
class CallView:
    call: LiveCall
    dossier: Dossier | None  # None for a caller who is not a client yet
    script: list[ScriptStep]
    draft: str


def greeting_department(desk: Desk, queue: str, operator: OperatorView) -> str:
    """The department named in the greeting: the one that owns the call's queue, else the operator's own."""
    department = desk.config.department_of_queue(queue) or desk.config.department(operator.department)
    return department.name if department else operator.department


def script_for(desk: Desk, operator: OperatorView, queue: str, dossier: Dossier | None) -> list[ScriptStep]:
    context = ScriptContext(
        operator=operator.name,
        department=greeting_department(desk, queue, operator),
        client=dossier.name if dossier else "",
        address_as=dossier.address_as if dossier else "",
    )
    return render_script(desk.config, context, desk.clock.now())


def open_call(desk: Desk, call_id: int, operator: OperatorView) -> CallView:
    """The screen pop for a call this operator has answered (or is wrapping up)."""
    call = get_call(desk, call_id)
    dossier = build_dossier(desk, call.client_id) if call.client_id else None
    return CallView(
        call=call, dossier=dossier, script=script_for(desk, operator, call.queue, dossier),
        draft=load_draft(operator.id, call_id),
    )
