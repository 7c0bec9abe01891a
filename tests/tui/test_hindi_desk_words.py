"""The words the rules hand up to a Hindi console: a Hindi operator answers a known client and reads the dossier's
stage, history, phones, complaint and dates in Hindi; a refusal of the rules comes up as a Hindi toast. The data
(names, notes, the reason of a call-back, the desk's queue ids and categories) stays as it was written."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from textual.widgets import Static

from calldesk.desk import calls, clients, feedback, operators, queue
from calldesk.desk.callbacks import CallbackRequest, create_callback
from calldesk.i18n import DAY_TIME, format_moment, use_language
from calldesk.tui.app import CalldeskApp
from calldesk.tui.modals.callback_owner import OwnerPickerModal
from calldesk.tui.screens.callback_board import CallbackBoardScreen

SIZE = (120, 36)
RAHUL = "+91 98765 43210"
# The rules' own English words, as the dossier showed them before: none may be left on a Hindi desk
ENGLISH_WORDS = ["Negotiation", "Incoming", "Outgoing", "call", "completed", "answered", "mobile", "office", "ext",
                 "complaint", "open", "today", "tomorrow", "pool", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                 "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture(autouse=True)
def _english_again():
    yield
    use_language("en")  # the next test's console starts in English unless it says otherwise


@pytest.fixture
def meera(desk):
    return operators.add_operator(desk, "meera", "मीरा शर्मा", "support", language="hi")


@pytest.fixture
def rahul_with_a_past(desk, clock, ravi, sharma, meera):
    """Mr Sharma (stage: negotiation) with an office line, a call Ravi took twelve days ago, an open complaint and a
    call-back Meera promised him; now he rings again."""
    clients.add_phone(desk, sharma, "022 2765 4321 ext. 214", "office")
    earlier = queue.ring_call(desk, RAHUL, "billing")
    queue.claim_call(desk, earlier, ravi.id)
    calls.end_call(desk, earlier, ravi.id)
    then = clock.now()
    clock.advance(days=12)
    feedback.log_feedback(desk, ravi.id, "complaint", "Delivery", "The courier came two days late",
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
        assert "शिकायत · Delivery · लंबित: The courier came two days late" in text  # the desk's category as written
        assert "आने वाली कॉल, billing: पूरी हुई — Ravi Kumar" in text  # the queue id as config.yaml names it
        past = format_moment(then.astimezone(desk.zone), DAY_TIME)
        assert past in text and not re.search("[A-Za-z]", past)  # "15 नव॰ 14:30": the month in Hindi
        assert "Asked for the premium package brochure" in text and "Warranty papers" in text  # notes as written
        assert not _english_left(text), text


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
        await pilot.press(*"ravi", "enter")
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert f"कॉल-बैक {promised} आपके ज़िम्मे है: किसी और को कॉल-बैक सौंपना टीम लीड का काम है" in toasts, toasts
