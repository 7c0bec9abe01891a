"""Caller badges: what an operator should know about a caller before answering (a VIP, called earlier today, a
call-back promised and maybe late, a complaint open), read with the waiting calls in the queue's one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from peewee import Case, fn

from calldesk.config import TAG_SEPARATORS
from calldesk.desk.callbacks.lateness import overdue_condition
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.context import Desk
from calldesk.desk.feedback.status import FeedbackStatus
from calldesk.desk.stats.period import days_period, today
from calldesk.i18n import N_, _
from calldesk.store.models import Call, CallBack, Client, Feedback
from calldesk.store.prepared import Prepared


class CallerBadges(NamedTuple):
    """What the queue row and the dossier header flag about a client."""

    vip: bool = False  # tagged with the config's vip_tag
    calls_today: int = 0  # the client's calls over today (rung or called): not the one ringing or on the line
    callback: str = ""  # "open" for a call-back promised and still open, "late" once past its promised time
    complaint: bool = False  # a complaint not resolved yet


NO_BADGES = CallerBadges()


@dataclass(frozen=True, slots=True)
class Badge:
    """One badge as shown: a short mark for the queue's narrow column, words for the dossier header."""

    kind: str  # vip | today | callback | late_callback | complaint: what the screens style it by
    mark: str
    words: str  # what the dossier writes after the mark


# Each badge's mark and what it means, in the order they are shown: F1 lists these as the legend.
LEGEND = (
    ("★", N_("VIP: the client has the config's VIP tag")),
    ("2×", N_("calls today: how often the client called or was called earlier today")),
    ("↻", N_("an open call-back; in red, it is past its promised time")),
    ("!", N_("an open complaint")),
)


def has_tag(tags: str, tag: str) -> bool:
    """Whether a client's tags (as stored, "a, b") include ``tag``, whatever its case; no tag matches "" ."""
    wanted = tag.strip().casefold()
    return bool(wanted) and any(t.strip().casefold() == wanted for t in TAG_SEPARATORS.split(tags))


def shown(badges: CallerBadges) -> list[Badge]:
    """The badges to show, in the legend's order; none for a caller with nothing to flag."""
    out = []
    if badges.vip:
        out.append(Badge("vip", "★", _("VIP")))
    if badges.calls_today:
        out.append(Badge("today", f"{badges.calls_today}×", _("today")))  # read after its mark: "2× today"
    if badges.callback == "late":
        out.append(Badge("late_callback", "↻", _("late call-back")))
    elif badges.callback == "open":
        out.append(Badge("callback", "↻", _("call-back open")))
    if badges.complaint:
        out.append(Badge("complaint", "!", _("complaint open")))
    return out


# The call-back column gives the most pressing of the client's open call-backs (MAX: late, 2, over open, 1), NULL
# when none is open
_CALLBACK_STATES = {None: "", 1: "open", 2: "late"}


def badge_columns(day_start: object, now: object) -> tuple:
    """SQL: what a client's badges are made from, correlated on ``Client.id``, for a select that reads the client
    table (the queue's read joins it). Each figure is a short walk of one of its table's client indexes (call:
    client, arrived_at; call_back: client; feedback: client, status), so 500 waiting callers cost 500 such walks a
    figure whatever the tables' size. Values as stored: ``badge_moments`` gives them."""
    is_open = (CallBack.client == Client.id) & (CallBack.status == CallbackStatus.OPEN)
    late = overdue_condition(now)
    return (
        Client.tags,
        Call.select(fn.COUNT(Call.id)).where(
            (Call.client == Client.id) & (Call.arrived_at >= day_start) & Call.ended_at.is_null(False)),
        CallBack.select(fn.MAX(Case(None, [(late, 2)], 1))).where(is_open),
        fn.EXISTS(Feedback.select(Feedback.id).where(
            (Feedback.client == Client.id) & (Feedback.kind == "complaint")
            & (Feedback.status != FeedbackStatus.RESOLVED))),
    )


def badge_moments(desk: Desk) -> dict[str, object]:
    """The values ``badge_columns`` is run with, as stored: the start of the desk's today, and now."""
    day = today(desk)
    return {"day_start": Call.arrived_at.db_value(days_period(desk, day, day).start),
            "now": CallBack.due_at.db_value(desk.clock.now())}


def badges_of(desk: Desk, tags: str | None, calls_today: int, callback: int | None, complaint: object) -> CallerBadges:
    """A client's badges from the values of ``badge_columns``; NO_BADGES itself when there is nothing to flag."""
    badges = CallerBadges(has_tag(tags or "", desk.config.vip_tag), calls_today or 0, _CALLBACK_STATES[callback],
                          bool(complaint))
    return NO_BADGES if badges == NO_BADGES else badges


_BADGES = Prepared(lambda client_ids, day_start, now: Client.select(
    Client.id, *badge_columns(day_start, now)).where(Client.id.in_(client_ids)))


def caller_badges(desk: Desk, client_ids: Iterable[int | None]) -> dict[int, CallerBadges]:
    """The badges of these clients (None, an unknown caller, is skipped), by client id; a client with nothing to
    flag is left out. The queue reads its callers' badges with its calls (``queue.waiting_calls``)."""
    ids = sorted({client_id for client_id in client_ids if client_id is not None})
    if not ids:
        return {}
    found = {}
    for client_id, *figures in _BADGES.rows_in_batches("client_ids", ids, **badge_moments(desk)):
        badges = badges_of(desk, *figures)
        if badges is not NO_BADGES:
            found[client_id] = badges
    return found
