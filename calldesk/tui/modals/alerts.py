"""A lead's alerts: escalated calls waiting for someone to step in; enter acknowledges the highlighted one."""

from __future__ import annotations

from datetime import tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calldesk.desk.calls.escalation import EscalationView
from calldesk.i18n import N_, _


def _line(item: EscalationView, zone: tzinfo) -> str:
    who = item.client_name or item.number
    return f"{item.raised_at.astimezone(zone):%H:%M} · {item.operator} · {who}: {item.reason}"


class AlertsModal(ModalScreen[int | None]):
    """Dismisses with the id of the escalation to acknowledge, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"))]

    def __init__(self, escalations: list[EscalationView], zone: tzinfo) -> None:
        """``zone``: the desk's clock, the times are shown on it."""
        super().__init__()
        self.zone = zone
        self.escalations = escalations

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = _("Escalated calls")
            if self.escalations:
                yield OptionList(*[Option(_line(e, self.zone), id=str(e.id)) for e in self.escalations], markup=False)
                yield Label(_("enter: acknowledge (you step in)   escape: close"), classes="dialog-help")
            else:
                yield Label(_("No escalated call is waiting."))
                yield Label(_("escape: close"), classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id))
