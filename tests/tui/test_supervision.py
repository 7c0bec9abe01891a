"""A team lead listens to a live call, whispers to the operator or joins the call (issue 21): boss picks Asha's row
on the team view and presses ctrl+l, ctrl+w or ctrl+b; the PBX (the in-suite AMI server) is asked to ring boss's
phone into the call with ChanSpy; each use is audited and Asha is told of a whisper or a barge, not of listening.
A PBX that refuses, an operator who tries, or a call that is not on leave no trace."""

from __future__ import annotations

import pytest
from test_ami import Line, server  # noqa: F401 (server: the fixture Line's tests run against)
from test_desk_flows import settle

from calldesk.desk.calls import queue
from calldesk.desk.calls.supervision import Supervision, record_supervision, supervised_call
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.roster import add_operator
from calldesk.store.models import AuditEvent, Notice
from calldesk.telephony.ami import TelephonyError

SPY = [("PJSIP/100", "ChanSpy", "PJSIP/101,qE"), ("PJSIP/100", "ChanSpy", "PJSIP/101,qwE"),
       ("PJSIP/100", "ChanSpy", "PJSIP/101,qBE")]


@pytest.fixture
def floor(desk, server):  # noqa: F811
    """Boss leads from extension 100; Asha (101) is on a call; Ravi, a plain operator, is free."""
    boss = add_operator(desk, "boss", "Bina Boss", role="lead", extension="100")
    asha = add_operator(desk, "asha", "Asha Rao", extension="101")
    ravi = add_operator(desk, "ravi", "Ravi Kumar", extension="102")
    call = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, call, asha.id)
    line = Line(desk, server)  # started by the test, or by the console it is given to
    yield boss, asha, ravi, call, line
    if line._thread.is_alive():
        line.stop()


def spied(server) -> list[tuple[str, str, str]]:  # noqa: F811
    return [(a["Channel"], a.get("Application", ""), a.get("Data", "")) for a in server.actions
            if a.get("Action") == "Originate"]


def test_the_lead_listens_whispers_and_joins_each_audited_and_the_operator_told_of_whisper_and_barge(
        desk, server, floor):  # noqa: F811
    boss, asha, _, call_id, line = floor
    line.start()
    for mode in Supervision:
        call = supervised_call(desk, boss.id, asha.id, mode)
        line.source.supervise(boss.login, call.operator_login, mode)
        record_supervision(desk, boss.id, call, mode)
    assert spied(server) == SPY
    audited = AuditEvent.select().where(AuditEvent.entity == "call", AuditEvent.entity_id == call_id,
                                        AuditEvent.action.in_(list(Supervision)))
    assert [(e.actor, e.action) for e in audited.order_by(AuditEvent.id)] == [
        ("boss", "listen"), ("boss", "whisper"), ("boss", "barge")]
    told = [n.text for n in Notice.select().where(Notice.operator == asha.id).order_by(Notice.id)]
    assert told == [f"Bina Boss is whispering on your call {call_id}: only you hear them",
                    f"Bina Boss has joined your call {call_id}: the caller hears them too"]


def test_an_operator_may_not_and_nobody_supervises_a_call_that_is_not_on(desk, floor):
    boss, asha, ravi, _, _ = floor
    with pytest.raises(DeskError, match=r"^only a team lead may listen to, whisper on or join an operator's call$"):
        supervised_call(desk, ravi.id, asha.id, Supervision.LISTEN)
    with pytest.raises(DeskError, match=r"^Ravi Kumar is not on a call$"):
        supervised_call(desk, boss.id, ravi.id, Supervision.BARGE)
    with pytest.raises(DeskError, match=r"^that is your own call$"):
        supervised_call(desk, boss.id, boss.id, Supervision.WHISPER)


def test_a_pbx_that_refuses_is_one_line_and_leaves_no_trace(desk, server, floor):  # noqa: F811
    boss, asha, _, _, line = floor
    line.start()
    server.refusing["originate"] = "Extension does not exist."
    call = supervised_call(desk, boss.id, asha.id, Supervision.WHISPER)
    with pytest.raises(TelephonyError, match=r"^the PBX refused to whisper on the call: Extension does not exist\.$"):
        line.source.supervise(boss.login, call.operator_login, Supervision.WHISPER)
    assert not AuditEvent.select().where(AuditEvent.action == "whisper").exists()
    assert not Notice.select().where(Notice.operator == asha.id).exists()


# --- at the console ------------------------------------------------------------------------------------------------


async def _on_the_team_view_at(pilot, name: str) -> None:
    from calldesk.tui.screens.team import OperatorsTable

    await pilot.press("f10")
    await settle(pilot)
    table = pilot.app.screen.query_one(OperatorsTable)
    for _ in range(table.row_count):
        if str(table.get_row_at(table.cursor_row)[0]) == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} is not on the team view")


@pytest.mark.parametrize(("key", "options"), [("ctrl+l", "qE"), ("ctrl+w", "qwE"), ("ctrl+b", "qBE")])
async def test_a_key_on_the_team_view_rings_the_leads_phone_into_the_call(desk, server, floor, key, options):  # noqa: F811
    from calldesk.tui.app import CalldeskApp

    boss, *_, line = floor
    app = CalldeskApp(desk, boss, source=line.source)  # the console keeps the PBX link up itself
    async with app.run_test(size=(120, 36)) as pilot:
        await eventually_async(pilot, lambda: app.link_text.startswith("connected"))
        await _on_the_team_view_at(pilot, "Asha Rao")
        await pilot.press(key)
        await eventually_async(pilot, lambda: spied(server))
    assert spied(server) == [("PJSIP/100", "ChanSpy", f"PJSIP/101,{options}")]
    assert any("Your phone rings" in n.message for n in app._notifications)


async def test_without_the_pbx_the_keys_say_why(desk, floor):
    from calldesk.tui.app import CalldeskApp

    boss, *_ = floor
    app = CalldeskApp(desk, boss)  # no call source: nothing to ring the lead's phone
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _on_the_team_view_at(pilot, "Asha Rao")
        await pilot.press("ctrl+w")
        await settle(pilot)
    assert [n.message for n in app._notifications][-1] == (
        "Listening in needs the PBX's phones: set call_source: ami in config.yaml")
    assert not AuditEvent.select().where(AuditEvent.action == "whisper").exists()


async def eventually_async(pilot, done, tries: int = 100) -> None:
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("it did not happen in time")
