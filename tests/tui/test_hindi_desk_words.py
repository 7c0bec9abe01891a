"""The words the rules hand up to a Hindi console: a Hindi operator answers a known client and reads the dossier's
stage, history, phones, complaint and dates in Hindi; a refusal of the rules comes up as a Hindi toast; the wrap-up
offers the desk's stock dispositions in Hindi and stores them as config.yaml names them; a lead's statistics read in
Hindi. The data (names, notes, the reason of a call-back, the desk's queue ids) stays as it was written."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from keyboard import type_text
from test_cell_widths import terminal_width
from test_screens_whole import SIZES, _steady
from textual.widgets import DataTable, OptionList, Static

from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory
from calldesk.desk.feedback import complaints
from calldesk.desk.operators import roster
from calldesk.desk.stats.definitions import FIGURES
from calldesk.i18n import DAY_TIME, format_moment
from calldesk.store.models import Call
from calldesk.tui.app import CalldeskApp
from calldesk.tui.modals.callback_owner import OwnerPickerModal
from calldesk.tui.modals.wrap_up import WrapUpModal
from calldesk.tui.screens.callback_board import CallbackBoardScreen
from calldesk.tui.screens.team import TeamScreen

SIZE = (120, 36)
RAHUL = "+91 98765 43210"
# The rules' own English words, as the dossier showed them before: none may be left on a Hindi desk
ENGLISH_WORDS = ["Negotiation", "Incoming", "Outgoing", "call", "completed", "answered", "mobile", "office", "ext",
                 "complaint", "open", "today", "tomorrow", "pool", "Delivery", "Jan", "Feb", "Mar", "Apr", "May",
                 "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture
def meera(desk):
    return roster.add_operator(desk, "meera", "मीरा शर्मा", "support", language="hi")


@pytest.fixture
def rahul_with_a_past(desk, clock, ravi, sharma, meera):
    """Mr Sharma (stage: negotiation) with an office line, a call Ravi took twelve days ago, an open complaint and a
    call-back Meera promised him; now he rings again."""
    directory.add_phone(desk, sharma, "022 2765 4321 ext. 214", "office")
    earlier = queue.ring_call(desk, RAHUL, "billing")
    queue.claim_call(desk, earlier, ravi.id)
    handling.end_call(desk, earlier, ravi.id)
    then = clock.now()
    clock.advance(days=12)
    complaints.log_feedback(desk, ravi.id, "complaint", "Delivery", "The courier came two days late",
                          client_id=sharma)
    promised = create_callback(desk, meera.id, CallbackRequest(
        reason="Warranty papers", owner="meera", client_id=sharma, due_at=clock.now() + timedelta(hours=2)))
    queue.ring_call(desk, RAHUL, "support")
    return then, promised


async def settle(pilot) -> None:
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)


def _english_left(text: str) -> list[str]:
    return [word for word in ENGLISH_WORDS if re.search(rf"(?<![\w-]){word}(?![\w-])", text)]


async def test_a_hindi_operator_reads_a_known_clients_dossier_all_in_hindi(desk, meera, rahul_with_a_past):
    then, _promised = rahul_with_a_past
    app = CalldeskApp(desk, meera, language="hi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        text = app.screen.query_one("#dossier-body", Static).render().plain
        assert "चरण" in text and "बातचीत" in text  # the stage
        assert "मोबाइल" in text and "एक्स. 214 (ऑफ़िस)" in text  # the phones' labels and extension
        assert "शिकायत · डिलीवरी · लंबित: The courier came two days late" in text  # a stock category: in Hindi
        assert "आने वाली कॉल, billing: पूरी हुई — Ravi Kumar" in text  # the queue id as config.yaml names it
        past = format_moment(then.astimezone(desk.zone), DAY_TIME)
        assert past in text and not re.search("[A-Za-z]", past)  # "15 नव॰ 14:30": the month in Hindi
        assert "Asked for the premium package brochure" in text and "Warranty papers" in text  # notes as written
        assert not _english_left(text), text
        screen = [strip.text for strip in app.screen._compositor.render_strips()]
        pushed = [line for line in screen if terminal_width(line) != SIZE[0]]
        assert not pushed, f"a line is {terminal_width(pushed[0])} cells in a terminal: {pushed[0]!r}"


async def test_a_refusal_of_the_rules_is_a_hindi_toast(desk, meera, rahul_with_a_past):
    _then, promised = rahul_with_a_past
    app = CalldeskApp(desk, meera, language="hi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CallbackBoardScreen(desk, meera, app.db.run))
        await settle(pilot)
        await pilot.press("ctrl+r")  # give her own call-back to Ravi: a team lead's to do
        for _attempt in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, OwnerPickerModal):
                break
        await type_text(pilot, "ravi")
        await pilot.press("enter")
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert f"कॉल-बैक {promised} आपके ज़िम्मे है: किसी और को कॉल-बैक सौंपना टीम लीड का काम है" in toasts, toasts


async def dialog_open(pilot, kind: type) -> None:
    for _attempt in range(100):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, kind):
            return
    raise AssertionError(f"{kind.__name__} did not open")


async def test_the_wrap_up_offers_the_stock_dispositions_in_hindi_and_keeps_them_as_config_names_them(
        desk, meera, rahul_with_a_past):
    app = CalldeskApp(desk, meera, language="hi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        call_id = app.screen.live.id
        await pilot.press("f6")
        await dialog_open(pilot, WrapUpModal)
        shown = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
        assert shown == ["समाधान हो गया", "जानकारी दी", "कॉल-बैक का वादा किया", "ट्रांसफ़र की", "शिकायत दर्ज की",
                         "बिक्री", "गलत नंबर"]  # config.yaml's list
        await pilot.press("enter")
        await settle(pilot)
    assert Call.get_by_id(call_id).disposition == "Resolved"  # stored and exported as config.yaml names it


async def test_a_hindi_leads_statistics_name_every_figure_in_hindi(desk, asha, rahul_with_a_past):
    app = CalldeskApp(desk, asha, language="hi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("alt+2")
        await settle(pilot)
        figures = app.screen.query_one("#stats-figures", DataTable)
        labels = [str(figures.get_row_at(row)[0]) for row in range(figures.row_count)]
        assert len(labels) == len(FIGURES) and "सेवा स्तर" in labels and "पहली कॉल में समाधान" in labels
        assert not [label for label in labels if re.search("[a-z]", label)], labels  # FCR and AHT are Hindi's too
        heat = app.screen.query_one("#stats-heatmap", Static).content.plain
        assert "\nमंगल " in heat and "Tue" not in heat
        definition = app.screen.query_one("#stats-definition", Static).content.plain
        assert definition.startswith("आई कॉल: ") and definition.endswith("।")


@pytest.mark.parametrize("size", SIZES)
def test_the_hindi_dossier_picture(snap_compare, desk, meera, rahul_with_a_past, size, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for pictures")

    async def answer(pilot) -> None:
        await _steady(pilot)
        await pilot.press("f2")
        await _steady(pilot)

    assert snap_compare(CalldeskApp(desk, meera, language="hi"), terminal_size=size, run_before=answer)
