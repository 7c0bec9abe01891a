"""The database's limits on text hold alike on SQLite and PostgreSQL: what one refuses, the other refuses, in one line
naming the field, and nothing is half written."""

from __future__ import annotations

import pytest

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.operators import roster
from calldesk.store.limits import TextRefused
from calldesk.store.models import Call, Client, Operator


@pytest.mark.parametrize(("login", "name", "extension", "named"), [
    ("x" * 65, "Asha Verma", "", "operator login is too long: 65 characters (at most 64)"),
    ("asha", "A" * 201, "", "operator name is too long: 201 characters (at most 200)"),
    ("asha", "Asha Verma", "1" * 33, "operator extension is too long: 33 characters (at most 32)"),
    ("as\x00ha", "Asha Verma", "", "operator login contains a NUL character"),
    ("asha", "Asha \ud800Verma", "", "operator name holds broken text at character 6"),
])
def test_an_operator_the_database_cannot_keep_is_refused_alike_on_both_backends(desk, login, name, extension, named):
    with pytest.raises(TextRefused, match=named.replace("(", r"\(").replace(")", r"\)")):
        roster.add_operator(desk, login, name, extension=extension)
    assert Operator.select().count() == 0


def test_the_longest_values_the_columns_hold_are_kept_on_both_backends(desk):
    asha = roster.add_operator(desk, "l" * 64, "ऋ" * 200, extension="9" * 32)
    stored = Operator.get_by_id(asha.id)
    assert (stored.login, stored.name, stored.extension) == ("l" * 64, "ऋ" * 200, "9" * 32)


def test_a_caller_name_with_control_characters_or_broken_text_rings_without_them(desk):
    call_id = queue.ring_call(desk, "98765 43210", "support", caller_name="Ra\x00hul\x1b[2J \ud800Sharma\u200d")
    assert Call.get_by_id(call_id).caller_name == "Rahul[2J Sharma\u200d"  # ZWJ joins Indic letters: kept


def test_a_client_company_too_long_is_refused_before_anything_is_written(desk):
    with pytest.raises(TextRefused, match="client company is too long"):
        directory.create_client(desk, "Priya Nair", [NewPhone("98450 12345")], company="C" * 201)
    assert Client.select().count() == 0


@pytest.mark.parametrize("words", [87, 489, 5_000])
def test_a_search_of_hundreds_of_short_words_answers_instead_of_overflowing_the_parser(desk, words):
    rahul = directory.create_client(desk, "Rahul Sharma", [NewPhone("98765 43210")], company="Sharma Traders")
    query = " ".join(["ra", "sh", "a", "r"] * (words // 4)) + " sharma traders"
    assert [hit.id for hit in directory.find_clients(desk, query)] == [rahul]
    nonsense = " ".join(f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(words))
    assert directory.find_clients(desk, nonsense) == []


def test_a_word_inside_another_is_implied_and_the_first_typed_word_still_ranks_the_names(desk):
    priya = directory.create_client(desk, "Priya Nair", [NewPhone("98450 12345")], company="Nair Sharma Co")
    rahul = directory.create_client(desk, "Sharma Rahul", [NewPhone("98765 43210")], company="Priya Nair Fans")
    assert [hit.id for hit in directory.find_clients(desk, "priya pri nair sharma sha")] == [priya, rahul]
    assert [hit.id for hit in directory.find_clients(desk, "sharma priya")] == [rahul, priya]
