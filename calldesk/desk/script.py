"""The etiquette script: the handbook's words, filled in for this operator, this caller and this time of day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calldesk.config import Config


@dataclass(frozen=True)
class ScriptStep:
    id: str  # "stage.step", counted from 1: what a call stores as done
    stage: str
    text: str


@dataclass(frozen=True)
class ScriptContext:
    operator: str
    department: str
    client: str = ""  # the client's name; empty for an unknown caller
    address_as: str = ""


def greeting_time(config: Config, local: datetime) -> str:
    """Good morning / afternoon / evening, in the config's words, by the operator's local hour."""
    part = "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
    return config.greeting_times.get(part, f"Good {part}")


def render_script(config: Config, context: ScriptContext, now: datetime) -> list[ScriptStep]:
    """Every step of the configured script with its placeholders filled."""
    client = context.client or config.unknown_caller
    values = {
        "operator": context.operator,
        "department": context.department,
        "company": config.company,
        "client": client,
        "address_as": context.address_as or client,
        "greeting_time": greeting_time(config, now.astimezone()),
    }
    return [
        ScriptStep(f"{s}.{t}", stage.stage, text.format_map(values))
        for s, stage in enumerate(config.script, start=1)
        for t, text in enumerate(stage.steps, start=1)
    ]
