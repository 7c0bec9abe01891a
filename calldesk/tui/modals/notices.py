"""The notices behind the status bar's count: what others changed for me (read or not, when, from whom) and the
call-backs that need me now. Opening the list marks the stored notices read."""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calldesk.desk.operators.notices import NoticeView
from calldesk.i18n import DAY_TIME, N_, _, format_moment


def _line(notice: NoticeView, zone: tzinfo) -> str:
    mark = "  " if notice.read else "• "
    by = f" · {notice.by}" if notice.by else ""
    return f"{mark}{format_moment(notice.at.astimezone(zone), DAY_TIME)}{by} · {notice.text}"


class NoticesModal(ModalScreen[None]):
    """``stored``: the operator's newest notices; ``callbacks``: the call-back notices standing now, in words."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"))]

    def __init__(self, stored: list[NoticeView], callbacks: list[str], now: datetime) -> None:
        """``now`` on the desk's clock: the notices' times are shown on it."""
        super().__init__()
        self.stored = stored
        self.callbacks = callbacks
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = _("Notices")
            lines = [Option(_("Call-back") + f" · {text}") for text in self.callbacks]
            lines += [Option(_line(notice, self.now.tzinfo)) for notice in self.stored]
            if lines:
                yield OptionList(*lines, id="notices-list", markup=False)
                yield Label(_("• not read before · newest first · escape: close"), classes="dialog-help")
            else:
                yield Label(_("No notices: call-backs given to you or taken from you, escalations acknowledged and "
                              "calls transferred to you are listed here."))
                yield Label(_("escape: close"), classes="dialog-help")
