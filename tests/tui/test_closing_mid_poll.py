"""A console closed while the database is still answering a poll closes cleanly: no error for the operator, and the
close runs to its end (the operator is signed out)."""

from __future__ import annotations

from calldesk.desk.operators.identity import first_console
from calldesk.store.models import Operator
from calldesk.tui.app import CalldeskApp


async def test_closing_the_console_while_a_poll_is_on_the_database_thread_raises_nothing(desk):
    asha = first_console(desk, "asha")
    for _ in range(10):
        app = CalldeskApp(desk, asha)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert Operator.get_by_id(asha.id).state == "available"
            app.screen.poll_queue()  # in flight as the test leaves and the app shuts down
        assert app.return_code in (None, 0)  # an error while closing would have set 1 (and Pilot re-raised it)
        assert Operator.get_by_id(asha.id).state == "offline"
