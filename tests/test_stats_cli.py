"""`calldesk stats` for a lead's morning report and for spreadsheets: a table, JSON or CSV, whole or by group,
with every figure's definition in the help and in docs/statistics.md."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from stats_data import add_call, build_day

from calldesk.cli import main
from calldesk.config import ConfigError, load_config
from calldesk.desk.stats.definitions import FIGURES
from calldesk.store.models import StatsDay, database

ROOT = Path(__file__).resolve().parent.parent
DAY = ["--from", "2026-11-27", "--to", "2026-11-27"]


@pytest.fixture
def stats(desk, db_url, capsys, monkeypatch, tmp_path):
    """`calldesk stats ARGV` on the day of tests/stats_data.py: (status, stdout, stderr)."""
    build_day(desk)
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--config", str(ROOT / "config.yaml"), "--db", db_url, "stats", *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    database.close()


def test_the_days_figures_as_a_table(stats):
    status, out, _ = stats(*DAY)
    assert status == 0
    assert out.startswith("figures for 2026-11-27\n")
    lines = {line[:26].strip(): line[26:].strip() for line in out.splitlines()[3:]}
    assert lines["Offered"] == "9" and lines["Service level"] == "57.1 %" and lines["Average handle time"] == "1:50"
    assert lines["First-call resolution"] == "40.0 %" and lines["Review score"] == "3.0"


def test_json_holds_every_figure_by_its_documented_name(stats):
    status, out, _ = stats(*DAY, "--by", "queue", "--format", "json")
    document = json.loads(out)
    assert status == 0 and document["period"] == {"from": "2026-11-27", "to": "2026-11-27",
                                                 "time_zone": "Asia/Kolkata"}
    rows = {row["queue"]: row for row in document["rows"]}
    assert set(rows["sales"]) == {"queue", *(f.name for f in FIGURES)}
    assert (rows["sales"]["offered"], rows["sales"]["service_level"]) == (4, 0.6667)
    assert rows["support"]["average_speed_of_answer"] == 14


def test_csv_by_operator_and_by_hour(stats):
    _, out, _ = stats(*DAY, "--by", "operator", "--format", "csv")
    rows = {row["operator"]: row for row in csv.DictReader(io.StringIO(out))}
    assert (rows["asha"]["answered"], rows["ravi"]["answered"], rows["(none)"]["abandoned"]) == ("3", "2", "3")
    assert rows["asha"]["review_score"] == "4.0"
    _, out, _ = stats(*DAY, "--by", "hour", "--format", "csv")
    offered = {row["hour"]: row["offered"] for row in csv.DictReader(io.StringIO(out))}
    assert offered["09:00"] == "5" and offered["00:00"] == "1"


def test_one_operator_and_one_queue(stats):
    _, out, _ = stats(*DAY, "--of", "ravi", "--format", "json")
    [row] = json.loads(out)["rows"]
    assert (row["answered"], row["first_call_resolution"]) == (2, 0.5)
    _, out, _ = stats(*DAY, "--queue", "support", "--format", "json")
    assert json.loads(out)["rows"][0]["offered"] == 5


def test_the_other_reports(stats, tmp_path):
    status, _, err = stats(*DAY, "--report", "leaderboard", "--sort", "average_handle_time", "--format", "csv",
                           "--output", "board.csv")
    assert status == 0 and "written to board.csv" in err
    board = list(csv.DictReader((tmp_path / "board.csv").open(encoding="utf-8")))
    assert [r["login"] for r in board] == ["asha", "ravi", "meena"]
    _, out, _ = stats(*DAY, "--report", "heatmap", "--format", "json")
    friday = json.loads(out)["rows"][4]
    assert (friday["weekday"], friday["09"], friday["14"]) == ("Fri", 5, 1)
    _, out, _ = stats(*DAY, "--report", "staffing")
    assert out.startswith("staffing for 2026-11-27") and "operators_needed" in out
    _, out, _ = stats(*DAY, "--report", "states", "--format", "csv")
    assert out.splitlines()[0] == "login,available,on_call,wrap_up,paused,offline"


def test_mistakes_are_one_line(stats, capsys):
    with pytest.raises(SystemExit) as stopped:
        stats("--from", "27/11/2026")
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "calldesk stats: error: argument --from: expected a date from 2000-01-01 to ")
    status, _, err = stats("--from", "2026-11-27", "--to", "2026-11-01")
    assert status == 2 and "ends (2026-11-01) before it starts" in err
    status, _, err = stats("--of", "nobody")
    assert status == 2 and "no operator 'nobody'" in err
    status, _, err = stats("--report", "leaderboard", "--sort", "salary")
    assert status == 1 and "cannot sort the leaderboard by 'salary'" in err


def test_the_help_and_the_docs_define_every_figure(capsys):
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    docs = (ROOT / "docs" / "statistics.md").read_text(encoding="utf-8")
    for figure in FIGURES:
        assert f"{figure.label}: " in help_text
        assert f"**{figure.label}**" in docs and f"`{figure.name}`" in docs
    assert "First-call resolution: answered calls after which the same client" in help_text


@pytest.mark.parametrize(("line", "problem"), [
    ("service_level_target: 1.5", "service_level_target: expected a share below 1 such as 0.8, got 1.5"),
    ("short_abandon_seconds: -2", "short_abandon_seconds: must not be negative, got -2"),
    ("fcr_window_hours: 0", "fcr_window_hours: must be greater than 0, got 0"),
])
def test_statistics_settings_are_checked_at_start(tmp_path, line, problem):
    config = tmp_path / "config.yaml"
    config.write_text(f"company: Acme\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert str(error.value) == f"{config}:2: {problem}"
    config.write_text("short_abandon_seconds: 0\n", encoding="utf-8")
    assert load_config(config).short_abandon_seconds == 0  # every abandon counts


def test_closed_days_nobody_summed_are_summed_first_so_the_next_report_reads_their_sums(stats):
    add_call("support", datetime(2026, 11, 20, 4, 30, tzinfo=UTC), number="+919800000001", wait=5, talk=60)
    status, out, _ = stats("--from", "2026-11-19", "--to", "2026-11-21", "--format", "json")
    assert status == 0 and json.loads(out)["rows"][0]["offered"] == 1
    assert sorted(row.calls for row in StatsDay.select()) == [0, 1, 1]  # the 19th's first-call window holds the call
