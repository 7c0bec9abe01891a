"""The etiquette script: the handbook's words, filled in for this operator, this caller and this time of day.

config.yaml's `script` is the default; named `scripts` serve a queue (sales, support) or a situation (angry caller,
refund request, call-back, transfer). A call gets one automatically and the operator may switch by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.config import Config, EtiquetteScript
from calldesk.desk.context import Desk
from calldesk.desk.errors import NotFound
from calldesk.i18n import _
from calldesk.phones import client_local_time
from calldesk.store.models import Call, CallBack, Client, Phone
from calldesk.store.prepared import Prepared
from calldesk.time_zones import time_zones_for

DEFAULT_SCRIPT_NAME = "default"


@dataclass(frozen=True, slots=True)
class ScriptStep:
    """One line of the script, filled in for this call, that the operator ticks off once said."""

    id: str  # "stage.step" counted from 1 ("sales:stage.step" for a named script): what a call stores as done
    stage: str
    text: str


@dataclass(frozen=True, slots=True)
class ScriptContext:
    """What the script's placeholders are filled in with for one call: who speaks, to whom, and why."""

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


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What choosing and filling a call's script needs of the call and its client, read in one statement."""

    outbound: bool
    transferred: bool
    queue: str
    number_e164: str | None
    caller_name: str
    client_id: int | None
    client_name: str | None
    address_as: str | None
    time_zone: str | None

    @property
    def situation(self) -> str | None:
        """A call we make is a call-back; a handed-over call a transfer. An angry caller or a refund request cannot
        be told from the call: the operator switches to those scripts."""
        if self.outbound:
            return "call_back"
        return "transfer" if self.transferred else None


# Read on every screen pop: built once (store.prepared)
_FACTS = Prepared(lambda call_id: Call.select(
    Call.direction, Call.transferred_from, Call.queue, Call.number_e164, Call.caller_name, Call.client,
    Client.name, Client.address_as, Client.time_zone,
).join(Client, JOIN.LEFT_OUTER, on=(Call.client == Client.id)).where(Call.id == call_id))
_PROMISE_REASON = Prepared(lambda call_id: CallBack.select(CallBack.reason).where(
    CallBack.current_call == call_id).limit(1))


def call_facts(call_id: int) -> CallFacts:
    """The call's facts, for choosing its script (``choose_script``) and filling it in (``script_context``)."""
    rows = _FACTS.rows(call_id=call_id)
    if not rows:
        raise NotFound(_("call {call} does not exist").format(call=call_id))
    direction, transferred_from, *rest = rows[0]
    return CallFacts(direction == "outbound", transferred_from is not None, *rest)


def situation_of_call(desk: Desk, call_id: int) -> str | None:
    """What the call itself says about the situation (see CallFacts.situation)."""
    return call_facts(call_id).situation


def script_for_call(desk: Desk, call_id: int) -> EtiquetteScript:
    """The script a call opens with, chosen from its queue and situation."""
    facts = call_facts(call_id)
    return choose_script(desk.config, facts.queue, facts.situation)


def script_context_for_call(desk: Desk, call_id: int, operator: str, department: str,
                            reason: str = "") -> ScriptContext:
    """The names and times a call's script is filled with: the client's name, how to address them, their clock,
    and for a call-back the promise's reason (unless given)."""
    return script_context(desk, call_id, call_facts(call_id), operator, department, reason)


def script_context(desk: Desk, call_id: int, facts: CallFacts, operator: str, department: str,
                   reason: str = "") -> ScriptContext:
    """``script_context_for_call`` from facts already read."""
    if facts.time_zone:
        zones: tuple[str, ...] = (facts.time_zone,)
    else:
        number = facts.number_e164
        if number is None and facts.client_id is not None:
            first = Phone.select(Phone.e164).where(Phone.client == facts.client_id, Phone.e164.is_null(False)).first()
            number = first.e164 if first else None
        zones = time_zones_for(number) if number else ()
    local = client_local_time(zones, desk.clock.now())
    if not reason:
        promise = _PROMISE_REASON.rows(call_id=call_id)
        reason = promise[0][0] if promise else ""
    known = facts.client_id is not None
    return ScriptContext(
        operator=operator, department=department,
        client=facts.client_name if known else facts.caller_name,
        address_as=facts.address_as if known else "",
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
        "greeting_time": greeting_time(config, now.astimezone(config.zone)),
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

