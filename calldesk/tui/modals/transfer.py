"""Transfer the live call: pick a department or an operator, add a note for them; or consult an operator first,
then hand the caller over or go back to them (desk/calls/consult.py)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from calldesk.i18n import N_, _


@dataclass(frozen=True, slots=True)
class TransferChoice:
    """Where the operator transfers the live call, with the note for whoever takes it."""

    target: str  # a department id or an operator login
    note: str
    consult: bool = False  # call the colleague first; the caller holds


class TransferModal(ModalScreen[TransferChoice | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel")),
                Binding("ctrl+t", "consult", N_("Consult first"), priority=True)]

    def __init__(self, targets: list[tuple[str, str]], consult_unavailable: str = "") -> None:
        """``targets``: (id, label) pairs, departments first; ``consult_unavailable``: why this console cannot
        consult first ("" when it can)."""
        super().__init__()
        self.targets = targets
        self.consult_unavailable = consult_unavailable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Transfer the call")
            yield OptionList(*[Option(label, id=key) for key, label in self.targets], id="targets", markup=False)
            yield Label(_("Note for them"))
            yield Input(id="note", placeholder=_("what the caller needs, in a line"), compact=True)
            yield Label(_("up/down: choose   enter: transfer   ctrl+t: consult first   escape: cancel"),
                        classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(consult=False)

    def action_consult(self) -> None:
        if self.consult_unavailable:
            self.notify(self.consult_unavailable, severity="warning")
            return
        self._choose(consult=True)

    def _choose(self, consult: bool) -> None:
        targets = self.query_one("#targets", OptionList)
        if targets.highlighted is None:
            targets.focus()
            return
        target = targets.get_option_at_index(targets.highlighted).id
        self.dismiss(TransferChoice(target=str(target), note=self.query_one("#note", Input).value, consult=consult))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConsultModal(ModalScreen[str | None]):
    """While the caller holds: hand them to the colleague consulted ("complete") or go back to them ("return")."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, colleague: str) -> None:
        super().__init__()
        self.colleague = colleague

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("Consulting {name}").format(name=self.colleague)
            yield OptionList(Option(_("Complete: hand the caller to {name}").format(name=self.colleague),
                                    id="complete"),
                             Option(_("Return to the caller"), id="return"), id="consult-steps", markup=False)
            yield Label(_("up/down: choose   enter: do it   escape: keep talking"), classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
