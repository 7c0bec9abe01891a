"""`calldesk operator set-queues LOGIN support:0 billing:1` (issue 21, item 1): a lead sets the queues an operator
answers, audited; a queue not in the config, or a colleague who is not a lead, is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.calls import routing
from calldesk.desk.calls.routing import Membership
from calldesk.desk.context import Desk
from calldesk.store.models import AuditEvent, Operator, QueueMember, database

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


@pytest.fixture
def command(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str):
    """`calldesk --db URL ARGV` run inside this process: (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--config", str(CONFIG), "--db", db_url, *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    if database.obj is not None and not database.is_closed():
        database.close()


def test_a_lead_sets_an_operators_queues_and_priorities_from_the_command_line(command, config, clock):
    command("db", "init", "--lead", "meera")
    command("operator", "add", "john", "--department", "billing", "--operator", "meera")
    assert command("operator", "set-queues", "john", "billing:0", "sales:1", "--operator", "meera") == (
        0, "john answers billing:0 sales:1 (was billing:0)\n", "")
    john = Operator.get(Operator.login == "john")
    assert routing.queues_of(Desk(config, clock), john.id) == (Membership("billing", 0), Membership("sales", 1))
    audited = AuditEvent.get(AuditEvent.action == "set_queues")
    assert (audited.actor, audited.entity_id, audited.after) == ("meera", john.id, '{"billing": 0, "sales": 1}')


@pytest.mark.parametrize(("argv", "refusal"), [
    (("john", "marketing:0", "--operator", "meera"),
     "queue 'marketing' is not in the config (known: support, sales, billing)"),
    (("john", "sales:soon", "--operator", "meera"),
     "sales:soon: a priority is a whole number, 0 served first (support:0 billing:1)"),
    (("john", "sales:0", "--operator", "ravi"), "only a team lead may change the queues an operator answers"),
    (("ghost", "sales:0", "--operator", "meera"), "operator 'ghost' is not known here"),
])
def test_a_refused_change_is_one_line_and_changes_nothing(command, argv, refusal):
    command("db", "init", "--lead", "meera")
    command("operator", "add", "john", "--department", "billing", "--operator", "meera")
    command("operator", "add", "ravi", "--operator", "meera")
    assert command("operator", "set-queues", *argv) == (1, "", f"calldesk: {refusal}\n")
    assert not QueueMember.select().exists()
    assert not AuditEvent.select().where(AuditEvent.action == "set_queues").exists()
