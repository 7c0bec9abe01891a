"""Open call-backs as the desk lists them: my list, one call-back, and the snapshot the notices are computed from.
Rows come back as plain ``CallbackLine``s; the lead's board (calldesk/desk/callbacks/board.py) reads them here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from peewee import JOIN

from calldesk.desk.callbacks.lateness import is_due_soon, is_overdue, overdue_condition
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.context import Desk
from calldesk.desk.errors import NotFound
from calldesk.desk.operators.permissions import Action, may
from calldesk.i18n import N_, _
from calldesk.phones import format_phone
from calldesk.store.models import CallBack, Client, Operator, database
from calldesk.store.prepared import Prepared

Owner = Operator.alias("owner")
Creator = Operator.alias("creator")
STATUS_NAMES = {CallbackStatus.OPEN: N_("open"), CallbackStatus.DONE: N_("done"),
                CallbackStatus.CANCELLED: N_("cancelled")}  # shown through _()
# What a line is read from, each column under the name the line is built by (rows come back in this order)
_COLUMNS = {
    "id": CallBack.id, "version": CallBack.version, "status": CallBack.status, "client_id": CallBack.client,
    "number_e164": CallBack.number_e164, "number_raw": CallBack.number_raw, "reason": CallBack.reason,
    "due_at": CallBack.due_at, "sla_deadline": CallBack.sla_deadline, "assignee_id": CallBack.assignee,
    "pool": CallBack.pool, "attempts": CallBack.attempts, "created_at": CallBack.created_at,
    "assigned_at": CallBack.assigned_at, "assigned_by": CallBack.assigned_by, "touched_at": CallBack.touched_at,
    "released_from": CallBack.released_from, "client_zone": CallBack.client_zone, "outcome": CallBack.outcome,
    "current_call": CallBack.current_call, "client_name": Client.name, "owner_login": Owner.login,
    "owner_name": Owner.name, "owner_department": Owner.department, "creator": Creator.name,
}


class CallbackLine(NamedTuple):
    """One call-back as the desk lists it: a row of the lead's board, of my list or of the notices' snapshot."""

    id: int
    version: int
    status: str  # open | done | cancelled
    client_id: int | None
    client_name: str  # "" for a caller who is not a client yet
    number_e164: str | None
    number_raw: str
    region: str  # the desk's phone region, for showing the number
    reason: str
    due_at: datetime
    sla_deadline: datetime
    assignee_id: int | None
    owner_login: str  # "" while it waits in a pool
    owner_name: str
    department: str  # the owner's department, or the pool's
    pool: str
    created_by: str  # a name; "" when the desk made it (an abandoned call)
    attempts: int
    created_at: datetime
    assigned_at: datetime | None
    assigned_by: str  # a login, or "system"
    touched_at: datetime | None
    released_from: str  # the login it went back to the pool from, until someone takes it
    client_zone: str
    outcome: str
    on_the_line: bool  # a try is on the line right now

    @property
    def number(self) -> str:
        """Formatted for the desk's region; only when shown, as most rows show the client's name instead."""
        return format_phone(self.number_e164, self.number_raw, self.region) if self.number_raw else ""

    @property
    def owner(self) -> str:
        return self.owner_name or _("{department} pool").format(department=self.pool)

    @property
    def caller(self) -> str:
        return self.client_name or self.number

    @property
    def untouched(self) -> bool:
        """Not started, tried or rescheduled by its owner since they got it."""
        return self.touched_at is None or (self.assigned_at is not None and self.touched_at < self.assigned_at)

    def state(self, now: datetime, due_soon: timedelta) -> str:
        """The most pressing of: overdue, due_soon, unassigned, scheduled (callbacks/lateness.py)."""
        if is_overdue(self.due_at, now):
            return "overdue"
        if is_due_soon(self.due_at, now, due_soon):
            return "due_soon"
        return "unassigned" if self.assignee_id is None else "scheduled"

    def seconds_left(self, now: datetime) -> float:
        """Time left to the promised time, what the owner works to; negative once it has passed."""
        return (self.due_at - now).total_seconds()


def line_query():
    return (
        CallBack.select(*_COLUMNS.values())
        .join_from(CallBack, Client, JOIN.LEFT_OUTER, on=(CallBack.client == Client.id))
        .join_from(CallBack, Owner, JOIN.LEFT_OUTER, on=(CallBack.assignee == Owner.id))
        .join_from(CallBack, Creator, JOIN.LEFT_OUTER, on=(CallBack.created_by == Creator.id))
    )


def read_lines(desk: Desk, query) -> list[CallbackLine]:
    """The lines of a query made from ``line_query()``."""
    return _lines(desk.region, database.execute(query))


def _lines(region: str, rows: Iterable[tuple]) -> list[CallbackLine]:
    """Lines from rows of _COLUMNS as the database gives them, each read by its columns' names."""
    return [_line(region, dict(zip(_COLUMNS, row, strict=True))) for row in rows]


