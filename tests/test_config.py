"""A mistake in config.yaml is reported in one line naming the file, the line and the key, never as a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from calldesk.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
GOOD = """\
company: Acme Appliances
phone_region: IN
departments:
  - id: support
    name: Customer Support
    queues: [support]
callback_window:
  start: "09:00"
  end: "20:00"
script:
  - stage: Greeting
    steps:
      - "{greeting_time}, {company} {department}, this is {operator}."
      - "How may I help you, {address_as}?"
"""


def problem_in(tmp_path: Path, text: str) -> tuple[int, str, str]:
    """Load a config with a mistake; the (line, key, problem) the one-line message names."""
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    found = re.fullmatch(rf"{re.escape(str(path))}:(\d+): ([^:]+): (.+)", message)
    assert found, message
    return int(found[1]), found[2], found[3]


def test_the_example_config_and_a_minimal_one_load(tmp_path):
    example = load_config(ROOT / "config.yaml")
    assert example.phone_region == "IN" and example.queues
    path = tmp_path / "config.yaml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_config(path)
    assert (config.company, config.queues, config.callback_window.end.hour) == ("Acme Appliances", ("support",), 20)


def test_a_desk_with_no_config_file_gets_a_working_wrap_up_and_pause_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLDESK_CONFIG", raising=False)
    config = load_config()
    assert {"Resolved", "Call-back promised", "Transferred", "Complaint logged"} <= set(config.dispositions)
    assert len(config.pause_reasons) > 1 and config.script


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    line, key, problem = problem_in(tmp_path, GOOD.replace("queues: [support]", "queues: [support"))
    assert (line, key) == (7, "YAML syntax error")
    assert problem


def test_an_unknown_top_level_key_is_named(tmp_path):
    line, key, problem = problem_in(tmp_path, GOOD + "ring_cycle_secs: 6\n")
    assert (line, key, problem) == (15, "ring_cycle_secs", "unknown key")


@pytest.mark.parametrize(("change", "where"), [
    (("    queues: [support]", "    queues: [support]\n    queue: sales"), (7, "departments[0].queue")),
    (('  end: "20:00"', '  end: "20:00"\n  finish: "21:00"'), (10, "callback_window.finish")),
    (("  - stage: Greeting", "  - stage: Greeting\n    title: Hello"), (12, "script[0].title")),
])
def test_an_unknown_nested_key_is_named_with_its_path(tmp_path, change, where):
    line, key, problem = problem_in(tmp_path, GOOD.replace(*change))
    assert (line, key) == where
    assert problem.startswith("unknown key")


@pytest.mark.parametrize(("extra", "key", "problem"), [
    ("answer_within_rings: three", "answer_within_rings", "expected a whole number, got 'three'"),
    ("answer_within_rings: 2.5", "answer_within_rings", "expected a whole number, got 2.5"),
    ("ring_cycle_seconds: [6]", "ring_cycle_seconds", "expected a single value"),
    ("ring_cycle_seconds: -1", "ring_cycle_seconds", "must be greater than 0, got -1"),
    ("dispositions: Resolved", "dispositions", "expected a list"),
    ("unknown_caller: {name: Sir}", "unknown_caller", "expected a single value"),
    ("call_source: pbx", "call_source", "expected one of simulator, ami, none, got 'pbx'"),
    # numbers that pass as numbers and would crash the desk later: YAML's .nan and .inf
    ("ring_cycle_seconds: .nan", "ring_cycle_seconds", "expected a number, got nan"),
    ("inquiry_sla_hours: .nan", "inquiry_sla_hours", "expected a number, got nan"),
    ("inquiry_sla_hours: .inf", "inquiry_sla_hours", "expected a number, got inf"),
    ("ami: {port: 999999}", "ami.port", "must be at most 65535, got 999999"),
])
def test_a_wrong_type_is_named(tmp_path, extra, key, problem):
    assert problem_in(tmp_path, GOOD + extra + "\n") == (15, key, problem)


def test_an_unknown_placeholder_in_the_script_names_the_step(tmp_path):
    line, key, problem = problem_in(tmp_path, GOOD.replace("{address_as}?", "{customer_name}?"))
    assert (line, key) == (14, "script[0].steps[1]")
    assert problem.startswith("unknown placeholder {customer_name} (known: {address_as}, ")


def test_unbalanced_braces_in_the_script_are_named(tmp_path):
    line, key, problem = problem_in(tmp_path, GOOD.replace("{operator}.", "{operator."))
    assert (line, key) == (13, "script[0].steps[0]")
    assert problem.startswith("bad braces (")


@pytest.mark.parametrize(("written", "named"), [("{operator:zzz}", "{operator:zzz}"), ("{operator!z}", "{operator!z}"),
                                                 ("{operator!r:>9}", "{operator!r:>9}")])
def test_a_placeholder_with_a_format_or_conversion_is_named_before_any_call_can_crash_on_it(tmp_path, written, named):
    line, key, problem = problem_in(tmp_path, GOOD.replace("{operator}.", written + "."))
    assert (line, key) == (13, "script[0].steps[0]")
    assert problem == f"placeholders take no format or conversion: {{operator}}, not {named}"


@pytest.mark.parametrize("region", ["XX", "India", "12"])
def test_a_bad_region_is_named(tmp_path, region):
    line, key, problem = problem_in(tmp_path, GOOD.replace("phone_region: IN", f"phone_region: {region}"))
    assert (line, key) == (2, "phone_region")
    assert problem.startswith(f"unknown region {region.upper()!r}")


def test_a_call_back_window_ending_before_it_starts_is_refused(tmp_path):
    line, key, problem = problem_in(tmp_path, GOOD.replace('end: "20:00"', 'end: "08:30"'))
    assert 7 <= line <= 9 and key.startswith("callback_window")
    assert problem == "end must come after start"


def test_a_time_of_day_that_is_not_one_is_refused(tmp_path):
    assert problem_in(tmp_path, GOOD.replace('end: "20:00"', 'end: "25:00"')) == (
        9, "callback_window.end", "not a time of day: '25:00'")


def test_a_missing_config_file_named_on_the_command_line_is_an_error(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(missing))}:1: config file not found$"):
        load_config(missing)


def test_the_command_exits_with_status_2_and_one_line_on_a_bad_config(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "answer_within_rings: three\n", encoding="utf-8")
    for argv in (["--config", str(bad), "ring", "123"], ["ring", "123", "--config", str(bad)],
                 ["--config", str(bad), "--db", str(tmp_path / "x.db")]):
        result = subprocess.run([sys.executable, "-m", "calldesk.cli", *argv], capture_output=True, text=True,
                                timeout=60, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [
            f"calldesk: {bad}:15: answer_within_rings: expected a whole number, got 'three'"]
        assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "x.db").exists()  # nothing was opened
