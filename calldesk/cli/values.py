"""The command line's values, each kind read in one place: every sub-command's argparse ``type=`` is one of these,
so a mistyped value is one line naming the option, with exit status 2, never a traceback or an endless run.

Each defers to the desk's own rule where there is one (days to desk/stats/period.py, PBX ids to
desk/calls/pbx_events.py, a caller's number to desk/calls/queue.py), so the console and the PBX's other paths refuse
the same input. The desk's modules are imported when a value is read: `calldesk --help` does not pay for them.
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path

LARGEST_ID = 2**31 - 1  # the tables' ids are PostgreSQL's SERIAL: a larger one fits SQLite's column, not PostgreSQL's


def _refused_as_argument(rule: Callable[[str], object], text: str) -> None:
    """Run a desk rule on the text; its refusal (DeskError) becomes argparse's one-line error."""
    from calldesk.desk.errors import DeskError

    try:
        rule(text)
    except DeskError as exc:
        raise ArgumentTypeError(str(exc)) from None


def day(text: str) -> str:
    """A day (2026-11-27, today, yesterday, -N) from 2000-01-01 to a year ahead, kept as typed: "today" is the
    desk's today, in its own time zone, once the desk is open."""
    from calldesk.desk.stats.period import day_from_text

    _refused_as_argument(lambda value: day_from_text(value, date.today()), text)
    return text


def moment(text: str) -> datetime:
    """An ISO date or date-time within the days ``day`` accepts; without an offset it is kept naive, to be read on
    the desk's clock once the desk is open (``on_desk_clock``)."""
    from calldesk.desk.stats.period import day_from_text

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not an ISO date or date-time (e.g. 2026-11-01 or "
                                "2026-11-01T09:00+05:30)") from None
    _refused_as_argument(lambda _: day_from_text(value.date().isoformat(), date.today()), text)
    return value


def on_desk_clock(value: datetime | None, zone: tzinfo) -> datetime | None:
    """A moment typed without an offset, read on the desk's clock."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=zone)


def record_id(text: str) -> int:
    """A record's id as calldesk printed it: ASCII digits, 1 to LARGEST_ID (no sign, exponent or other script)."""
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(LARGEST_ID))
            and 1 <= int(value) <= LARGEST_ID):
        raise ArgumentTypeError(f"{text!r} is not an id: expected a whole number from 1 to {LARGEST_ID:,}")
    return int(value)


def is_record_id(text: str) -> bool:
    try:
        record_id(text)
    except ArgumentTypeError:
        return False
    return True


def pbx_id(text: str) -> str:
    """The PBX's own id for a call (desk/calls/pbx_events.py: printable, at most 64 characters)."""
    from calldesk.desk.calls.pbx_events import check_pbx_id

    _refused_as_argument(check_pbx_id, text.strip())
    return text.strip()


def caller_number(text: str) -> str:
    """The number a call comes from, as the PBX sent it (desk/calls/queue.py: never blank; "withheld" says it was
    hidden)."""
    from calldesk.desk.calls.queue import check_caller_number

    _refused_as_argument(check_caller_number, text)
    return text


def file_path(text: str) -> Path:
    """A file's path: not empty (an empty one would name the working folder)."""
    if not text.strip():
        raise ArgumentTypeError("the path is empty: give a file's path")
    return Path(text)

