"""Open call-backs as the desk lists them: the lead's board (sorted, filtered, a page at a time), my list, and the
snapshot the notices are computed from. Rows come back as plain ``CallbackLine``s.

The board reads in two steps so 20,000 open call-backs stay quick: the ids of one page, sorted and filtered over
narrow rows with only the joins the filter needs, then those rows in full. Its counters come from indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN, Case, fn

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.phones import digits_of, format_phone
from calldesk.store.models import CallBack, Client, Operator

BOARD_LIMIT = 200  # rows the board shows at once (seven screens); more matches say so, the filter narrows them
BOARD_STATES = ("overdue", "due_soon", "unassigned")
BOARD_SORTS = ("deadline", "due", "state", "owner", "department", "newest")

Owner = Operator.alias("owner")
Creator = Operator.alias("creator")
_COLUMNS = (
    CallBack.id, CallBack.version, CallBack.status, CallBack.client, CallBack.number_e164, CallBack.number_raw,
    CallBack.reason, CallBack.due_at, CallBack.sla_deadline, CallBack.assignee, CallBack.pool, CallBack.attempts,
    CallBack.created_at, CallBack.assigned_at, CallBack.assigned_by, CallBack.touched_at, CallBack.released_from,
    CallBack.client_zone, CallBack.outcome, CallBack.current_call, Client.name, Owner.login, Owner.name,
    Owner.department, Creator.name,
)


@dataclass(frozen=True)
class CallbackLine:
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
        return format_phone(self.number_e164 or self.number_raw, self.region) if self.number_raw else ""

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
    """The lead's choice of which call-backs the board shows and in which order; the defaults show every one."""

    owner: str = ""  # an operator's login or a department id (its pool); "" for every owner
    department: str = ""  # the owner's department or the pool's
    state: str = ""  # "", or one of BOARD_STATES
    text: str = ""  # in the client's name, the reason or the owner's name; digits search the number
    sort: str = "deadline"  # one of BOARD_SORTS
    limit: int | None = BOARD_LIMIT


@dataclass(frozen=True)
class BoardCounts:
    """The call-back board's counters, over every call-back the viewer may see."""

    open: int
    overdue: int
    due_soon: int
    unassigned: int


@dataclass(frozen=True)
class BoardPage:
    """One page of the lead's call-back board, with the counters shown above it."""

    lines: tuple[CallbackLine, ...]
    more: bool  # more call-backs match than are shown
    counts: BoardCounts  # over everything the viewer may see, whatever the filter


def _line_query():
    return (
        CallBack.select(*_COLUMNS)
        .join_from(CallBack, Client, JOIN.LEFT_OUTER, on=(CallBack.client == Client.id))
        .join_from(CallBack, Owner, JOIN.LEFT_OUTER, on=(CallBack.assignee == Owner.id))
        .join_from(CallBack, Creator, JOIN.LEFT_OUTER, on=(CallBack.created_by == Creator.id))
    )


def _lines(desk: Desk, query) -> list[CallbackLine]:
    region = desk.region
    return [
        CallbackLine(
            id=id_, version=version, status=status, client_id=client_id, client_name=client_name or "",
            number_e164=e164, number_raw=raw, region=region, reason=reason, due_at=due_at, sla_deadline=sla,
            assignee_id=assignee, owner_login=owner_login or "", owner_name=owner_name or "",
            department=owner_department or pool, pool=pool, created_by=creator or "", attempts=attempts,
            created_at=created_at, assigned_at=assigned_at, assigned_by=assigned_by, touched_at=touched_at,
            released_from=released_from, client_zone=client_zone, outcome=outcome,
            on_the_line=current_call is not None,
        )
        for (id_, version, status, client_id, e164, raw, reason, due_at, sla, assignee, pool, attempts, created_at,
             assigned_at, assigned_by, touched_at, released_from, client_zone, outcome, current_call, client_name,
             owner_login, owner_name, owner_department, creator) in query.tuples()
    ]


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


def _text_condition(text: str):
    """Digits search the number and the reason (an order number); words the client's name, the reason and the
    owner's name (matched here against the few operators, so the database scans no join for it)."""
    digits = digits_of(text)
    if digits and len(digits) >= len(text.replace(" ", "")) - 1:  # "98765 43210", "+91 98765", "4411"
        return CallBack.number_e164.contains(digits.lstrip("0") or digits) | CallBack.reason.contains(text)
    folded = text.casefold()
    owners = [o.id for o in Operator.select(Operator.id, Operator.name) if folded in o.name.casefold()]
    condition = Client.name.contains(text) | CallBack.reason.contains(text)
    return condition | CallBack.assignee.in_(owners) if owners else condition


