"""Pause with a reason (lunch, training...) or be available again: the state every report counts time in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calldesk.i18n import N_, _, desk_word

AVAILABLE = ""  # the choice that ends a pause


class PauseModal(ModalScreen[str | None]):
    """Dismisses with a pause reason, AVAILABLE to take calls again, or None to change nothing."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, reasons: tuple[str, ...], paused: bool) -> None:
        super().__init__()
        self.reasons = reasons
        self.paused = paused

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("My state")
            options = [Option(_("Available: take calls"), id="available")] if self.paused else []
            options += [Option(_("Pause: {reason}").format(reason=desk_word(reason)), id=f"pause:{reason}")
                        for reason in self.reasons]
            yield OptionList(*options)
            yield Label(_("enter: choose   escape: cancel"), classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = str(event.option.id)
        self.dismiss(AVAILABLE if choice == "available" else choice.removeprefix("pause:"))
