"""Who gets the selected call-backs: an operator or a department's pool. Type to narrow, enter to choose."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from calldesk.i18n import N_, _


class OwnerPickerModal(ModalScreen[str | None]):
    """Dismisses with an operator's login or a department id; None on escape."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "choices", N_("Choices"), show=False),
    ]

    def __init__(self, title: str, owners: list[tuple[str, str]]) -> None:
        """``owners``: (login or department id, label) pairs."""
        super().__init__()
        self.title_text = title
        self.owners = owners

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="owner-picker") as dialog:
            dialog.border_title = escape(self.title_text)
            yield Input(id="owner-filter", placeholder=_("type to narrow: a name or a department"), compact=True)
            yield OptionList(*[Option(label, id=key) for key, label in self.owners], id="owner-choices", markup=False)
            yield Label(_("enter: give   down: the list   escape: cancel"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        words = event.value.casefold().split()
        choices = self.query_one(OptionList)
        choices.clear_options()
        choices.add_options(Option(label, id=key) for key, label in self.owners
                            if all(w in f"{key} {label}".casefold() for w in words))
        if choices.option_count:
            choices.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choices = self.query_one(OptionList)
        if choices.highlighted is not None and choices.option_count:
            self.dismiss(str(choices.get_option_at_index(choices.highlighted).id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))

    def action_choices(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
