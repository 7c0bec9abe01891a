"""When to call back: the quick choices, typed times ("14:30", "tue 10:00", "in 45m") and the client-local window.

Pure functions over aware datetimes, each read on the clock of the zone it is given (the desk's, or the client's).
Wall-clock times are built with the zone's rules on that very day, so a daylight-saving change between now and the
call-back moves nothing: "tomorrow 09:00" stays 09:00 on the client's clock. A time that does not exist (the hour
skipped when clocks go forward) lands just after the jump, as Python's zoneinfo places it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from calldesk.config import CallbackWindow
from calldesk.desk.callbacks.lateness import is_overdue
from calldesk.desk.errors import DeskError
from calldesk.i18n import DAY_TIME, N_, WEEKDAY, WEEKDAY_TIME, _, format_moment

QUICK_CHOICES: tuple[tuple[str, str], ...] = (  # key, words (shown through _())
    ("in_30_minutes", N_("in 30 minutes")),
    ("in_2_hours", N_("in 2 hours")),
    ("later_today", N_("later today")),
    ("tomorrow_morning", N_("tomorrow morning")),
)
LATER_TODAY = timedelta(hours=3)  # "later today" means about this far ahead
LATEST_NOTICE = timedelta(minutes=30)  # "later today" keeps this much of the window in hand
TYPED_EXAMPLES = "14:30, 2:30pm, tue 10:00, tomorrow 9:30, 2026-12-01 10:00 or in 45m"  # what parse_due_text reads
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3, "thur": 3,
    "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m)\b")
_DURATION = re.compile(r"(?:in\s+)?((?:\d+(?:\.\d+)?\s*(?:hours?|hrs?|h|minutes?|mins?|m)\b\s*)+)")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?")
_DAY_AND_CLOCK = re.compile(r"(?:(?P<day>(?!at\b)[a-z]+)\s+)?(?:at\s+)?(?P<clock>\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ t](\d{1,2})[:.](\d{2})")


class DueTimeNotUnderstood(DeskError):
    def __init__(self, text: str, why: str = "") -> None:
        """``why`` in the console's words already; "" for "not a time I know"."""
        super().__init__(_("{text}: {why} (try {examples})").format(
            text=repr(text.strip()), why=why or _("not a time I know"), examples=TYPED_EXAMPLES))


