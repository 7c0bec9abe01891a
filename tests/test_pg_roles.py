"""PostgreSQL itself refuses what only a team lead may do (issue 17): op1 opens psql as his own database role and tries
every lead-only change by hand; the database says no, whatever client he uses. What an operator does all day still
works under his own role, and so does everything a lead does under hers, each audited with the real login."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from peewee import fn
from pg_schema import pg_schema_url
from suite_settings import PG_URL_ENV, START

from calldesk.desk.callbacks.lines import line_of
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    create_callback,
    reassign_callbacks,
    record_outcome,
    release_overdue_callbacks,
)
from calldesk.desk.calls import queue
from calldesk.desk.calls.escalation import acknowledge_escalation, escalate_call
from calldesk.desk.calls.handling import wrap_up
from calldesk.desk.clients import directory, notes
from calldesk.desk.clock import ManualClock
from calldesk.desk.coach import faq
from calldesk.desk.coach.phrase_guard import guard_for, record_phrase_hits
from calldesk.desk.context import Desk
from calldesk.desk.feedback import complaints
from calldesk.desk.operators import notices, roster, shift
from calldesk.desk.stats.hours import keep_recent_days_summed
from calldesk.desk.stats.reviews import review_call
from calldesk.store import pg_roles
from calldesk.store.changes import ChangeWatcher
from calldesk.store.database import open_database
from calldesk.store.errors import StoreError
from calldesk.store.models import AuditEvent, CallBack, Escalation, Operator, StatsDay, database

pytestmark = [pytest.mark.database_logins,
              pytest.mark.skipif(not os.environ.get(PG_URL_ENV), reason=f"database roles need {PG_URL_ENV}")]

LOGINS = ("boss", "op1", "op2")


@dataclass
class Floor:
    """Boss leads support, op1 and op2 answer its calls; each logs in as a database role of their own."""

    desk: Desk
    url: str  # the administrator's: the owner of the tables
    accounts: dict[str, str]  # login -> database role
    ids: dict[str, int]  # login -> operator id
    call: int  # op1's live call, which he escalated
    escalation: int
    promises: dict[str, int]  # call-backs: op1's, op2's, the support pool's, and op2's overdue one
    note_of_op2: int
    entry: int  # an FAQ entry
    roles: list[str] = field(default_factory=list)  # every role the test made, dropped afterwards
    sessions: list = field(default_factory=list)  # calldesk's connections as those roles, closed afterwards


def _as_role(url: str, role: str) -> str:
    """The same database and schema, logged in as ``role`` (the test cluster trusts every role)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))


def _a_week_ahead() -> datetime:
    """The desk's clock: ahead of the server's, so a call-back due an hour later is not overdue to the database."""
    return datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=7)


@pytest.fixture(params=[pytest.param("postgresql", id="postgresql")])
def floor(request, config) -> Iterator[Floor]:
    schemas = pg_schema_url(os.environ[PG_URL_ENV], drop_logins=True)
    url = next(schemas)
    desk = Desk(config, ManualClock(_a_week_ahead()))
    suffix = uuid.uuid4().hex[:10]
    accounts = {login: f"cd_{login}_{suffix}" for login in LOGINS}
    roles: list[str] = []
    sessions = [open_database(url)]
    try:
        boss = roster.add_operator(desk, "boss", "Boss", "support", role="lead")  # by the administrator
        op1 = roster.add_operator(desk, "op1", "Omar One", "support")
        op2 = roster.add_operator(desk, "op2", "Priya Two", "support")
        for login, account in accounts.items():
            pg_roles.create_login(account, None, login == "boss")
            roles.append(account)
            Operator.update(account=account).where(Operator.login == login).execute()
        client = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
        call = queue.ring_call(desk, "+91 98765 43210", "support")
        queue.claim_call(desk, call, op1.id)
        escalation = escalate_call(desk, op1.id, call, "wants the manager")
        due = desk.clock.now() + timedelta(hours=1)
        promises = {
            "op1": create_callback(desk, op1.id, CallbackRequest(reason="Refund 4411", client_id=client, due_at=due)),
            "op2": create_callback(desk, op2.id, CallbackRequest(reason="Invoice", client_id=client, due_at=due)),
            "pool": create_callback(desk, op1.id, CallbackRequest(reason="Delivery", client_id=client, due_at=due,
                                                                  owner="support")),
        }
        last_month = Desk(config, ManualClock(START))  # long past to the server's clock too
        promises["overdue"] = create_callback(last_month, op2.id, CallbackRequest(
            reason="Warranty", client_id=client, due_at=START + timedelta(hours=1)))
        note = notes.add_note(desk, op2.id, client, None, "Prefers e-mail")
        entry = faq.add_faq(desk, boss.id, "Do you deliver on Sundays?", "Yes, in the big cities.")
        yield Floor(desk, url, accounts, {"boss": boss.id, "op1": op1.id, "op2": op2.id}, call, escalation,
                    promises, note, entry, roles, sessions)
    finally:
        for session in sessions:
            session.close()
        next(schemas, None)  # drops the schema
        import psycopg

        with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as conn:
            for role in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def psql_as(floor: Floor, login: str, url: str = ""):
    """A client of one's own, no calldesk code in it: psycopg logged in as the operator's database role (on the
    floor's desk, or the desk at ``url``)."""
    import psycopg

    with psycopg.connect(_as_role(url or floor.url, floor.accounts[login]), autocommit=True) as conn:
        yield conn


