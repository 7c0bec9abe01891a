"""Notices about call-backs: what a console should tell its operator now. A pure function of a snapshot and the
clock, cheap enough to run every second; each notice has a key that stays the same while its cause lasts, so the
console toasts a key once and counts the keys still standing until they are dealt with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from calldesk.desk.callbacks.lateness import is_due_soon, is_overdue
from calldesk.desk.callbacks.lines import CallbackLine
from calldesk.desk.callbacks.times import describe_moment
from calldesk.i18n import N_, _, format_count, ngettext

NOTICE_KINDS = ("assigned", "due_soon", "overdue", "returned")
SEVERITY = {"assigned": "information", "due_soon": "warning", "overdue": "error", "returned": "warning"}


class Notice(NamedTuple):  # a tuple: thousands are made every second on a lead's console
    kind: str  # one of NOTICE_KINDS
    line: CallbackLine

    @property
    def key(self) -> tuple[str, int, datetime | None]:
        """Equal across ticks while the cause is the same; a new assignment or due time makes a new notice."""
        marker = self.line.assigned_at if self.kind in ("assigned", "returned") else self.line.due_at
        return self.kind, self.line.id, marker

    @property
    def severity(self) -> str:
        """Textual's notify severity: information, warning or error."""
        return SEVERITY[self.kind]


class Viewer(NamedTuple):
    id: int
    login: str
    is_lead: bool


def notices_for(lines: Iterable[CallbackLine], viewer: Viewer, now: datetime, due_soon: timedelta) -> list[Notice]:
    """The notices standing now for one console.

    Mine: assigned to me by someone else and not yet touched; due within ``due_soon``; overdue.
    A lead also sees every overdue call-back and every one that went back to the pool.
    """
    # locals: this loop runs over every call-back a lead can see, every second
    me, my_login, is_lead = viewer.id, viewer.login, viewer.is_lead
    notices: list[Notice] = []
    append = notices.append
    for line in lines:
        owner, due = line.assignee_id, line.due_at
        if owner == me:
            if line.assigned_by not in (my_login, "") and line.untouched:
                append(Notice("assigned", line))
            if is_overdue(due, now):
                append(Notice("overdue", line))
            elif is_due_soon(due, now, due_soon):
                append(Notice("due_soon", line))
        elif is_lead:
            if is_overdue(due, now):
                append(Notice("overdue", line))
            if owner is None and line.released_from:
                append(Notice("returned", line))
    return notices


def describe_notice(notice: Notice, now: datetime, zone: tzinfo | None = None) -> str:
    """The notice in a line, in the console's words, times on the clock of ``zone`` (None: this machine's)."""
    line = notice.line
    about = f"{line.caller}: {line.reason}" if line.caller else line.reason
    who = line.released_from if notice.kind == "returned" else line.assigned_by
    return _(_NOTICE_LINES[notice.kind]).format(who=who, due=describe_moment(line.due_at, zone, now), about=about,
                                                 owner=line.owner, pool=line.pool)


_NOTICE_LINES = {  # through _()
    "assigned": N_("Call-back assigned to you by {who}, due {due}. {about}"),
    "due_soon": N_("Call-back due {due}. {about}"),
    "overdue": N_("Overdue call-back ({owner}), was due {due}. {about}"),
    "returned": N_("Back in the {pool} pool from {who}, due {due}. {about}"),
}
_KIND_WORDS = {"assigned": N_("{count} newly assigned to you"), "due_soon": N_("{count} due soon"),
               "overdue": N_("{count} overdue"), "returned": N_("{count} back in a pool")}  # through _()


def summarize_notices(notices: list[Notice]) -> str:
    """Many notices at once (a console starting on a backlog) in one line: how many of each kind."""
    counts = {kind: sum(1 for n in notices if n.kind == kind) for kind in NOTICE_KINDS}
    parts = ", ".join(_(_KIND_WORDS[kind]).format(count=format_count(count))
                      for kind, count in counts.items() if count)
    return ngettext("{count} call-back notice: {parts}. F9 opens the board.",
                    "{count} call-back notices: {parts}. F9 opens the board.", len(notices)).format(
        count=format_count(len(notices)), parts=parts)


def most_severe(notices: list[Notice]) -> str:
    """The severity a summary of these notices is shown with."""
    order = ("information", "warning", "error")
    return max((n.severity for n in notices), key=order.index, default="information")
