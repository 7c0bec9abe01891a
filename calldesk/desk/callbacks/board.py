"""The lead's call-back board: every open call-back a viewer may see, sorted, filtered, a page at a time, with its
counters.

It reads in two steps so 20,000 open call-backs stay quick: the ids of one page, sorted and filtered over narrow rows
with only the joins the filter needs, then those rows in full. Its counters come from indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN, Case, fn

from calldesk.desk.callbacks.lateness import due_soon_condition, overdue_condition
from calldesk.desk.callbacks.lines import CallbackLine, Owner, get_viewer, line_query, read_lines
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.permissions import Action, may
from calldesk.i18n import _
from calldesk.phones import digits_of
from calldesk.store.models import CallBack, Client, Operator

BOARD_LIMIT = 200  # rows the board shows at once (seven screens); more matches say so, the filter narrows them
BOARD_STATES = ("overdue", "due_soon", "unassigned")
BOARD_SORTS = ("deadline", "due", "state", "owner", "department", "newest")


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


def _scope(viewer: Operator):
    """What a person may see on the board: a lead everything open, an operator their own."""
    is_open = CallBack.status == CallbackStatus.OPEN
    return is_open if may(viewer, Action.SEE_EVERY_CALLBACK) else is_open & (CallBack.assignee == viewer.id)


def _owner_condition(desk: Desk, owner: str):
    operator = Operator.get_or_none(Operator.login == owner)
    if operator is not None:
        return CallBack.assignee == operator.id
    if desk.config.department(owner) is not None:
        return CallBack.assignee.is_null() & (CallBack.pool == owner)
    raise DeskError(_("no operator or department called {owner}").format(owner=repr(owner)))


def state_condition(state: str, now: datetime, due_soon: timedelta):
    """SQL: a call-back in one of BOARD_STATES at ``now``, for the board's filter and the wallboard (overdue and due
    soon are callbacks/lateness.py's)."""
    match state:
        case "overdue":
            return overdue_condition(now)
        case "due_soon":
            return due_soon_condition(now, due_soon)
        case "unassigned":
            return CallBack.assignee.is_null()
    raise DeskError(_("state {state} is not one of {states}").format(state=repr(state), states=", ".join(BOARD_STATES)))


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


def department_condition(department: str):
    """SQL: a call-back of the department: its operators' own, and its pool's."""
    members = [o.id for o in Operator.select(Operator.id).where(Operator.department == department)]
    return CallBack.assignee.in_(members) | (CallBack.assignee.is_null() & (CallBack.pool == department))


def _ordering(sort: str, now: datetime, due_soon: timedelta) -> tuple:
    match sort:
        case "deadline":
            return CallBack.sla_deadline, CallBack.id
        case "due":
            return CallBack.due_at, CallBack.id
        case "state":  # overdue, due soon, waiting in a pool, scheduled; the nearest deadline first within each
            urgency = Case(None, [(overdue_condition(now), 0), (due_soon_condition(now, due_soon), 1),
                                  (CallBack.assignee.is_null(), 2)], 3)
            return urgency, CallBack.sla_deadline, CallBack.id
        case "owner":
            return fn.LOWER(fn.COALESCE(Owner.name, CallBack.pool)), CallBack.sla_deadline, CallBack.id
        case "department":
            return fn.COALESCE(Owner.department, CallBack.pool), CallBack.sla_deadline, CallBack.id
        case "newest":
            return (CallBack.id.desc(),)
    raise DeskError(_("sort {sort} is not one of {sorts}").format(sort=repr(sort), sorts=", ".join(BOARD_SORTS)))


def board_page(desk: Desk, viewer_id: int, wanted: BoardFilter = BoardFilter()) -> BoardPage:
    """The open call-backs a viewer may see, filtered and sorted in the database, with the board's counters."""
    viewer = get_viewer(viewer_id)
    now = desk.clock.now()
    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    condition = _scope(viewer)
    if wanted.owner:
        condition &= _owner_condition(desk, wanted.owner)
    if wanted.department:
        condition &= department_condition(wanted.department)
    if wanted.state:
        condition &= state_condition(wanted.state, now, due_soon)
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
    found = {line.id: line for line in read_lines(desk, line_query().where(CallBack.id.in_(order)))} if order else {}
    return BoardPage(lines=tuple(found[i] for i in order), more=more, counts=board_counts(desk, viewer_id))


def board_counts(desk: Desk, viewer_id: int) -> BoardCounts:
    """How many open call-backs the viewer may see: all, overdue, due soon and waiting in a pool (from indexes)."""
    scope = _scope(get_viewer(viewer_id))
    now = desk.clock.now()
    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)

    def count(condition=None) -> int:
        where = scope if condition is None else scope & condition
        return CallBack.select(fn.COUNT(CallBack.id)).where(where).scalar() or 0

    return BoardCounts(open=count(), overdue=count(overdue_condition(now)),
                       due_soon=count(due_soon_condition(now, due_soon)),
                       unassigned=count(CallBack.assignee.is_null()))
