"""My recent calls (ctrl+g): the calls I answered lately and how each ended; enter on a "wrap-up not finished" opens
its wrap-up, the notes kept as its draft with it."""

from __future__ import annotations

from datetime import tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calldesk.desk.calls.recent import RecentCall
from calldesk.desk.calls.states import CALL_STATUS_NAMES, CallStatus
from calldesk.i18n import N_, _, desk_word
from calldesk.tui.modals.review_picker import call_moment


def outcome(call: RecentCall) -> tuple[str, str]:
    """How the call ended, in words, and the style that says whether it still needs me."""
    if call.unfinished:
        return _("wrap-up not finished"), "bold $warning"
    if call.status == CallStatus.ANSWERED:
        return _("on the line"), "bold"
    if call.wrapping_up:
        return _("wrapping up (F6)"), "bold"
    return (desk_word(call.disposition) if call.disposition
            else _(CALL_STATUS_NAMES.get(call.status, call.status))), "$text-muted"


def _line(call: RecentCall, zone: tzinfo) -> Content:
    words, style = outcome(call)
    return Content.assemble(f"{call_moment(call.answered_at, zone)} · {call.caller} · {call.queue} · ",
                            (words, style))


class RecentCallsModal(ModalScreen[RecentCall | None]):
    """Dismisses with the call chosen, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"))]

    def __init__(self, calls: list[RecentCall], zone: tzinfo) -> None:
        """``zone``: the desk's clock, the calls' times are shown on it."""
        super().__init__()
        self.zone = zone
        self.calls = {str(call.id): call for call in calls}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = _("My recent calls")
            if self.calls:
                yield OptionList(*[Option(_line(call, self.zone), id=call_id) for call_id, call in self.calls.items()],
                                 markup=False, id="recent-calls")
            else:
                yield Label(_("No calls answered yet."))
            yield Label(_("enter: finish a wrap-up not finished, with the notes kept   escape: close"),
                        classes="dialog-help")

    def on_mount(self) -> None:
        unfinished = [i for i, call in enumerate(self.calls.values()) if call.unfinished]
        if self.calls:
            options = self.query_one(OptionList)
            options.highlighted = unfinished[0] if unfinished else 0  # the paperwork waiting comes first to hand
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.calls[event.option.id])
