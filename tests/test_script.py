"""The script pane greets the caller in the handbook's words, filled in for this operator and this client."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calldesk.config import Config, load_config
from calldesk.desk.coach.script import ScriptContext, greeting_time, render_script

AFTERNOON_IN_INDIA = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 14:30 in Asia/Kolkata


@pytest.fixture(autouse=True)
def console_in_india():
    """The greeting follows the console's local hour: pin it to India."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def english(tmp_path: Path) -> Config:
    path = tmp_path / "english.yaml"
    path.write_text(
        "company: Acme Appliances\n"
        "script:\n"
        "  - stage: Greeting\n"
        "    steps: [\"{greeting_time}, {company} {department}, this is {operator}.\",\n"
        "            \"How may I help you, {address_as}?\"]\n"
        "  - stage: Help\n"
        "    steps: [\"Never leave {client} on hold: transfer or promise a call-back.\"]\n",
        encoding="utf-8",
    )
    return load_config(path)


def test_the_greeting_names_the_time_company_department_operator_and_client(english):
    context = ScriptContext(operator="Asha", department="Customer Support", client="Rahul Sharma",
                            address_as="Mr Sharma")
    steps = render_script(english, context, AFTERNOON_IN_INDIA)
    assert [(s.id, s.stage, s.text) for s in steps] == [
        ("1.1", "Greeting", "Good afternoon, Acme Appliances Customer Support, this is Asha."),
        ("1.2", "Greeting", "How may I help you, Mr Sharma?"),
        ("2.1", "Help", "Never leave Rahul Sharma on hold: transfer or promise a call-back."),
    ]


def test_the_example_config_opens_with_the_handbook_greeting(config):
    context = ScriptContext(operator="Asha", department="Customer Support", client="Rahul Sharma",
                            address_as="Mr Sharma")
    steps = render_script(config, context, AFTERNOON_IN_INDIA)
    assert steps[0].text == "Good afternoon, Acme Appliances Customer Support, this is Asha."
    assert steps[1].text == "How may I help you, Mr Sharma?"
    assert len({s.id for s in steps}) == len(steps) == sum(len(stage.steps) for stage in config.script)


@pytest.mark.parametrize(("utc_hour", "words"), [(3, "Good morning"), (9, "Good afternoon"), (13, "Good evening")])
def test_the_greeting_follows_the_time_of_day(english, utc_hour, words):
    now = AFTERNOON_IN_INDIA.replace(hour=utc_hour)  # 08:30, 14:30, 18:30 in India
    [first, *_] = render_script(english, ScriptContext("Asha", "Sales"), now)
    assert first.text.startswith(f"{words}, ")


def test_an_unknown_caller_is_addressed_politely(english):
    steps = render_script(english, ScriptContext(operator="Ravi", department="Sales"), AFTERNOON_IN_INDIA)
    assert [s.text for s in steps[1:]] == ["How may I help you, sir or madam?",
                                           "Never leave sir or madam on hold: transfer or promise a call-back."]


def test_a_client_without_a_form_of_address_is_called_by_name(english):
    steps = render_script(english, ScriptContext("Ravi", "Sales", client="Priya Nair"), AFTERNOON_IN_INDIA)
    assert steps[1].text == "How may I help you, Priya Nair?"


def test_a_script_written_in_hindi_renders_in_hindi(tmp_path: Path):
    path = tmp_path / "hindi.yaml"
    path.write_text(
        "company: एक्मे अप्लायंसेज़\n"
        "unknown_caller: श्रीमान/श्रीमती\n"
        "greeting_times: {morning: सुप्रभात, afternoon: नमस्कार, evening: शुभ संध्या}\n"
        "script:\n"
        "  - stage: अभिवादन\n"
        "    steps:\n"
        "      - \"{greeting_time}, {company} {department} से मैं {operator} बोल रही हूँ।\"\n"
        "      - \"{address_as}, मैं आपकी क्या सहायता कर सकती हूँ?\"\n"
        "  - stage: समापन\n"
        "    steps:\n"
        "      - \"{company} को फ़ोन करने के लिए धन्यवाद, {client}!\"\n",
        encoding="utf-8",
    )
    config = load_config(path)
    context = ScriptContext(operator="आशा", department="ग्राहक सेवा", client="राहुल शर्मा", address_as="शर्मा जी")
    steps = render_script(config, context, AFTERNOON_IN_INDIA)
    assert [(s.id, s.stage, s.text) for s in steps] == [
        ("1.1", "अभिवादन", "नमस्कार, एक्मे अप्लायंसेज़ ग्राहक सेवा से मैं आशा बोल रही हूँ।"),
        ("1.2", "अभिवादन", "शर्मा जी, मैं आपकी क्या सहायता कर सकती हूँ?"),
        ("2.1", "समापन", "एक्मे अप्लायंसेज़ को फ़ोन करने के लिए धन्यवाद, राहुल शर्मा!"),
    ]
    unknown = render_script(config, ScriptContext("आशा", "ग्राहक सेवा"), AFTERNOON_IN_INDIA)
    assert unknown[1].text == "श्रीमान/श्रीमती, मैं आपकी क्या सहायता कर सकती हूँ?"


def test_braces_in_a_client_name_are_shown_as_typed(english):
    steps = render_script(english, ScriptContext("Asha", "Support", client="{operator} Ltd", address_as="{x}"),
                          AFTERNOON_IN_INDIA)
    assert [s.text for s in steps[1:]] == ["How may I help you, {x}?",
                                           "Never leave {operator} Ltd on hold: transfer or promise a call-back."]


def test_greeting_words_missing_from_the_config_fall_back_to_english(tmp_path: Path):
    path = tmp_path / "plain.yaml"
    path.write_text("company: Acme\n", encoding="utf-8")
    assert greeting_time(load_config(path), datetime(2026, 1, 1, 19, 0)) == "Good evening"
