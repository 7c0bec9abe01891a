"""Whatever a person or a PBX types on the command line, calldesk answers in one line: exit 2 for a value it cannot
take (a day outside its calendar, an id no table holds, a URL naming no database, bytes that are not UTF-8), exit 1
when a hook's report cannot be applied, never a traceback, an endless run or a second call for one retried ring. Both
backends take and refuse the same values."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calldesk.cli import main
from calldesk.desk.calls import queue
from calldesk.desk.calls.pbx_events import ring_pbx_call
from calldesk.desk.errors import DeskError
from calldesk.desk.operators.identity import first_console
from calldesk.store.database import DatabaseUrlRefused, check_url
from calldesk.store.models import Call, Operator, database

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.yaml"


@pytest.fixture
def calldesk(desk, db_url, capsys, monkeypatch, tmp_path):
    """`calldesk --config config.yaml --db URL ARGV` in this process: (status, stdout, stderr); argparse's own
    refusal gives its exit status too."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str, db: str = db_url) -> tuple[int, str, str]:
        try:
            status = main(["--config", str(CONFIG), "--db", db, *argv])
        except SystemExit as stopped:
            status = stopped.code
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    database.close()


def shell(*argv: str | bytes, stdout=subprocess.PIPE, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`calldesk ARGV` from a shell or a PBX's dialplan: another process, real file descriptors."""
    return subprocess.run([sys.executable, "-m", "calldesk.cli", "--config", str(CONFIG), *argv], stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120, cwd=cwd)


def refused_in_one_line(status: int, err: str, says: str) -> None:
    assert status == 2, err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith(says) or err.splitlines()[-1].startswith(f"calldesk: {says}"), err


# --- days and moments (item 11) --------------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-02", "1000-01-01", "-999999", "-" + "9" * 5000, "9999-12-31",
                                 "1999-12-31", "-٣", "2026-13-01", ""])
@pytest.mark.parametrize("option", ["--from", "--to"])
def test_a_day_outside_the_desks_calendar_is_refused_before_any_day_is_summed(calldesk, option, day):
    status, _, err = calldesk("stats", f"{option}={day}")
    refused_in_one_line(status, err, f"calldesk stats: error: argument {option}: expected a date from 2000-01-01")


def test_a_period_longer_than_three_years_is_refused_alike_on_both_backends(calldesk):
    status, out, err = calldesk("stats", "--from", "2020-01-01", "--to", "2026-11-27")
    assert (status, out) == (2, "")
    assert err == ("calldesk: the period from 2020-01-01 to 2026-11-27 is 2,523 days long: at most 1,098 (three "
                   "years) at a time\n")
    assert calldesk("stats", "--from", "2024-01-01", "--to", "2026-12-31")[0] == 0  # three years is fine


@pytest.mark.parametrize("since", ["0001-01-01", "1000-01-01", "9999-12-31T23:59", "2026-11-01T25:00", "yesterday"])
def test_export_since_a_moment_outside_the_calendar_is_one_line(calldesk, since):
    status, out, err = calldesk("export", "calls", "--since", since)
    assert out == ""
    refused_in_one_line(status, err, "calldesk export: error: argument --since: ")
    assert "invalid _moment value" not in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30) | st.from_regex(r"-?[0-9]{1,12}", fullmatch=True)
       | st.dates().map(str))
def test_any_text_as_a_day_a_moment_or_an_id_is_answered_never_a_traceback(calldesk, text):
    for argv in (("stats", "--from", text, "--to", "today"), ("export", "audit", "--since", text),
                 ("callbacks", "assign", text, "asha"), ("event", "hangup", text)):
        status, _, err = calldesk(*argv)
        assert status in (0, 1, 2), (argv, err)
        assert "Traceback" not in err
        assert len([line for line in err.splitlines() if line.startswith("calldesk")]) <= 1, err


# --- ids (items 11 and 13) -------------------------------------------------------------------------------------

