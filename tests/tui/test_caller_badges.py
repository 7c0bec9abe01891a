"""An operator sees, before answering, who is a VIP, who called earlier today, who waits on a late promise or has a
complaint open; the dossier says the same in words, with the last contact; F1 says what the marks mean."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_desk_flows import dossier_text, plain, settle
from textual.widgets import DataTable, Static

from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory
from calldesk.desk.feedback.complaints import log_feedback

SHARMA = "+91 98765 43210"


def _caller_cells(app) -> list[str]:
    table = app.screen.query_one("#queue", DataTable)
    return [str(table.get_row_at(n)[2]) for n in range(table.row_count)]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_queue_row_and_the_dossier_header_show_a_vips_late_promise_and_complaint(
        desk, asha, sharma, clock, run_app, size):
    directory.update_client(desk, sharma, "asha", tags="VIP")
    earlier = queue.ring_call(desk, SHARMA, "support")
    clock.advance(6)
    queue.claim_call(desk, earlier, asha.id)
    handling.end_call(desk, earlier, asha.id)
    handling.wrap_up(desk, earlier, asha.id, "Call-back promised")
    create_callback(desk, asha.id, CallbackRequest(reason="Refund for order 4411",
                                                   due_at=clock.now() + timedelta(hours=1), call_id=earlier))
    log_feedback(desk, asha.id, "complaint", "Delivery", "The parcel came broken", client_id=sharma)
    clock.advance(2 * 3600)  # the promise is an hour late when he rings again
    queue.ring_call(desk, "+91 91234 56789", "sales")  # a stranger first in line
    queue.ring_call(desk, SHARMA, "support")

    app = run_app(desk, asha)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        stranger, vip = _caller_cells(app)
        assert stranger == "091234 56789"  # nothing to flag: the number, as the region dials it
        assert vip.startswith("★1×↻! ")  # the marks, before a name a narrow column may cut
        cell = app.screen.query_one("#queue", DataTable).get_row_at(1)[2]
        late = next(span for span in cell.spans if cell.plain[span.start:span.end] == "↻")
        assert "red" in str(late.style)  # late: the call-back board's overdue

        await pilot.press("down", "f2")
        await settle(pilot)
        header = dossier_text(app).splitlines()[:3]
        assert header[0].startswith("Rahul Sharma")
        assert header[1].split() == ["★", "VIP", "1×", "today", "↻", "late", "call-back", "!", "complaint", "open"]
        assert header[2].split()[:2] == ["Last", "contact"]
        assert header[2].rstrip().endswith("Incoming call, support: Call-back promised")

        await pilot.press("f1")
        await settle(pilot)
        legend = plain(app.screen.query_one(Static))
        assert "Caller badges" in legend
        assert "past its promised time" in legend and "VIP tag" in legend