def calldesk_as(floor: Floor, login: str) -> None:
    """calldesk's own functions from now on run on a connection logged in as the operator's database role."""
    floor.sessions.append(open_database(_as_role(floor.url, floor.accounts[login])))


def refused(conn, sql: str, *params) -> str:
    """The database's refusal of the statement, as it words it."""
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refusal:
        conn.execute(sql, params)
    return str(refusal.value)


def owner_of(conn, callback_id: int) -> tuple:
    return conn.execute("SELECT assignee_id, pool FROM call_back WHERE id = %s", (callback_id,)).fetchone()


# --- op1 in psql: every lead-only change is refused -----------------------------------------------------------------


def test_an_operator_cannot_make_himself_a_lead_or_disable_a_colleague_or_add_anyone(floor):
    with psql_as(floor, "op1") as op1:
        refused(op1, "UPDATE operator SET role = 'lead' WHERE login = 'op1'")
        refused(op1, "UPDATE operator SET enabled = false WHERE login = 'op2'")
        refused(op1, "UPDATE operator SET account = %s WHERE login = 'op1'", floor.accounts["boss"])
        refused(op1, "INSERT INTO operator (login, name, department, role, extension, enabled, state, state_reason) "
                     "VALUES ('mole', 'Mole', 'support', 'lead', '', true, 'available', '')")
        refused(op1, "SELECT calldesk_create_login('cd_mole', NULL, true)")
        assert op1.execute("SELECT login, role, enabled FROM operator ORDER BY login").fetchall() == [
            ("boss", "lead", True), ("op1", "operator", True), ("op2", "operator", True)]
        assert op1.execute("SELECT calldesk_is_lead(), calldesk_me()").fetchone() == (False, floor.ids["op1"])


def test_an_operator_moves_anyones_state_as_the_pbx_and_the_consoles_do(floor):
    with psql_as(floor, "op1") as op1:
        moved = op1.execute("UPDATE operator SET state = 'paused', state_reason = 'lunch' WHERE login IN "
                            "('op1', 'op2')")
        assert moved.rowcount == 2


def test_an_operator_cannot_take_a_colleagues_call_back_or_hand_his_own_to_anyone(floor):
    mine, theirs, ids = floor.promises["op1"], floor.promises["op2"], floor.ids
    with psql_as(floor, "op1") as op1:
        taking = op1.execute("UPDATE call_back SET assignee_id = %s WHERE id = %s", (ids["op1"], theirs))
        assert taking.rowcount == 0  # op2's is not op1's to change: row-level security hides it from his UPDATE
        assert "give a call-back to someone else" in refused(op1, "UPDATE call_back SET assignee_id = %s WHERE id = %s",
                                                             ids["op2"], mine)
        assert "give a call-back to someone else" in refused(
            op1, "UPDATE call_back SET assignee_id = NULL, pool = 'sales' WHERE id = %s", mine)
        assert "give a call-back to someone else" in refused(  # a lead gets one only when its tries run out
            op1, "UPDATE call_back SET assignee_id = %s WHERE id = %s", ids["boss"], mine)
        assert owner_of(op1, mine) == (ids["op1"], "")
        assert owner_of(op1, theirs) == (ids["op2"], "")


