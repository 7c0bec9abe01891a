"""The screen pop finds the caller whatever form the PBX sends the number in, and never guesses between two."""

from __future__ import annotations

import pytest

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.clients.directory import NewPhone


@pytest.fixture
def rahul(desk) -> int:
    """A client with a mobile typed the Indian way and a Mumbai office line with an extension."""
    return directory.create_client(desk, "Rahul Sharma", [NewPhone("098765 43210", "mobile"),
                                                        NewPhone("022 2765 4321 ext. 214", "office")])


MOBILE_FORMS = [
    "+919876543210",
    "+91 98765 43210",
    "+91-98765-43210",
    "09876543210",
    "9876543210",
    "98765 43210",
    "0091 98765 43210",
    "(+91) 98765-43210",
]
OFFICE_FORMS = [
    "+912227654321",
    "022 2765 4321",
    "022-2765-4321",
    "+91 22 2765 4321 ext. 214",
    "022 2765 4321 x 300",
    "27654321",  # the local number: the PBX dropped the area code
    "2765 4321",
    "2765-4321 ext. 214",
]


def test_a_mobile_sent_in_any_form_pops_the_client(desk, rahul):
    assert {form: directory.match_caller(desk, form) for form in MOBILE_FORMS} == dict.fromkeys(MOBILE_FORMS, rahul)


def test_an_office_line_matches_with_or_without_area_code_or_extension(desk, rahul):
    assert {form: directory.match_caller(desk, form) for form in OFFICE_FORMS} == dict.fromkeys(OFFICE_FORMS, rahul)


def test_a_ringing_call_from_a_known_number_shows_the_client_in_the_queue(desk, rahul):
    queue.ring_call(desk, "2765 4321", "support")
    [waiting] = queue.waiting_calls(desk)
    assert (waiting.client_id, waiting.client_name) == (rahul, "Rahul Sharma")


def test_two_clients_sharing_a_local_number_in_different_cities_are_never_guessed(desk):
    delhi = directory.create_client(desk, "Amit Gupta", [NewPhone("011 2345 6789")])
    mumbai = directory.create_client(desk, "Neha Shah", [NewPhone("022 2345 6789")])
    assert directory.match_caller(desk, "2345 6789") is None  # the tail alone is ambiguous
    assert directory.match_caller(desk, "011 2345 6789") == delhi  # the full number is not
    assert directory.match_caller(desk, "+91 22 2345 6789") == mumbai
    queue.ring_call(desk, "23456789", "support")
    [waiting] = queue.waiting_calls(desk)
    assert (waiting.client_id, waiting.client_name) == (None, "")


def test_a_foreign_client_is_matched_by_the_international_number(desk):
    iyer = directory.create_client(desk, "Dr Lakshmi Iyer", [NewPhone("+44 20 7946 0958", "London")])
    assert directory.match_caller(desk, "+442079460958") == iyer
    assert directory.match_caller(desk, "0044 20 7946 0958") == iyer
    assert directory.match_caller(desk, "+1 415 555 0134") is None


def test_unknown_or_withheld_numbers_match_nobody(desk, rahul):
    strangers = ["+91 99999 00000", "12345", "", "anonymous", "+", "00", "4321", "43210"]
    assert {n: directory.match_caller(desk, n) for n in strangers} == dict.fromkeys(strangers)


def test_an_unverified_stored_number_is_still_matched_by_its_digits(desk):
    legacy = directory.create_client(desk, "Old Kanpur Office", [NewPhone("0512 23-4599 (old exchange)")])
    assert directory.match_caller(desk, "0512234599") == legacy
