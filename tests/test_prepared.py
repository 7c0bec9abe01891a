"""Hot statements are built once per database and run again with new values: the same answers as Peewee's."""

from __future__ import annotations

from calldesk.desk.context import Desk
from calldesk.desk.operators.roster import add_operator
from calldesk.store.bulk import VALUES_PER_IN_LIST
from calldesk.store.database import open_database
from calldesk.store.models import Operator, database
from calldesk.store.prepared import Prepared

LOGINS = Prepared(lambda logins: Operator.select(Operator.login).where(Operator.login.in_(logins)).order_by(
    Operator.login
))
RENAME = Prepared(lambda login, name: Operator.update(name=name).where(Operator.login == login))


def test_a_statement_built_once_answers_for_lists_of_any_length(desk: Desk) -> None:
    for login in ("asha", "bela", "chen", "dev", "eva"):
        add_operator(desk, login)
    # 3 and 5 run as lists of 4 and 8, their last login repeated
    for wanted in (["eva"], ["asha", "dev", "nobody"], ["eva", "bela", "asha", "chen", "dev"], []):
        assert LOGINS.rows(logins=wanted) == [(login,) for login in sorted(set(wanted) - {"nobody"})]


def test_values_go_in_as_given_and_changed_rows_are_counted(desk: Desk) -> None:
    add_operator(desk, "asha", "Asha")
    assert RENAME.execute(login="asha", name="Asha'; DROP TABLE operator;--") == 1
    assert RENAME.execute(login="nobody", name="Nobody") == 0
    assert Operator.get(Operator.login == "asha").name == "Asha'; DROP TABLE operator;--"


def test_each_database_gets_its_own_statement(desk: Desk, tmp_path) -> None:
    """On PostgreSQL the second database is SQLite: its parameter marks differ."""
    add_operator(desk, "asha")
    assert LOGINS.rows(logins=["asha"]) == [("asha",)]
    first = database.obj
    try:
        open_database(f"sqlite:///{tmp_path / 'other.db'}")
        assert LOGINS.rows(logins=["asha"]) == []  # the other database's table, not the first one's
    finally:
        database.obj.close()
        database.initialize(first)
    assert LOGINS.rows(logins=["asha"]) == [("asha",)]


def test_a_list_longer_than_one_in_list_is_read_in_batches(desk: Desk) -> None:
    for login in ("asha", "bela"):
        add_operator(desk, login)
    wanted = ["asha", *(f"nobody{n}" for n in range(2 * VALUES_PER_IN_LIST)), "bela"]  # three batches
    assert sorted(LOGINS.rows_in_batches("logins", wanted)) == [("asha",), ("bela",)]
