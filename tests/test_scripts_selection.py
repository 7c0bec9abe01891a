"""Each call opens on the script that fits it: by situation, else by queue, else the default; any can be picked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from calldesk.config import ConfigError, load_config
from calldesk.desk.callbacks import promises
from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory
from calldesk.desk.coach.script import (
    ScriptContext,
    choose_script,
    greeting_step_ids,
    list_scripts,
    render_script,
    script_context_for_call,
    script_for_call,
    script_named,
    situation_of_call,
)
from calldesk.desk.errors import NotFound
from calldesk.desk.operators.identity import first_console


def test_the_queue_chooses_the_script_and_the_situation_wins_over_the_queue(config):
    assert choose_script(config, "sales").name == "sales"
    assert choose_script(config, "support").name == "support"
    assert choose_script(config, "billing").name == "support"  # support's script serves billing too
    assert choose_script(config, "sales", "angry_caller").name == "angry_caller"
    assert choose_script(config, "support", "refund_request").title == "Refund request"
    assert choose_script(config, "nowhere").name == "default"
    assert choose_script(config, None).stages == config.script  # the single `script:` key is the default


def test_the_operator_can_switch_to_any_script_by_name(config):
    names = [s.name for s in list_scripts(config)]
    assert names[0] == "default"
    assert {"sales", "support", "angry_caller", "refund_request", "call_back", "transfer"} <= set(names)
    assert script_named(config, "angry_caller").situation == "angry_caller"
    with pytest.raises(NotFound, match="no script called 'rude'"):
        script_named(config, "rude")


def test_a_transferred_call_opens_on_the_transfer_script(desk):
    asha = first_console(desk, "asha")
    first = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, first, asha.id)
    assert situation_of_call(desk, first) is None
    assert script_for_call(desk, first).name == "support"
    onward = handling.transfer_call(desk, first, asha.id, "sales", "wants a quote")
    assert situation_of_call(desk, onward) == "transfer"
    assert script_for_call(desk, onward).name == "transfer"


def test_a_call_we_make_opens_on_the_call_back_script_with_the_reason_and_the_clients_clock(desk, clock):
    asha = first_console(desk, "asha")
    directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")], address_as="Mr Sharma")
    first = queue.ring_call(desk, "+91 98765 43210", "support")
    queue.claim_call(desk, first, asha.id)
    promise = promises.create_callback(desk, asha.id, promises.CallbackRequest(
        reason="the bulk discount", due_at=clock.now() + timedelta(minutes=30), call_id=first))
    handling.wrap_up(desk, first, asha.id, "Call-back promised")
    clock.advance(minutes=30)
    call_id = promises.start_callback(desk, promise, 1, asha.id).view.call.id
    script = script_for_call(desk, call_id)
    assert script.name == "call_back"
    context = script_context_for_call(desk, call_id, "Asha", "Customer Support")
    assert context.local_time == "15:00"  # 09:30 UTC is 15:00 in India
    steps = render_script(desk.config, context, clock.now(), script)
    assert "calling back about the bulk discount" in steps[1].text
    assert "It is 15:00 for you" in steps[1].text
    assert steps[0].id == "call_back:1.1"  # a named script's steps are stored with its name


def test_default_script_steps_keep_their_plain_ids(config, clock):
    steps = render_script(config, ScriptContext("Asha", "Customer Support", "Rahul Sharma", "Mr Sharma"), clock.now())
    assert steps[0].id == "1.1"
    assert greeting_step_ids(choose_script(config, None)) == {"1.1", "1.2"}
    assert greeting_step_ids(choose_script(config, "sales")) == {"sales:1.1", "sales:1.2"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_devanagari_script_for_a_queue_renders(tmp_path, clock):
    config = load_config(write(tmp_path, (
        "company: एक्मे\n"
        "departments:\n  - id: sales\n    name: बिक्री\n    queues: [sales]\n"
        "scripts:\n"
        "  hindi_sales:\n"
        "    title: बिक्री (हिंदी)\n"
        "    queues: [sales]\n"
        "    stages:\n"
        "      - stage: अभिवादन\n"
        "        steps: [\"नमस्ते {address_as}, {company} {department} से {operator} बोल रही हूँ।\"]\n"
    )))
    script = choose_script(config, "sales")
    [step] = render_script(config, ScriptContext("आशा", "बिक्री", "राहुल शर्मा", "शर्मा जी"), clock.now(), script)
    assert step.text == "नमस्ते शर्मा जी, एक्मे बिक्री से आशा बोल रही हूँ।"
    assert step.stage == "अभिवादन" and step.id == "hindi_sales:1.1"


@pytest.mark.parametrize(("script", "problem"), [
    ("  sales:\n    stages:\n      - stage: Hi\n        steps: [\"Hello {customer}\"]\n",
     "scripts.sales.stages[0].steps[0]: unknown placeholder {customer}"),
    ("  sales:\n    situation: grumpy\n    stages:\n      - stage: Hi\n        steps: [Hello]\n",
     "scripts.sales.situation: expected one of angry_caller"),
    ("  sales:\n    queues: [sales]\n", "scripts.sales: each script needs 'stages'"),
    ("  Sales Team:\n    stages:\n      - stage: Hi\n        steps: [Hello]\n", "lower-case letters"),
    ("  sales:\n    colour: red\n    stages:\n      - stage: Hi\n        steps: [Hello]\n",
     "scripts.sales.colour: unknown key"),
])
def test_a_bad_named_script_is_a_config_error_naming_the_line(tmp_path, script, problem):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, "company: Acme\nscripts:\n" + script))
    assert problem in str(error.value)
    assert str(error.value).startswith(f"{tmp_path / 'config.yaml'}:")
