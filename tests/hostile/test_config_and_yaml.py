"""Every YAML file the desk reads from a user (config.yaml, a FAQ to import, a training scenario) goes through one
reader: a tag, an alias bomb, a key given twice or a value YAML cannot convert is one line naming the file, the line
and the key, with status 2 on the command line, and nothing is imported or created."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.config import SCRIPT_PLACEHOLDERS, ConfigError, load_config
from calldesk.desk.coach.script import ScriptContext, render_script
from calldesk.desk.coach.training import load_scenario
from calldesk.desk.errors import DeskError
from calldesk.store.models import FaqEntry

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD = """\
company: Acme Appliances
phone_region: IN
departments:
  - id: support
    name: Customer Support
    queues: [support]
  - id: sales
    name: Sales
    queues: [sales, renewals]
ring_cycle_seconds: 6
"""
# Nine lists, each of nine aliases of the one before: 9**9 strings once expanded ("billion laughs").
LAUGH_LISTS = ['&lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
               *(f"&lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, 9))]
LAUGHS = "".join(f"lol{i}: {lol}\n" for i, lol in enumerate(LAUGH_LISTS)) + "? *lol8\n: boom\n"  # the last as a key
SCENARIO = "title: Late delivery\ncaller: {number: '+91 98450 12345', name: Priya}\nlines: ['Hello?']\n"
SCENARIO_LAUGHS = SCENARIO.replace(
    "lines: ['Hello?']\n", "dispositions:\n" + "".join(f"  - {lol}\n" for lol in LAUGH_LISTS) + "lines: *lol8\n")


def refusal(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}:")
    return message.removeprefix(f"{path}:")


@pytest.mark.parametrize(("value", "tag"), [
    ('!!int "abc"', "!!int"),
    ('!!float "abc"', "!!float"),
    ('!!bool "maybe"', "!!bool"),
    ('!!timestamp "x"', "!!timestamp"),
    ('!!python/object/apply:os.system ["touch pwned"]', "!!python/object/apply:os.system"),
    ("!!str 6", "!!str"),
    ("!shout loud", "!shout"),
    ("! 6", "!"),
])
def test_a_tag_on_a_config_value_is_refused_naming_file_line_and_key(tmp_path, value, tag):
    message = refusal(tmp_path / "config.yaml", GOOD + f"unknown_caller: {value}\n")
    assert message == f"11: unknown_caller: YAML tags ({tag}) are not accepted: write the value alone"
    assert not (tmp_path / "pwned").exists()


def test_a_tag_deep_in_the_departments_names_the_path(tmp_path):
    message = refusal(tmp_path / "config.yaml", GOOD.replace("name: Sales", 'name: !!binary "U2FsZXM="'))
    assert message == "8: departments[1].name: YAML tags (!!binary) are not accepted: write the value alone"


@pytest.mark.parametrize("argv_tail", [["ring", "123"], ["db", "status"]], ids=["ring", "db status"])
def test_the_command_line_refuses_a_tagged_config_in_one_line_with_status_2(tmp_path, argv_tail):
    config = tmp_path / "config.yaml"
    config.write_text(GOOD + 'unknown_caller: !!python/object/apply:os.system ["touch pwned"]\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "calldesk.cli", "--config", str(config), *argv_tail,
                             "--db", str(tmp_path / "desk.db")], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"calldesk: {config}:11: unknown_caller: YAML tags "
                                          "(!!python/object/apply:os.system) are not accepted: write the value alone"]
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "desk.db").exists()


@pytest.mark.parametrize("key", ["unknown_caller", "database"])
def test_the_command_line_refuses_each_tag_before_opening_anything(tmp_path, capsys, key):
    config = tmp_path / "config.yaml"
    config.write_text(GOOD + f'{key}: !!int "abc"\n', encoding="utf-8")
    assert main(["--config", str(config), "ring", "123", "--db", str(tmp_path / "desk.db")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"calldesk: {config}:11: {key}: YAML tags (!!int) are not accepted: write the value alone"]
    assert not (tmp_path / "desk.db").exists()


def test_a_billion_laughs_config_is_refused_at_once_in_little_memory(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(caught.value) == f"{path}:2: lol1[0]: YAML aliases (*lol0) are not accepted: write the value out"
    assert took < 0.2 and peak < 2_000_000, (took, peak)


def test_an_alias_used_as_a_key_is_refused_too(tmp_path):
    message = refusal(tmp_path / "config.yaml", "company: &name Acme\n*name : x\n")
    assert message == "2: (top level): YAML aliases (*name) are not accepted: write the value out"


def test_a_list_used_as_a_key_is_refused(tmp_path):
    message = refusal(tmp_path / "config.yaml", GOOD + "? [a, b]\n: c\n")
    assert message == "11: (top level): a key must be a single value, not a list or a mapping"


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD + "company: Other Co\n", "11: company: given twice (first on line 1)"),
    (GOOD + "callback_window:\n  start: '09:00'\n  start: '10:00'\n",
     "13: callback_window.start: given twice (first on line 12)"),
    (GOOD.replace("    name: Sales\n", "    name: Sales\n    name: Selling\n"),
     "9: departments[1].name: given twice (first on line 8)"),
], ids=["top level", "nested", "in a list"])
def test_a_key_given_twice_is_refused_naming_both_lines(tmp_path, text, expected):
    assert refusal(tmp_path / "config.yaml", text) == expected


@pytest.mark.parametrize(("change", "expected"), [
    (("id: sales", "id: support"), "7: departments[1].id: 'support' is already the id of departments[0]"),
    (("[sales, renewals]", "[sales, support]"),
     "9: departments[1].queues[1]: queue 'support' is already named by departments[0] (support)"),
    (("[sales, renewals]", "[sales, sales]"),
     "9: departments[1].queues[1]: queue 'sales' is already named by departments[1] (sales)"),
], ids=["a department id twice", "a queue in two departments", "a queue twice in one"])
def test_a_department_or_queue_given_twice_is_refused(tmp_path, change, expected):
    assert refusal(tmp_path / "config.yaml", GOOD.replace(*change)) == expected


@pytest.mark.parametrize("key", ["ring_cycle_seconds", "inquiry_sla_hours"])
def test_nan_for_the_ring_cycle_or_the_inquiry_deadline_is_refused_on_the_command_line(tmp_path, capsys, key):
    config = tmp_path / "config.yaml"
    config.write_text(GOOD.replace("ring_cycle_seconds: 6\n", f"{key}: .nan\n"), encoding="utf-8")
    assert main(["--config", str(config), "ring", "123", "--db", str(tmp_path / "desk.db")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"calldesk: {config}:10: {key}: expected a number, got nan"]


@pytest.mark.parametrize(("channel", "problem"), [
    ("PJSIP/{extension}{operator}", "unknown placeholder {operator} (known: {extension})"),
    ("PJSIP/{extension:>5}", "placeholders take no format or conversion: {extension}, not {extension:>5}"),
    ("PJSIP/{extension}/{0}", "unknown placeholder {0} (known: {extension})"),
    ("PJSIP/{extension", "bad braces (expected '}' before end of string)"),
])
def test_the_ami_channel_names_only_the_extension(tmp_path, channel, problem):
    assert refusal(tmp_path / "config.yaml", GOOD + f'ami:\n  channel: "{channel}"\n') == f"12: ami.channel: {problem}"


def test_every_placeholder_the_config_accepts_is_filled_at_the_call(tmp_path):
    path = tmp_path / "config.yaml"
    every = " ".join("{" + name + "}" for name in sorted(SCRIPT_PLACEHOLDERS))
    path.write_text(GOOD + f"script:\n  - stage: Greeting\n    steps: ['{every}']\n", encoding="utf-8")
    config = load_config(path)
    context = ScriptContext("Asha", "Support", "Priya", "Ms Nair", "14:05", "the refund")
    [step] = render_script(config, context, datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert step.text.startswith("Ms Nair Priya Acme Appliances Support Good ")  # the greeting goes by the hour
    assert step.text.endswith(" 14:05 Asha the refund")


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-13-45", "11: unknown_caller: not a valid timestamp: '2024-13-45'"),
    ("9" * 5000, f"11: unknown_caller: not a valid int: '{'9' * 40}'"),
    ("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     "11: unknown_caller" + "[0]" * 31 + ": nested deeper than 32 levels"),
], ids=["no such date", "5,000 digits", "deep"])
def test_a_value_yaml_cannot_convert_or_nest_is_one_line(tmp_path, value, expected):
    assert refusal(tmp_path / "config.yaml", GOOD + f"unknown_caller: {value}\n") == expected


def test_a_list_of_more_values_than_any_hand_written_file_is_refused(tmp_path):
    message = refusal(tmp_path / "config.yaml", GOOD + "dispositions: [" + "Resolved, " * 50_000 + "]\n")
    assert re.fullmatch(r"11: dispositions\[\d+\]: more than 50,000 values in one file", message), message


def test_a_lone_equals_sign_is_text_not_a_crash(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(GOOD + "unknown_caller: =\n", encoding="utf-8")
    assert load_config(path).unknown_caller == "="


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD + "---\ncompany: Two\n", "11: (top level): a second YAML document (---): one per file"),
    (GOOD + "unknown_caller: sir\x07\n", "11: YAML syntax error: character #x0007: control characters are not allowed"),
    ("company: " + "x" * (4 * 1024 * 1024) + "\n", "1: (file): larger than 4 MB"),
], ids=["two documents", "a control character", "4 MB"])
def test_a_document_that_is_no_single_hand_written_file_is_refused(tmp_path, text, expected):
    assert refusal(tmp_path / "config.yaml", text) == expected


# --- the FAQ import: one line, status 2, nothing imported, on SQLite and PostgreSQL alike ---------------------


@pytest.mark.parametrize(("text", "expected"), [
    ('- question: Opening hours?\n  answer: !!python/object/apply:os.system ["touch pwned"]\n',
     "2: [0].answer: YAML tags (!!python/object/apply:os.system) are not accepted: write the value alone"),
    ("- question: Opening hours?\n  answer: Nine to six.\n- question: Refunds?\n  answer: !!int 7\n",
     "4: [1].answer: YAML tags (!!int) are not accepted: write the value alone"),
    ("faq:\n" + "".join("  " + line for line in LAUGHS.splitlines(keepends=True)),
     "3: faq.lol1[0]: YAML aliases (*lol0) are not accepted: write the value out"),
    ("- question: Opening hours?\n  answer: Nine to six.\n  answer: Ten to five.\n",
     "3: [0].answer: given twice (first on line 2)"),
    ("- question: Opening hours?\n  answer: Nine to six.\n- question: Refunds?\n  answer: " + "x" * 20_001 + "\n",
     "3: the answer is longer than 20000 characters"),
], ids=["code", "a tag", "billion laughs", "a key twice", "an answer too long"])
def test_a_hostile_faq_file_imports_nothing_and_says_why_in_one_line(db_url, tmp_path, capsys, text, expected):
    faq = tmp_path / "faq.yaml"
    faq.write_text(text, encoding="utf-8")
    argv = ["import", "faq", str(faq), "--config", str(ROOT / "config.yaml"), "--db", db_url, "--operator", "meera"]
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [f"calldesk: {faq}:{expected}"]
    assert FaqEntry.select().count() == 0 and not (tmp_path / "pwned").exists()


def test_the_same_faq_file_without_its_tag_is_imported_on_either_backend(db_url, tmp_path, capsys):
    faq = tmp_path / "faq.yaml"
    faq.write_text("- question: Opening hours?\n  answer: Nine to six.\n  tags: [hours]\n", encoding="utf-8")
    argv = ["--config", str(ROOT / "config.yaml"), "--db", db_url]
    assert main(["db", "init", "--lead", "meera", *argv]) == 0
    assert main(["import", "faq", str(faq), *argv, "--operator", "meera"]) == 0  # PostgreSQL: the owner chooses
    assert [(e.question, e.answer, e.tags) for e in FaqEntry.select()] == [("Opening hours?", "Nine to six.", "hours")]


# --- training scenarios -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (SCENARIO.replace("['Hello?']", '[!!python/object/apply:os.system ["touch pwned"]]'),
     "3: lines[0]: YAML tags (!!python/object/apply:os.system) are not accepted: write the value alone"),
    (SCENARIO_LAUGHS, "5: dispositions[1][0]: YAML aliases (*lol0) are not accepted: write the value out"),
    (SCENARIO + "title: Early delivery\n", "4: title: given twice (first on line 1)"),
    (SCENARIO + "hold_limit_seconds: .nan\n", "4: expected a number of seconds"),
    (SCENARIO + "hold_limit_seconds: .inf\n", "4: expected a number of seconds"),
    (SCENARIO.replace("name: Priya", "name: Priya, 7: seven"), "2: unknown caller key '7'"),
], ids=["code", "billion laughs", "a key twice", "nan seconds", "infinite seconds", "a number as a key"])
def test_a_hostile_scenario_is_refused_before_any_practice_database_is_made(tmp_path, capsys, text, expected):
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(text, encoding="utf-8")
    with pytest.raises(DeskError, match=rf"^{re.escape(str(scenario))}:{re.escape(expected)}$"):
        load_scenario(scenario)
    assert main(["train", str(scenario), "--terminal", "--config", str(ROOT / "config.yaml")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"calldesk: {scenario}:{expected}"]
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "xdg-data" / "calldesk").exists()
