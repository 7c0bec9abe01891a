"""The database goes away mid-shift: notes, drafts, wrap-ups and call-backs are kept on the operator's machine and
reach the database once it is back, once each, whatever dies on the way."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from outage import own_database_url

from calldesk.desk import journal
from calldesk.desk.clients import notes
from calldesk.desk.errors import DeskError
from calldesk.desk.journal import Journal, is_outage
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.store.errors import StoreError
from calldesk.store.models import Call, CallBack, JournalApplied, Note, NoteDraft, Operator, database

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
db_url = own_database_url  # the desk fixture runs on a database this test alone can take away


def _promise(call_id: int, due) -> dict:
    return {"reason": "send the invoice copy", "due_at": due, "call_id": call_id}


def test_work_done_while_the_database_is_away_reaches_it_once_it_is_back(desk, clock, on_a_call, outage):
    asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    clock.advance(minutes=2)
    typed_at = clock.now()
    outage.begin()

    assert not book.submit(desk, "draft", body="Wants the invoice", call_id=None, client_id=client_id).applied
    assert not book.submit(desk, "note", body="Invoice copy promised", client_id=client_id, call_id=call_id).applied
    assert not book.submit(desk, "callback", **_promise(call_id, clock.now() + timedelta(hours=1))).applied
    clock.advance(minutes=1)
    assert not book.submit(desk, "wrap_up", call_id=call_id, disposition="Call-back promised", note="").applied
    assert [e.kind for e in book.pending()] == ["draft", "note", "callback", "wrap_up"]
    clock.advance(minutes=20)
    outage.end()

    report = book.replay(desk)
    assert [e.kind for e in report.applied] == ["draft", "note", "callback", "wrap_up"]
    assert report.refused == report.already_applied == ()
    assert book.pending() == []
    [note] = Note.select().where(Note.call == call_id)
    assert (note.body, note.created_at, note.author_id) == ("Invoice copy promised", typed_at, asha.id)
    call = Call.get_by_id(call_id)
    assert (call.status, call.disposition, call.wrapped_at) == ("completed", "Call-back promised",
                                                                typed_at + timedelta(minutes=1))
    [promise] = CallBack.select()
    assert (promise.reason, promise.due_at, promise.assignee_id) == ("send the invoice copy",
                                                                     typed_at + timedelta(hours=1), asha.id)
    assert NoteDraft.get(NoteDraft.client == client_id).body == "Wants the invoice"
    assert roster.get_operator(asha.id).state == "available"

    assert book.replay(desk).total == 0  # again: nothing twice
    assert Note.select().count() == 1 and CallBack.select().count() == 1


def test_a_console_that_dies_after_the_commits_but_before_noting_them_applies_nothing_twice(desk, on_a_call):
    _asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    for n in range(3):
        book.record("note", body=f"note {n}", client_id=client_id, call_id=call_id)
    before_replay = book.path.read_bytes()
    assert len(book.replay(desk).applied) == 3
    book.path.write_bytes(before_replay)  # the file as the killed console left it: no entry marked done
    book.record("wrap_up", call_id=call_id, disposition="Resolved", note="all sorted")

    report = Journal.for_operator("asha", clock=desk.clock).replay(desk)  # the restarted console
    assert len(report.already_applied) == 3
    assert [e.kind for e in report.applied] == ["wrap_up"]
    assert sorted(n.body for n in Note.select()) == ["all sorted", "note 0", "note 1", "note 2"]
    assert JournalApplied.select().count() == 4


def test_the_database_going_away_again_stops_a_replay_and_the_rest_waits(desk, on_a_call, outage):
    _asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    for n in range(2):
        book.record("note", body=f"note {n}", client_id=client_id, call_id=call_id)
    assert len(book.replay(desk).applied) == 2  # the database answered for these...
    for n in range(2, 4):
        book.record("note", body=f"note {n}", client_id=client_id, call_id=call_id)
    outage.begin()  # ...and went away again
    with pytest.raises(Exception) as away:
        book.replay(desk)
    assert is_outage(away.value)
    assert [e.payload["body"] for e in book.pending()] == ["note 2", "note 3"]
    outage.end()
    assert len(book.replay(desk).applied) == 2
    assert sorted(n.body for n in Note.select()) == ["note 0", "note 1", "note 2", "note 3"]


def test_an_entry_the_rules_turn_down_is_reported_and_the_others_still_go_through(desk, on_a_call):
    _asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    book.record("wrap_up", call_id=call_id, disposition="Retired disposition", note="")
    book.record("note", body="kept anyway", client_id=client_id, call_id=call_id)
    report = book.replay(desk)
    [(entry, why)] = report.refused
    assert (entry.kind, why) == ("wrap_up", "disposition 'Retired disposition' is not in the config")
    assert [e.kind for e in report.applied] == ["note"]
    assert book.pending() == []
    assert [(e.kind, w) for e, w in book.refused()] == [("wrap_up", why)]  # shown until the operator has seen it
    book.dismiss(entry.id)
    assert book.refused() == []


def test_submitting_while_the_database_answers_applies_at_once_and_refusals_are_raised(desk, on_a_call):
    _asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    done = book.submit(desk, "note", body="Asked about the warranty", client_id=client_id, call_id=call_id)
    assert done.applied
    assert Note.get_by_id(done.result).body == "Asked about the warranty"
    with pytest.raises(DeskError, match="disposition 'Nope' is not in the config"):
        book.submit(desk, "wrap_up", call_id=call_id, disposition="Nope")
    assert book.pending() == [] and book.refused() == []
    with pytest.raises(ValueError, match="journal: wrap_up: missing a required argument: 'disposition'"):
        book.record("wrap_up", call_id=call_id)


def test_notes_autosaved_after_the_clock_is_set_back_still_replace_the_earlier_text(desk, clock, on_a_call, outage):
    asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    outage.begin()
    book.submit(desk, "draft", body="Wants a visit", call_id=call_id, client_id=client_id)
    clock.advance(minutes=-2)  # the machine's clock is corrected backwards while the database is away
    book.submit(desk, "draft", body="Wants a visit on Saturday", call_id=call_id, client_id=client_id)
    outage.end()
    book.replay(desk)
    assert notes.load_draft(asha.id, call_id) == "Wants a visit on Saturday"


def test_a_line_torn_by_a_crash_costs_only_itself(desk, on_a_call):
    _asha, call_id, client_id = on_a_call
    book = Journal.for_operator("asha", clock=desk.clock)
    book.record("note", body="first", client_id=client_id, call_id=call_id)
    with open(book.path, "ab") as file:
        file.write(b'{"id": "torn-mid-wri')  # the process died inside write()
    book.record("note", body="second", client_id=client_id, call_id=call_id)
    assert [e.payload["body"] for e in book.pending()] == ["first", "second"]
    assert len(book.replay(desk).applied) == 2


def test_finished_entries_are_pruned_but_unseen_refusals_stay(desk, on_a_call, monkeypatch):
    _asha, call_id, client_id = on_a_call
    monkeypatch.setattr(journal, "PRUNE_AFTER", 5)
    book = Journal.for_operator("asha", clock=desk.clock)
    book.record("wrap_up", call_id=call_id, disposition="Retired disposition")
    for n in range(5):
        book.record("note", body=f"note {n}", client_id=client_id, call_id=call_id)
    book.replay(desk)
    lines = [json.loads(line) for line in book.path.read_text().splitlines()]
    assert [line.get("kind", "done") for line in lines] == ["wrap_up", "done"]
    assert len(book.refused()) == 1 and book.pending() == []


def test_each_operator_and_database_has_a_journal_of_its_own(desk, tmp_path):
    asha, ravi = Journal.for_operator("asha"), Journal.for_operator("ravi/../x")
    assert asha.path.parent == ravi.path.parent == tmp_path / "xdg-data" / "calldesk" / "journal"
    assert ravi.path.name.startswith("ravi%2F..%2Fx-")
    asha.record("note", body="hello")
    assert asha.path.exists() and not ravi.path.exists()
    assert oct(asha.path.stat().st_mode & 0o777) == "0o600"


def test_an_outage_is_told_apart_from_a_refusal(desk, outage):
    first_console(desk, "asha")
    with pytest.raises(Exception) as duplicate:
        Operator.create(login="asha", name="Asha again", department="support")
    assert not is_outage(duplicate.value)
    wrapped = StoreError("database unavailable: duplicate")
    wrapped.__cause__ = duplicate.value
    assert not is_outage(wrapped)
    assert not is_outage(DeskError("call 3 was taken by Ravi"))
    outage.begin()
    with pytest.raises(Exception) as away:
        roster.list_operators()
    assert is_outage(away.value)
    gone = StoreError("database unavailable")
    gone.__cause__ = away.value
    assert is_outage(gone)
    outage.end()


CONSOLE = """
import sys, time
from datetime import datetime
from calldesk.config import load_config
from calldesk.desk.clock import ManualClock
from calldesk.desk.context import Desk
from calldesk.desk.journal import Journal
from calldesk.store.database import open_database
from calldesk.store.models import database