def test_an_operator_takes_a_pool_call_back_and_gives_his_own_back_to_his_departments_pool(floor):
    mine, pool, me = floor.promises["op1"], floor.promises["pool"], floor.ids["op1"]
    with psql_as(floor, "op1") as op1:
        assert op1.execute("UPDATE call_back SET assignee_id = %s, pool = '' WHERE id = %s", (me, pool)).rowcount == 1
        assert op1.execute("UPDATE call_back SET assignee_id = NULL, pool = 'support' WHERE id = %s",
                           (mine,)).rowcount == 1
        assert owner_of(op1, pool) == (me, "")
        assert owner_of(op1, mine) == (None, "support")


def test_an_untouched_overdue_call_back_goes_back_to_its_pool_from_any_console_and_no_further(floor):
    overdue, op1_id = floor.promises["overdue"], floor.ids["op1"]
    with psql_as(floor, "op1") as op1:
        assert "belongs to someone else" in refused(op1, "UPDATE call_back SET assignee_id = %s WHERE id = %s",
                                                    op1_id, overdue)
        assert "belongs to someone else" in refused(
            op1, "UPDATE call_back SET assignee_id = NULL, pool = 'support', status = 'cancelled' WHERE id = %s",
            overdue)
    calldesk_as(floor, "op1")  # op1's console sends it back, as every console does now and then
    assert release_overdue_callbacks(floor.desk) == [overdue]
    released = CallBack.get_by_id(overdue)
    assert (released.assignee_id, released.pool, released.released_from) == (None, "support", "op2")
    assert AuditEvent.get(AuditEvent.action == "release").actor == "op1"  # not the "system" the console claims


def test_an_operator_cannot_rewrite_or_erase_the_audit_trail(floor):
    with psql_as(floor, "op1") as op1:
        refused(op1, "UPDATE audit_event SET actor = 'op2'")
        refused(op1, "DELETE FROM audit_event")
        assert op1.execute("SELECT count(*) FROM audit_event WHERE actor = 'op2'").fetchone()[0] > 0


def test_the_database_writes_the_operators_real_login_into_the_audit_whatever_he_claims(floor):
    with psql_as(floor, "op1") as op1:
        actor = op1.execute("INSERT INTO audit_event (actor, entity, entity_id, action, before, after, at) "
                            "VALUES ('boss', 'operator', 1, 'set_role', '', '', 0) RETURNING actor").fetchone()[0]
    assert actor == "op1"


def test_an_operator_cannot_change_or_remove_a_colleagues_note_nor_write_one_in_her_name(floor):
    theirs, op1_id, op2_id = floor.note_of_op2, floor.ids["op1"], floor.ids["op2"]
    with psql_as(floor, "op1") as op1:
        assert op1.execute("UPDATE note SET body = 'Never call her' WHERE id = %s", (theirs,)).rowcount == 0
        assert op1.execute("DELETE FROM note WHERE id = %s", (theirs,)).rowcount == 0
        assert "row-level security" in refused(op1, "INSERT INTO note (author_id, body, created_at) "
                                                    "VALUES (%s, 'I quit', 0)", op2_id)
        mine = op1.execute("INSERT INTO note (author_id, body, created_at) VALUES (%s, 'Called back', 0) "
                           "RETURNING id", (op1_id,)).fetchone()[0]
        assert op1.execute("UPDATE note SET body = 'Called back twice' WHERE id = %s", (mine,)).rowcount == 1
        assert op1.execute("SELECT body FROM note WHERE id = %s", (theirs,)).fetchone() == ("Prefers e-mail",)


def test_an_operators_draft_is_his_alone(floor):
    op2_id = floor.ids["op2"]
    calldesk_as(floor, "op2")
    notes.save_draft(floor.desk, op2_id, None, None, "half a thought")
    with psql_as(floor, "op1") as op1:
        assert op1.execute("SELECT count(*) FROM note_draft").fetchone() == (0,)
        assert op1.execute("UPDATE note_draft SET body = ''").rowcount == 0
        assert "row-level security" in refused(op1, "INSERT INTO note_draft (operator_id, body, updated_at) "
                                                    "VALUES (%s, 'typed for her', 0)", op2_id)
    assert notes.load_draft(op2_id, None) == "half a thought"


