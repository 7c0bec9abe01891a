"""Open call-backs as the desk lists them: the lead's board (sorted, filtered, a page at a time), my list, and the
snapshot the notices are computed from. One query shape, joined once; rows come back as plain ``CallbackLine``s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import JOIN, Case, fn

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.phones import format_phone
from calldesk.store.models import CallBack, Client, Operator

BOARD_LIMIT = 300  # rows the board shows at once; the counts still cover every match
BOARD_STATES = ("overdue", "due_soon", "unassigned")
BOARD_SORTS = ("deadline", "due", "owner", "client", "created")

Owner = Operator.alias("owner")
Creator = Operator.alias("creator")


@dataclass(frozen=True)
class CallbackLine:
    id: int
    version: int
    status: str  # open | done | cancelled
    client_id: int | None
    client_name: str  # "" for a caller who is not a client yet
    number: str  # formatted for the desk's region
    number_e164: str | None
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
    def owner(self) -> str:
        return self.owner_name or f"{self.pool} pool"

    @property
    def caller(self) -> str:
        return self.client_name or self.number

    @property
    def untouched(self) -> bool:
        """Not started, tried or rescheduled by its owner since they got it."""
        return self.touched_at is None or (self.assigned_at is not None and self.touched_at < self.assigned_at)

    def state(self, now: datetime, due_soon: timedelta) -> str:
        """The most pressing of: overdue, due_soon, unassigned, scheduled."""
        if self.due_at <= now:
            return "overdue"
        if self.due_at <= now + due_soon:
            return "due_soon"
        return "unassigned" if self.assignee_id is None else "scheduled"

    def seconds_left(self, now: datetime) -> float:
        """Time left to the SLA deadline; negative once it has passed."""
        return (self.sla_deadline - now).total_seconds()


@dataclass(frozen=True)
class BoardFilter:
    owner: str = ""  # an operator's login or a department id (its pool); "" for every owner
    department: str = ""  # the owner's department or the pool's
    state: str = ""  # "", or one of BOARD_STATES
    text: str = ""  # in the client's name, the number, the reason or the owner's name
    sort: str = "deadline"  # one of BOARD_SORTS
    limit: int | None = BOARD_LIMIT


@dataclass(frozen=True)
class BoardCounts:
    open: int
    overdue: int
    due_soon: int
    unassigned: int


@dataclass(frozen=True)
class BoardPage:
    lines: tuple[CallbackLine, ...]
    matching: int  # every open call-back the filter matches, shown or not
    counts: BoardCounts  # over everything the viewer may see, whatever the filter


def _line_query():
    return (
        CallBack.select(
            CallBack.id, CallBack.version, CallBack.status, CallBack.client, CallBack.number_e164,
            CallBack.number_raw, CallBack.reason, CallBack.due_at, CallBack.sla_deadline, CallBack.assignee,
            CallBack.pool, CallBack.attempts, CallBack.created_at, CallBack.assigned_at, CallBack.assigned_by,
            CallBack.touched_at, CallBack.released_from, CallBack.client_zone, CallBack.outcome,
            CallBack.current_call, Client.name.alias("client_name"), Owner.login.alias("owner_login"),
            Owner.name.alias("owner_name"), Owner.department.alias("owner_department"),
            Creator.name.alias("creator_name"),
        )
        .join_from(CallBack, Client, JOIN.LEFT_OUTER, on=(CallBack.client == Client.id))
        .join_from(CallBack, Owner, JOIN.LEFT_OUTER, on=(CallBack.assignee == Owner.id))
        .join_from(CallBack, Creator, JOIN.LEFT_OUTER, on=(CallBack.created_by == Creator.id))
    )


def _line(desk: Desk, row: dict[str, Any]) -> CallbackLine:
    return CallbackLine(
        id=row["id"], version=row["version"], status=row["status"], client_id=row["client"],
        client_name=row["client_name"] or "",
        number=format_phone(row["number_e164"] or row["number_raw"], desk.region) if row["number_raw"] else "",
        number_e164=row["number_e164"], reason=row["reason"], due_at=row["due_at"],
        sla_deadline=row["sla_deadline"], assignee_id=row["assignee"], owner_login=row["owner_login"] or "",
        owner_name=row["owner_name"] or "", department=row["owner_department"] or row["pool"], pool=row["pool"],
        created_by=row["creator_name"] or "", attempts=row["attempts"], created_at=row["created_at"],
        assigned_at=row["assigned_at"], assigned_by=row["assigned_by"], touched_at=row["touched_at"],
        released_from=row["released_from"], client_zone=row["client_zone"], outcome=row["outcome"],
        on_the_line=row["current_call"] is not None,
    )


def _lines(desk: Desk, query) -> list[CallbackLine]:
    return [_line(desk, row) for row in query.dicts()]


def line_of(desk: Desk, callback_id: int) -> CallbackLine:
    """One call-back as the board shows it, whatever its status."""
    rows = _lines(desk, _line_query().where(CallBack.id == callback_id))
    if not rows:
        raise NotFound(f"call-back {callback_id} does not exist")
    return rows[0]


def _viewer(viewer_id: int) -> Operator:
    viewer = Operator.get_or_none(Operator.id == viewer_id)
    if viewer is None:
        raise NotFound(f"operator {viewer_id} does not exist")
    return viewer


def _scope(viewer: Operator):
    """What a person may see on the board: a lead everything open, an operator their own."""
    is_open = CallBack.status == "open"
    return is_open if viewer.role == "lead" else is_open & (CallBack.assignee == viewer.id)


def _owner_condition(desk: Desk, owner: str):
    operator = Operator.get_or_none(Operator.login == owner)
    if operator is not None:
        return CallBack.assignee == operator.id
    if desk.config.department(owner) is not None:
        return CallBack.assignee.is_null() & (CallBack.pool == owner)
    raise DeskError(f"no operator or department called {owner!r}")


def _state_condition(state: str, now: datetime, due_soon: timedelta):
    match state:
        case "overdue":
            return CallBack.due_at <= now
        case "due_soon":
            return (CallBack.due_at > now) & (CallBack.due_at <= now + due_soon)
        case "unassigned":
            return CallBack.assignee.is_null()
    raise DeskError(f"state {state!r} is not one of {', '.join(BOARD_STATES)}")


def _ordering(sort: str) -> tuple:
    match sort:
        case "deadline":
            return CallBack.sla_deadline, CallBack.id
        case "due":
            return CallBack.due_at, CallBack.id
        case "owner":
            return fn.COALESCE(Owner.name, CallBack.pool), CallBack.sla_deadline, CallBack.id
        case "client":
            return fn.COALESCE(Client.name, CallBack.number_raw), CallBack.sla_deadline, CallBack.id
        case "created":
            return CallBack.created_at.desc(), CallBack.id.desc()
    raise DeskError(f"sort {sort!r} is not one of {', '.join(BOARD_SORTS)}")


def board_page(desk: Desk, viewer_id: int, wanted: BoardFilter = BoardFilter()) -> BoardPage:
    """The open call-backs a viewer may see, filtered and sorted in the database, with the board's counters."""
    viewer = _viewer(viewer_id)
    now = desk.clock.now()
    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    scope = _scope(viewer)
    condition = scope
    if wanted.owner:
        condition &= _owner_condition(desk, wanted.owner)
    if wanted.department:
        condition &= (Owner.department == wanted.department) | (
            CallBack.assignee.is_null() & (CallBack.pool == wanted.department))
    if wanted.state:
        condition &= _state_condition(wanted.state, now, due_soon)
    if text := wanted.text.strip():
        condition &= (Client.name.contains(text) | CallBack.reason.contains(text) | Owner.name.contains(text)
                      | CallBack.number_e164.contains(text) | CallBack.number_raw.contains(text)
                      | CallBack.pool.contains(text))
    query = _line_query().where(condition).order_by(*_ordering(wanted.sort))
    if wanted.limit is not None:
        query = query.limit(wanted.limit)
    lines = tuple(_lines(desk, query))
    if wanted.limit is None or len(lines) < wanted.limit:
        matching = len(lines)
    else:
        matching = _line_query().where(condition).count()
    return BoardPage(lines=lines, matching=matching, counts=board_counts(desk, viewer_id, scope=scope))


