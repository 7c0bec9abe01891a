"""F3: the caller's details. For an unknown caller, one form makes them a client (the number filled in); for a known
client, the same form corrects their name, how to address them, manner, stage and tags. Asked for by F3 only: the
keyboard stays in the notes when a call is answered, so nothing typed lands in a field the operator did not choose."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from calldesk.desk.clients.directory import STAGE_NAMES
from calldesk.i18n import N_, _


@dataclass(frozen=True, slots=True)
class ClientForm:
    """What the form saves, as the operator typed it; ``phone`` only for a new client, ``tags`` only for a known one."""

    name: str
    company: str
    address_as: str
    manner: str
    stage: str
    phone: str = ""
    tags: str = ""


class ClientDetailsModal(ModalScreen[ClientForm | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, number: str = "", caller_name: str = "", known: ClientForm | None = None) -> None:
        """``known``: the client's details now, to correct; None for an unknown caller on ``number``."""
        super().__init__()
        self.number = number
        self.known = known or ClientForm(name=caller_name, company="", address_as="", manner="",
                                         stage="first_contact")
        self.is_new = known is None

    def compose(self) -> ComposeResult:
        known = self.known
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = _("New client") if self.is_new else _("Client details")
            with Grid(classes="form"):
                yield Label(_("Name"))
                yield Input(known.name, id="name", placeholder=_("as the client says it"), compact=True)
                if self.is_new:
                    yield Label(_("Phone"))
                    yield Input(self.number, id="phone", compact=True)
                yield Label(_("Company"))
                yield Input(known.company, id="company", placeholder=_("optional"), compact=True)
                yield Label(_("Address as"))
                yield Input(known.address_as, id="address_as", placeholder=_("e.g. Mr Sharma, Priya ji"), compact=True)
                yield Label(_("Manner"))
                yield Input(known.manner, id="manner", placeholder=_("e.g. formal, prefers Hindi"), compact=True)
                yield Label(_("Stage"))
                yield Select([(_(label), key) for key, label in STAGE_NAMES.items()], value=known.stage,
                             allow_blank=False, id="stage", compact=True)
                if not self.is_new:
                    yield Label(_("Tags"))
                    yield Input(known.tags, id="tags", placeholder=_("e.g. vip, wholesale"), compact=True)
            yield Label(_("enter: save   tab: next field   escape: cancel"), classes="dialog-help")
            yield Label("", id="error", classes="dialog-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#error", Label).update(Content("A name is needed."))
            self.query_one("#name", Input).focus()
            return
        self.dismiss(ClientForm(
            name=name,
            company=self.query_one("#company", Input).value,
            address_as=self.query_one("#address_as", Input).value,
            manner=self.query_one("#manner", Input).value,
            stage=str(self.query_one("#stage", Select).value),
            phone=self.query_one("#phone", Input).value if self.is_new else "",
            tags="" if self.is_new else self.query_one("#tags", Input).value,
        ))

    def action_cancel(self) -> None:
        self.dismiss(None)
