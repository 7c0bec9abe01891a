"""Whatever text arrives, SQLite and PostgreSQL give the same answer: both keep it exactly as given, or both refuse it
with the same one-line message. Hypothesis writes the text; both databases take every example in turn."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import Database
from pg_schema import pg_schema_url

from calldesk.desk.calls import queue
from calldesk.desk.clients import directory, notes
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators import roster
from calldesk.store.database import open_database
from calldesk.store.models import Call, Client, Note, Operator, database

pytestmark = pytest.mark.skipif(not os.environ.get("CALLDESK_TEST_PG_URL"),
                                reason="comparing the backends needs CALLDESK_TEST_PG_URL")

# Any text: every plane, control characters, NUL and lone surrogates included, and lengths either side of the limits.
ANY_TEXT = st.one_of(st.text(max_size=80), st.text(st.characters(codec=None), min_size=60, max_size=260),
                     st.sampled_from(["", " ", "\x00", "\ud800", "a\udfffb", "x" * 64, "x" * 65, "ऋ" * 201]))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Database]]:
    """A SQLite file and a PostgreSQL schema, both open for the whole module; the models point at one at a time."""
    sqlite = open_database(f"sqlite:///{tmp_path_factory.mktemp('agree') / 'calldesk.db'}")
    schemas = pg_schema_url(os.environ["CALLDESK_TEST_PG_URL"])
    postgres = open_database(next(schemas))
    yield [sqlite, postgres]
    sqlite.close()
    database.initialize(postgres)
    next(schemas, None)  # drops the schema


def _answers(dbs: list[Database], act: Callable[[], object], read: Callable[[object], object]) -> list[tuple]:
    answers = []
    for db in dbs:
        database.initialize(db)
        try:
            answers.append(("kept", read(act())))
        except DeskError as refused:
            answers.append(("refused", str(refused)))
    return answers


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(login=ANY_TEXT, name=ANY_TEXT, extension=ANY_TEXT)
def test_an_operator_is_kept_or_refused_alike(both, desk_config, login, name, extension):
    login = f"{login}{uuid.uuid4().hex[:6]}" if login.strip() else login  # one example never meets another's login
    sqlite, postgres = _answers(both, lambda: roster.add_operator(desk_config, login, name, extension=extension),
                                lambda op: tuple(Operator.select(Operator.login, Operator.name, Operator.extension)
                                                 .where(Operator.id == op.id).tuples().get()))
    assert sqlite == postgres


@SETTINGS
@given(name=ANY_TEXT, company=ANY_TEXT, phone=ANY_TEXT)
def test_a_client_is_kept_or_refused_alike(both, desk_config, name, company, phone):
    sqlite, postgres = _answers(both, lambda: directory.create_client(desk_config, name, [NewPhone(phone)],
                                                                   company=company),
                                lambda client_id: tuple(Client.select(Client.name, Client.company)
                                                        .where(Client.id == client_id).tuples().get()))
    assert sqlite == postgres


@SETTINGS
@given(number=ANY_TEXT, caller_name=ANY_TEXT, body=ANY_TEXT)
def test_a_call_and_its_note_are_kept_or_refused_alike(both, desk_config, number, caller_name, body):
    def ring_and_note() -> tuple:
        call_id = queue.ring_call(desk_config, number, caller_name=caller_name)
        return call_id, notes.add_note(desk_config, _someone(desk_config), None, call_id, body)

    def stored(ids: tuple) -> tuple:
        call = Call.select(Call.number_raw, Call.caller_name).where(Call.id == ids[0]).tuples().get()
        return call, ids[1] and Note.get_by_id(ids[1]).body

    sqlite, postgres = _answers(both, ring_and_note, stored)
    assert sqlite == postgres


def _someone(desk: Desk) -> int:
    operator = Operator.get_or_none(Operator.login == "agree")
    return operator.id if operator else roster.add_operator(desk, "agree", "Agree").id


@pytest.fixture
def desk_config(config, clock) -> Desk:
    return Desk(config, clock)
