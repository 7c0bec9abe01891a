"""When a promise is late, in the handbook's two senses, each defined once: the SQL condition and the Python
predicate side by side, so a list read from the database and a row already in memory always agree.

- **overdue**: the time promised to the client (``CallBack.due_at``) has come. The board's counter and filter, my
  list's state, the notices, the caller's badge, the team view and the wallboard all mean this; the console says
  "overdue" (a cell too narrow for it says "late"). **Due soon** is the span before it.
- **past the deadline**: the handbook's 10-hour deadline (``Desk.inquiry_deadline``: a call-back's
  ``sla_deadline``, a complaint's ``deadline``) has come with the inquiry still unanswered. The statistics' figure
  "Call-backs past the deadline" and a complaint's flag mean this.

At the very moment named, it has come: a call-back due at 10:00 is overdue at 10:00. The conditions take the time as
a datetime or as stored epoch seconds (a prepared statement's parameter). PostgreSQL's row security repeats the
overdue rule in SQL for a console releasing another's call-back (store/pg_roles.py, which may not import this
module): tests/test_one_place_per_rule.py checks that copy against ``is_overdue``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from peewee import Expression, Field

from calldesk.store.models import CallBack


def is_overdue(due_at: datetime, now: datetime) -> bool:
    """The call-back's promised time has come."""
    return due_at <= now


def overdue_condition(now: datetime | float) -> Expression:
    """SQL: the call-back's promised time has come (``is_overdue``)."""
    return CallBack.due_at <= now


def is_due_soon(due_at: datetime, now: datetime, due_soon: timedelta) -> bool:
    """Not overdue yet, but its promised time comes within ``due_soon``."""
    return now < due_at <= now + due_soon


def due_soon_condition(now: datetime, due_soon: timedelta) -> Expression:
    """SQL: ``is_due_soon``."""
    return (CallBack.due_at > now) & (CallBack.due_at <= now + due_soon)


def is_past_deadline(deadline: datetime, now: datetime) -> bool:
    """The handbook's 10-hour deadline has come (whether the inquiry is still open is the caller's to ask)."""
    return deadline <= now


def past_deadline_condition(now: datetime | float, deadline: Field = CallBack.sla_deadline) -> Expression:
    """SQL: ``is_past_deadline`` on a deadline column: a call-back's ``sla_deadline``, or a complaint's deadline."""
    return deadline <= now
