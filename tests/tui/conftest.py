"""Fixtures for driving the console with Textual's Pilot on a real database."""

from __future__ import annotations

import time

import pytest

from calldesk.desk.clients import directory, notes
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.i18n import use_language
from calldesk.store.accounts import session_account


@pytest.fixture(autouse=True)
def _utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Screens show local times: pin the zone so snapshots match on any machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def _english_again() -> None:
    """A console chooses the language of every _() in the process: the next test starts in English again."""
    yield
    use_language("en")


@pytest.fixture
def asha(desk: Desk) -> roster.OperatorView:
    # the lead signs in as whoever runs the tests, so the command line acts as her
    return roster.add_operator(desk, "asha", "Asha Verma", "support", role="lead", account=session_account())


@pytest.fixture
def ravi(desk: Desk) -> roster.OperatorView:
    return roster.add_operator(desk, "ravi", "Ravi Kumar", "sales")


@pytest.fixture
def sharma(desk: Desk, ravi: roster.OperatorView) -> int:
    """A known client with a past note, as the desk keeps them."""
    client_id = directory.create_client(
        desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210", "mobile")], company="Sharma Traders",
        address_as="Mr Sharma", manner="formal, prefers English", stage="negotiation",
    )
    notes.add_note(desk, ravi.id, client_id, None, "Asked for the premium package brochure")
    return client_id


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch):
    """Build the console for an operator, as `calldesk` does after signing in."""
    from calldesk.tui.app import CalldeskApp

    monkeypatch.delenv("CALLDESK_EXIT_WHEN_READY", raising=False)
    return lambda desk, operator: CalldeskApp(desk, operator)
