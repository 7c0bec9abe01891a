"""The line on top: who I am, my state and for how long, the clock, and the counters that need me."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from calldesk.desk.calls.states import OperatorState
from calldesk.i18n import N_, _, desk_word, ngettext

_S = OperatorState
STATE_LABELS = {_S.AVAILABLE: N_("Available"), _S.RINGING: N_("Ringing"), _S.ON_CALL: N_("On call"),
                _S.WRAP_UP: N_("Wrap-up"), _S.PAUSED: N_("Paused"), _S.OFFLINE: N_("Offline"),
                _S.DISABLED: N_("Disabled")}

# An operator's state as the store names it, where a list shows it as such ("Asha (available)")
RAW_STATE_WORDS = {_S.AVAILABLE: N_("available"), _S.RINGING: N_("ringing"), _S.ON_CALL: N_("on_call"),
                   _S.WRAP_UP: N_("wrap_up"), _S.PAUSED: N_("paused"), _S.OFFLINE: N_("offline"),
                   _S.DISABLED: N_("disabled")}


@dataclass
class DeskStatus:
    """What the status bar on top shows: who I am, my state and since when, and the counters that need me."""

    operator: str
    department: str
    state: str = OperatorState.AVAILABLE
    state_reason: str = ""
    state_since: datetime | None = None
    wrap_up_ends: datetime | None = None  # in wrap-up, when its time runs out: counted down instead of up
    waiting: int = 0
    late: int = 0
    alerts: int = 0  # escalations waiting for a lead
    notices: int = 0  # call-back notices standing: assigned to me, due soon, overdue, back in the pool
    unread: int = 0  # notices others left me (desk/operators/notices.py) not read yet
    callbacks_due: int = 0  # my call-backs due soon or overdue
    link: str = ""  # the call source's link state, "" when there is none
    offline: bool = False  # the database is away: work is kept in the local journal


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


WRAP_UP_HURRY_SECONDS = 15  # the wrap-up's last seconds are shown red: the notes are about to become a draft
Part = str | tuple[str, str]  # text, or text and its style
# What a narrow status bar shortens or leaves out, one more at a time, least missed first
ECONOMIES = ("department", "keys", "link detail", "my name", "pause reason", "offline detail")


def _counter(text: str, key: str, short: bool) -> str:
    return text if short else f"{text} ({key})"


def status_line(status: DeskStatus, now: datetime, width: int) -> Content:
    """The status bar at ``width`` columns: everything when it fits, else the ``ECONOMIES`` one more at a time; the
    clock and the link's state stay at the right edge whatever the width, and the end of the left part goes last."""
    for economy in range(len(ECONOMIES) + 1):
        left, right = _parts(status, now, set(ECONOMIES[:economy]))
        if left.cell_length + right.cell_length <= width:
            break
    room = max(width - right.cell_length, 0)
    return Content.assemble(left.truncate(room, ellipsis=True, pad=True), right)


def _parts(status: DeskStatus, now: datetime, cut: set[str]) -> tuple[Content, Content]:
    state = _(STATE_LABELS[status.state]) if status.state in STATE_LABELS else status.state
    if status.state_reason and "pause reason" not in cut:
        state += f" ({desk_word(status.state_reason)})"
    wrap_up_left = (status.wrap_up_ends - now).total_seconds() if (
        status.state == OperatorState.WRAP_UP and status.wrap_up_ends is not None) else None
    if wrap_up_left is not None:
        state += " " + _("{time} left").format(time=_duration(wrap_up_left))
    elif status.state_since is not None:
        state += f" {_duration((now - status.state_since).total_seconds())}"
    state_style = ("bold reverse $success" if status.state == OperatorState.AVAILABLE
                   else "bold reverse $error" if wrap_up_left is not None and wrap_up_left <= WRAP_UP_HURRY_SECONDS
                   else "bold reverse $warning")
    offline = " " + (_("DATABASE OFFLINE") if "offline detail" in cut else _("DATABASE OFFLINE, reconnecting")) + " "
    # Most needed first: on a narrow terminal the end of the left part is what gets cut.
    left: list[Part] = [
        (offline, "bold reverse $error") if status.offline else "",
        "" if "my name" in cut else (f" {status.operator} ", "bold"),
        (f" {state} ", state_style),
        " " + _("waiting") + " ", (str(status.waiting), "bold"),
    ]
    if status.late:
        left += ["  ", (_("{count} late").format(count=status.late), "bold $error")]
    if status.callbacks_due:
        due = ngettext("{count} call-back due", "{count} call-backs due", status.callbacks_due)
        left += ["  ", (due.format(count=status.callbacks_due), "bold $warning")]
    if count := status.notices + status.unread:
        notices = ngettext("{count} notice", "{count} notices", count).format(count=count)
        left += ["  ", (_counter(notices, "ctrl+t", "keys" in cut), "bold $warning" if status.unread else "$warning")]
    if status.alerts:
        alerts = ngettext("{count} alert", "{count} alerts", status.alerts).format(count=status.alerts)
        left += ["  ", (_counter(alerts, "ctrl+a", "keys" in cut), "bold $warning")]
    right: list[Part] = ["" if "department" in cut else f"  {status.department}", f"  {now:%H:%M:%S} "]
    if status.link:
        right.append(f"· {status.link.split(': ')[0] if 'link detail' in cut else status.link} ")
    return Content.assemble(*left), Content.assemble(*right)


class StatusBar(Static):
    """Shows the latest status at whatever width it is given: a resize paints it again."""

    _shown: tuple[DeskStatus, datetime] | None = None

    def show(self, status: DeskStatus, now: datetime) -> None:
        self._shown = (status, now)
        width = self.size.width or self.app.size.width  # before the first layout it spans the screen
        self.update(status_line(status, now, width), layout=False)  # one line, always: a repaint, not a re-layout

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)