def test_an_operator_cannot_work_a_colleagues_complaint_nor_hand_his_own_on(floor):
    desk, ids = floor.desk, floor.ids
    theirs = complaints.log_feedback(desk, ids["op2"], "complaint", "Delivery", "Parcel late")
    mine = complaints.log_feedback(desk, ids["op1"], "complaint", "Billing", "Charged twice")
    with psql_as(floor, "op1") as op1:
        assert op1.execute("UPDATE feedback SET status = 'resolved' WHERE id = %s", (theirs,)).rowcount == 0
        assert "row-level security" in refused(op1, "UPDATE feedback SET owner_id = %s WHERE id = %s", ids["op2"], mine)
        assert op1.execute("UPDATE feedback SET status = 'in_progress' WHERE id = %s", (mine,)).rowcount == 1


def test_an_operator_cannot_change_the_faq(floor):
    with psql_as(floor, "op1") as op1:
        refused(op1, "INSERT INTO faq_entry (question, answer, tags, updated_at) VALUES ('Free?', 'Yes', '', 0)")
        refused(op1, "UPDATE faq_entry SET answer = 'No' WHERE id = %s", floor.entry)
        refused(op1, "DELETE FROM faq_entry")
        assert op1.execute("SELECT answer FROM faq_entry").fetchall() == [("Yes, in the big cities.",)]


def test_an_operator_cannot_review_a_call(floor):
    with psql_as(floor, "op1") as op1:
        refused(op1, "INSERT INTO call_review (call_id, reviewer_id, score, comment, reviewed_at) "
                     "VALUES (%s, %s, 5, 'flawless', 0)", floor.call, floor.ids["op1"])


def test_an_operator_cannot_acknowledge_an_escalation(floor):
    with psql_as(floor, "op1") as op1:
        refused(op1, "UPDATE escalation SET acknowledged_by_id = %s, acknowledged_at = 0 WHERE id = %s",
                floor.ids["op1"], floor.escalation)
        refused(op1, "DELETE FROM escalation")
    assert Escalation.get_by_id(floor.escalation).acknowledged_at is None


# --- what an operator does all day, through calldesk, under his own role ------------------------------------------


def test_an_operators_day_runs_under_his_own_role(floor):
    desk, me, boss = floor.desk, floor.ids["op1"], floor.ids["boss"]
    calldesk_as(floor, "op1")
    audited_before = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar()
    watcher = ChangeWatcher()
    assert watcher.changed()  # listening as op1
    wrap_up(desk, floor.call, me, "Information given", "Explained the refund")
    call = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call, me)
    notes.save_draft(desk, me, call, None, "Wants a")
    record_phrase_hits(desk, call, guard_for(desk.config).check("I don't know"))
    escalate_call(desk, me, call, "asks for a discount")
    complaint = complaints.log_feedback(desk, me, "complaint", "Delivery", "Parcel late", call_id=call)
    complaints.start_feedback(desk, me, complaint)
    complaints.resolve_feedback(desk, me, complaint, "Rescheduled the delivery")
    pool = floor.promises["pool"]
    reassign_callbacks(desk, me, [(pool, line_of(desk, pool).version)], "op1")
    wrap_up(desk, call, me, "Resolved", "Wants a discount next time")
    promise = floor.promises["op1"]
    for _ in range(desk.config.callbacks.max_attempts):  # nobody answers: the last try hands it to the lead
        record_outcome(desk, promise, line_of(desk, promise).version, me, "no_answer")
    notices.mark_read(desk, me)
    keep_recent_days_summed(desk)
    watcher.close()
    assert CallBack.get_by_id(pool).assignee_id == me
    assert CallBack.get_by_id(promise).assignee_id == boss
    assert StatsDay.select().exists()
    assert {e.actor for e in AuditEvent.select().where(AuditEvent.id > audited_before)} == {"op1"}


# --- the lead, through calldesk, under her own role ----------------------------------------------------------------


