"""At the console: an operator offers a call-back during a call (F5 dialog) and ends the call; a team lead opens the
board (F9), selects three call-backs with space and reassigns them; a second lead's change meanwhile is told, not
overwritten. Driven key by key on the real app and database; the board is also kept as a snapshot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from keyboard import type_text
from textual.widgets import Static

from calldesk.desk.callbacks.lines import line_of
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    create_callback,
    offer_context,
    reassign_callbacks,
    record_outcome,
    start_callback,
)
from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import Call, CallBack, Operator
from calldesk.tui.app import CalldeskApp
from calldesk.tui.modals.callback_offer import CallbackOffered, CallbackOfferModal
from calldesk.tui.modals.callback_outcome import CallbackOutcomeModal
from calldesk.tui.modals.callback_owner import OwnerPickerModal
from calldesk.tui.modals.wrap_up import WrapUpModal
from calldesk.tui.screens.callback_board import BoardTable, CallbackBoardScreen
from calldesk.tui.widgets.my_callbacks import MyCallbacks

SIZE = (120, 36)


@pytest.fixture
def lead(desk):
    lina = first_console(desk, "lina")
    Operator.update(name="Lina Das").where(Operator.id == lina.id).execute()
    return roster.get_operator(lina.id)


@pytest.fixture
def board_data(desk, lead):
    """Five open call-backs over three owners and a pool, with fixed times."""
    asha = roster.add_operator(desk, "asha", "Asha Rao", "support")
    roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    roster.add_operator(desk, "omar", "Omar Khan", "sales", role="lead")
    rahul = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    meera = directory.create_client(desk, "मीरा अय्यर", [directory.NewPhone("+91 99887 76655")])
    now = desk.clock.now()
    plan = [("asha", rahul, "Refund for order 4411", 5), ("asha", meera, "Invoice copy for March", 50),
            ("support", rahul, "Missed call: hung up after 1:23", 20), ("ravi", meera, "Warranty claim", 120),
            ("sales", rahul, "Quote for 40 units", 240)]
    ids = [create_callback(desk, asha.id, CallbackRequest(reason=reason, owner=owner, client_id=client_id,
                                                          due_at=now + timedelta(minutes=minutes)))
           for owner, client_id, reason, minutes in plan]
    desk.clock.advance(minutes=12)  # the first is overdue, the missed call due soon
    return ids


async def settle(pilot) -> None:
    """Let the database thread answer and the screen repaint."""
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)


async def dialog_open(pilot, kind: type) -> None:
    """Wait for a dialog whose worker waits on it (so waiting for every worker would never end)."""
    for _ in range(100):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, kind):
            return
    raise AssertionError(f"{kind.__name__} did not open")


def _text(static: Static) -> str:
    return str(static.render())


async def test_an_operator_offers_a_call_back_during_the_call_and_ends_it(desk, lead):
    client_id = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = CalldeskApp(desk, lead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        offer = await app.db.run(offer_context, desk, lead.id, call_id)
        promised: list[CallbackOffered | None] = []

        async def submit(request: CallbackRequest) -> int:
            return await app.db.run(create_callback, desk, lead.id, request)

        app.push_screen(CallbackOfferModal(desk, offer, submit), promised.append)
        await settle(pilot)
        modal = app.screen
        preview = _text(modal.query_one("#cb-preview", Static))
        assert preview == "You: today Fri 15:00   Client: today Fri 15:00 Asia/Kolkata"  # the desk's clock, not UTC's
        await pilot.press("enter")  # no reason yet
        await settle(pilot)
        assert "A reason is needed" in _text(modal.query_one("#cb-error"))
        await type_text(pilot, "Refund status [order 4411]")
        await pilot.press("tab", "tab")
        await type_text(pilot, "in 2h")
        await settle(pilot)
        assert "You: today Fri 16:30" in _text(modal.query_one("#cb-preview", Static))  # 11:00 UTC on the desk's clock
        await pilot.press("enter")
        await settle(pilot)
        assert promised and promised[0].operator_time == "today Fri 16:30"
        await pilot.press("f6")  # the second keystroke: the call ends and wrap-up opens
        await dialog_open(pilot, WrapUpModal)
        await pilot.press("enter")
        await settle(pilot)
    callback = CallBack.get()
    assert (callback.reason, callback.client_id, callback.call_id) == ("Refund status [order 4411]", client_id,
                                                                       call_id)
    assert callback.due_at == desk.clock.now() + timedelta(hours=2) and callback.assignee_id == lead.id
    assert Call.get_by_id(call_id).wrapped_at is not None


async def test_past_the_deadline_the_dialog_asks_and_ctrl_y_confirms(desk, lead):
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = CalldeskApp(desk, lead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        offer = await app.db.run(offer_context, desk, lead.id, call_id)

        async def submit(request: CallbackRequest) -> int:
            return await app.db.run(create_callback, desk, lead.id, request)

        app.push_screen(CallbackOfferModal(desk, offer, submit))
        await settle(pilot)
        await type_text(pilot, "Engineer's report")
        await pilot.press("tab", "tab")
        await type_text(pilot, "tomorrow 10:00")
        await settle(pilot)
        assert "After the 10-hour deadline" in _text(app.screen.query_one("#cb-preview", Static))
        await pilot.press("enter")
        await settle(pilot)
        assert "ctrl+y" in _text(app.screen.query_one("#cb-error"))
        assert CallBack.select().count() == 0
        await pilot.press("ctrl+y")
        await settle(pilot)
    assert CallBack.get().due_at.astimezone(desk.zone).strftime("%d %H:%M") == "28 10:00"  # typed on the desk's clock


async def test_a_lead_selects_three_on_the_board_and_reassigns_them_in_two_keystrokes(desk, lead, board_data):
    ids = board_data
    app = CalldeskApp(desk, lead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = CallbackBoardScreen(desk, lead, app.db.run)
        app.push_screen(board)
        await settle(pilot)
        table = board.query_one(BoardTable)
        assert [line.id for line in table.lines] == ids  # by deadline, then oldest
        summary = _text(board.query_one("#board-summary", Static))
        assert "open 5" in summary and "overdue 1" in summary and "due soon 1" in summary
        await pilot.press("space", "space", "space")
        assert table.selected == set(ids[:3])
        await pilot.press("ctrl+r")
        await dialog_open(pilot, OwnerPickerModal)
        await type_text(pilot, "ravi")
        await pilot.press("enter")
        await settle(pilot)
        assert {line_of(desk, i).owner_login for i in ids[:3]} == {"ravi"}
        assert any("3 call-backs given to Ravi Kumar" in n.message for n in app._notifications)
        assert [table.get_row(str(i))[5].plain for i in ids[:3]] == ["Ravi Kumar"] * 3
        assert table.selected == set()


async def test_the_board_filters_and_a_second_lead_is_told_who_changed_it(desk, lead, board_data):
    omar = roster.get_operator(Operator.get(Operator.login == "omar").id)
    app = CalldeskApp(desk, lead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = CallbackBoardScreen(desk, lead, app.db.run)
        app.push_screen(board)
        await settle(pilot)
        await pilot.press("ctrl+f", *"meera")  # no match in Latin letters: the name is in Devanagari
        await settle(pilot)
        assert board.query_one(BoardTable).lines == []
        await pilot.press(*["backspace"] * 5, *"warranty")
        await settle(pilot)
        [warranty] = board.query_one(BoardTable).lines
        await pilot.press("ctrl+a")  # from the filter box: all the rows it shows
        assert board.query_one(BoardTable).selected == {warranty.id}
        await pilot.press("ctrl+a")
        assert board.query_one(BoardTable).selected == set()
        await pilot.press("tab", "tab", "tab", "tab", "tab", "ctrl+r")  # back to the table: ctrl+r on that row
        await dialog_open(pilot, OwnerPickerModal)
        reassign_callbacks(desk, omar.id, [(warranty.id, warranty.version)], "sales")  # Omar, on his console
        await type_text(pilot, "asha")
        await pilot.press("enter")
        await settle(pilot)
        assert any("just changed by Omar Khan" in n.message for n in app._notifications)
        assert line_of(desk, warranty.id).pool == "sales"  # nothing overwritten
        assert board.query_one(BoardTable).lines[0].owner == "sales pool"  # and the board shows the new state


async def test_an_operator_sees_only_their_own_and_cannot_distribute(desk, lead, board_data):
    asha = roster.get_operator(Operator.get(Operator.login == "asha").id)
    app = CalldeskApp(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = CallbackBoardScreen(desk, asha, app.db.run)
        chosen: list = []
        app.push_screen(board, chosen.append)
        await settle(pilot)
        assert [line.reason for line in board.query_one(BoardTable).lines] == [
            "Refund for order 4411", "Invoice copy for March"]
        assert not board.query("#board-owner")
        assert board.check_action("distribute", ()) is False
        await pilot.press("down", "f2")  # F2 hands the call-back under the cursor to the desk to start
        await settle(pilot)
    assert [line.reason for line in chosen] == ["Invoice copy for March"]


async def test_a_call_back_that_rings_out_offers_the_next_try_and_a_rescheduled_one_asks_when(desk, lead, board_data):
    ids = board_data
    asha = roster.get_operator(Operator.get(Operator.login == "asha").id)
    line = line_of(desk, ids[1])
    started = start_callback(desk, line.id, line.version, asha.id)
    app = CalldeskApp(desk, lead)  # a console hosting the dialog; Asha's own would go on to the wrap-up
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results: list = []

        def outcome_dialog(seen):  # as the desk opens it: the version seen is the one the change is checked against
            async def submit(outcome, next_due, confirm):
                return await app.db.run(record_outcome, desk, seen.id, seen.version, asha.id, outcome,
                                        next_due=next_due, confirm_past_deadline=confirm)

            return CallbackOutcomeModal(desk, seen, submit)

        app.push_screen(outcome_dialog(started.callback), results.append)
        await settle(pilot)
        assert "offered: 15:42" in app.screen.query_one("#next-try").placeholder  # 10:12 UTC, on the desk's clock
        await pilot.press("down", "enter")  # no answer: the next try offered
        await settle(pilot)
        app.push_screen(outcome_dialog(results[0].callback), results.append)
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # rescheduled: it asks when
        await settle(pilot)
        assert "When does the client want the call?" in _text(app.screen.query_one("#outcome-error"))
        await type_text(pilot, "in 3h")
        await pilot.press("enter")
        await settle(pilot)
    no_answer, rescheduled = results
    assert no_answer.callback.attempts == 1 and no_answer.callback.due_at == desk.clock.now() + timedelta(hours=1)
    assert rescheduled.callback.due_at == desk.clock.now() + timedelta(hours=3)
    assert rescheduled.callback.status == "open" and rescheduled.callback.outcome == "rescheduled"


async def test_my_call_backs_list_counts_down_and_marks_late_ones(desk, lead, board_data):
    from calldesk.desk.callbacks.lines import my_callbacks

    asha = Operator.get(Operator.login == "asha")
    app = CalldeskApp(desk, lead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        widget = MyCallbacks(timedelta(minutes=10), desk.zone)
        await app.screen.mount(widget)
        lines = await app.db.run(my_callbacks, desk, asha.id)
        widget.show_lines(lines, desk.clock.now())
        assert [line.reason for line in widget.lines] == [
            "Refund for order 4411", "Invoice copy for March", "Missed call: hung up after 1:23"]
        first = widget.get_row(str(lines[0].id))
        assert first[0].plain == "14:35\nlate" and first[1].plain == "-0:07:00"  # to the promised time, not the SLA
        widget.tick(desk.clock.now() + timedelta(seconds=61))
        assert widget.get_row(str(lines[0].id))[1].plain == "-0:08:01"
        assert widget.count("overdue", desk.clock.now()) == 1 and widget.count("due_soon", desk.clock.now()) == 1
        assert widget.get_row(str(lines[2].id))[2].plain.startswith("Rahul Sharma (pool)")


async def test_an_operator_with_a_long_list_sees_all_of_it_once_the_desk_is_up(desk, lead):
    """The desk's first paint reads only the call-backs in sight; the rest must follow on their own, counted."""
    rahul = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    many = MyCallbacks.FIRST_PAINT + 15
    now = desk.clock.now()
    for n in range(1, many + 1):
        create_callback(desk, lead.id, CallbackRequest(reason=f"Follow-up {n}", owner="lina", client_id=rahul,
                                                       due_at=now + timedelta(minutes=n)))
    desk.clock.advance(minutes=20)  # the first 20 are late
    app = CalldeskApp(desk, lead)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        mine = app.screen.query_one(MyCallbacks)
        assert mine.row_count == many
        assert [line.reason for line in mine.lines][-1] == f"Follow-up {many}"
        assert app.screen.status.callbacks_due == 20 + desk.config.callbacks.due_soon_minutes  # one a minute


def test_the_board_snapshot(desk, lead, board_data, snap_compare):
    app = CalldeskApp(desk, lead)

    async def open_board(pilot) -> None:
        await settle(pilot)
        app.push_screen(CallbackBoardScreen(desk, lead, app.db.run))
        await settle(pilot)
        await pilot.press("down", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_board)
