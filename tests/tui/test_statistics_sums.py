"""A console left running keeps the statistics quick: it sums the closed days on a thread of its own, so a lead's
month is read from hourly sums, and the desk's own database thread is never held up by it."""

from __future__ import annotations

from datetime import timedelta

from calldesk.store.models import Call, StatsDay, StatsHour


async def test_a_running_console_sums_the_closed_days_in_the_background(desk, asha, run_app):
    week_ago = desk.clock.now() - timedelta(days=7)
    Call.create(number_raw="+919800000001", number_e164="+919800000001", queue="support", status="completed",
                arrived_at=week_ago, answered_at=week_ago + timedelta(seconds=9),
                ended_at=week_ago + timedelta(minutes=3), wrapped_at=week_ago + timedelta(minutes=4), operator=asha.id)
    app = run_app(desk, asha)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.keep_statistics_summed().wait()
        assert app.screen is app.desk_screen  # the desk is still there, untouched
    assert StatsDay.select().count() > 80  # the last three months' closed days, empty ones included
    assert StatsHour.select().where(StatsHour.offered == 1).count() == 1
