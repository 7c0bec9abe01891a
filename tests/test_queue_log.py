"""A desk moving from plain Asterisk loads its queue_log and keeps its history and statistics from day one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.calls.queue_log import LOG_END_REASON, import_queue_log
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators import roster
from calldesk.desk.stats.grouping import Scope
from calldesk.desk.stats.kpis import figure_rows
from calldesk.desk.stats.period import days_period
from calldesk.store.models import Call, OperatorStateChange

QUEUE_LOG = Path(__file__).resolve().parent / "data" / "queue_log"
T0 = 1793590200  # 2026-11-02 09:00 in India: the first ADDMEMBER of the file


@pytest.fixture
def team(desk):
    return {
        "asha": roster.add_operator(desk, "asha", "Asha Verma", extension="1001").id,  # SIP/1001
        "ravi": roster.add_operator(desk, "ravi", "Ravi Kumar").id,  # Local/ravi@agents/n
        "meena": roster.add_operator(desk, "meena", "Meena Iyer", "sales").id,  # by display name
    }


def states_of(operator_id: int) -> list[tuple[int, str, str]]:
    rows = OperatorStateChange.select().where(OperatorStateChange.operator == operator_id).order_by(
        OperatorStateChange.started_at, OperatorStateChange.id)
    return [(int(r.started_at.timestamp()) - T0, r.state, r.reason) for r in rows]


def test_the_log_becomes_calls_with_their_operators_and_outcomes(desk, team):
    report = import_queue_log(desk, QUEUE_LOG)
    assert (report.lines, report.calls_added, report.calls_unfinished, report.calls_begun_before) == (46, 12, 1, 1)
    calls = {c.external_id: c for c in Call.select()}
    first = calls["1793590237.41"]
    assert (first.status, first.queue, first.number_e164, first.operator_id) == (
        "completed", "support", "+919876543210", team["asha"])
    assert (first.answered_at - first.arrived_at).total_seconds() == 6 and first.rings == 2
    assert (first.ended_at - first.answered_at).total_seconds() == 180 and first.wrapped_at == first.ended_at
    short = calls["1793590274.42"]
    assert (short.status, (short.ended_at - short.arrived_at).total_seconds()) == ("abandoned", 3)
    assert {calls[f"{T0 + n * 37}.{40 + n}"].status for n in (5, 6, 7)} == {"abandoned"}  # timeout, empty, key
    blind = calls[f"{T0 + 8 * 37}.48"]
    assert (blind.status, blind.transferred_to, blind.operator_id) == ("transferred", "2002", team["meena"])
    handed, taken = calls[f"{T0 + 9 * 37}.49"], calls[f"{T0 + 9 * 37}.49#2"]  # one caller, two queues
    assert (handed.status, handed.queue, taken.queue, taken.status) == ("transferred", "support", "billing",
                                                                        "completed")
    assert taken.operator_id is None  # PJSIP/1009 is nobody here yet
    assert calls[f"{T0 + 10 * 37}.50"].queue == "support"  # "helpdesk" is not a queue of this desk
    began_before = calls[f"{T0}.40"]
    assert (began_before.number_raw, (began_before.answered_at - began_before.arrived_at).total_seconds()) == ("",
                                                                                                               12)
    assert f"{T0 + 13 * 37}.53" not in calls  # still waiting when the log was copied: not in the live queue


def test_unreadable_and_unknown_lines_are_counted_and_reported(desk, team):
    report = import_queue_log(desk, QUEUE_LOG)
    assert [n for n, _ in report.malformed] == [41, 42, 43]
    assert "not epoch seconds" in report.malformed[1][1] and "data1" in report.malformed[2][1]
    assert report.unknown_events == {"MEMBERPENALTY": 1}
    assert report.not_used == {"QUEUESTART": 1, "CONFIGRELOAD": 1, "DID": 1, "RINGNOANSWER": 1}
    assert dict(report.unmapped_members) == {"PJSIP/1009": 3}
    assert report.queues_mapped == {"helpdesk": "support"}
    text = "\n".join(report.describe())
    assert "3 malformed lines" in text and "line 42: the time 'yesterday'" in text and "PJSIP/1009 3" in text


def test_members_states_become_the_operators_history(desk, team):
    import_queue_log(desk, QUEUE_LOG)
    assert states_of(team["ravi"]) == [(0, "available", ""), (340, "on_call", ""), (640, "available", ""),
                                       (5760, "offline", "")]
    assert states_of(team["asha"])[-4:] == [(1064, "available", ""), (3600, "paused", "Lunch"),
                                            (5400, "available", ""), (5400, "offline", LOG_END_REASON)]


def test_the_statistics_reach_back_to_the_imported_day(desk, team):
    import_queue_log(desk, QUEUE_LOG)
    [row] = figure_rows(desk, Scope(days_period(desk, date(2026, 11, 2), date(2026, 11, 2))))
    t = row.tally
    assert (t.offered, t.answered, t.abandoned, t.short_abandoned, t.answered_in_time) == (12, 6, 6, 1, 5)
    assert t.service_level == pytest.approx(5 / 11)
    assert t.first_call_resolution == pytest.approx(5 / 6)  # the caller handed to billing counts as a repeat


def test_importing_the_same_file_again_adds_nothing(desk, team):
    import_queue_log(desk, QUEUE_LOG)
    calls, states = Call.select().count(), OperatorStateChange.select().count()
    again = import_queue_log(desk, QUEUE_LOG)
    assert (again.calls_added, again.calls_updated, again.calls_present, again.state_changes) == (0, 0, 12, 0)
    assert (Call.select().count(), OperatorStateChange.select().count()) == (calls, states)


def test_a_longer_log_adds_what_is_new_and_carries_the_history_on(desk, team, tmp_path):
    import_queue_log(desk, QUEUE_LOG)
    longer = tmp_path / "queue_log"
    waiting = f"{T0 + 13 * 37}.53"
    longer.write_text(QUEUE_LOG.read_text() + f"{T0 + 5800}|{waiting}|support|SIP/1001|CONNECT|100|x.1|1\n"
                                              f"{T0 + 5900}|{waiting}|support|SIP/1001|COMPLETECALLER|100|100|1\n")
    report = import_queue_log(desk, longer)
    assert (report.calls_added, report.calls_present, report.calls_unfinished) == (1, 12, 0)
    markers = [s for s in states_of(team["asha"]) if s[2] == LOG_END_REASON]
    assert markers == [(5900, "offline", LOG_END_REASON)]  # the history ends at the longer file's end now


def test_a_member_mapped_later_gets_their_calls_on_the_next_import(desk, team, clock):
    import_queue_log(desk, QUEUE_LOG)
    kiran = roster.add_operator(desk, "kiran", "Kiran Das", "billing").id
    ami = desk.config.ami._replace(operators={"PJSIP/1009": "kiran"})
    mapped = Desk(desk.config._replace(ami=ami), clock)
    report = import_queue_log(mapped, QUEUE_LOG)
    assert (report.calls_updated, report.unmapped_members) == (1, {})
    assert Call.get(Call.external_id == f"{T0 + 9 * 37}.49#2").operator_id == kiran
    assert states_of(kiran)[0] == (5, "available", "")


def test_a_missing_file_or_another_kind_of_file_is_one_clear_error(desk, tmp_path):
    with pytest.raises(DeskError, match="no such file"):
        import_queue_log(desk, tmp_path / "nope")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("name,phone\nRahul,98765 43210\n")
    with pytest.raises(DeskError, match="not an Asterisk queue_log"):
        import_queue_log(desk, contacts)
    assert Call.select().count() == 0


def test_calldesk_import_queue_log_prints_the_summary(db_url, team, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    config = Path(__file__).resolve().parent.parent / "config.yaml"
    assert main(["--config", str(config), "--db", db_url, "import", "queue-log", str(QUEUE_LOG)]) == 0
    out = capsys.readouterr().out
    assert "12 calls added" in out and "line 41" in out and "'helpdesk' is not in config.yaml" in out
    assert main(["--config", str(config), "--db", db_url, "import", "queue-log", str(tmp_path / "none")]) == 2
    assert "no such file" in capsys.readouterr().err
