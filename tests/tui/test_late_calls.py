"""The queue pane turns a caller red by the desk's one lateness rule (desk/calls/queue.py:is_late), to the tenth of a
second: not at 17.9 s, not at exactly 18 s (three 6 s rings, still answered in time), red at 18.1 s."""

from __future__ import annotations

from test_desk_flows import SIZE, settle

from calldesk.desk.calls import queue
from calldesk.tui.screens.desk import TICK_SECONDS
from calldesk.tui.widgets.queue_table import QueueTable


async def test_a_waiting_call_turns_red_only_once_past_three_whole_rings(desk, asha, clock, run_app):
    assert (desk.config.ring_cycle_seconds, desk.config.answer_within_rings) == (6.0, 3)
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    clock.advance(17.9)
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue", QueueTable)

        def shown() -> tuple[str, str, str, int]:
            wait, rings = (table.get_cell(str(call_id), column) for column in ("wait", "rings"))
            return wait.plain, rings.plain, str(wait.style), app.screen.status.late

        assert shown() == ("00:17", "3", "", 0)
        clock.advance(0.1)  # exactly 18 s: the fourth ring's first instant, still in time
        await pilot.pause(TICK_SECONDS + 0.2)
        assert shown() == ("00:18", "4", "", 0)
        clock.advance(0.1)  # 18.1 s: late, in the row and in the status bar's count
        await pilot.pause(TICK_SECONDS + 0.2)
        assert shown() == ("00:18", "4", "bold red", 1)
