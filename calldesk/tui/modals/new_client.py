"""One step from an unknown caller to a client: the number is filled in, enter saves."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from calldesk.desk.clients import STAGE_NAMES


@dataclass(frozen=True)
class NewClientForm:
    """What the new-client dialog saves: the unknown caller made a client, as the operator typed them."""

    name: str
    phone: str
    company: str
    address_as: str
    manner: str
    stage: str


class NewClientModal(ModalScreen[NewClientForm | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, number: str, caller_name: str = "") -> None:
        super().__init__()
        self.number = number
        self.caller_name = caller_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "New client"
            with Grid(classes="form"):
                yield Label("Name")
                yield Input(self.caller_name, id="name", placeholder="as the client says it", compact=True)
                yield Label("Phone")
                yield Input(self.number, id="phone", compact=True)
                yield Label("Company")
                yield Input(id="company", placeholder="optional", compact=True)
                yield Label("Address as")
                yield Input(id="address_as", placeholder="e.g. Mr Sharma, Priya ji", compact=True)
                yield Label("Manner")
                yield Input(id="manner", placeholder="e.g. formal, prefers Hindi", compact=True)
                yield Label("Stage")
                yield Select([(label, key) for key, label in STAGE_NAMES.items()], value="first_contact",
                             allow_blank=False, id="stage", compact=True)
            yield Label("enter: save   tab: next field   escape: cancel", classes="dialog-help")
            yield Label("", id="error", classes="dialog-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#error", Label).update("A name is needed.")
            self.query_one("#name", Input).focus()
            return
        self.dismiss(NewClientForm(
            name=name,
            phone=self.query_one("#phone", Input).value,
            company=self.query_one("#company", Input).value,
            address_as=self.query_one("#address_as", Input).value,
            manner=self.query_one("#manner", Input).value,
            stage=str(self.query_one("#stage", Select).value),
        ))

    def action_cancel(self) -> None:
        self.dismiss(None)
