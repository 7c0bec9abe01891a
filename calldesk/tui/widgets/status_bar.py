"""The line on top: who I am, my state and for how long, the clock, and the counters that need me."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from calldesk.desk.states import OperatorState

STATE_LABELS = {"available": "Available", "ringing": "Ringing", "on_call": "On call", "wrap_up": "Wrap-up",
                "paused": "Paused", "offline": "Offline", "disabled": "Disabled"}


@dataclass
class DeskStatus:
    """What the status bar on top shows: who I am, my state and since when, and the counters that need me."""

    operator: str
    department: str
    state: str = "available"
    state_reason: str = ""
    state_since: datetime | None = None
    waiting: int = 0
    late: int = 0
    alerts: int = 0  # escalations waiting for a lead
    notices: int = 0  # call-back notices standing: assigned to me, due soon, overdue, back in the pool
    unread: int = 0  # notices others left me (desk/notices.py) not read yet
    callbacks_due: int = 0  # my call-backs due soon or overdue
    link: str = ""  # the call source's link state, "" when there is none
    offline: bool = False  # the database is away: work is kept in the local journal


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class StatusBar(Static):
    def show(self, status: DeskStatus, now: datetime) -> None:
        state = STATE_LABELS.get(status.state, status.state)
        if status.state_reason:
            state += f" ({status.state_reason})"
        if status.state_since is not None:
            state += f" {_duration((now - status.state_since).total_seconds())}"
        # Most needed first: on a narrow terminal the end of the line is what gets cut.
        parts: list[str | tuple[str, str]] = [
            (" DATABASE OFFLINE, reconnecting ", "bold reverse $error") if status.offline else "",
            (f" {status.operator} ", "bold"),
            (f" {state} ",
             "bold reverse $success" if status.state == OperatorState.AVAILABLE else "bold reverse $warning"),
            "  waiting ", (str(status.waiting), "bold"),
        ]
        if status.late:
            parts += ["  ", (f"{status.late} late", "bold $error")]
        if status.callbacks_due:
            parts += ["  ", (f"{status.callbacks_due} call-back{'s' if status.callbacks_due > 1 else ''} due",
                             "bold $warning")]
        if count := status.notices + status.unread:
            parts += ["  ", (f"{count} notice{'s' if count > 1 else ''} (ctrl+t)",
                             "bold $warning" if status.unread else "$warning")]
        if status.alerts:
            parts += ["  ", (f"{status.alerts} alert{'s' if status.alerts > 1 else ''} (ctrl+a)", "bold $warning")]
        parts.append(f"  {now.astimezone():%H:%M:%S}  {status.department}")
        if status.link:
            parts.append(f"  · {status.link}")
        self.update(Content.assemble(*parts), layout=False)  # one line, always: a repaint, not a screen re-layout
