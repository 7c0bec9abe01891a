"""F8: log a complaint or a suggestion for the client (and call) on screen. ctrl+s saves; dismisses with its id.

It is owned by the operator who logs it and must be answered within `inquiry_sla_hours`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label, RadioButton, RadioSet, Select, TextArea

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.feedback.complaints import log_feedback
from calldesk.desk.operators.roster import OperatorView
from calldesk.i18n import N_, WEEKDAY_TIME, _, desk_word, format_moment


class FeedbackFormModal(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save"), id="feedback_save", priority=True),
    ]

    def __init__(self, desk: Desk, operator: OperatorView, client_id: int | None = None, call_id: int | None = None,
                 client_name: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.operator = operator
        self.client_id = client_id
        self.call_id = call_id
        self.client_name = client_name

    def compose(self) -> ComposeResult:
        config = self.desk.config
        deadline = self.desk.inquiry_deadline(self.desk.clock.now()).astimezone(self.desk.zone)
        with Vertical(classes="dialog", id="feedback-form") as dialog:
            about = f" · {escape(self.client_name)}" if self.client_name else ""
            dialog.border_title = _("Complaint or suggestion") + about
            with RadioSet(id="feedback-kind"):
                yield RadioButton(_("Complaint"), value=True, id="kind-complaint")
                yield RadioButton(_("Suggestion"), id="kind-suggestion")
            yield Label(_("Category"))
            yield Select([(desk_word(c), c) for c in config.feedback_categories], value=config.feedback_categories[0],
                         allow_blank=False, id="feedback-category", compact=True)
            yield Label(_("What the client says"))
            yield TextArea(id="feedback-text", soft_wrap=True)
            yield Label(_("Owner: you · answer by {deadline} ({hours} h)").format(
                deadline=format_moment(deadline, WEEKDAY_TIME), hours=f"{config.inquiry_sla_hours:g}"),
                        classes="dialog-help")
            yield Label("", classes="dialog-error", id="feedback-error")
            yield Label(_("ctrl+s: save   tab: next field   escape: cancel"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#feedback-text", TextArea).focus()

    async def action_save(self) -> None:
        kind = "suggestion" if self.query_one("#kind-suggestion", RadioButton).value else "complaint"
        category = str(self.query_one("#feedback-category", Select).value)
        text = self.query_one("#feedback-text", TextArea).text
        try:
            feedback_id = await self.app.attempt(log_feedback, self.desk, self.operator.id, kind, category, text,
                                                client_id=self.client_id, call_id=self.call_id)
        except DeskError as exc:
            self.query_one("#feedback-error", Label).update(Content(str(exc)))
            return
        self.dismiss(feedback_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
