"""Notices: what changed for an operator by someone else's hand (a call-back given to them or taken away, an
escalation acknowledged, a call transferred to them), kept in the database until they read it, so a console that
was closed, or another machine's console, learns it too.

A notice is stored as text, written in its reader's language (theirs, else the desk's) whoever's console or command
caused it: the reader is the one person it is for. Notices stored before keep the words they were written in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from calldesk.desk.context import Desk
from calldesk.desk.operators.language import operator_language
from calldesk.i18n import choose_language, translate_to
from calldesk.store.models import Notice, Operator
from calldesk.store.prepared import Prepared

SHOWN = 50  # the newest notices the list shows


class NoticeKind(StrEnum):
    CALLBACK_GIVEN = "callback_given"
    CALLBACK_TAKEN = "callback_taken"
    ESCALATION_ACKNOWLEDGED = "escalation_acknowledged"
    CALL_TRANSFERRED = "call_transferred"
    CALL_SUPERVISED = "call_supervised"  # a lead whispers on the call or joins it


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A notice as the list shows it."""

    id: int
    kind: str
    text: str
    by: str  # the name of who caused it; "" for the desk itself
    at: datetime
    read: bool


def post_notice(desk: Desk, operator_id: int, kind: NoticeKind, message: str, by: str = "", **fields: object) -> None:
    """Tell an operator of a change made by ``by`` (a login); runs inside the change's own transaction.
    ``message``: English marked with N_(), its {fields} given by name; it is stored in the reader's language."""
    language = choose_language(operator_language(operator_id), desk.config.language)
    text = translate_to(language, message).format(**fields)
    Notice.create(operator=operator_id, kind=kind, text=text, by=by, created_at=desk.clock.now())


_NOTICES = Prepared(lambda operator_id, limit: (
    Notice.select(Notice.id, Notice.kind, Notice.text, Notice.by, Notice.created_at, Notice.read_at)
    .where(Notice.operator == operator_id).order_by(Notice.id.desc()).limit(limit)
))
_UNREAD = Prepared(lambda operator_id: Notice.select(Notice.id, Notice.kind, Notice.text, Notice.by,
                                                      Notice.created_at, Notice.read_at)
                   .where((Notice.operator == operator_id) & Notice.read_at.is_null()).order_by(Notice.id))


def _views(rows: list[tuple]) -> list[NoticeView]:
    logins = {row[3] for row in rows if row[3]}
    names = dict(Operator.select(Operator.login, Operator.name).where(Operator.login.in_(list(logins))).tuples()) \
        if logins else {}
    moment = Notice.created_at.python_value
    return [NoticeView(notice_id, kind, text, names.get(by, by), moment(at), read_at is not None)
            for notice_id, kind, text, by, at, read_at in rows]


def unread_notices(operator_id: int) -> list[NoticeView]:
    """The operator's notices not read yet, oldest first: what the console toasts and counts."""
    return _views(_UNREAD.rows(operator_id=operator_id))


def notices_of(operator_id: int, limit: int = SHOWN) -> list[NoticeView]:
    """The operator's newest notices, read or not, newest first: the list behind the status bar's count."""
    return _views(_NOTICES.rows(operator_id=operator_id, limit=limit))


def mark_read(desk: Desk, operator_id: int) -> int:
    """Every notice of the operator is read now; the number marked."""
    return (Notice.update(read_at=desk.clock.now())
            .where((Notice.operator == operator_id) & Notice.read_at.is_null()).execute())
