"""Whatever a caller, a PBX or an operator types, the desk keeps it as typed and nothing crashes."""

from __future__ import annotations

import pytest

from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory, notes
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.clients.dossier import build_dossier
from calldesk.desk.errors import DeskError
from calldesk.desk.exports import EXPORTS
from calldesk.desk.operators import roster
from calldesk.store.models import Client, Note, Phone

SQL_LIKE = "'; DROP TABLE client;--"
LONG_NOTE = ("Client described the fault at length. शिकायत दर्ज की। 😀 " * 400)[:20_000]


def test_devanagari_and_emoji_names_and_notes_are_kept_and_found(desk, clock):
    asha = roster.add_operator(desk, "asha", "आशा वर्मा 🙂")
    client_id = directory.create_client(desk, "राहुल 😀 शर्मा", [NewPhone("98765 43210")], company="शर्मा ट्रेडर्स 🏪",
                                      address_as="शर्मा जी 🙏", manner="हिंदी में बात करते हैं")
    call_id = queue.ring_call(desk, "98765 43210", "support", caller_name="राहुल 😀")
    queue.claim_call(desk, call_id, asha.id)
    clock.advance(60)
    handling.wrap_up(desk, call_id, asha.id, "Resolved", note="फ्रिज ठीक हो गया 🎉 धन्यवाद!")
    dossier = build_dossier(desk, client_id)
    assert (dossier.name, dossier.company, dossier.address_as) == ("राहुल 😀 शर्मा", "शर्मा ट्रेडर्स 🏪", "शर्मा जी 🙏")
    assert dossier.history[0].text == "फ्रिज ठीक हो गया 🎉 धन्यवाद!"
    assert dossier.history[0].who == "आशा वर्मा 🙂"
    assert [h.id for h in directory.find_clients(desk, "😀")] == [client_id]
    assert [h.id for h in directory.find_clients(desk, "ट्रेडर्स")] == [client_id]


def test_a_twenty_thousand_character_note_is_kept_whole(desk, clock):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    client_id = directory.create_client(desk, "Priya Nair", [NewPhone("+91 98450 12345")])
    call_id = queue.ring_call(desk, "+91 98450 12345", "support")
    queue.claim_call(desk, call_id, asha.id)
    notes.save_draft(desk, asha.id, call_id, client_id, LONG_NOTE)
    assert notes.load_draft(asha.id, call_id) == LONG_NOTE
    clock.advance(60)
    handling.wrap_up(desk, call_id, asha.id, "Complaint logged", note=LONG_NOTE)
    assert Note.get(Note.call == call_id).body == LONG_NOTE
    assert build_dossier(desk, client_id).history[0].text == LONG_NOTE


def test_quotes_and_sql_like_text_are_stored_as_plain_text(desk):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    client_id = directory.create_client(desk, SQL_LIKE, [NewPhone("98765 43210")], company='O\'Brien & "Sons" Pvt Ltd',
                                      address_as="Mr O'Brien", manner='says "no" a lot; 100% formal')
    call_id = queue.ring_call(desk, "98765 43210", "support", caller_name=SQL_LIKE)
    queue.claim_call(desk, call_id, asha.id)
    handling.wrap_up(desk, call_id, asha.id, "Resolved", note=f"Robert{SQL_LIKE} \\ %s ? $1 {{client}}")
    assert Client.get_by_id(client_id).name == SQL_LIKE
    assert Note.get(Note.call == call_id).body == f"Robert{SQL_LIKE} \\ %s ? $1 {{client}}"
    assert [h.id for h in directory.find_clients(desk, SQL_LIKE)] == [client_id]
    assert [h.id for h in directory.find_clients(desk, "o'brien")] == [client_id]
    assert [h.id for h in directory.find_clients(desk, '"sons"')] == [client_id]
    assert Client.select().count() == 1  # the table is still there


QUERY_SYNTAX = ['"', "*", "NEAR(", "NEAR(a b)", "-", "a -b", "^", "OR", "AND NOT", ":", "'", "sharma*", 'sh"arma', "(",
                "%", "_", "\\", "{}", "'; --", "\x00"]


