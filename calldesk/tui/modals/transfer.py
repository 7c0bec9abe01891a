"""Transfer the live call: pick a department or an operator, add a note for them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from calldesk.i18n import N_, _


@dataclass(frozen=True)
class TransferChoice:
    """Where the operator transfers the live call, with the note for whoever takes it."""

    target: str  # a department id or an operator login
    note: str


class TransferModal(ModalScreen[TransferChoice | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, targets: list[tuple[str, str]]) -> None:
        """``targets``: (id, label) pairs, departments first."""
        super().__init__()
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Transfer the call")
            yield OptionList(*[Option(label, id=key) for key, label in self.targets], id="targets", markup=False)
            yield Label(_("Note for them"))
            yield Input(id="note", placeholder=_("what the caller needs, in a line"), compact=True)
            yield Label(_("up/down: choose   enter: transfer   escape: cancel"), classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        targets = self.query_one("#targets", OptionList)
        if targets.highlighted is None:
            targets.focus()
            return
        target = targets.get_option_at_index(targets.highlighted).id
        self.dismiss(TransferChoice(target=str(target), note=event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
