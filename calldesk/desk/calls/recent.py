"""My recent calls: the calls an operator answered lately and how each ended, a wrap-up whose time ran out among
them ("wrap-up not finished", its draft notes kept), to finish with handling.wrap_up as F6 would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk.calls.states import CallStatus
from calldesk.desk.calls.wrap_up_limit import left_unfinished, wrap_up_is_over
from calldesk.desk.context import Desk
from calldesk.phones import format_phone
from calldesk.store.models import Call, Client, NoteDraft

RECENT_LIMIT = 30  # a shift's calls, about: the list is for finishing today's paperwork, not history (the dossier's)


@dataclass(frozen=True, slots=True)
class RecentCall:
    """One of my recent calls, as My recent calls lists it."""

    id: int
    answered_at: datetime
    caller: str  # the client's name, else the name the PBX gave, else the number
    queue: str
    status: str  # as the calls table keeps it: answered (live), completed, transferred
    disposition: str  # "" until wrapped up
    unfinished: bool  # its wrap-up time ran out before a disposition was chosen
    draft: str  # the notes typed and not yet kept: what finishing the wrap-up keeps with the call

    @property
    def wrapping_up(self) -> bool:
        """Still in its wrap-up time: F6 on the desk finishes it."""
        return self.status != CallStatus.ANSWERED and not self.disposition and not self.unfinished


def my_recent_calls(desk: Desk, operator_id: int, limit: int = RECENT_LIMIT) -> list[RecentCall]:
    """The operator's last ``limit`` answered calls, newest first, each with its outcome and its kept draft."""
    rows = (Call.select(Call.id, Call.answered_at, Call.ended_at, Call.wrapped_at, Call.queue, Call.status,
                        Call.disposition, Call.caller_name, Call.number_e164, Call.number_raw, Client.name)
            .join(Client, JOIN.LEFT_OUTER, on=(Call.client == Client.id))
            .where((Call.operator == operator_id) & Call.answered_at.is_null(False))
            .order_by(Call.answered_at.desc()).limit(limit).tuples())
    calls = list(rows)
    drafts = dict(NoteDraft.select(NoteDraft.call, NoteDraft.body).where(
        (NoteDraft.operator == operator_id) & NoteDraft.call.in_([row[0] for row in calls])).tuples()) if calls else {}
    recent = []
    for call_id, answered, ended, wrapped, queue, status, disposition, caller, e164, raw, name in calls:
        # a wrap-up over by the clock that nobody has closed yet is as unfinished as one the limit closed
        over = wrapped is None and status != CallStatus.ANSWERED and wrap_up_is_over(desk, queue, ended)
        recent.append(RecentCall(
            id=call_id, answered_at=answered, caller=name or caller or format_phone(e164, raw, desk.region),
            queue=queue, status=status, disposition=disposition,
            unfinished=over or left_unfinished(disposition, ended, wrapped), draft=drafts.get(call_id, ""),
        ))
    return recent
