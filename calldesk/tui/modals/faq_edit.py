"""A team lead adds or edits an FAQ entry: question, answer, tags. ctrl+s saves; dismisses with the entry's id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from calldesk.desk.coach.faq import FaqAnswer, add_faq, edit_faq
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.roster import OperatorView
from calldesk.i18n import N_, _


class FaqEditModal(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save"), id="faq_save", priority=True),
    ]

    def __init__(self, desk: Desk, operator: OperatorView, entry: FaqAnswer | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.operator = operator
        self.entry = entry

    def compose(self) -> ComposeResult:
        entry = self.entry
        with Vertical(classes="dialog wide", id="faq-edit") as dialog:
            dialog.border_title = _("Edit the FAQ entry") if entry else _("New FAQ entry")
            yield Label(_("Question"))
            yield Input(entry.question if entry else "", id="faq-question", compact=True)
            yield Label(_("Answer"))
            yield TextArea(entry.answer if entry else "", id="faq-answer-text", soft_wrap=True)
            yield Label(_("Tags (comma-separated)"))
            yield Input(entry.tags if entry else "", id="faq-tags", compact=True)
            yield Label("", classes="dialog-error", id="faq-edit-error")
            yield Label(_("ctrl+s: save   tab: next field   escape: cancel"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#faq-question", Input).focus()

    async def action_save(self) -> None:
        question = self.query_one("#faq-question", Input).value
        answer = self.query_one("#faq-answer-text", TextArea).text
        tags = self.query_one("#faq-tags", Input).value
        try:
            if self.entry is None:
                entry_id = await self.app.attempt(add_faq, self.desk, self.operator.id, question, answer, tags)
            else:
                entry_id = self.entry.id
                await self.app.attempt(edit_faq, self.desk, self.operator.id, entry_id, question=question,
                                      answer=answer, tags=tags)
        except DeskError as exc:
            self.query_one("#faq-edit-error", Label).update(str(exc))
            return
        self.dismiss(entry_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
