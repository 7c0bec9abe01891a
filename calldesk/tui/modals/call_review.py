"""A team lead scores a call from its history: 1 to 5 and a comment. Dismisses with the review, or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.reviews import MAX_COMMENT, CallReviewView, review_call, review_of
from calldesk.i18n import N_, _

SCORE_WORDS = {1: "1 poor", 2: "2 weak", 3: "3 fair", 4: "4 good", 5: "5 excellent"}


class CallReviewModal(ModalScreen[CallReviewView | None]):
    """Opened by a lead on a call of the dossier's history; an operator who opens it is told no by the desk."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel")),
                *(Binding(str(n), f"score({n})", SCORE_WORDS[n], show=False) for n in SCORE_WORDS)]

    def __init__(self, desk: Desk, reviewer_id: int, call_id: int, about: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.reviewer_id = reviewer_id
        self.call_id = call_id
        self.about = about

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="call-review") as dialog:
            about = f" · {escape(self.about)}" if self.about else ""
            dialog.border_title = _("Review call {id}").format(id=self.call_id) + about
            yield Label(_("Score: how well was the call handled?"))
            with RadioSet(id="review-score"):
                for score, words in SCORE_WORDS.items():
                    yield RadioButton(words, value=score == 3, name=str(score))
            yield Label(_("Comment"))
            yield Input(id="review-comment", max_length=MAX_COMMENT, compact=True,
                        placeholder=_("what went well, what to do next time"))
            yield Label("", classes="dialog-error", id="review-error")
            yield Label(_("1 to 5: score   tab: the comment   enter: save   escape: cancel"), classes="dialog-help")

    async def on_mount(self) -> None:
        self.query_one("#review-score", RadioSet).focus()
        try:
            earlier = await self.app.attempt(review_of, self.call_id)
        except DeskError as exc:
            self.query_one("#review-error", Label).update(Content(str(exc)))
            return
        if earlier is not None:  # a new review replaces the earlier one: start from it
            self._pick(earlier.score)
            self.query_one("#review-comment", Input).value = earlier.comment

    def action_score(self, score: int) -> None:
        """A digit picks the score while the scores have the focus (in the comment it types)."""
        self._pick(score)

    def _pick(self, score: int) -> None:
        for button in self.query(RadioButton):
            button.value = button.name == str(score)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pressed = self.query_one("#review-score", RadioSet).pressed_button
        score = int(pressed.name) if pressed is not None and pressed.name else 3
        try:
            review = await self.app.attempt(review_call, self.desk, self.call_id, self.reviewer_id, score,
                                           event.value)
        except DeskError as exc:
            self.query_one("#review-error", Label).update(Content(str(exc)))
            return
        self.dismiss(review)

    def action_cancel(self) -> None:
        self.dismiss(None)
