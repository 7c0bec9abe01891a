"""ctrl+f: an operator finds a client by a piece of the name, the company or any digits of a phone number."""

from __future__ import annotations

import pytest

from calldesk.desk.clients import directory
from calldesk.desk.clients.directory import NewPhone


@pytest.fixture
def book(desk) -> dict[str, int]:
    """A few clients the way the demo desk has them."""
    return {
        "rahul": directory.create_client(desk, "Rahul Sharma", [NewPhone("098765 43210", "mobile")],
                                       company="Sharma Electronics", address_as="Mr Sharma"),
        "priya": directory.create_client(desk, "Priya Nair", [NewPhone("+91 98450 12345", "mobile"),
                                                            NewPhone("080 4123 4567 ext. 12", "office")],
                                       company="Kaveri Hotels Pvt Ltd"),
        "devanagari": directory.create_client(desk, "राहुल शर्मा", [NewPhone("+91-70123-45678")],
                                            address_as="शर्मा जी"),
        "iyer": directory.create_client(desk, "Dr Lakshmi Iyer", [NewPhone("+44 20 7946 0958", "London")]),
        "amit": directory.create_client(desk, "Amit Verma", [NewPhone("022 2765 4321")], company="Verma Traders"),
    }


def found(desk, query: str) -> set[int]:
    return {hit.id for hit in directory.find_clients(desk, query)}


def test_by_name_in_any_case_and_in_pieces(desk, book):
    assert found(desk, "sharma") == {book["rahul"]}
    assert found(desk, "RAHUL") == {book["rahul"]}
    assert found(desk, "rah sha") == {book["rahul"]}
    assert found(desk, "lakshmi iyer") == {book["iyer"]}
    assert found(desk, "verma") == {book["amit"]}


def test_by_a_fragment_of_the_company(desk, book):
    assert found(desk, "kaveri") == {book["priya"]}
    assert found(desk, "veri hot") == {book["priya"]}
    assert found(desk, "pvt") == {book["priya"]}
    assert found(desk, "electronics") == {book["rahul"]}
    assert found(desk, "traders") == {book["amit"]}


def test_by_any_run_of_digits_typed_any_way(desk, book):
    rahul, priya = book["rahul"], book["priya"]
    for query in ("98765", "9876543210", "098765 43210", "+91 98765 43210", "98765-43210", "(0)98765", "543210"):
        assert found(desk, query) == {rahul}, query
    for query in ("98450", "80 4123", "080-4123-4567", "41234567"):
        assert found(desk, query) == {priya}, query
    assert found(desk, "7946 0958") == {book["iyer"]}
    assert found(desk, "+44 20 7946") == {book["iyer"]}
    assert found(desk, "2765 4321") == {book["amit"]}
    assert found(desk, "11111111") == set()


def test_in_devanagari(desk, book):
    assert found(desk, "शर्मा") == {book["devanagari"]}
    assert found(desk, "राहुल") == {book["devanagari"]}
    assert found(desk, "शर्मा जी") == {book["devanagari"]}


def test_the_hits_show_name_company_and_a_formatted_phone_with_name_matches_first(desk, book):
    directory.create_client(desk, "Anjali Mehta", [NewPhone("98111 22233")], company="Rahul Industries")
    hits = directory.find_clients(desk, "rahul")
    assert [h.name for h in hits] == ["Rahul Sharma", "Anjali Mehta"]
    assert (hits[0].company, hits[0].phone) == ("Sharma Electronics", "098765 43210")


def test_a_client_found_after_a_change_of_name_or_a_new_phone(desk, book):
    directory.update_client(desk, book["amit"], "asha", name="Amit Varma", company="Varma & Sons")
    assert found(desk, "varma sons") == {book["amit"]}
    assert found(desk, "traders") == set()
    directory.add_phone(desk, book["amit"], "+91 99887 76655", "mobile")
    assert found(desk, "99887") == {book["amit"]}


def test_nothing_typed_finds_nothing(desk, book):
    assert found(desk, "") == set()
    assert found(desk, "   ") == set()
    assert found(desk, "nobody-here") == set()