def _department_condition(department: str):
    members = [o.id for o in Operator.select(Operator.id).where(Operator.department == department)]
    return CallBack.assignee.in_(members) | (CallBack.assignee.is_null() & (CallBack.pool == department))


def _ordering(sort: str, now: datetime, due_soon: timedelta) -> tuple:
    match sort:
        case "deadline":
            return CallBack.sla_deadline, CallBack.id
        case "due":
            return CallBack.due_at, CallBack.id
        case "state":  # overdue, due soon, waiting in a pool, scheduled; the nearest deadline first within each
            urgency = Case(None, [(CallBack.due_at <= now, 0), (CallBack.due_at <= now + due_soon, 1),
                                  (CallBack.assignee.is_null(), 2)], 3)
            return urgency, CallBack.sla_deadline, CallBack.id
        case "owner":
            return fn.LOWER(fn.COALESCE(Owner.name, CallBack.pool)), CallBack.sla_deadline, CallBack.id
        case "department":
            return fn.COALESCE(Owner.department, CallBack.pool), CallBack.sla_deadline, CallBack.id
        case "newest":
            return (CallBack.id.desc(),)
    raise DeskError(f"sort {sort!r} is not one of {', '.join(BOARD_SORTS)}")


def board_page(desk: Desk, viewer_id: int, wanted: BoardFilter = BoardFilter()) -> BoardPage:
    """The open call-backs a viewer may see, filtered and sorted in the database, with the board's counters."""
    viewer = _viewer(viewer_id)
    now = desk.clock.now()
    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    condition = _scope(viewer)
    if wanted.owner:
        condition &= _owner_condition(desk, wanted.owner)
    if wanted.department:
        condition &= _department_condition(wanted.department)
    if wanted.state:
        condition &= _state_condition(wanted.state, now, due_soon)
    if text := wanted.text.strip():
        condition &= _text_condition(text)
    ids = CallBack.select(CallBack.id)
    if text:
        ids = ids.join_from(CallBack, Client, JOIN.LEFT_OUTER, on=(CallBack.client == Client.id))
    if wanted.sort in ("owner", "department"):
        ids = ids.join_from(CallBack, Owner, JOIN.LEFT_OUTER, on=(CallBack.assignee == Owner.id))
    ids = ids.where(condition).order_by(*_ordering(wanted.sort, now, due_soon))
    if wanted.limit is not None:
        ids = ids.limit(wanted.limit + 1)
    order = [row[0] for row in ids.tuples()]
    more = wanted.limit is not None and len(order) > wanted.limit
    order = order[: wanted.limit] if more else order
    found = {line.id: line for line in _lines(desk, _line_query().where(CallBack.id.in_(order)))} if order else {}
    return BoardPage(lines=tuple(found[i] for i in order), more=more, counts=board_counts(desk, viewer_id))


def board_counts(desk: Desk, viewer_id: int) -> BoardCounts:
    """How many open call-backs the viewer may see: all, overdue, due soon and waiting in a pool (from indexes)."""
    scope = _scope(_viewer(viewer_id))
    now = desk.clock.now()
    soon = now + timedelta(minutes=desk.config.callbacks.due_soon_minutes)

    def count(condition=None) -> int:
        where = scope if condition is None else scope & condition
        return CallBack.select(fn.COUNT(CallBack.id)).where(where).scalar() or 0

    return BoardCounts(open=count(), overdue=count(CallBack.due_at <= now),
                       due_soon=count((CallBack.due_at > now) & (CallBack.due_at <= soon)),
                       unassigned=count(CallBack.assignee.is_null()))


def my_callbacks(desk: Desk, operator_id: int, *, with_pool: bool = True, limit: int | None = None
                 ) -> list[CallbackLine]:
    """My open call-backs by due time, then (with_pool) those waiting in my department's pool for anyone; the first
    ``limit`` of them when given (a backlog of a thousand in the pool is the board's to show)."""
    me = _viewer(operator_id)
    condition = CallBack.assignee == me.id
    if with_pool:
        condition |= CallBack.assignee.is_null() & (CallBack.pool == me.department)
    query = (_line_query().where((CallBack.status == "open") & condition)
             .order_by(CallBack.assignee.is_null(), CallBack.due_at, CallBack.id))  # mine first, then the pool's
    return _lines(desk, query.limit(limit) if limit is not None else query)


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
