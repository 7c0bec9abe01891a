"""F5 while the database is away: the promise is typed in two fields and kept on this machine; the desk's rules
(the client's window, the deadline) check it when the journal is replayed, and a refusal is shown then."""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from calldesk.desk.callbacks.promises import CallbackRequest
from calldesk.desk.callbacks.times import parse_due_text
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _


class OfflineCallbackModal(ModalScreen[CallbackRequest | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, now: datetime, call_id: int | None, client_id: int | None, zone: tzinfo | None = None
                 ) -> None:
        super().__init__()
        self.now, self.call_id, self.client_id, self.zone = now, call_id, client_id, zone

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Promise a call-back (database offline: kept on this machine)")
            with Grid(classes="form"):
                yield Label(_("Reason"))
                yield Input(id="offline-reason", placeholder=_("what you will call back about"), compact=True)
                yield Label(_("When"))
                yield Input("in 30m", id="offline-when", placeholder=_("14:30, tue 10:00, in 45m"), compact=True)
            yield Label(_("enter: promise (yours)   escape: cancel"), classes="dialog-help")
            yield Label("", id="offline-error", classes="dialog-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = self.query_one("#offline-reason", Input).value.strip()
        error = self.query_one("#offline-error", Label)
        if not reason:
            error.update(_("A reason is needed."))
            return
        try:
            due_at = parse_due_text(self.query_one("#offline-when", Input).value, self.now, self.zone)
        except DeskError as exc:
            error.update(Content(str(exc)))
            return
        self.dismiss(CallbackRequest(reason=reason, due_at=due_at, call_id=self.call_id, client_id=self.client_id))
