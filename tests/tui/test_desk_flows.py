"""Stories of an operator at the desk, driven key by key on a real database."""

from __future__ import annotations

import io
from datetime import timedelta

from rich.console import Console
from textual.widgets import DataTable, Static, TextArea

from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory, notes
from calldesk.desk.context import Desk
from calldesk.store.models import Call, Client, Note, Operator, Phone
from calldesk.tui.widgets.script_pane import ScriptPane

SIZE = (120, 36)


def plain(static: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def dossier_text(app) -> str:
    return plain(app.screen.query_one("#dossier-body", Static))


async def settle(pilot) -> None:
    """Let the database thread answer every chained request and the screen repaint."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.db.run(lambda: None)
    await pilot.pause()


async def test_operator_answers_a_known_client_notes_and_wraps_up(desk, asha, sharma, clock, run_app):
    call_id = queue.ring_call(desk, "098765 43210", "support")
    clock.advance(8)  # the caller has heard two rings
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#queue", DataTable).row_count == 1
        await pilot.press("f2")
        await settle(pilot)
        shown = dossier_text(app)
        assert "Rahul Sharma" in shown and "Mr Sharma" in shown
        assert "premium package brochure" in shown  # the client's last note, at a glance
        greeting = app.screen.query_one("#script", ScriptPane).lines_text()[1]
        assert "this is Asha Verma" in greeting and "Acme Appliances" in greeting
        assert app.focused is app.screen.query_one("#notes", TextArea)
        await pilot.press(*"Wants a bigger fridge")
        await pilot.press("ctrl+n", "ctrl+n")  # greeting said, help offered
        await settle(pilot)
        await pilot.press("f6")  # works while the cursor is in the notes
        await settle(pilot)
        await pilot.press("down", "enter")  # "Information given"
        await settle(pilot)
        assert app.pop_timings, "the screen pop is timed inside the app"
    call = Call.get_by_id(call_id)
    assert call.status == "completed" and call.operator_id == asha.id
    assert call.disposition == "Information given"
    assert call.rings == 2
    assert call.answered_at - call.arrived_at == timedelta(seconds=8)
    assert call.ended_at is not None and call.wrapped_at is not None
    assert set(call.script_steps.split(",")) == {"support:1.1", "support:1.2"}  # the support queue's script
    assert Note.get(Note.call == call_id).body == "Wants a bigger fridge"
    assert handling.live_call_of(desk, asha.id) is None


async def test_a_call_taken_by_another_console_is_reported_and_the_desk_stays_usable(desk, asha, ravi, run_app):
    call_id = queue.ring_call(desk, "+91 91234 56789", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue.claim_call(desk, call_id, ravi.id)  # Ravi's console was quicker
        await pilot.press("enter")  # on the caller the queue still shows
        await settle(pilot)
        assert any("Taken by Ravi Kumar" in n.message for n in app._notifications)
        assert app.screen.live is None
        assert app.screen.query_one("#queue", DataTable).row_count == 0


async def test_an_unknown_callers_words_go_in_the_notes_and_f3_makes_them_a_client(desk, asha, run_app):
    call_id = queue.ring_call(desk, "+91 99887 76655", "support", caller_name="")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is app.desk_screen and app.focused is app.screen.query_one("#notes", TextArea)
        await pilot.press(*"wants the delivery date")  # typed at once: into the notes, never into a name
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientDetailsModal"
        await pilot.press(*"Priya Nair", "tab", "tab", *"Nair Exports", "enter")
        await settle(pilot)
        assert "Priya Nair" in dossier_text(app)
        assert app.screen.query_one("#notes", TextArea).text == "wants the delivery date"
        script = " ".join(app.screen.query_one("#script", ScriptPane).lines_text())
        assert "wants the delivery date" not in script
    client = Client.get(Client.name == "Priya Nair")
    assert client.company == "Nair Exports"
    assert Phone.get(Phone.client == client.id).e164 == "+919988776655"
    assert Call.get_by_id(call_id).client_id == client.id


async def test_f3_on_a_known_client_corrects_how_to_address_them_and_the_script_follows(desk, asha, sharma, run_app):
    from calldesk.store.models import AuditEvent

    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"Asked about the warranty", "f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientDetailsModal"
        assert app.screen.query_one("#address_as").value == "Mr Sharma"
        await pilot.press("tab", "tab", *["backspace"] * 9, *"Rahul ji", "enter")
        await settle(pilot)
        assert "Rahul ji" in dossier_text(app)
        assert "How may I help you, Rahul ji?" in " ".join(app.screen.query_one("#script", ScriptPane).lines_text())
        assert app.screen.query_one("#notes", TextArea).text == "Asked about the warranty"
    assert Client.get_by_id(sharma).address_as == "Rahul ji"
    event = AuditEvent.select().where(AuditEvent.entity == "client", AuditEvent.action == "update").get()
    assert event.actor == "asha" and "Rahul ji" in event.after and "company" not in event.after


async def test_transfer_to_a_department_with_a_note(desk, asha, ravi, sharma, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down", "enter")  # Department · Sales
        await pilot.press(*"wants a quote for 20 fridges", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpModal"
        await pilot.press("enter")  # "Transferred" is suggested
        await settle(pilot)
    assert Call.get_by_id(call_id).status == "transferred"
    onward = Call.get((Call.status == "ringing") & (Call.queue == "sales"))
    assert onward.client_id == sharma
    assert Note.select().where(Note.body.contains("wants a quote for 20 fridges")).exists()


async def test_find_a_client_by_digits_and_keep_a_note(desk, asha, sharma, run_app):
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.press(*"43210")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Sharma Traders" in dossier_text(app)
        app.screen.query_one("#notes", TextArea).focus()
        await pilot.press(*"Called about the brochure")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Called about the brochure" in dossier_text(app)
    assert Note.get(Note.body == "Called about the brochure").client_id == sharma


async def test_a_killed_console_gets_its_call_and_draft_back(desk, asha, sharma, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    notes.save_draft(desk, asha.id, call_id, sharma, "half-typed: customer wants")  # what autosave kept
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.live is not None and app.screen.live.id == call_id
        assert app.screen.query_one("#notes", TextArea).text == "half-typed: customer wants"
        assert "Rahul Sharma" in dossier_text(app)


async def test_notes_are_autosaved_while_typing(desk, asha, sharma, run_app):
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#notes", TextArea).insert("नमस्ते 🙏 'quotes' ; DROP TABLE note;--")  # as pasted
        await app.screen.autosave_notes()
    assert notes.load_draft(asha.id, call_id) == "नमस्ते 🙏 'quotes' ; DROP TABLE note;--"


async def test_keys_follow_the_config_remap(desk, asha, sharma, run_app):
    remapped = Desk(desk.config._replace(keys={"answer": "f12"}), desk.clock)
    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(remapped, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert app.screen.live is not None


async def test_help_lists_every_key_and_quit_asks_during_a_call(desk, asha, sharma, run_app):
    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        help_text = plain(app.screen.query_one(Static))
        for words in ("answer", "transfer", "wrap-up", "find a client"):
            assert words in help_text.lower()
        await pilot.press("escape", "f2")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("enter")  # out of habit: the call stays, the console too
        await settle(pilot)
        assert app.is_running and app.screen is app.desk_screen
        await pilot.press("ctrl+q", "n")
        await settle(pilot)
        assert app.is_running
        await pilot.press("ctrl+q", "y")
        await settle(pilot)
        assert not app.is_running


async def test_hostile_caller_ids_never_break_the_queue(desk, asha, run_app):
    for number in ("+", "00", "abc", "😀", "1" * 60):
        queue.ring_call(desk, number, "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#queue", DataTable).row_count == 5
        await pilot.press("f2")
        await settle(pilot)
        assert "Unknown caller" in dossier_text(app)
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientDetailsModal"
        assert app.screen.query_one("#phone").value == "+"  # the odd number is offered as typed
        await pilot.press("escape")
        await settle(pilot)
    assert directory.find_clients(desk, "abc") == []


async def test_the_command_palette_offers_desk_actions(desk, asha, sharma, run_app):
    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Answer")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.live is not None
        assert "Rahul Sharma" in dossier_text(app)


async def test_faq_answer_goes_into_the_notes_and_a_complaint_is_logged(desk, asha, sharma, run_app):
    from calldesk.desk.coach.faq_seed import seed_faq
    from calldesk.store.models import Feedback

    seed_faq(desk)
    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f7", *"premium")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "premium" in app.screen.query_one("#notes", TextArea).text.lower()
        await pilot.press("f8")
        await settle(pilot)
        assert type(app.screen).__name__ == "FeedbackFormModal"
        await pilot.press("escape")
    assert Feedback.select().count() == 0


async def test_negative_phrasing_is_flagged_and_counted_on_the_call(desk, asha, sharma, run_app):
    from calldesk.tui.widgets.phrase_hints import PhraseHints

    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"Told him I don't know when it ships")
        await settle(pilot)
        hints = app.screen.query_one(PhraseHints)
        assert hints.display and "find out" in plain(hints).lower()
    assert Call.get_by_id(call_id).phrase_hits == 1


async def test_escalation_reaches_a_lead_console(desk, asha, ravi, sharma, run_app):
    from calldesk.desk.calls import escalation

    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, ravi.id)
    escalation.escalate_call(desk, ravi.id, call_id, "asks for a refund beyond policy")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.status.alerts == 1
        await pilot.press("ctrl+a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert escalation.open_escalations(desk) == []


async def test_ctrl_e_on_a_call_names_the_client_and_alerts_the_leads(desk, asha, sharma, run_app):
    from calldesk.desk.calls import escalation

    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+e")  # from the notes, where the cursor is during a call
        await settle(pilot)
        assert app.screen.query_one("#escalate").border_title == "Call a team lead · Rahul Sharma"
        await pilot.press(*"Wants a refund above my limit", "enter")
        await settle(pilot)
    [raised] = escalation.open_escalations(desk)
    assert raised.call_id == call_id and raised.reason == "Wants a refund above my limit"


async def test_an_operator_pauses_for_lunch_and_comes_back(desk, asha, sharma, run_app):
    from calldesk.store.models import OperatorStateChange

    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o", "enter")  # Pause: Lunch
        await settle(pilot)
        assert (app.screen.status.state, app.screen.status.state_reason) == ("paused", "Lunch")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.live is None  # a paused operator is not handed calls
        await pilot.press("ctrl+o", "enter")  # Available
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.live is not None
    history = [(c.state, c.reason) for c in OperatorStateChange.select().order_by(OperatorStateChange.id)]
    assert history[-3:] == [("paused", "Lunch"), ("available", ""), ("on_call", "")]


async def test_f10_opens_the_team_view_and_f1_shows_its_keys(desk, asha, sharma, run_app):
    queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert type(app.screen).__name__ == "TeamScreen"
        await pilot.press("f1")
        await settle(pilot)
        assert "Team" in plain(app.screen.query_one(Static))
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "DeskScreen"


async def test_f5_promises_a_call_back_and_f6_enter_ends_the_call(desk, asha, sharma, run_app):
    from calldesk.store.models import CallBack

    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallbackOfferModal"
        await pilot.press(*"Check the fridge delivery date", "tab", "space", "down", "enter")  # the list: "in 2 hours"
        await settle(pilot)
        assert type(app.screen).__name__ == "CallbackOfferModal"  # enter chose in the open list
        await pilot.press("tab", "tab", "tab", "enter")  # on Owner, closed: enter promises
        await settle(pilot)
        assert type(app.screen).__name__ == "DeskScreen"
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")  # "Call-back promised" is already chosen
        await settle(pilot)
        assert app.screen.query_one("#my-callbacks").row_count == 1
    callback = CallBack.get()
    assert (callback.reason, callback.client_id, callback.assignee_id) == (
        "Check the fridge delivery date", sharma, asha.id)
    assert callback.sla_deadline is not None
    assert Call.get_by_id(call_id).disposition == "Call-back promised"


async def test_f2_on_my_call_back_dials_it_with_the_call_back_greeting(desk, asha, sharma, run_app):
    from calldesk.desk.callbacks.promises import CallbackRequest, create_callback

    create_callback(desk, asha.id, CallbackRequest(reason="the refund for order 4411", owner="asha",
                                                   client_id=sharma, due_at=desk.clock.now() + timedelta(minutes=5)))
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#my-callbacks").focus()
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.live is not None and "Rahul Sharma" in dossier_text(app)
        lines = " ".join(app.screen.query_one("#script", ScriptPane).lines_text())
        assert "the refund for order 4411" in lines
    assert Call.get(Call.direction == "outbound").operator_id == asha.id


async def test_the_database_goes_away_mid_call_and_nothing_typed_is_lost(tmp_path, config, clock, run_app):
    """The file's folder disappears (a lost network share, an unmounted disk), then comes back."""
    from calldesk.desk.context import Desk
    from calldesk.desk.operators import roster as ops
    from calldesk.store.database import open_database
    from calldesk.store.models import database

    folder = tmp_path / "desk"
    open_database(f"sqlite:///{folder / 'calldesk.db'}")
    desk = Desk(config, clock)
    asha = ops.add_operator(desk, "asha", "Asha Verma", "support")
    client_id = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        database.close()  # this thread's connection, before its folder goes
        await app.db.run(database.close)
        folder.rename(tmp_path / "away")
        await pilot.press(*"Customer wants a refund")
        await app.screen.autosave_notes()
        await pilot.press("f5")
        await settle(pilot)
        assert type(app.screen).__name__ == "OfflineCallbackModal"
        await pilot.press(*"refund status", "enter")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.status.offline
        assert app.screen.live is None  # the operator went on; the wrap-up waits in the journal
        assert app.journal.pending()
        (tmp_path / "away").rename(folder)
        app.screen.poll_queue()
        await settle(pilot)
        assert not app.screen.status.offline
        # said once, however many writes failed; and the state shown is the store's after the replay
        assert len([n for n in app._notifications if n.message.startswith("Database offline")]) == 1
        assert app.screen.status.state == Operator.get_by_id(asha.id).state == "available"
    call = Call.get_by_id(call_id)
    assert call.wrapped_at is not None and call.disposition == "Call-back promised"  # F5 chose it for F6
    assert [n.body for n in Note.select().where(Note.call == call_id)] == ["Customer wants a refund"]
    assert Note.select().where(Note.client == client_id).count() == 1
    from calldesk.store.models import CallBack

    promise = CallBack.get()
    assert (promise.reason, promise.client_id, promise.assignee_id) == ("refund status", client_id, asha.id)


async def test_a_trainee_plays_a_whole_practice_call_on_the_desk_and_is_scored(desk):
    from calldesk.desk.coach.faq_seed import seed_faq
    from calldesk.desk.coach.training import TrainingSession, find_scenario, trainee_for
    from calldesk.store.models import TrainingScore
    from calldesk.tui.app import CalldeskApp

    seed_faq(desk)
    trainee = trainee_for(desk, "neha")
    session = TrainingSession(desk, trainee.id, find_scenario("friendly_faq"))
    app = CalldeskApp(desk, trainee, training=session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert session.lines_said == 1  # the caller speaks as the call is answered
        assert "PRACTICE CALL" in dossier_text(app)  # nobody mistakes it for a real caller
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+l")
        await settle(pilot)
        await pilot.press(*"Explained the documents needed")
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TrainingScoreModal"
        await pilot.press("enter")
        await settle(pilot)
    kept = TrainingScore.get(TrainingScore.trainee == trainee.id)
    assert kept.scenario == "friendly_faq" and 0 < kept.points <= kept.out_of


async def test_alt_digits_as_most_terminals_send_them_jump_between_panes(desk, asha, run_app):
    app = run_app(desk, asha)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        notes_area = app.screen.query_one("#notes", TextArea)
        await pilot.press("trade_mark_sign", "trade_mark_sign")  # escape and 2: Textual reads it as ™
        assert app.screen.focused is notes_area and notes_area.text == ""  # a jump, never a ™ in the notes
        await pilot.press("pound_sign")  # in the notes a £ stays the notes' (Pilot cannot type it; a terminal does)
        assert app.screen.focused is notes_area
        await pilot.press("inverted_exclamation_mark")  # escape and 1
        assert app.screen.focused.id == "queue"
        await pilot.press("pound_sign")  # escape and 3, from the queue: the script
        assert app.screen.focused.id == "script"


async def test_a_late_call_stays_red_under_the_cursor(desk, asha, clock, run_app):
    queue.ring_call(desk, "+91 98765 43210", "support")
    clock.advance(60)  # ten rings: long past the third
    app = run_app(desk, asha)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue", DataTable)
        assert table.cursor_row == 0
        row = table.region.y + 1 - app.screen.region.y  # under the header
        strip = app.screen._compositor.render_strips()[row]
        wait = next(segment for segment in strip if "01:00" in segment.text)
        red = wait.style.color.get_truecolor()
        assert red.red > 200 and red.green < 80 and red.blue < 120, red  # the theme's red, not the cursor's text colour
