"""When to call back: typed times, quick choices, and the client's clock across the date line and a daylight-saving
change. The domain parts use the `desk` fixture; parsing alone needs no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.config import CallbackWindow
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    DueOutsideWindow,
    create_callback,
    offer_context,
    preview_due,
)
from calldesk.desk.callbacks.times import (
    DueTimeNotUnderstood,
    describe_left,
    describe_moment,
    inside_window,
    parse_due_text,
    quick_choice_time,
)
from calldesk.desk.clients import directory
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import CallBack

KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14: the first clock to reach tomorrow
HONOLULU = ZoneInfo("Pacific/Honolulu")  # UTC-10: the same wall-clock hour, a day behind
WINDOW = CallbackWindow(start=datetime(2000, 1, 1, 9).time(), end=datetime(2000, 1, 1, 20).time())
FRIDAY_AFTERNOON = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 14:30 in Kolkata


@pytest.mark.parametrize(("typed", "expected"), [
    ("14:30", "2026-11-28 14:30"),  # 14:30 has just come: the next one is tomorrow
    ("16:00", "2026-11-27 16:00"),
    ("at 4pm", "2026-11-27 16:00"),
    ("2:30pm", "2026-11-28 14:30"),
    ("9.45", "2026-11-28 09:45"),
    ("tue 10:00", "2026-12-01 10:00"),
    ("Friday 10:00", "2026-12-04 10:00"),  # today is Friday and 10:00 has passed
    ("fri 18:00", "2026-11-27 18:00"),
    ("tomorrow 9:30", "2026-11-28 09:30"),
    ("today 17:15", "2026-11-27 17:15"),
    ("2026-12-01 10:00", "2026-12-01 10:00"),
    ("in 45m", "2026-11-27 15:15"),
    ("45 minutes", "2026-11-27 15:15"),
    ("in 2h", "2026-11-27 16:30"),
    ("in 1h 30m", "2026-11-27 16:00"),
    ("In 1.5 hours", "2026-11-27 16:00"),
])
def test_typed_times_are_read_on_the_operators_clock(typed, expected):
    due = parse_due_text(typed, FRIDAY_AFTERNOON, KOLKATA)
    assert f"{due.astimezone(KOLKATA):%Y-%m-%d %H:%M}" == expected


@pytest.mark.parametrize(("typed", "why"), [
    ("", "empty"),
    ("soon", "not a time I know"),
    ("10", "bare number is ambiguous"),
    ("13pm", "12-hour clock"),
    ("25:00", "not a time of day"),
    ("today 09:00", "has passed"),
    ("someday 10:00", "is not a day"),
    ("2026-02-30 10:00", "no such date"),
    ("2025-01-01 10:00", "has passed"),
    ("'; drop table call_back; --", "not a time I know"),
])
def test_a_time_not_understood_says_why_and_gives_examples(typed, why):
    with pytest.raises(DueTimeNotUnderstood) as refused:
        parse_due_text(typed, FRIDAY_AFTERNOON, KOLKATA)
    assert why in str(refused.value)
    assert "tue 10:00" in str(refused.value)


def test_later_today_stays_inside_today_and_disappears_late_in_the_evening():
    later = quick_choice_time("later_today", FRIDAY_AFTERNOON, KOLKATA, WINDOW)
    assert f"{later.astimezone(KOLKATA):%H:%M}" == "17:30"
    evening = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # 19:00 in Kolkata: one hour of the window left
    assert quick_choice_time("later_today", evening, KOLKATA, WINDOW) is None
    early = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 06:00: the window opens at 09:00
    assert f"{quick_choice_time('later_today', early, KOLKATA, WINDOW).astimezone(KOLKATA):%H:%M}" == "09:00"


def test_across_the_date_line_tomorrow_morning_is_the_clients_tomorrow():
    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 23:00 Friday in Kiritimati, 23:00 Thursday in Honolulu
    due = quick_choice_time("tomorrow_morning", now, KIRITIMATI, WINDOW)
    assert f"{due.astimezone(KIRITIMATI):%a %d %H:%M}" == "Sat 28 09:00"
    assert due == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert f"{due.astimezone(HONOLULU):%a %d %H:%M}" == "Fri 27 09:00"  # the same moment is "today" in Honolulu
    assert describe_moment(due, HONOLULU, now) == "tomorrow 09:00"
    assert describe_moment(due, KIRITIMATI, now) == "tomorrow 09:00"
    assert inside_window(due, KIRITIMATI, WINDOW) and inside_window(due, HONOLULU, WINDOW)
    assert not inside_window(due, KOLKATA, WINDOW)  # 00:30 in Kolkata


def test_across_a_daylight_saving_change_wall_times_stay_put_and_durations_stay_exact():
    saturday_morning = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # 09:00 EST; clocks go forward at 02:00 Sunday
    tomorrow = quick_choice_time("tomorrow_morning", saturday_morning, NEW_YORK, WINDOW)
    assert f"{tomorrow.astimezone(NEW_YORK):%a %H:%M %Z}" == "Sun 09:00 EDT"
    assert tomorrow - saturday_morning == timedelta(hours=23)
    typed = parse_due_text("sun 9:00", saturday_morning, NEW_YORK)
    assert typed == tomorrow
    assert parse_due_text("in 24h", saturday_morning, NEW_YORK) == saturday_morning + timedelta(hours=24)
    skipped = parse_due_text("tomorrow 02:30", saturday_morning, NEW_YORK)  # that hour does not exist on Sunday
    assert f"{skipped.astimezone(NEW_YORK):%H:%M %Z}" == "03:30 EDT"
    assert not inside_window(saturday_morning + timedelta(hours=23) - timedelta(minutes=1), NEW_YORK, WINDOW)


def test_a_call_back_after_the_clocks_change_is_checked_on_the_clients_new_clock(desk):
    desk.clock.advance(seconds=(datetime(2026, 3, 7, 22, 0, tzinfo=UTC) - desk.clock.now()).total_seconds())
    asha = first_console(desk, "asha")
    client_id = directory.create_client(desk, "John Miller", [directory.NewPhone("+1 212 555 0123")])
    sunday_9_edt = datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    sunday_8_edt = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # would be 09:00 by Saturday's (standard) clock
    with pytest.raises(DueOutsideWindow, match="Sun 08:00"):
        create_callback(desk, asha.id, CallbackRequest(reason="Warranty", due_at=sunday_8_edt, client_id=client_id,
                                                       confirm_past_deadline=True))
    callback_id = create_callback(desk, asha.id, CallbackRequest(
        reason="Warranty", due_at=sunday_9_edt, client_id=client_id, confirm_past_deadline=True))
    assert CallBack.get_by_id(callback_id).client_zone == "America/New_York"


def test_the_dialog_shows_a_date_line_client_their_own_tomorrow(desk):
    asha = first_console(desk, "asha")
    client_id = directory.create_client(desk, "Teuea Tiiroa", [directory.NewPhone("+686 7301 2345")])
    directory.update_client(desk, client_id, "asha", time_zone="Pacific/Kiritimati")
    offer = offer_context(desk, asha.id, client_id=client_id)
    assert offer.client_zones == ("Pacific/Kiritimati",)
    due = quick_choice_time("tomorrow_morning", desk.clock.now(), KIRITIMATI, desk.config.callback_window)
    preview = preview_due(desk, offer, due, operator_zone=HONOLULU)
    assert (preview.operator_time, preview.client_time) == ("tomorrow Fri 09:00",
                                                            "tomorrow Sat 09:00 Pacific/Kiritimati")
    assert preview.problem == "" and not preview.past_deadline


@pytest.mark.parametrize(("seconds", "shown"), [
    (42 * 60 + 10, "0:42:10"), (9 * 3600 + 5 * 60, "9:05:00"), (-70 * 60, "-1:10:00"), (50 * 3600, "2d 02h"),
    (20.9, "0:00:20"),
])
def test_time_left_reads_at_a_glance(seconds, shown):
    assert describe_left(seconds) == shown
