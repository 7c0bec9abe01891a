"""The stretch of time a statistic covers, in the desk's local time, and the SQL that reads stored epoch seconds as
local days and hours (daylight-saving changes included).

The desk's time zone is its phone region's main one, as for the simulator's peak hours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from peewee import Case, Cast, Node, fn

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _, format_count
from calldesk.store.database import is_sqlite
from calldesk.store.models import database

DAY_SECONDS = 86_400
HOUR_SECONDS = 3_600
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday is 0)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EARLIEST_DAY = date(2000, 1, 1)  # before any desk kept calls: an earlier day is a slip of the keyboard
DAYS_AHEAD = 366  # a day typed may look a year ahead, no further
LONGEST_PERIOD_DAYS = 3 * 366  # each day of a period is summed on its own: a longer one would run for hours


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` (included) to ``end`` (excluded), aware UTC; days and hours are read in ``zone``."""

    start: datetime
    end: datetime
    zone: tzinfo = field(default=UTC)

    @property
    def start_epoch(self) -> float:
        return self.start.timestamp()

    @property
    def end_epoch(self) -> float:
        return self.end.timestamp()

    @property
    def first_day(self) -> date:
        return self.start.astimezone(self.zone).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(self.zone).date()

    @property
    def label(self) -> str:
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return _("{first} to {last}").format(first=self.first_day.isoformat(), last=self.last_day.isoformat())

    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def days_period(desk: Desk, first: date, last: date) -> Period:
    """Whole local days, ``first`` to ``last`` included."""
    if last < first:
        raise DeskError(_("the period ends ({last}) before it starts ({first})").format(last=last, first=first))
    if (last - first).days >= LONGEST_PERIOD_DAYS:
        raise DeskError(_("the period from {first} to {last} is {days} days long: at most {most} (three years) at a "
                          "time").format(first=first, last=last, days=format_count((last - first).days + 1),
                                         most=format_count(LONGEST_PERIOD_DAYS)))
    zone = desk.zone
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    return Period(start, end, zone)


def today(desk: Desk) -> date:
    return desk.clock.now().astimezone(desk.zone).date()


PRESETS = (("today", N_("Today")), ("yesterday", N_("Yesterday")), ("7days", N_("Last 7 days")),  # words through _()
           ("30days", N_("Last 30 days")), ("month", N_("This month")), ("last_month", N_("Last month")))


def preset_days(desk: Desk, preset: str) -> tuple[date, date]:
    """The first and last day of a named period, counted from today."""
    day = today(desk)
    match preset:
        case "today":
            return day, day
        case "yesterday":
            return day - timedelta(days=1), day - timedelta(days=1)
        case "7days":
            return day - timedelta(days=6), day
        case "30days":
            return day - timedelta(days=29), day
        case "month":
            return day.replace(day=1), day
        case "last_month":
            last = day.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
    raise DeskError(_("no period called {preset} (known: {presets})").format(
        preset=repr(preset), presets=", ".join(key for key, _words in PRESETS)))


def parse_day(desk: Desk, text: str, what: str) -> date:
    """A day typed by a person (see ``day_from_text``), counted from the desk's today."""
    try:
        return day_from_text(text, today(desk))
    except DeskError as exc:
        raise DeskError(_("{what}: {problem}").format(what=what, problem=exc)) from None


def day_from_text(text: str, today: date) -> date:
    """A day typed by a person: 2026-11-27, today, yesterday, or -N (N days ago); from EARLIEST_DAY to a year after
    ``today``, so a slip of the keyboard (0001-01-02, -999999) is refused rather than summed day by day."""
    value = text.strip().lower()
    latest = today + timedelta(days=DAYS_AHEAD)
    expected = _("expected a date from {earliest} to {latest}, today, yesterday or -N (N days ago), got {text}").format(
        earliest=EARLIEST_DAY, latest=latest, text=repr(text))
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if value.startswith("-") and value[1:].isascii() and value[1:].isdigit():
        if len(value) > 7 or int(value[1:]) > (today - EARLIEST_DAY).days:
            raise DeskError(expected)
        return today - timedelta(days=int(value[1:]))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DeskError(expected) from None
    if not EARLIEST_DAY <= day <= latest:
        raise DeskError(expected)
    return day


def utc_offsets(zone: tzinfo, start: datetime, end: datetime) -> list[tuple[float, int]]:
    """The zone's UTC offset in seconds over [start, end]: (from epoch, offset) pairs, the first from -infinity."""
    def offset_at(epoch: float) -> int:
        return int(datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset().total_seconds())

    first = start.timestamp() - DAY_SECONDS
    steps = [(float("-inf"), offset_at(first))]
    moment = first
    while moment < end.timestamp() + DAY_SECONDS:
        following = moment + DAY_SECONDS
        if offset_at(following) != steps[-1][1]:
            low, high = moment, following  # the change lies in (low, high]: narrow it to the second
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset_at(middle) == steps[-1][1] else (low, middle)
            steps.append((high, offset_at(high)))
        moment = following
    return steps


def offset_finder(period: Period) -> Callable[[float], int]:
    """A function from epoch seconds to the zone's UTC offset then, for moments in (or near) the period."""
    steps = utc_offsets(period.zone, period.start, period.end)
    starts = [since for since, _ in steps]
    return lambda epoch: steps[bisect_right(starts, epoch) - 1][1]


def local_seconds(column: Node, period: Period, margin: timedelta = timedelta()) -> Node:
    """SQL: the epoch column moved to local wall-clock seconds (one CASE branch per daylight-saving change)."""
    steps = utc_offsets(period.zone, period.start, period.end + margin)
    if len(steps) == 1:
        return column + steps[0][1]
    branches = [(column < since, offset) for (_, offset), (since, _) in pairwise(steps)]
    return column + Case(None, branches, steps[-1][1])


def floor_int(expression: Node) -> Node:
    """SQL: the whole number at or below a positive value, on either backend."""
    if is_sqlite(database.obj):
        return Cast(expression, "INTEGER")  # truncation is the floor for the positive times stored here
    return Cast(fn.FLOOR(expression), "BIGINT")


def modulo(expression: Node, divisor: int) -> Node:
    """SQL: the remainder of a whole positive number (no "%", which Peewee reads as LIKE and psycopg as a
    placeholder)."""
    return expression - (expression / divisor) * divisor


def local_day_index(column: Node, period: Period, margin: timedelta = timedelta()) -> Node:
    """SQL: local days since 1970-01-01."""
    return floor_int(local_seconds(column, period, margin) / DAY_SECONDS)


def local_hour_index(column: Node, period: Period, margin: timedelta = timedelta()) -> Node:
    """SQL: local hours since 1970-01-01 00:00 (hour of day is this modulo 24)."""
    return floor_int(local_seconds(column, period, margin) / HOUR_SECONDS)


def day_of_index(index: int) -> date:
    return date(1970, 1, 1) + timedelta(days=index)


def weekday_of_index(index: int) -> int:
    """Monday 0 to Sunday 6 for a local day index."""
    return (index + EPOCH_WEEKDAY) % 7


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"