@pytest.mark.parametrize("given_id", ["1e30", "99999999999999999999999", "2147483648", "-1", "0", "٣", "²", " ",
                                      "0x10"])
def test_an_id_no_table_can_hold_is_refused_by_the_parser_on_both_backends(calldesk, given_id):
    status, _, err = calldesk("callbacks", "assign", given_id, "asha")
    refused_in_one_line(status, err, "calldesk callbacks assign: error: argument id: ")


def test_the_largest_id_is_looked_up_alike_on_both_backends(calldesk):
    status, _, err = calldesk("event", "hangup", "2147483647")
    assert (status, err) == (1, "calldesk: call 2147483647 does not exist\n")


@pytest.mark.parametrize("reference", ["99999999999999999999999", "9" * 64])
def test_a_run_of_digits_too_long_for_an_id_is_read_as_a_pbx_id_the_desk_does_not_know(calldesk, reference):
    calldesk("ring", "+919812345678")
    status, _, err = calldesk("event", "hangup", reference)
    assert (status, err) == (1, f"calldesk: no call has the PBX id '{reference}': report it first with `calldesk "
                                "event ring --pbx-id`, or give the id `calldesk ring` printed\n")
    assert [c.status for c in Call.select()] == ["ringing"]


# --- PBX ids and the caller's number (item 15, and the PBX id rule) --------------------------------------------

@pytest.mark.parametrize("pbx_id", ["x" * 65, "17.1\x00", "17\n1", "\x1b[2J", ""])
@pytest.mark.parametrize("command", [("ring",), ("event", "ring")])
def test_a_pbx_id_the_desk_cannot_keep_is_refused_and_nothing_rings(calldesk, command, pbx_id):
    status, out, err = calldesk(*command, "+919812345678", "--pbx-id", pbx_id)
    assert out == ""
    refused_in_one_line(status, err, f"calldesk {' '.join(command)}: error: argument --pbx-id: the PBX's id for")
    assert Call.select().count() == 0


@pytest.mark.parametrize("pbx_id", ["x" * 65, "17.1\x00", "17\n1"])
def test_the_pbx_id_rule_is_the_desks_own_for_every_pbx_path(desk, pbx_id):
    with pytest.raises(DeskError, match="the PBX's id for the call"):
        ring_pbx_call(desk, pbx_id, "+919812345678", "support")
    assert Call.select().count() == 0


@pytest.mark.parametrize("number", ["", "   ", "\t"])
@pytest.mark.parametrize("command", [("ring",), ("event", "ring"), ("event", "ring", "--pbx-id", "17.9")])
def test_a_call_with_no_number_is_refused_in_one_line(calldesk, command, number):
    status, out, err = calldesk(*command, number)
    assert out == ""
    refused_in_one_line(status, err, f"calldesk {' '.join(command[:2])}: error: argument number: a call needs the "
                                     "caller's number: give it, or 'withheld' for a caller who hid it")
    assert Call.select().count() == 0


@pytest.mark.parametrize("number", ["", "  "])
def test_the_desk_refuses_a_blank_number_from_any_path(desk, number):
    with pytest.raises(DeskError, match="a call needs the caller's number"):
        queue.ring_call(desk, number, "support")
    with pytest.raises(DeskError, match="a call needs the caller's number"):
        ring_pbx_call(desk, "17.2", number, "support")
    assert Call.select().count() == 0


def test_a_withheld_number_rings_as_a_caller_with_no_number_the_desk_cannot_call_back(calldesk):
    status, out, _ = calldesk("event", "ring", "withheld", "--pbx-id", "17.3")
    assert status == 0
    call = Call.get_by_id(int(out))
    assert (call.number_raw, call.number_e164, call.external_id) == ("", None, "17.3")
    assert calldesk("event", "hangup", "17.3")[:2] == (0, "abandoned\n")


# --- retries after the output is lost (item 5) ----------------------------------------------------------------