def board_counts(desk: Desk, viewer_id: int, scope=None) -> BoardCounts:
    """How many open call-backs the viewer may see: all, overdue, due soon and waiting in a pool."""
    now = desk.clock.now()
    soon = now + timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    scope = scope if scope is not None else _scope(_viewer(viewer_id))

    def tally(condition):
        return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)

    row = (
        CallBack.select(
            fn.COUNT(CallBack.id).alias("open"),
            tally(CallBack.due_at <= now).alias("overdue"),
            tally((CallBack.due_at > now) & (CallBack.due_at <= soon)).alias("due_soon"),
            tally(CallBack.assignee.is_null()).alias("unassigned"),
        )
        .where(scope)
        .dicts()
        .get()
    )
    return BoardCounts(open=row["open"], overdue=int(row["overdue"]), due_soon=int(row["due_soon"]),
                       unassigned=int(row["unassigned"]))


def my_callbacks(desk: Desk, operator_id: int, *, with_pool: bool = True) -> list[CallbackLine]:
    """My open call-backs by due time, then (with_pool) those waiting in my department's pool for anyone."""
    me = _viewer(operator_id)
    condition = CallBack.assignee == me.id
    if with_pool:
        condition |= CallBack.assignee.is_null() & (CallBack.pool == me.department)
    lines = _lines(desk, _line_query().where((CallBack.status == "open") & condition).order_by(CallBack.due_at,
                                                                                              CallBack.id))
    return sorted(lines, key=lambda line: line.assignee_id is None)  # mine first; sorted() keeps due order


def notice_snapshot(desk: Desk, viewer_id: int) -> list[CallbackLine]:
    """What the notices are computed from: my open call-backs, and for a lead every overdue or released one."""
    viewer = _viewer(viewer_id)
    condition = CallBack.assignee == viewer.id
    if viewer.role == "lead":
        condition |= (CallBack.due_at <= desk.clock.now()) | (
            CallBack.assignee.is_null() & (CallBack.released_from != ""))
    return _lines(desk, _line_query().where((CallBack.status == "open") & condition).order_by(CallBack.due_at))


def callback_of_call(desk: Desk, call_id: int) -> CallbackLine | None:
    """The call-back a live outbound call is trying: how a restarted console knows to offer its outcomes."""
    lines = _lines(desk, _line_query().where(CallBack.current_call == call_id))
    return lines[0] if lines else None
