"""The etiquette script: the handbook's words, filled in for this operator, this caller and this time of day.

config.yaml's `script` is the default; named `scripts` serve a queue (sales, support) or a situation (angry caller,
refund request, call-back, transfer). A call gets one automatically and the operator may switch by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calldesk.config import Config, EtiquetteScript
from calldesk.desk.context import Desk
from calldesk.desk.dossier import client_local_time
from calldesk.desk.errors import NotFound
from calldesk.phones import time_zones_for
from calldesk.store.models import Call, CallBack, Client, Phone

DEFAULT_SCRIPT_NAME = "default"


@dataclass(frozen=True)
class ScriptStep:
    id: str  # "stage.step" counted from 1 ("sales:stage.step" for a named script): what a call stores as done
    stage: str
    text: str


@dataclass(frozen=True)
class ScriptContext:
    operator: str
    department: str
    client: str = ""  # the client's name; empty for an unknown caller
    address_as: str = ""
    local_time: str = ""  # the client's wall clock, "14:05"; empty when unknown
    reason: str = ""  # why we call back, for the call-back script


def greeting_time(config: Config, local: datetime) -> str:
    """Good morning / afternoon / evening, in the config's words, by the operator's local hour."""
    part = "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
    return config.greeting_times.get(part, f"Good {part}")


def default_script(config: Config) -> EtiquetteScript:
    """The config's `script` key as a script like the named ones."""
    return EtiquetteScript(DEFAULT_SCRIPT_NAME, "Default", config.script)


def list_scripts(config: Config) -> list[EtiquetteScript]:
    """Every script an operator can switch to: the default first, then the named ones in config order."""
    return [default_script(config), *config.scripts]


def script_named(config: Config, name: str) -> EtiquetteScript:
    """The script with this name (what the command palette switches to)."""
    for script in list_scripts(config):
        if script.name == name:
            return script
    raise NotFound(f"no script called {name!r} (known: {', '.join(s.name for s in list_scripts(config))})")


def choose_script(config: Config, queue: str | None, situation: str | None = None) -> EtiquetteScript:
    """The script for a call: its situation's script, else its queue's, else the default."""
    if situation:
        for script in config.scripts:
            if script.situation == situation:
                return script
    if queue:
        for script in config.scripts:
            if queue in script.queues:
                return script
    return default_script(config)


def situation_of_call(desk: Desk, call_id: int) -> str | None:
    """What the call itself says about the situation: a call we make is a call-back; a handed-over call a transfer.

    An angry caller or a refund request cannot be told from the call: the operator switches to those scripts.
    """
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFound(f"call {call_id} does not exist")
    if call.direction == "outbound":
        return "call_back"
    return "transfer" if call.transferred_from_id is not None else None


def script_for_call(desk: Desk, call_id: int) -> EtiquetteScript:
    """The script a call opens with, chosen from its queue and situation."""
    situation = situation_of_call(desk, call_id)
    return choose_script(desk.config, Call.get_by_id(call_id).queue, situation)


def script_context_for_call(desk: Desk, call_id: int, operator: str, department: str,
                            reason: str = "") -> ScriptContext:
    """The names and times a call's script is filled with: the client's name, how to address them, their clock,
    and for a call-back the promise's reason (unless given)."""
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFound(f"call {call_id} does not exist")
    client = Client.get_or_none(Client.id == call.client_id) if call.client_id else None
    if client is not None and client.time_zone:
        zones: tuple[str, ...] = (client.time_zone,)
    else:
        number = call.number_e164
        if number is None and client is not None:
            first = Phone.select(Phone.e164).where(Phone.client == client.id, Phone.e164.is_null(False)).first()
            number = first.e164 if first else None
        zones = time_zones_for(number) if number else ()
    local = client_local_time(zones, desk.clock.now())
    if not reason:
        promise = CallBack.select(CallBack.reason).where(CallBack.current_call == call_id).first()
        reason = promise.reason if promise else ""
    return ScriptContext(
        operator=operator, department=department,
        client=client.name if client else call.caller_name,
        address_as=client.address_as if client else "",
        local_time=local.split(" ", 1)[0] if len(zones) == 1 else local,
        reason=reason,
    )


def step_id(script: EtiquetteScript, stage_number: int, step_number: int) -> str:
    """A step's id as stored with the call; the default script keeps the plain "stage.step" form."""
    plain = f"{stage_number}.{step_number}"
    return plain if script.name == DEFAULT_SCRIPT_NAME else f"{script.name}:{plain}"


def render_script(config: Config, context: ScriptContext, now: datetime,
                  script: EtiquetteScript | None = None) -> list[ScriptStep]:
    """Every step of the script (the default one unless given) with its placeholders filled."""
    script = script or default_script(config)
    client = context.client or config.unknown_caller
    values = {
        "operator": context.operator,
        "department": context.department,
        "company": config.company,
        "client": client,
        "address_as": context.address_as or client,
        "greeting_time": greeting_time(config, now.astimezone()),
        "local_time": context.local_time or "—",
        "reason": context.reason or "your request",
    }
    return [
        ScriptStep(step_id(script, s, t), stage.stage, text.format_map(values))
        for s, stage in enumerate(script.stages, start=1)
        for t, text in enumerate(stage.steps, start=1)
    ]


def greeting_step_ids(script: EtiquetteScript) -> frozenset[str]:
    """The ids of the script's first stage: the greeting the quality score checks."""
    if not script.stages:
        return frozenset()
    return frozenset(step_id(script, 1, t) for t in range(1, len(script.stages[0].steps) + 1))