def seen_in(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the wall clock of ``zone``."""
    return moment.astimezone(zone)


def wall_time(day: date, clock: time, zone: tzinfo) -> datetime:
    """The UTC moment when the clocks of ``zone`` show ``day`` at ``clock``, by that day's rules."""
    return datetime.combine(day, clock).replace(tzinfo=zone).astimezone(UTC)


def inside_window(moment: datetime, zone: tzinfo, window: CallbackWindow) -> bool:
    """Does ``moment`` fall within the call-back window on the clock of ``zone``? Both ends count as inside."""
    local = seen_in(moment, zone).time().replace(tzinfo=None)
    return window.start <= local <= window.end


def next_inside_window(moment: datetime, zone: tzinfo, window: CallbackWindow) -> datetime:
    """``moment`` itself when it falls inside the window, else the window's next opening on the clock of ``zone``."""
    if inside_window(moment, zone, window):
        return moment
    local = seen_in(moment, zone)
    day = local.date() if local.time().replace(tzinfo=None) < window.start else local.date() + timedelta(days=1)
    return wall_time(day, window.start, zone)


def quick_choice_time(choice: str, now: datetime, client_zone: tzinfo,
                      window: CallbackWindow) -> datetime | None:
    """The due time a quick choice stands for; None when it makes no sense now ("later today" late at night).

    "later today" is about three hours ahead, kept inside today's window on the client's clock;
    "tomorrow morning" is the opening of the window on the client's tomorrow.
    """
    match choice:
        case "in_30_minutes":
            return now + timedelta(minutes=30)
        case "in_2_hours":
            return now + timedelta(hours=2)
        case "later_today":
            today = seen_in(now, client_zone).date()
            opening, closing = wall_time(today, window.start, client_zone), wall_time(today, window.end, client_zone)
            due = min(max(now + LATER_TODAY, opening), closing - LATEST_NOTICE)
            return due if due >= now + timedelta(hours=1) else None
        case "tomorrow_morning":
            tomorrow = seen_in(now, client_zone).date() + timedelta(days=1)
            return wall_time(tomorrow, window.start, client_zone)
    raise DeskError(_("{choice} is not a quick choice ({choices})").format(
        choice=repr(choice), choices=", ".join(key for key, _words in QUICK_CHOICES)))


@dataclass(frozen=True, slots=True)
class _Clock:
    """A time of day as typed ("14:30", "2pm"), read onto a 24-hour clock."""

    hour: int
    minute: int


def _clock(text: str, original: str) -> _Clock:
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise DueTimeNotUnderstood(original)
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            raise DueTimeNotUnderstood(original, _("{hour} is not an hour on a 12-hour clock").format(hour=hour))
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        raise DueTimeNotUnderstood(original, _("a bare number is ambiguous: add minutes (10:00) or am/pm"))
    if hour > 23 or minute > 59:
        raise DueTimeNotUnderstood(original, _("not a time of day"))
    return _Clock(hour, minute)


def parse_due_text(text: str, now: datetime, zone: tzinfo) -> datetime:
    """A typed due time, read on the clock of ``zone``; raises ``DueTimeNotUnderstood`` with examples.

    "14:30" is the next 14:30 (tomorrow if it has passed); "tue 10:00" the next Tuesday at 10:00 (today if it is
    Tuesday and still ahead); "tomorrow 9:30", "today 16:00"; "2026-12-01 10:00"; "in 45m", "2h", "in 1h 30m".
    """
    cleaned = re.sub(r"\s+", " ", text.strip().lower())
    if not cleaned:
        raise DueTimeNotUnderstood(text, _("empty"))
    if (duration := _DURATION.fullmatch(cleaned)) is not None:
        minutes = sum(float(amount) * (60 if unit.startswith("h") else 1)
                      for amount, unit in _DURATION_PART.findall(duration.group(1)))
        return now + timedelta(minutes=minutes)
    local_today = seen_in(now, zone).date()
    if (iso := _ISO.fullmatch(cleaned)) is not None:
        year, month, day, hour, minute = map(int, iso.groups())
        try:
            return _future(wall_time(date(year, month, day), time(hour, minute), zone), now, text)
        except ValueError:
            raise DueTimeNotUnderstood(text, _("no such date or time")) from None
    match = _DAY_AND_CLOCK.fullmatch(cleaned)
    if match is None:
        raise DueTimeNotUnderstood(text)
    clock = _clock(match.group("clock"), text)
    at = time(clock.hour, clock.minute)
    day_word = match.group("day")
    if day_word is None:
        due = wall_time(local_today, at, zone)
        return due if due > now else wall_time(local_today + timedelta(days=1), at, zone)
    if day_word == "today":
        return _future(wall_time(local_today, at, zone), now, text)
    if day_word in ("tomorrow", "tmrw", "tmr"):
        return wall_time(local_today + timedelta(days=1), at, zone)
    if day_word not in WEEKDAYS:
        raise DueTimeNotUnderstood(text, _("{word} is not a day").format(word=repr(day_word)))
    ahead = (WEEKDAYS[day_word] - local_today.weekday()) % 7
    due = wall_time(local_today + timedelta(days=ahead), at, zone)
    return due if due > now else wall_time(local_today + timedelta(days=ahead + 7), at, zone)


def _future(due: datetime, now: datetime, text: str) -> datetime:
    if is_overdue(due, now):  # a promise would be overdue the moment it is made
        raise DueTimeNotUnderstood(text, _("that time has passed"))
    return due


def describe_moment(moment: datetime, zone: tzinfo, now: datetime, *, weekday: bool = False) -> str:
    """A due time as a person reads it on the clock of ``zone``, in the console's language: "14:30",
    "tomorrow 09:00", "Tue 10:00", "11 Nov 10:53".

    ``weekday`` names the day even for today and tomorrow ("tomorrow Sat 09:00"): two clocks either side of the
    date line both say "tomorrow" for different days."""
    local, today = seen_in(moment, zone), seen_in(now, zone).date()
    days = (local.date() - today).days
    at = f"{local:%H:%M}"
    if days in (-1, 0, 1) and weekday:
        named = {-1: _("yesterday {weekday} {time}"), 0: _("today {weekday} {time}"),
                 1: _("tomorrow {weekday} {time}")}[days]
        return named.format(weekday=format_moment(local, WEEKDAY), time=at)
    if days == 0:
        return at
    if days in (-1, 1):
        return (_("yesterday {time}") if days < 0 else _("tomorrow {time}")).format(time=at)
    if 1 < days < 7:
        return format_moment(local, WEEKDAY_TIME)
    return format_moment(local, DAY_TIME)


def describe_left(seconds: float) -> str:
    """Time left to a deadline, as a countdown: "9:05:00", "0:42:10", "-1:10:00" once passed, "2d 02h" far off."""
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    if hours >= 24:
        return sign + _("{days}d {hours}h").format(days=hours // 24, hours=f"{hours % 24:02d}")
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