def test_a_lead_takes_every_lead_only_action_under_her_own_role_audited_with_her_login(floor):
    desk, ids = floor.desk, floor.ids
    calldesk_as(floor, "boss")
    audited_before = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar()
    reassign_callbacks(desk, ids["boss"], [(floor.promises["op1"], line_of(desk, floor.promises["op1"]).version)],
                       "op2")
    acknowledge_escalation(desk, ids["boss"], floor.escalation)
    faq.edit_faq(desk, ids["boss"], floor.entry, answer="Yes, in every city.")
    review_call(desk, floor.call, ids["boss"], 4, "good, a little slow")
    roster.set_role(desk, "op1", "lead")  # the command line of old: no one named, "system" claimed
    roster.disable_operator(desk, "op2")
    assert CallBack.get_by_id(floor.promises["op1"]).assignee_id == ids["op2"]
    assert Escalation.get_by_id(floor.escalation).acknowledged_by_id == ids["boss"]
    audited = AuditEvent.select().where(AuditEvent.id > audited_before)
    assert {e.action for e in audited} == {"reassign", "acknowledge_escalation", "update", "review", "set_role",
                                          "disable"}
    assert {e.actor for e in audited} == {"boss"}


def test_a_promoted_operators_role_gets_a_leads_rights_and_a_disabled_ones_cannot_log_in(floor):
    import psycopg

    calldesk_as(floor, "boss")
    roster.set_role(floor.desk, "op1", "lead")
    roster.disable_operator(floor.desk, "op2")
    with psql_as(floor, "op1") as op1:
        assert op1.execute("UPDATE faq_entry SET answer = 'Yes, on request' WHERE id = %s", (floor.entry,)).rowcount
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psql_as(floor, "op2").__enter__()
    roster.set_role(floor.desk, "op1", "operator")
    shift.enable_operator(floor.desk, "op2")
    with psql_as(floor, "op1") as op1:
        refused(op1, "UPDATE faq_entry SET answer = 'Never' WHERE id = %s", floor.entry)
    with psql_as(floor, "op2") as op2:
        assert op2.execute("SELECT calldesk_me()").fetchone() == (floor.ids["op2"],)


def test_a_lead_gives_a_new_operator_a_login_but_cannot_take_over_a_role_calldesk_did_not_make(floor):
    import psycopg

    roster.set_role(floor.desk, "op1", "lead")  # the administrator makes op1 a second lead
    calldesk_as(floor, "boss")
    newcomer = f"cd_new_{uuid.uuid4().hex[:10]}"
    floor.roles.append(newcomer)
    pg_roles.create_login(newcomer, "s3cret it's", False)
    with pytest.raises(StoreError, match="privileged"):
        pg_roles.create_login("postgres", "taken over", True)
    with pytest.raises(StoreError, match="only the administrator"):
        pg_roles.create_login(floor.accounts["op1"], "guessed", False)  # then act as the other lead
    with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
        stored = admin.execute("SELECT rolcanlogin, rolpassword, pg_has_role(rolname, 'calldesk_operator', 'MEMBER'), "
                               "pg_has_role(rolname, 'calldesk_lead', 'MEMBER') FROM pg_authid WHERE rolname = %s",
                               (newcomer,)).fetchone()
    assert stored[0] and stored[1].startswith("SCRAM-SHA-256$") and stored[2:] == (True, False)


def test_the_administrator_is_the_tables_owner_and_operators_are_not(floor):
    assert pg_roles.session_account() == "postgres" and pg_roles.is_administrator()
    calldesk_as(floor, "op1")
    assert pg_roles.session_account() == floor.accounts["op1"] and not pg_roles.is_administrator()


def test_a_lead_of_one_desk_is_nobody_on_another_desk_of_the_same_cluster(floor, config):
    schemas = pg_schema_url(os.environ[PG_URL_ENV], drop_logins=True)
    other = next(schemas)
    try:
        open_database(other)
        elsewhere = Desk(config, ManualClock(_a_week_ahead()))
        chief = roster.add_operator(elsewhere, "chief", role="lead")
        entry = faq.add_faq(elsewhere, chief.id, "Open on Sundays?", "No.")
        database.close()
        with psql_as(floor, "boss", other) as boss:
            assert "only a team lead may change the FAQ" in refused(
                boss, "UPDATE faq_entry SET answer = 'Yes' WHERE id = %s", entry)
            assert "only a team lead may manage operators" in refused(
                boss, "UPDATE operator SET enabled = false WHERE login = 'chief'")
            actor = boss.execute("INSERT INTO audit_event (actor, entity, entity_id, action, before, after, at) "
                                 "VALUES ('chief', 'faq', 1, 'edit', '', '', 0) RETURNING actor").fetchone()[0]
            assert actor == floor.accounts["boss"]  # nobody here: the role's own name, not the one claimed
    finally:
        next(schemas, None)