def test_a_ring_whose_id_cannot_be_written_stores_nothing_so_the_retry_rings_once(desk, db_url, tmp_path):
    with open("/dev/full", "w") as full:
        failed = shell("--db", db_url, "ring", "+919812345678", stdout=full, cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.decode() == "calldesk: cannot write to standard output (No space left on device)\n"
    assert Call.select().count() == 0
    retried = shell("--db", db_url, "ring", "+919812345678", cwd=tmp_path)
    assert retried.returncode == 0
    assert [c.id for c in Call.select()] == [int(retried.stdout)]


@pytest.mark.parametrize("command", [("ring",), ("event", "ring")])
def test_a_ring_told_again_with_its_pbx_id_prints_the_same_call(calldesk, command):
    first = calldesk(*command, "+919812345678", "--pbx-id", "1700000000.42")
    again = calldesk(*command, "+919812345678", "--pbx-id", "1700000000.42")
    assert first[0] == again[0] == 0
    assert first[1] == again[1]
    assert [c.id for c in Call.select()] == [int(first[1])]


def test_the_same_ring_reported_by_several_hooks_at_once_rings_one_call(desk):
    """A PBX that retries a slow hook, or a hook and AMI together: on PostgreSQL both read "unknown" and both insert;
    the loser reads again instead of failing on the unique PBX id."""
    start, rung, failures = threading.Barrier(6), [], []

    def hook() -> None:
        try:
            start.wait()
            with database.atomic():
                rung.append(ring_pbx_call(desk, "1700000000.77", "+919812345678", "support"))
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            database.close()

    hooks = [threading.Thread(target=hook) for _ in range(6)]
    for thread in hooks:
        thread.start()
    for thread in hooks:
        thread.join()
    assert failures == []
    assert [c.external_id for c in Call.select()] == ["1700000000.77"]
    assert sorted(rung, key=lambda call_id: call_id is None) == [Call.get().id, *[None] * 5]


def test_a_transfer_whose_onward_id_cannot_be_written_is_not_made(desk, db_url, calldesk, tmp_path):
    from calldesk.desk.operators.roster import add_operator

    add_operator(desk, "asha", "Asha Rao")
    calldesk("event", "ring", "+919812345678", "--pbx-id", "17.5")
    calldesk("event", "answered", "17.5", "--by", "asha")
    with open("/dev/full", "w") as full:
        failed = shell("--db", db_url, "event", "transfer", "17.5", "--to", "billing", stdout=full, cwd=tmp_path)
    assert failed.returncode == 1 and b"Traceback" not in failed.stderr
    assert [c.status for c in Call.select()] == ["answered"]
    status, onward, _ = calldesk("event", "transfer", "17.5", "--to", "billing")  # the PBX's retry
    assert status == 0
    assert [(c.id, c.status) for c in Call.select().order_by(Call.id)][1] == (int(onward), "ringing")


def test_an_export_to_a_full_disk_is_one_line_and_exit_1(desk, db_url, calldesk, tmp_path):
    for n in range(3):
        calldesk("ring", f"+91981234567{n}")
    with open("/dev/full", "w") as full:
        failed = shell("--db", db_url, "export", "calls", stdout=full, cwd=tmp_path)
    assert (failed.returncode, failed.stderr.decode()) == (
        1, "calldesk: cannot write to standard output (No space left on device)\n")


# --- arguments that are not text, URLs that name no database (item 13) -----------------------------------------

def test_an_argument_that_is_not_utf8_is_one_line_and_nothing_rings(desk, db_url, tmp_path):
    done = shell("--db", db_url, "ring", b"\xff\xfe98765", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode() == ("calldesk: argument 6 (b'\\xff\\xfe98765') is not UTF-8 text: check the "
                                    "character set of the terminal or the PBX that ran calldesk\n")
    assert Call.select().count() == 0


@pytest.mark.parametrize(("url", "says"), [
    ("sqlite://", "database sqlite://: names no SQLite file"),
    ("sqlite:///", "database sqlite:///: names no SQLite file"),
    ("postgresql://h:99999/x", "database postgresql://h:99999/x: not a valid URL (Port out of range 0-65535)"),
    ("postgresql://[::1", "database postgresql://[::1: not a valid URL (Invalid IPv6 URL)"),
    ("postgresql://u:secret@h/x?colour=blue", "database postgresql://u:***@h/x?colour=blue: invalid connection "
                                              "option \"colour\""),
    ("postgresql://h/x%00y", "database postgresql://h/x%00y: the URL holds a control character or a NUL"),
    ("sqlite:///desk\n.db", "database 'sqlite:///desk\\n.db': the URL holds a control character or a NUL"),
    ("mysql://h/x", "database mysql://h/x: unsupported kind"),
])
@pytest.mark.parametrize("command", [("ring", "+919812345678"), ("db", "status"), ("export", "calls"),
                                     ("backup", "copy.db")])
def test_a_database_url_that_names_no_database_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch, url, says,
                                                                      command):
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(CONFIG), "--db", url, *command]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"calldesk: {says}") and len(err.splitlines()) == 1, err
    assert "secret" not in err
    assert list(tmp_path.iterdir()) == []  # no file or folder made


