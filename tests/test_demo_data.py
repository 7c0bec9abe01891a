"""`calldesk demo` opens on a believable desk: the same clients, operators and month of calls for every run."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import timedelta

from calldesk.desk.clients import directory
from calldesk.desk.clients.dossier import build_dossier
from calldesk.desk.coach.demo_data import seed_demo
from calldesk.desk.context import Desk
from calldesk.desk.exports import EXPORTS
from calldesk.desk.operators.roster import list_operators
from calldesk.store.database import open_database
from calldesk.store.models import Call, Client, Note, Phone, database

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def fingerprint() -> tuple:
    return tuple(tuple(tuple(row.items()) for row in EXPORTS[e].rows()) for e in ("clients", "notes", "calls"))


def test_the_demo_desk_has_operators_clients_of_every_kind_and_a_month_of_calls(desk, clock):
    seed_demo(desk)
    team = {(o.login, o.name, o.department, o.role) for o in list_operators()}
    assert team == {("asha", "Asha Verma", "support", "lead"), ("ravi", "Ravi Kumar", "sales", "operator"),
                    ("meera", "Meera Iyer", "support", "operator"), ("john", "John Mathew", "billing", "operator")}

    people = list(Client.select())
    assert 250 <= len(people) <= 350
    assert sum(bool(DEVANAGARI.search(c.name)) for c in people) >= 10
    assert sum(bool(c.company) for c in people) >= 50
    assert all(c.address_as for c in people) and sum(bool(c.manner) for c in people) >= 200
    assert set(Counter(c.stage for c in people)) == set(directory.STAGES)
    phones_each = Counter(p.client_id for p in Phone.select())
    assert max(phones_each.values()) >= 3
    assert Phone.select().where(Phone.extension != "").count() >= 10
    abroad = [p.e164 for p in Phone.select().where(~Phone.e164.startswith("+91"))]
    assert all(any(n.startswith(code) for n in abroad) for code in ("+44", "+1", "+971"))
    [legacy] = Phone.select().where(~Phone.valid)
    assert legacy.e164 is None and legacy.raw

    history = list(Call.select())
    assert len(history) >= 500
    assert {c.status for c in history} == {"completed", "abandoned"}
    assert all(clock.now() - timedelta(days=31) <= c.arrived_at < clock.now() for c in history)
    assert all(c.wrapped_at <= clock.now() for c in history if c.wrapped_at)
    answered = [c for c in history if c.status == "completed"]
    assert {c.disposition for c in answered} <= set(desk.config.dispositions)
    assert all(c.operator_id and c.answered_at and c.rings and c.script_steps for c in answered)
    assert any(c.client_id is None for c in history)  # strangers call too
    assert Note.select().where(Note.call.is_null(False)).count() >= 100

    note = Note.select().order_by(Note.id.desc()).first()
    dossier = build_dossier(desk, note.client_id)
    assert {i.kind for i in dossier.history} == {"call", "note"}
    assert "Asia/" in dossier.phones[0].local_time

    numbers = directory.sample_client_numbers(20, random.Random(1))  # what the simulator rings with
    assert len(numbers) == len(set(numbers)) == 20
    assert all(directory.match_caller(desk, number) is not None for number in numbers)
    assert directory.sample_client_numbers(20, random.Random(1)) == numbers


def test_the_same_seed_gives_the_same_desk(desk, tmp_path):
    assert directory.sample_client_numbers(5, random.Random(1)) == []  # an empty desk has no numbers to ring with
    seed_demo(desk, seed=7)
    first = fingerprint()
    database.close()
    open_database(f"sqlite:///{tmp_path / 'again.db'}")
    seed_demo(Desk(desk.config, desk.clock), seed=7)
    assert fingerprint() == first
    database.close()
