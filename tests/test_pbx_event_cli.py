"""Any PBX that can run a command reports a call's whole life: `calldesk event ring|answered|transfer|hangup|abandon`
(what docs/pbx-hooks.md's Asterisk and FreeSWITCH dialplans run)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.calls.queue import waiting_calls
from calldesk.desk.operators.roster import add_operator, get_operator
from calldesk.store.models import Call

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


@pytest.fixture
def hook(desk, db_url, capsys):
    """Runs `calldesk --config config.yaml --db URL ARGS...`; returns (status, stdout, stderr)."""
    add_operator(desk, "asha", "Asha Rao", extension="101")

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--config", str(CONFIG), "--db", db_url, *argv])
        out, err = capsys.readouterr()
        return status, out.strip(), err.strip()

    return run


def test_a_dialplan_reports_ring_answer_and_hangup_by_its_own_call_id(desk, hook) -> None:
    status, out, _ = hook("event", "ring", "098123 45678", "--queue", "sales", "--name", "RAHUL", "--pbx-id",
                          "1700000000.42")
    call_id = int(out)
    assert status == 0
    assert [w.id for w in waiting_calls(desk)] == [call_id]
    assert hook("event", "ring", "098123 45678", "--pbx-id", "1700000000.42")[1] == out  # told twice: one call

    assert hook("event", "answered", "1700000000.42", "--extension", "101")[0] == 0
    call = Call.get_by_id(call_id)
    assert (call.status, call.operator.login, call.queue, call.caller_name) == ("answered", "asha", "sales", "RAHUL")
    assert get_operator(call.operator_id).state == "on_call"

    assert hook("event", "hangup", "1700000000.42") == (0, "completed", "")
    assert Call.get_by_id(call_id).status == "completed"
    assert get_operator(call.operator_id).state == "wrap_up"


def test_answered_by_operator_login_and_transferred_to_a_department(desk, hook) -> None:
    _, out, _ = hook("ring", "+919812345678")
    assert hook("event", "answered", out, "--by", "asha")[0] == 0
    status, onward, _ = hook("event", "transfer", out, "--to", "billing", "--note", "wants a refund")
    assert status == 0
    assert Call.get_by_id(int(out)).status == "transferred"
    assert [(w.id, w.queue) for w in waiting_calls(desk)] == [(int(onward), "billing")]


def test_after_a_transfer_the_pbx_id_names_the_onward_call(desk, hook) -> None:
    _, first, _ = hook("event", "ring", "+919812345678", "--pbx-id", "1700.7")
    hook("event", "answered", "1700.7", "--by", "asha")
    _, onward, _ = hook("event", "transfer", "1700.7", "--to", "sales")
    add_operator(desk, "ravi", "Ravi Kumar", "sales", extension="102")  # asha is wrapping up the first leg
    assert hook("event", "answered", "1700.7", "--extension", "102")[0] == 0
    assert hook("event", "hangup", "1700.7") == (0, "completed", "")
    assert [(c.id, c.status) for c in Call.select().order_by(Call.id)] == [
        (int(first), "transferred"), (int(onward), "completed"),
    ]


def test_a_caller_who_hangs_up_while_waiting_is_abandoned(desk, hook) -> None:
    _, first, _ = hook("ring", "+919812345678")
    hook("event", "ring", "+919812345679", "--pbx-id", "fs-3f2a-77")
    assert hook("abandon", first) == (0, "abandoned", "")
    assert hook("event", "hangup", "fs-3f2a-77") == (0, "abandoned", "")
    assert waiting_calls(desk) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("event", "answered", "99999", "--by", "asha"), "calldesk: call 99999 does not exist"),
        (("event", "hangup", "no-such-uuid"), "calldesk: no call has the PBX id 'no-such-uuid'"),
        (("event", "answered", "1", "--by", "nobody"), "calldesk: operator 'nobody' is not known here"),
        (("event", "answered", "1", "--extension", "555"), "calldesk: no operator has extension '555'"),
        (("event", "answered", "1"), "calldesk: say who answered: --by LOGIN or --extension EXT"),
        (("event", "transfer", "1", "--to", "nowhere"), "calldesk: call 1 has no operator yet"),
    ],
)
def test_a_wrong_report_is_one_clear_line(desk, hook, argv, message) -> None:
    hook("ring", "+919812345678")
    status, _, err = hook(*argv)
    assert status != 0
    assert err.startswith(message)
    assert "Traceback" not in err


def test_a_pbx_id_made_of_digits_names_the_pbxs_call_never_calldesks_call_of_that_number(desk, hook) -> None:
    _, other, _ = hook("ring", "+919812345678")  # calldesk's call 1, rung without a PBX id
    _, pbx_call, _ = hook("event", "ring", "9123456789", "--pbx-id", other)  # the PBX calls its call "1" too
    assert hook("event", "hangup", other) == (0, "abandoned", "")
    assert Call.get_by_id(int(pbx_call)).status == "abandoned"
    assert Call.get_by_id(int(other)).status == "ringing"  # the other caller still waits


@pytest.mark.parametrize("reference", ["١٢", "²", "9" * 30])
def test_digits_that_are_no_call_id_are_refused_in_one_line(desk, hook, reference) -> None:
    hook("ring", "+919812345678")
    status, out, err = hook("event", "hangup", reference)
    assert (status, out) == (1, "")
    assert err.startswith("calldesk: no call has the PBX id") and len(err.splitlines()) == 1
    assert [c.status for c in Call.select()] == ["ringing"]


@pytest.mark.parametrize("argv", [("--db", "", "ring", "+919812345678"), ("--db=",), ("--db", "  ")])
def test_an_empty_db_option_is_refused_not_read_as_the_configs_database(argv, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the config's own database would be made here
    assert main(["--config", str(CONFIG), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "calldesk: --db is empty: give a SQLite file's path or a postgresql:// URL"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [("ring", "+919812345678"), ("event", "ring", "+919812345678", "--pbx-id", "17.1"),
                                  ("event", "hangup", "17.1")])
def test_a_hook_into_a_mistyped_database_path_fails_and_makes_nothing(argv, capsys, tmp_path) -> None:
    mistyped = tmp_path / "calldsk" / "desk.db"
    assert main(["--config", str(CONFIG), "--db", str(mistyped), *argv]) == 1
    assert capsys.readouterr().err.strip().startswith(f"calldesk: no database at {mistyped}: check --db")
    assert not mistyped.parent.exists()  # neither the file nor its folder: the PBX's call is not swallowed


class Terminal(io.StringIO):
    """Standard output as a terminal: what a person's screen would receive."""

    def isatty(self) -> bool:
        return True


def test_control_characters_from_a_caller_are_shown_not_obeyed_on_a_terminal(desk, db_url, monkeypatch) -> None:
    add_operator(desk, "evil", "\x1b]0;pwned\x07\x1b[2JMallory")
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    assert main(["--config", str(CONFIG), "--db", db_url, "operator", "list"]) == 0
    listed = screen.getvalue()
    assert "\x1b" not in listed and "\x07" not in listed
    assert "\\x1b]0;pwned\\x07\\x1b[2JMallory" in listed


def test_output_to_a_file_or_pipe_keeps_the_text_exactly(desk, db_url, capsys) -> None:
    add_operator(desk, "evil", "\x1b[2JMallory")
    assert main(["--config", str(CONFIG), "--db", db_url, "operator", "list"]) == 0
    assert "\x1b[2JMallory" in capsys.readouterr().out
