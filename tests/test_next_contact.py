"""Each call keeps when its caller next made contact (call.next_contact_at), kept by the database itself (migration
8's triggers) on every path that writes calls: on a mixed log, rung, imported, linked, moved and removed the ways the
desk does, first-call resolution read from it equals the look-up it replaced, whatever the window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from peewee import SQL, Case, fn

from calldesk.desk.callbacks.promises import CallbackRequest, create_callback, start_callback
from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.queue import IncomingCall
from calldesk.desk.calls.queue_log import import_queue_log
from calldesk.desk.clients import directory
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.desk.stats.call_sums import resolved_first_time
from calldesk.store.bulk import insert_rows
from calldesk.store.migrations import LATEST_VERSION, migrate
from calldesk.store.models import Call, Client, Phone, SchemaVersion, database

QUEUE_LOG = Path(__file__).resolve().parent / "data" / "queue_log"
RAHUL, PRIYA, STRANGER, OTHER = "+91 98765 43210", "+91 98111 22233", "+91 97000 00001", "+91 97000 00002"
NOT_A_NUMBER = "*99#"  # kept as typed, with no E.164: a caller nobody else is


def _further_contact(window: float):
    """The look-up first-call resolution made before migration 8: another call of the same caller (client, else
    number), in or out, arriving after the call (or at the same moment, made later) and at most ``window`` after it."""
    further = Call.alias("further")
    soon = ((further.arrived_at >= Call.arrived_at) & (further.arrived_at <= Call.arrived_at + window)
            & ((further.arrived_at > Call.arrived_at) | (further.id > Call.id)))
    same_client = further.select(SQL("1")).where((further.client == Call.client) & soon)
    same_number = further.select(SQL("1")).where(
        further.client.is_null() & (further.number_e164 == Call.number_e164) & soon)
    return (Call.client.is_null(False) & fn.EXISTS(same_client)) | (Call.client.is_null() & fn.EXISTS(same_number))


def _caller(client_id: int | None, e164: str | None) -> tuple | None:
    return ("client", client_id) if client_id is not None else ("number", e164) if e164 is not None else None


def assert_next_contacts_right() -> int:
    """The stored next contacts equal the calls' own (worked out here one call at a time), and first-call resolution
    read from them equals the old look-up for windows of none, a second, an hour, a day and every gap in the log
    (each call counted as answered, so the further contact alone decides); returns how many calls have one."""
    calls = list(Call.select(Call.id, Call.client, Call.number_e164, Call.arrived_at, Call.next_contact_at).tuples())
    expected = {}
    for call_id, client_id, e164, arrived, _ in calls:
        me = _caller(client_id, e164)
        later = [o[3] for o in calls
                 if me is not None and _caller(o[1], o[2]) == me and (o[3], o[0]) > (arrived, call_id)]
        expected[call_id] = min(later, default=None)
    assert {c[0]: c[4] for c in calls} == expected
    Call.update(answered_at=fn.COALESCE(Call.answered_at, Call.arrived_at)).execute()
    gaps = {(c[4] - c[3]).total_seconds() for c in calls if c[4] is not None}
    for window in sorted({0.0, 1.0, 3600.0, 86400.0} | gaps):
        read = Call.select(Call.id, Case(None, [(_further_contact(window), 0)], 1),
                           Case(None, [(resolved_first_time(window), 1)], 0)).tuples()
        assert [(i, old) for i, old, _ in read] == [(i, new) for i, _, new in read], window
    return sum(1 for c in expected.values() if c is not None)


def test_every_path_that_writes_calls_keeps_the_next_contact(desk, clock):
    rahul = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone(RAHUL)])
    priya = directory.create_client(desk, "Priya Iyer", [directory.NewPhone(PRIYA)])
    queue.ring_call(desk, RAHUL, "support")  # a known client, matched at the ring
    queue.ring_call(desk, STRANGER, "support")  # an unknown number
    queue.ring_call(desk, NOT_A_NUMBER, "support")
    clock.advance(minutes=5)
    # one burst, one statement: the same callers twice at the same second (ties go by id)
    queue.ring_calls(desk, [IncomingCall(RAHUL, "sales"), IncomingCall(STRANGER, "sales"),
                            IncomingCall(RAHUL, "support"), IncomingCall(NOT_A_NUMBER, "support"),
                            IncomingCall(STRANGER, "support")])
    clock.advance(hours=2)
    stranger_again = queue.ring_call(desk, STRANGER, "support")
    handling.attach_client(desk, stranger_again, priya)  # the operator finds who it is after the ring
    assert assert_next_contacts_right() == 4

    # calls inserted out of time order, several of one caller in one statement: an import's batch
    now = clock.now()
    rows = [{"number_raw": n, "number_e164": e, "client": c, "queue": "support", "status": "completed",
             "arrived_at": now - timedelta(seconds=s)}
            for n, e, c, s in [(RAHUL, "+919876543210", rahul, 60), (OTHER, "+919700000002", None, 30),
                               (RAHUL, "+919876543210", rahul, 7300), (OTHER, "+919700000002", None, 30),
                               (PRIYA, "+919811122233", priya, 9000), (RAHUL, "+919876543210", rahul, 7500)]]
    Call.insert_many(rows).execute()
    given = [Call.number_raw, Call.number_e164, Call.client, Call.queue, Call.status, Call.arrived_at]
    defaulted = [f for f in Call._meta.sorted_fields if f.default is not None and f.name not in {g.name for g in given}]
    defaults = tuple(f.db_value(f.default() if callable(f.default) else f.default) for f in defaulted)
    insert_rows(Call, given + defaulted, [  # the multi-row insert of rings and imports, out of order too
        (OTHER, "+919700000002", None, "support", "completed", now.timestamp() + 5, *defaults),
        (OTHER, "+919700000002", None, "support", "completed", now.timestamp() - 3600, *defaults)])
    assert_next_contacts_right()

    # an outbound call-back to Priya, and the month's queue_log from the PBX (Rahul among its callers)
    asha = first_console(desk, "asha")
    roster.add_operator(desk, "ravi", "Ravi Kumar", extension="1001")
    callback = create_callback(desk, asha.id, CallbackRequest(reason="the refund", client_id=priya,
                                                              due_at=now + timedelta(hours=1)))
    start_callback(desk, callback, 1, asha.id)
    import_queue_log(desk, QUEUE_LOG)
    assert Call.select().where(Call.direction == "outbound").count() == 1
    assert assert_next_contacts_right() > 12

    # moved: a call's time corrected, a number re-read, a client gone (their calls fall back to their numbers)
    first = Call.select().order_by(Call.id).first()
    Call.update(arrived_at=first.arrived_at + timedelta(hours=3)).where(Call.id == first.id).execute()
    Call.update(number_e164="+919700000002").where(Call.number_raw == NOT_A_NUMBER).execute()
    Phone.delete().where(Phone.client == rahul).execute()
    Client.delete().where(Client.id == rahul).execute()
    assert_next_contacts_right()

    # removed: a call gone takes its place in its caller's calls with it
    Call.delete().where(Call.id.in_([c.id for c in Call.select(Call.id).order_by(Call.id)][1::4])).execute()
    assert_next_contacts_right()


def test_the_upgrade_gives_existing_calls_their_next_contact(desk, clock):
    """A database from before migration 8: its calls get their next contact in one statement, and the triggers
    keep it from then on."""
    rahul = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone(RAHUL)])
    for _ in range(3):
        queue.ring_calls(desk, [IncomingCall(RAHUL, "support"), IncomingCall(STRANGER, "support"),
                                IncomingCall(NOT_A_NUMBER, "support"), IncomingCall(RAHUL, "sales")])
        clock.advance(minutes=20)
    db = database.obj
    _drop_next_contact_triggers(db)
    Call.update(next_contact_at=None).execute()
    SchemaVersion.delete().where(SchemaVersion.version >= 8).execute()  # as it was at version 7
    assert migrate(db) == LATEST_VERSION
    assert assert_next_contacts_right() == 7
    handling.attach_client(desk, queue.ring_call(desk, STRANGER, "support"), rahul)
    assert_next_contacts_right()


def _drop_next_contact_triggers(db) -> None:
    if db.__class__.__name__.startswith("Sqlite"):
        for name in ("call_next_contact_ai", "call_next_contact_au", "call_next_contact_ad"):
            db.execute_sql(f"DROP TRIGGER {name}")
        return
    for name in ("calldesk_call_next_contact", "calldesk_call_inserted", "calldesk_call_moved",
                 "calldesk_call_deleted"):
        db.execute_sql(f'DROP TRIGGER {name} ON "call"')