def _line(region: str, row: dict[str, object]) -> CallbackLine:
    moment = CallBack.due_at.python_value  # times come as the database keeps them: epoch seconds
    return CallbackLine(
        id=row["id"], version=row["version"], status=row["status"], client_id=row["client_id"],
        client_name=row["client_name"] or "", number_e164=row["number_e164"], number_raw=row["number_raw"],
        region=region, reason=row["reason"], due_at=moment(row["due_at"]), sla_deadline=moment(row["sla_deadline"]),
        assignee_id=row["assignee_id"], owner_login=row["owner_login"] or "", owner_name=row["owner_name"] or "",
        department=row["owner_department"] or row["pool"], pool=row["pool"], created_by=row["creator"] or "",
        attempts=row["attempts"], created_at=moment(row["created_at"]), assigned_at=moment(row["assigned_at"]),
        assigned_by=row["assigned_by"], touched_at=moment(row["touched_at"]), released_from=row["released_from"],
        client_zone=row["client_zone"], outcome=row["outcome"], on_the_line=row["current_call"] is not None,
    )


def line_of(desk: Desk, callback_id: int) -> CallbackLine:
    """One call-back as the board shows it, whatever its status."""
    rows = read_lines(desk, line_query().where(CallBack.id == callback_id))
    if not rows:
        raise NotFound(_("call-back {callback} does not exist").format(callback=callback_id))
    return rows[0]


def get_viewer(viewer_id: int) -> Operator:
    viewer = Operator.get_or_none(Operator.id == viewer_id)
    if viewer is None:
        raise NotFound(_("operator {operator} does not exist").format(operator=viewer_id))
    return viewer


def _open_by_due_time(condition):
    return (line_query().where((CallBack.status == CallbackStatus.OPEN) & condition)
            .order_by(CallBack.due_at, CallBack.id))


# The console reads my list again on every change at the desk: its two statements are built once (store.prepared),
# and each walks the due-time index and stops at the limit, where one statement over both would first sort every
# open call-back of the pool.
_MINE = Prepared(lambda operator_id, limit: _open_by_due_time(CallBack.assignee == operator_id).limit(limit))
_POOL = Prepared(lambda department, limit: _open_by_due_time(
    CallBack.assignee.is_null() & (CallBack.pool == department)).limit(limit))
ALL_ROWS = 2**62  # a limit no list reaches


def my_callbacks(desk: Desk, operator_id: int, *, with_pool: bool = True, limit: int | None = None
                 ) -> list[CallbackLine]:
    """My open call-backs by due time, then (with_pool) those waiting in my department's pool for anyone; the first
    ``limit`` of them when given (a backlog of a thousand in the pool is the board's to show)."""
    me = get_viewer(operator_id)
    wanted = ALL_ROWS if limit is None else limit
    mine = _lines(desk.region, _MINE.rows(operator_id=me.id, limit=wanted))
    if not with_pool or len(mine) >= wanted:
        return mine
    return mine + _lines(desk.region, _POOL.rows(department=me.department, limit=wanted - len(mine)))


def notice_snapshot(desk: Desk, viewer_id: int) -> list[CallbackLine]:
    """What the notices are computed from: my open call-backs, and for a lead every overdue or released one."""
    viewer = get_viewer(viewer_id)
    condition = CallBack.assignee == viewer.id
    if may(viewer, Action.SEE_EVERY_CALLBACK):
        condition |= overdue_condition(desk.clock.now()) | (
            CallBack.assignee.is_null() & (CallBack.released_from != ""))
    return read_lines(desk, line_query().where((CallBack.status == CallbackStatus.OPEN) & condition)
                      .order_by(CallBack.due_at))


def callback_of_call(desk: Desk, call_id: int) -> CallbackLine | None:
    """The call-back a live outbound call is trying: how a restarted console knows to offer its outcomes."""
    lines = read_lines(desk, line_query().where(CallBack.current_call == call_id))
    return lines[0] if lines else None
