"""ctrl+e: flag the live call for a team lead with a one-line reason. Dismisses with the escalation's id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from calldesk.desk.calls.escalation import MAX_REASON, escalate_call
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _


class EscalateModal(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, desk: Desk, operator_id: int, call_id: int, caller: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.operator_id = operator_id
        self.call_id = call_id
        self.caller = caller

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="escalate") as dialog:
            dialog.border_title = _("Call a team lead") + (f" · {escape(self.caller)}" if self.caller else "")
            yield Label(_("Why is a team lead needed? (one line)"))
            yield Input(id="escalate-reason", max_length=MAX_REASON, compact=True,
                        placeholder=_("e.g. asks for a refund above my limit"))
            yield Label("", classes="dialog-error", id="escalate-error")
            yield Label(_("enter: flag the call   escape: cancel"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#escalate-reason", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            escalation_id = await self.app.attempt(escalate_call, self.desk, self.operator_id, self.call_id,
                                                  event.value)
        except DeskError as exc:
            self.query_one("#escalate-error", Label).update(Content(str(exc)))
            return
        self.dismiss(escalation_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
