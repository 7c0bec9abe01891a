"""One clock for the desk (issue 18): the machine runs on UTC, the desk is in India (config.yaml's time_zone,
Asia/Kolkata). The status bar, the operator's call-backs, the F9 board, the F10 team view, the retry offered after
no answer and the command line all tell the desk's time; none tells the machine's."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_desk_flows import settle

from calldesk.cli import main
from calldesk.desk.callbacks.promises import CallbackRequest, create_callback, suggested_next_try
from calldesk.desk.clock import ManualClock
from calldesk.desk.context import Desk

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
# 09:00 on the machine's clock (UTC) is 14:30 in India; the call-back is due at 16:00 there, 10:30 on the machine.
MACHINE_NOW, DESK_NOW, DUE_ON_THE_DESK, DUE_ON_THE_MACHINE = "09:00:", "14:30:", "16:00", "10:30"


def _screen(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_every_screen_and_the_command_line_tell_the_desks_time(desk, asha, clock, run_app, db_url, capsys):
    assert time.localtime().tm_gmtoff == 0 and str(desk.zone) == "Asia/Kolkata"  # the machine on UTC, the desk not
    assert clock.now().astimezone(UTC).strftime("%H:%M:") == MACHINE_NOW
    promise = create_callback(desk, asha.id, CallbackRequest(reason="Refund for order 4411", number="+91 98765 43210",
                                                             due_at=clock.now() + timedelta(minutes=90)))
    app = run_app(desk, asha)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        desk_screen = _screen(app)
        assert DESK_NOW in desk_screen.splitlines()[0] and MACHINE_NOW not in desk_screen  # the status bar
        assert DUE_ON_THE_DESK in desk_screen and DUE_ON_THE_MACHINE not in desk_screen  # My call-backs
        await pilot.press("f9")
        await settle(pilot)
        board = _screen(app)
        assert "Refund for order 4411" in board and DUE_ON_THE_DESK in board and DUE_ON_THE_MACHINE not in board
        await pilot.press("escape", "f10")
        await settle(pilot)
        team = _screen(app)
        assert DESK_NOW in team and MACHINE_NOW not in team

    assert main(["--config", str(CONFIG), "--db", db_url, "callbacks", "list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(f"{promise:>6}  "))
    assert DUE_ON_THE_DESK in row and DUE_ON_THE_MACHINE not in row  # on its day (the command runs on today's clock)


def test_no_answer_late_in_the_evening_offers_the_next_try_when_the_client_is_awake(config):
    """19:30 in India is 14:00 on the machine: an hour on is past the 20:00 end of the calling window there, so the
    next try is 09:00 India's next morning, whatever the machine's clock says."""
    evening = Desk(config, ManualClock(datetime(2026, 11, 27, 14, 0, tzinfo=UTC)))
    offered = suggested_next_try(evening, "")  # a client whose zone nothing tells is on the desk's clock
    assert offered.astimezone(evening.zone) == datetime(2026, 11, 28, 9, 0, tzinfo=evening.zone)