def test_search_never_chokes_on_query_syntax(desk):
    directory.create_client(desk, "Rahul Sharma", [NewPhone("98765 43210")], company="NEAR(Traders) - * \"Co\"")
    answers = {query: [h.name for h in directory.find_clients(desk, query)] for query in QUERY_SYNTAX}  # none raises
    # what the company's name holds as typed finds him; the rest of the syntax is looked for literally, in vain
    assert {query for query, names in answers.items() if names} == {'"', "*", "NEAR("}
    assert all(names in ([], ["Rahul Sharma"]) for names in answers.values())


def test_search_finds_fts_syntax_characters_literally(desk):
    rahul = directory.create_client(desk, "Rahul Sharma", [NewPhone("98765 43210")], company="NEAR(Traders) - * \"Co\"")
    directory.create_client(desk, "Priya Nair", [NewPhone("98450 12345")], company="Traders Co")
    assert [h.id for h in directory.find_clients(desk, "near(traders)")] == [rahul]
    assert [h.id for h in directory.find_clients(desk, '"co"')] == [rahul]


UNPARSABLE = ["+", "00", "abc", "0", "+91", "ext. 5", "1" * 40]
ODD_BUT_PARSABLE = ["+91 22 2765 4321 ext. " + "9" * 20, "९८७६५ ४३२१०", "☎️ 98765"]


def test_strange_numbers_are_kept_as_typed_and_marked(desk):
    for raw in UNPARSABLE + ODD_BUT_PARSABLE:
        client_id = directory.create_client(desk, f"Amit Gupta {raw}", [NewPhone(raw, "typed by hand")])
        [phone] = Phone.select().where(Phone.client == client_id)
        assert phone.raw == raw, raw
        if raw in UNPARSABLE:
            assert (phone.valid, phone.e164) == (False, None), raw
        [shown] = build_dossier(desk, client_id).phones
        assert shown.valid is phone.valid, raw  # the dossier marks it unverified when it is
    assert len(directory.find_clients(desk, "amit gupta")) == len(UNPARSABLE + ODD_BUT_PARSABLE)


def test_calls_from_strange_numbers_ring_and_can_be_answered(desk):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    numbers = ["+", "00", "abc", "anonymous", "1" * 80, "+91 98765 43210 ext. " + "9" * 30]
    for raw in numbers:
        call_id = queue.ring_call(desk, raw, "support", caller_name="x" * 500)
        [waiting] = queue.waiting_calls(desk)
        assert (waiting.id, waiting.client_id) == (call_id, None), raw
        queue.claim_call(desk, call_id, asha.id)
        handling.wrap_up(desk, call_id, asha.id, "Wrong number")
    assert [row["number_raw"] for row in EXPORTS["calls"].rows()] == [raw.strip()[:64] for raw in numbers]


@pytest.mark.parametrize(("typed", "shown"), [("12345", "12345"), ("100", "100"), ("+91 98765 43210", "098765 43210"),
                                              ("+44 20 7946 0958", "+44 20 7946 0958")])
def test_a_number_is_shown_formatted_only_when_it_is_a_real_number(desk, typed, shown):
    """A short code or a typo is shown as typed, never as a made-up international number ("+9112345")."""
    queue.ring_call(desk, typed, "support")
    assert [w.number for w in queue.waiting_calls(desk)] == [shown]


def test_an_empty_phone_is_not_stored_and_a_nameless_client_is_refused(desk):
    client_id = directory.create_client(desk, "Amit Gupta", [NewPhone(""), NewPhone("   ")])
    assert Phone.select().where(Phone.client == client_id).count() == 0
    with pytest.raises(DeskError, match="a client needs a name"):
        directory.create_client(desk, "   ", [NewPhone("98765 43210")])


def test_overlong_fields_are_refused_with_a_message_not_a_crash(desk):
    with pytest.raises(DeskError, match="name"):
        directory.create_client(desk, "N" * 300, [])
    client_id = directory.create_client(desk, "Amit Gupta", [])
    with pytest.raises(DeskError, match="company"):
        directory.update_client(desk, client_id, "asha", company="C" * 300)
    assert Client.get_by_id(client_id).company == ""
