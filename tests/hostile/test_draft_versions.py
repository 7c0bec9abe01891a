"""Notes typed while the database is away wait in the journal; the journal and the autosave agree on which text is
newest, so a killed console, its replay and the next autosave never bring back an older text."""

from __future__ import annotations

from datetime import timedelta

from outage import own_database_url
from textual.widgets import TextArea

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory, notes
from calldesk.desk.clock import ManualClock
from calldesk.desk.context import Desk
from calldesk.desk.journal import Journal
from calldesk.desk.operators import roster
from calldesk.store.database import open_database
from calldesk.store.models import Note, database

db_url = own_database_url  # the desk fixture runs on a database this test alone can take away
SIZE = (120, 36)


def test_notes_typed_offline_on_a_laptop_never_replace_newer_ones_typed_on_the_desktop_meanwhile(
        desk, clock, on_a_call, outage, tmp_path):
    asha, call_id, client_id = on_a_call
    laptop = Journal.for_operator("asha", clock=desk.clock, folder=tmp_path / "laptop")
    outage.begin()
    assert not laptop.submit(desk, "draft", body="A B", call_id=call_id, client_id=client_id).applied
    outage.end()  # the laptop's battery dies before it replays

    clock.advance(minutes=1)
    desktop = Journal.for_operator("asha", clock=desk.clock, folder=tmp_path / "desktop")
    assert desktop.submit(desk, "draft", body="A, and the visit is on Friday", call_id=call_id,
                          client_id=client_id).applied
    clock.advance(minutes=30)
    report = laptop.replay(desk)  # the laptop is back on: its older text is done with, not written

    assert [e.kind for e in report.applied] == ["draft"] and laptop.pending() == []
    assert notes.load_draft(asha.id, call_id) == "A, and the visit is on Friday"


def test_a_text_typed_even_a_microsecond_before_the_kept_one_is_refused_alike_on_both_backends(desk, clock,
                                                                                              on_a_call):
    asha, call_id, client_id = on_a_call
    assert notes.save_draft(desk, asha.id, call_id, client_id, "A B")
    as_before = Desk(desk.config, ManualClock(clock.now() - timedelta(microseconds=1)))
    assert not notes.save_draft(as_before, asha.id, call_id, client_id, "A")
    assert not notes.save_draft(as_before, asha.id, call_id, client_id, "")  # nor is the older clearing
    assert notes.load_draft(asha.id, call_id) == "A B"
    assert notes.save_draft(desk, asha.id, call_id, client_id, "A B C")  # the same moment: the later write wins
    assert notes.load_draft(asha.id, call_id) == "A B C"


def test_notes_kept_or_cleared_do_not_come_back_when_an_older_draft_is_replayed(desk, clock, on_a_call, tmp_path):
    asha, call_id, client_id = on_a_call
    laptop = Journal.for_operator("asha", clock=desk.clock, folder=tmp_path / "laptop")
    laptop.record("draft", body="ring Mr Rao about the invoice", call_id=None, client_id=client_id)
    laptop.record("draft", body="half a thought", call_id=call_id, client_id=client_id)  # killed before applying
    clock.advance(minutes=1)
    notes.add_note(desk, asha.id, client_id, None, "ring Mr Rao about the invoice")  # ctrl+s on the desktop
    notes.save_draft(desk, asha.id, call_id, client_id, "")  # the call's notes cleared there

    laptop.replay(desk)
    assert notes.load_draft(asha.id, None) == notes.load_draft(asha.id, call_id) == ""
    assert [n.body for n in Note.select()] == ["ring Mr Rao about the invoice"]


async def settle(pilot) -> None:
    """Let the database thread answer every chained request and the screen repaint."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.db.run(lambda: None)
    await pilot.pause()


async def test_notes_typed_offline_survive_a_killed_console_its_replay_and_the_next_autosave(
        desk, db_url, clock, outage):
    from calldesk.tui.app import CalldeskApp

    asha = roster.add_operator(desk, "asha", "Asha Verma", "support")
    directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    console = CalldeskApp(desk, asha)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("A")
        await console.screen.autosave_notes()
        assert notes.load_draft(asha.id, call_id) == "A"
        database.close()  # the test's own connection, before the database goes
        await console.db.run(outage.begin)
        clock.advance(5)
        await pilot.press(*" B")
        await console.screen.autosave_notes()
        assert console.screen.status.offline and console.journal.pending()
        console.exit()  # killed: nothing more reaches the database or the journal
    outage.end()

    clock.advance(60)
    open_database(db_url)
    restarted = CalldeskApp(Desk(desk.config, clock), asha)
    async with restarted.run_test(size=SIZE) as pilot:
        await settle(pilot)
        restarted.screen.poll_queue()  # the desk reads the store again, as on any change
        await settle(pilot)
        notes_area = restarted.screen.query_one("#notes", TextArea)
        assert not restarted.screen.status.offline and not restarted.journal.pending()
        assert notes.load_draft(asha.id, call_id) == "A B"  # the replay wrote what was typed offline
        assert notes_area.text == "A B"  # and the console shows it
        clock.advance(3)
        await restarted.screen.autosave_notes()
        assert notes.load_draft(asha.id, call_id) == "A B"
        notes_area.move_cursor(notes_area.document.end)
        await pilot.press(*" C")
        await restarted.screen.autosave_notes()
    assert notes.load_draft(asha.id, call_id) == "A B C"


async def test_a_console_restarted_while_the_database_is_still_away_shows_the_newest_notes_once_it_is_back(
        desk, db_url, clock, outage):
    from calldesk.tui.app import CalldeskApp

    asha = roster.add_operator(desk, "asha", "Asha Verma", "support")
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call_id, asha.id)
    console = CalldeskApp(desk, asha)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await console.screen.autosave_notes()
        database.close()
        await console.db.run(outage.begin)
        clock.advance(5)
        await pilot.press(*" B")
        await console.screen.autosave_notes()
        console.exit()  # killed

    clock.advance(60)
    restarted = CalldeskApp(Desk(desk.config, clock), asha)
    async with restarted.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert restarted.offline and restarted.screen.live is None  # nothing to read the call from yet
        outage.end()
        restarted.screen.poll_queue()  # the next read of the store finds it back
        await settle(pilot)
        assert not restarted.journal.pending()
        assert restarted.screen.live is not None and restarted.screen.live.id == call_id
        assert restarted.screen.query_one("#notes", TextArea).text == "A B"
    open_database(db_url)
    assert notes.load_draft(asha.id, call_id) == "A B"