@settings(max_examples=200, deadline=None)
@given(url=st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(["", "sqlite://", "sqlite:///",
                                                                            "postgresql://", "postgres://"]),
                     st.text(max_size=40)))
def test_any_text_as_a_database_url_is_taken_or_refused_in_one_line(url):
    try:
        check_url(url)
    except DatabaseUrlRefused as refused:
        assert "\n" not in str(refused)


def test_a_password_file_that_is_not_utf8_is_one_line(capsys, tmp_path, monkeypatch):
    secret = tmp_path / "password"
    secret.write_bytes(b"s\xe9cret\xff")
    monkeypatch.setenv("CALLDESK_DATABASE_PASSWORD_FILE", str(secret))
    status = main(["--config", str(CONFIG), "--db", "postgresql://desk@127.0.0.1:1/calldesk", "db", "status"])
    assert (status, capsys.readouterr().err) == (
        1, f"calldesk: CALLDESK_DATABASE_PASSWORD_FILE={secret}: the password file is not UTF-8 text (byte 2)\n")


def test_a_password_given_in_the_urls_query_is_used_and_never_shown(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status = main(["--config", str(CONFIG), "--db", "postgresql://desk@127.0.0.1/x?password=secret&sslmode=nonsense",
                   "db", "status"])
    err = capsys.readouterr().err
    assert status == 1 and len(err.splitlines()) == 1
    assert err.startswith("calldesk: database postgresql://desk@127.0.0.1/x?password=***&sslmode=nonsense: ")
    assert "secret" not in err


@pytest.mark.parametrize(("argv", "says"), [
    (("operator", "add", "l" * 65), "operator login is too long: 65 characters (at most 64)"),
    (("operator", "add", "asha", "--extension", "1" * 33), "operator extension is too long: 33 characters"),
    (("operator", "add", "asha", "--name", "ऋ" * 201), "operator name is too long: 201 characters (at most 200)"),
])
def test_text_too_long_for_a_column_is_one_line_alike_on_both_backends(desk, calldesk, argv, says):
    first_console(desk, "boss")  # the lead adding someone signs in as the OS user running the tests
    status, out, err = calldesk(*argv)
    assert (status, out) == (1, "")
    assert err.startswith(f"calldesk: {says}") and len(err.splitlines()) == 1, err
    assert Operator.select().count() == 1


def test_the_hooks_exit_status_follows_the_convention(calldesk):
    """A value the command cannot take is the caller's mistake (2); a report the desk cannot apply is a hook's
    failure (1), for the PBX to log or retry; a report applied is 0."""
    assert calldesk("event", "hangup", "17.404")[0] == 1
    assert calldesk("event", "hangup", "x" * 65)[0] == 2
    assert calldesk("event", "ring", "+919812345678", "--pbx-id", "17.404")[0] == 0