url, login, call_id, now = sys.argv[1], sys.argv[2], int(sys.argv[3]), datetime.fromisoformat(sys.argv[4])
open_database(url, upgrade=False)
desk = Desk(load_config(sys.argv[5]), ManualClock(now))
book = Journal.for_operator(login, clock=desk.clock)
print(database.execute_sql("SELECT 1").fetchone()[0] and "ready", flush=True)
sys.stdin.readline()  # the database is away now
database.close()  # its connection dropped, as after any failed query
kept = book.submit(desk, "wrap_up", call_id=call_id, disposition="Resolved", note="Refund confirmed by phone")
print("applied" if kept.applied else "kept", flush=True)
time.sleep(60)  # still in the wrap-up dialog when the console is killed
"""


def test_a_console_killed_mid_wrap_up_while_offline_loses_nothing(desk, on_a_call, outage, db_url, clock):
    _asha, call_id, _ = on_a_call
    database.close()
    console = subprocess.Popen(
        [sys.executable, "-c", CONSOLE, db_url, "asha", str(call_id), clock.now().isoformat(), str(CONFIG)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert console.stdout.readline() == "ready\n"
        outage.begin(drop_my_connection=False)
        console.stdin.write("go\n")
        console.stdin.flush()
        assert console.stdout.readline() == "kept\n"
    finally:
        console.send_signal(signal.SIGKILL)
        console.wait(timeout=10)
    assert console.returncode == -signal.SIGKILL
    outage.end()

    report = Journal.for_operator("asha", clock=desk.clock).replay(desk)  # the console started again
    assert [e.kind for e in report.applied] == ["wrap_up"]
    call = Call.get_by_id(call_id)
    assert (call.status, call.disposition) == ("completed", "Resolved")
    assert [n.body for n in Note.select().where(Note.call == call_id)] == ["Refund confirmed by phone"]
