"""The room's wallboard: the team's figures at a glance, for the whole desk or one department.

Every figure is the desk's own: the waiting callers are the queue's read (what the operators see), today's service
level and abandoned calls come from the statistics' sums of calls (kpis: one place for "answered in time"), and the
call-backs overdue or due soon are the board's rules. Nothing here names a caller unless the config allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import SQL, fn

from calldesk.desk.callbacks.board import department_condition, state_condition
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.calls.queue import is_late, rings_heard, waiting_calls
from calldesk.desk.calls.states import OperatorState
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.grouping import Scope, count_if
from calldesk.desk.stats.kpis import call_tallies
from calldesk.desk.stats.period import days_period, today
from calldesk.desk.stats.tally import Tally
from calldesk.store.models import CallBack, Operator

WAITING_LIMIT = 5000  # the queue's read: a department's callers are found among this many
CALLERS_SHOWN = 10  # the longest waiting, named on the board when the config allows it
DUE_WITHIN = timedelta(hours=1)
# The board's four groups of people; a phone the PBX is ringing counts as busy, like a call.
STATE_GROUPS = {
    OperatorState.AVAILABLE: "available",
    OperatorState.RINGING: "on_call",
    OperatorState.ON_CALL: "on_call",
    OperatorState.WRAP_UP: "wrap_up",
    OperatorState.PAUSED: "paused",
}
GROUPS = ("available", "on_call", "wrap_up", "paused")


@dataclass(frozen=True)
class WaitingCaller:
    """One of the longest waiting callers, as the room may see them."""

    queue: str
    caller: str  # the client's name, else the name the PBX gave, else the number; "" unless callers are shown
    waited_seconds: float
    rings: int
    late: bool


@dataclass(frozen=True)
class WallboardFigures:
    """What the wallboard shows, taken at one moment."""

    taken_at: datetime
    department: str  # its id, "" for the whole desk
    waiting: int
    longest_wait_seconds: float | None  # None when nobody waits
    longest_wait_rings: int | None
    longest_wait_late: bool  # past answer_within_rings
    today: Tally  # today's calls so far: offered, answered, abandoned, in time
    service_level_target: float
    service_level_by_hour: tuple[float | None, ...]  # local hours 0 .. now; None for an hour nobody was measured
    operators: dict[str, int]  # GROUPS -> how many operators are in it
    callbacks_overdue: int
    callbacks_due_within_hour: int
    longest_waiting: tuple[WaitingCaller, ...]  # the callers waiting longest, first first

    @property
    def service_level(self) -> float | None:
        return self.today.service_level


def target_band(level: float | None, target: float) -> str | None:
    """How a service level stands against its target: "good" at or above it, "close" within 10 points, "poor"
    below that; None when there is nothing to measure."""
    if level is None:
        return None
    return "good" if level >= target else "close" if level >= target - 0.1 else "poor"


def _queues(desk: Desk, department: str) -> tuple[str, ...] | None:
    if not department:
        return None
    found = desk.config.department(department)
    if found is None:
        known = ", ".join(d.id for d in desk.config.departments)
        raise DeskError(f"no department {department!r} in the config (known: {known})")
    return found.queues


def check_department(desk: Desk, department: str) -> None:
    """Refuse a department the config does not name, before a board is put up for it."""
    _queues(desk, department)


def _today_by_hour(desk: Desk, queues: tuple[str, ...] | None) -> dict[int, Tally]:
    """Today's calls so far by local hour of day: the statistics' own sums, queue by queue for a department."""
    day = today(desk)
    period = days_period(desk, day, day)
    hours: dict[int, Tally] = {}
    for queue in queues or (None,):
        for hour, tally in call_tallies(desk, Scope(period, queue=queue), "hour").items():
            hours.setdefault(int(hour), Tally()).add(tally)
    return hours


def _operators(department: str) -> dict[str, int]:
    condition = Operator.enabled
    if department:
        condition &= Operator.department == department
    counts = dict.fromkeys(GROUPS, 0)
    rows = Operator.select(Operator.state, fn.COUNT(SQL("*"))).where(condition).group_by(Operator.state).tuples()
    for state, count in rows:
        group = STATE_GROUPS.get(state)
        if group is not None:
            counts[group] += count
    return counts


def _callbacks(department: str, now: datetime) -> tuple[int, int]:
    """Open call-backs overdue, and due within the hour, by the call-back board's rules."""
    condition = CallBack.status == CallbackStatus.OPEN
    if department:
        condition &= department_condition(department)
    query = CallBack.select(count_if(state_condition("overdue", now, DUE_WITHIN)),
                            count_if(state_condition("due_soon", now, DUE_WITHIN))).where(condition)
    [(overdue, due_soon)] = query.tuples()
    return int(overdue or 0), int(due_soon or 0)


def wallboard_figures(desk: Desk, department: str = "", *, show_callers: bool = False) -> WallboardFigures:
    """The figures for the room at this moment, for one department (its id) or the whole desk (""). Callers are
    named only with ``show_callers``."""
    queues = _queues(desk, department)
    now = desk.clock.now()
    cycle = desk.config.ring_cycle_seconds
    waiting = [call for call in waiting_calls(desk, WAITING_LIMIT) if queues is None or call.queue in queues]
    longest = max(0.0, (now - waiting[0].arrived_at).total_seconds()) if waiting else None
    shown = []
    for call in waiting[:CALLERS_SHOWN]:
        waited = max(0.0, (now - call.arrived_at).total_seconds())
        caller = (call.client_name or call.caller_name or call.number) if show_callers else ""
        shown.append(WaitingCaller(call.queue, caller, waited, rings_heard(waited, cycle), is_late(waited, desk)))
    hours = _today_by_hour(desk, queues)
    day = Tally()
    for tally in hours.values():
        day.add(tally)
    this_hour = now.astimezone(desk.zone).hour
    overdue, due_soon = _callbacks(department, now)
    return WallboardFigures(
        taken_at=now, department=department, waiting=len(waiting), longest_wait_seconds=longest,
        longest_wait_rings=rings_heard(longest, cycle) if longest is not None else None,
        longest_wait_late=longest is not None and is_late(longest, desk), today=day,
        service_level_target=desk.config.service_level_target,
        service_level_by_hour=tuple(hours[h].service_level if h in hours else None for h in range(this_hour + 1)),
        operators=_operators(department), callbacks_overdue=overdue, callbacks_due_within_hour=due_soon,
        longest_waiting=tuple(shown),
    )
