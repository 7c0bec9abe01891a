"""A lead picks one of the client's answered calls to review; enter opens the score dialog for it."""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calldesk.desk.stats.reviews import ReviewableCall
from calldesk.i18n import DAY_TIME, N_, _, format_moment


def call_moment(at: datetime, zone: tzinfo) -> str:
    return format_moment(at.astimezone(zone), DAY_TIME)


def _line(call: ReviewableCall, zone: tzinfo) -> str:
    review = _("reviewed {score}/5").format(score=call.score) if call.score is not None else _("not reviewed")
    return f"{call_moment(call.at, zone)} · {call.summary} · {call.operator or _('nobody')} · {review}"


class ReviewPickerModal(ModalScreen[ReviewableCall | None]):
    """Dismisses with the call to review, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"))]

    def __init__(self, calls: list[ReviewableCall], client_name: str, zone: tzinfo) -> None:
        """``zone``: the desk's clock, the calls' times are shown on it."""
        super().__init__()
        self.zone = zone
        self.calls = {str(call.call_id): call for call in calls}
        self.client_name = client_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = (_("Review a call") + f" · {escape(self.client_name)}" if self.client_name
                                   else _("Review a call"))
            calls = [Option(_line(call, self.zone), id=call_id) for call_id, call in self.calls.items()]
            yield OptionList(*calls, markup=False, id="review-calls")
            yield Label(_("enter: score the call (1 to 5, a comment)   escape: close"), classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.calls[event.option.id])
