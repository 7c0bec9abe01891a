"""The room's wallboard, its figures and its command line: a lead puts the day of tests/stats_data.py on the TV and
reads the same figures the statistics give, for the whole desk or one department, with no caller named unless the
config allows it; a mistyped option or an address the board cannot listen on is one line and exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from stats_data import build_day

from calldesk.config import ConfigError, load_config
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.operators import roster
from calldesk.desk.stats.wallboard import target_band, wallboard_figures
from calldesk.store.models import CallBack

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def day(desk):
    """The day of tests/stats_data.py at 14:30 in India: a support caller ringing for 20 s, Ravi at lunch."""
    built = build_day(desk)
    roster.move(desk, built.ravi, OperatorEvent.PAUSE, "Lunch")
    return built


def test_the_room_sees_the_waiting_caller_the_longest_wait_and_the_days_service_level(desk, day):
    board = wallboard_figures(desk)
    assert board.waiting == 1
    assert board.longest_wait_seconds == 20 and board.longest_wait_rings == 4 and board.longest_wait_late
    # the statistics' own figures for today (tests/test_stats_figures.py works them out by hand)
    assert board.today.offered == 9 and board.today.abandoned == 3 and board.today.short_abandoned == 1
    assert board.service_level == pytest.approx(4 / 7)
    assert target_band(board.service_level, board.service_level_target) == "poor"  # 57 % against 80 %
    assert board.operators == {"available": 2, "on_call": 0, "wrap_up": 0, "paused": 1}


def test_service_level_by_hour_runs_from_midnight_to_this_hour(desk, day):
    levels = wallboard_figures(desk).service_level_by_hour
    assert len(levels) == 15  # 00:00 to 14:00, India's time
    assert levels[0] == 0.0  # the caller who hung up at 00:00 after 10 s
    assert levels[9] == pytest.approx(3 / 4)  # 09:30-10:30: three answered in time, one long abandon
    assert levels[1] is None  # nobody called at one in the morning


def test_call_backs_overdue_and_due_within_the_hour_follow_the_boards_rules(desk, day):
    now = desk.clock.now()
    CallBack.create(reason="due soon", due_at=now + timedelta(minutes=40), sla_deadline=now + timedelta(hours=9),
                    assignee=day.asha, status="open", created_at=now, updated_at=now)
    board = wallboard_figures(desk)
    assert (board.callbacks_overdue, board.callbacks_due_within_hour) == (1, 1)
    sales = wallboard_figures(desk, "sales")
    assert (sales.callbacks_overdue, sales.callbacks_due_within_hour) == (0, 0)  # Ravi's is due in two hours


def test_a_departments_board_counts_only_its_queues_and_people(desk, day):
    sales = wallboard_figures(desk, "sales")
    assert sales.waiting == 0 and sales.longest_wait_seconds is None
    assert sales.today.offered == 4 and sales.service_level == pytest.approx(2 / 3)
    assert sales.operators == {"available": 0, "on_call": 0, "wrap_up": 0, "paused": 1}
    support = wallboard_figures(desk, "support")
    assert support.waiting == 1 and support.service_level == pytest.approx(2 / 4)


def test_no_caller_is_named_to_the_room_unless_the_config_allows_it(desk, day):
    [hidden] = wallboard_figures(desk).longest_waiting
    assert hidden.caller == "" and hidden.queue == "support" and hidden.rings == 4
    [named] = wallboard_figures(desk, show_callers=True).longest_waiting
    assert named.caller == "098000 00008"


@pytest.mark.parametrize("value", [".nan", ".inf", "-5", "0", "0.5", "yes", "fast"])
def test_a_page_time_that_is_no_sensible_number_of_seconds_is_refused_with_its_line(tmp_path, value):
    config = tmp_path / "config.yaml"
    config.write_text(f"company: Acme\nwallboard:\n  page_seconds: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert str(refused.value).startswith(f"{config}:3: wallboard.page_seconds: ")
    assert "\n" not in str(refused.value)


def test_showing_callers_is_a_yes_or_no_and_off_unless_said(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("wallboard:\n  show_callers: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:2: wallboard.show_callers: expected true or false"):
        load_config(config)
    config.write_text("wallboard:\n  page_seconds: 20\n", encoding="utf-8")
    assert load_config(config).wallboard == (20.0, False)
    assert load_config(ROOT / "config.yaml").wallboard.show_callers is False


# --- the command line: one line and exit 2 for what the user must change --------------------------------------


def _wallboard(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    db = tmp_path / "desk.db"
    if not db.exists():
        subprocess.run([sys.executable, "-m", "calldesk", "--db", str(db), "db", "upgrade"], check=True,
                       capture_output=True, cwd=ROOT, timeout=60)
    return subprocess.run([sys.executable, "-m", "calldesk", "--db", str(db), "wallboard", *options],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL)


def _one_line(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    [line] = run.stderr.splitlines()
    assert line.startswith("calldesk: ")
    return line


def test_a_port_another_program_holds_is_refused_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line(_wallboard(tmp_path, "--serve", f"127.0.0.1:{port}"))
    assert f"cannot listen on 127.0.0.1:{port}" in line and "in use" in line


@pytest.mark.parametrize("where", ["192.0.2.1:8000", "no-such-host.invalid:8000"])
def test_an_address_that_is_not_this_machines_is_refused_in_one_line(tmp_path, where):
    line = _one_line(_wallboard(tmp_path, "--serve", where))
    assert "cannot listen on" in line


@pytest.mark.parametrize("where", ["127.0.0.1:http", "127.0.0.1:70000", ":", "127.0.0.1:"])
def test_an_address_that_is_no_host_and_port_is_refused_in_one_line(tmp_path, where):
    assert "expected [HOST:]PORT" in _one_line(_wallboard(tmp_path, "--serve", where))


def test_a_department_the_config_does_not_name_is_refused_in_one_line(tmp_path):
    assert "no department 'night'" in _one_line(_wallboard(tmp_path, "--department", "night"))


def test_a_board_for_a_database_that_is_not_there_is_refused_not_made(tmp_path):
    run = subprocess.run([sys.executable, "-m", "calldesk", "--db", str(tmp_path / "typo.db"), "wallboard"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 1 and "no database at" in run.stderr
    assert not (tmp_path / "typo.db").exists()