def test_a_login_follows_the_operator_it_is_for_whatever_the_caller_says(floor):
    import psycopg

    roster.disable_operator(floor.desk, "op2")  # by the administrator; then both move to new roles
    roster.set_role(floor.desk, "op1", "lead")
    late = {login: f"cd_{login}_late_{uuid.uuid4().hex[:8]}" for login in ("op1", "op2")}
    for login, account in late.items():
        floor.roles.append(account)
        Operator.update(account=account).where(Operator.login == login).execute()
        pg_roles.create_login(account, None, False)
    with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
        rows = admin.execute("SELECT rolname, rolcanlogin, pg_has_role(rolname, 'calldesk_lead', 'MEMBER') "
                             "FROM pg_roles WHERE rolname = ANY(%s) ORDER BY rolname",
                             ([*late.values(), floor.accounts["op1"]],)).fetchall()
    assert sorted(rows) == sorted([(late["op1"], True, True), (late["op2"], False, False),
                                   (floor.accounts["op1"], True, False)])  # op1's old role is nobody's lead now


def test_installing_the_roles_again_leaves_every_grant_policy_and_refusal_as_it_was(floor):
    def grants():
        return database.execute_sql(
            "SELECT c.relname, c.relacl::text, c.relrowsecurity, (SELECT count(*) FROM pg_policy p "
            "WHERE p.polrelid = c.oid) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
            "ORDER BY c.relname").fetchall()

    before = grants()
    with database.atomic():
        pg_roles.install_roles(database.obj)
    assert grants() == before
    with psql_as(floor, "op1") as op1:
        refused(op1, "UPDATE operator SET role = 'lead' WHERE login = 'op1'")


def test_a_lead_sitting_in_for_an_operator_keeps_his_notes_drafts_and_notices(floor):
    desk, op1_id = floor.desk, floor.ids["op1"]
    notices.post_notice(desk, op1_id, notices.NoticeKind.CALLBACK_GIVEN, "call-back 9 is yours now", by="boss")
    calldesk_as(floor, "boss")  # the lead works as op1 (--operator op1)
    notes.save_draft(desk, op1_id, floor.call, None, "Refund due Friday")
    assert notes.add_note(desk, op1_id, None, floor.call, "Refund due Friday") is not None
    assert notes.load_draft(op1_id, floor.call) == ""
    assert notices.mark_read(desk, op1_id) == 1


# --- the command line, logged in as each role: who you are is the login, not what you type --------------------------


def test_on_the_command_line_op1_is_op1_whatever_he_types_and_the_lead_is_audited_as_herself(floor, capsys):
    from calldesk.cli import main

    config = str(Path(__file__).resolve().parent.parent / "config.yaml")
    mine = str(floor.promises["op1"])

    def calldesk_cli(login: str, *argv: str) -> tuple[int, str, str]:
        status = main(["--config", config, "--db", _as_role(floor.url, floor.accounts[login]), *argv])
        database.close()  # the command's own connection, as that role
        out, err = capsys.readouterr()
        return status, out, err

    audited_before = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar()
    you_are = f"you are op1 (database role {floor.accounts['op1']})"
    assert calldesk_cli("op1", "operator", "set-role", "op1", "lead", "--operator", "boss") == (
        1, "", f"calldesk: {you_are}: only a team lead may work as another operator (--operator)\n")
    assert calldesk_cli("op1", "callbacks", "assign", mine, "op2") == (
        1, "", f"calldesk: call-back {mine} is yours: only a team lead may give a call-back to someone else\n")
    assert calldesk_cli("boss", "callbacks", "assign", mine, "op2") == (
        0, f"call-back {mine} (Rahul Sharma): Omar One -> Priya Two\n", "")
    assert calldesk_cli("boss", "operator", "set-role", "op1", "lead")[0] == 0
    open_database(floor.url)  # back to the administrator's view of the desk
    assert CallBack.get_by_id(floor.promises["op1"]).assignee_id == floor.ids["op2"]
    audited = AuditEvent.select().where(AuditEvent.id > audited_before)
    assert {(e.action, e.actor) for e in audited} == {("reassign", "boss"), ("set_role", "boss")}
