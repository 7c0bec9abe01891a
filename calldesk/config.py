"""Loading and validating config.yaml.

Every error names the file, the line and the key in one line (``ConfigError``), so the command line can print it
and exit with status 2 instead of a traceback.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

import yaml

CONFIG_ENV = "CALLDESK_CONFIG"
DATABASE_ENV = "CALLDESK_DATABASE_URL"
SCRIPT_PLACEHOLDERS = frozenset(
    {"operator", "department", "company", "client", "address_as", "greeting_time"}
)
CALL_SOURCES = ("simulator", "ami", "none")


class ConfigError(Exception):
    """A config.yaml problem, already worded for the user: ``file:line: key: what is wrong``."""


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    queues: tuple[str, ...]


@dataclass(frozen=True)
class ScriptStage:
    stage: str
    steps: tuple[str, ...]


DEFAULT_SCRIPT = (
    ScriptStage("Greeting", ("{greeting_time}, {company} {department}, this is {operator}.",
                             "How may I help you, {address_as}?")),
    ScriptStage("Close", ("Is there anything else I can do for you, {address_as}?",)),
)


@dataclass(frozen=True)
class CallbackWindow:
    start: time
    end: time


@dataclass(frozen=True)
class Config:
    path: Path
    company: str = "Acme"
    default_operator: str = ""
    departments: tuple[Department, ...] = (Department("support", "Customer Support", ("support",)),)
    phone_region: str = "IN"
    ring_cycle_seconds: float = 6.0
    answer_within_rings: int = 3
    inquiry_sla_hours: float = 10.0
    callback_window: CallbackWindow = CallbackWindow(time(9), time(20))
    dispositions: tuple[str, ...] = ("Resolved",)
    pause_reasons: tuple[str, ...] = ("Lunch",)
    database: str = "calldesk.db"
    call_source: str = "none"
    script: tuple[ScriptStage, ...] = ()
    greeting_times: dict[str, str] = field(default_factory=dict)
    unknown_caller: str = "sir or madam"
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def answer_threshold_seconds(self) -> float:
        """The handbook's "before the third ring", in seconds."""
        return self.answer_within_rings * self.ring_cycle_seconds

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def department_of_queue(self, queue: str) -> Department | None:
        return next((d for d in self.departments if queue in d.queues), None)

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(q for d in self.departments for q in d.queues)

    def database_url(self) -> str:
        """The database URL, with a relative SQLite path taken from the config file's folder."""
        return resolve_database(os.environ.get(DATABASE_ENV) or self.database, self.path.resolve().parent)


def resolve_database(value: str, base: Path) -> str:
    """A plain path means a SQLite file; URLs pass through."""
    if "://" in value:
        return value
    if value == ":memory:":
        return "sqlite:///:memory:"
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base / path
    return f"sqlite:///{path}"


def default_config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return Path.cwd() / "config.yaml"


class _Reader:
    """Walks the YAML node tree so every error can name its line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, key: str, problem: str) -> ConfigError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ConfigError(f"{self.path}:{line}: {key}: {problem}")

    def mapping(self, node: yaml.Node, key: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, "expected a mapping of keys to values")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in node.value:
            out[str(k.value)] = (k, v)
        return out

    def scalar(self, node: yaml.Node, key: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, key, "expected a single value")
        return yaml.safe_load(yaml.serialize(node))

    def text(self, node: yaml.Node, key: str, *, allow_empty: bool = False) -> str:
        value = self.scalar(node, key)
        if value is None and allow_empty:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(node, key, f"expected text, got {value!r}")
        if not str(value).strip() and not allow_empty:
            raise self.fail(node, key, "must not be empty")
        return str(value)

    def number(self, node: yaml.Node, key: str, *, integer: bool = False, minimum: float = 0) -> float:
        value = self.scalar(node, key)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise self.fail(node, key, f"expected {'a whole number' if integer else 'a number'}, got {value!r}")
        if value <= minimum:
            raise self.fail(node, key, f"must be greater than {minimum:g}, got {value!r}")
        return value

    def text_list(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, key, "expected a list")
        items = tuple(self.text(item, f"{key}[{i}]") for i, item in enumerate(node.value))
        if not items:
            raise self.fail(node, key, "must list at least one entry")
        return items

    def clock_time(self, node: yaml.Node, key: str) -> time:
        value = self.scalar(node, key)
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 09:00 as sexagesimal
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value):
            raise self.fail(node, key, f"expected a time like \"09:00\", got {value!r}")
        hours, minutes = map(int, value.split(":"))
        if hours > 23 or minutes > 59:
            raise self.fail(node, key, f"not a time of day: {value!r}")
        return time(hours, minutes)


def _check_placeholders(reader: _Reader, node: yaml.Node, key: str, text: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise reader.fail(node, key, f"bad braces in script text ({exc})") from None
    unknown = sorted(names - SCRIPT_PLACEHOLDERS)
    if unknown:
        known = ", ".join("{" + n + "}" for n in sorted(SCRIPT_PLACEHOLDERS))
        raise reader.fail(node, key, f"unknown placeholder {{{unknown[0]}}} (known: {known})")


def _read_departments(reader: _Reader, node: yaml.Node) -> tuple[Department, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, "departments", "expected a list of departments with id, name and queues")
    departments = []
    for i, item in enumerate(node.value):
        where = f"departments[{i}]"
        fields = reader.mapping(item, where)
        for name, (knode, _) in fields.items():
            if name not in {"id", "name", "queues"}:
                raise reader.fail(knode, f"{where}.{name}", "unknown key (expected id, name, queues)")
        if "id" not in fields:
            raise reader.fail(item, f"{where}.id", "missing")
        dep_id = reader.text(fields["id"][1], f"{where}.id")
        name = reader.text(fields["name"][1], f"{where}.name") if "name" in fields else dep_id
        queues = reader.text_list(fields["queues"][1], f"{where}.queues") if "queues" in fields else (dep_id,)
        departments.append(Department(dep_id, name, queues))
    return tuple(departments)


def _read_script(reader: _Reader, node: yaml.Node) -> tuple[ScriptStage, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, "script", "expected a list of stages, each with a stage name and steps")
    stages = []
    for i, item in enumerate(node.value):
        where = f"script[{i}]"
        fields = reader.mapping(item, where)
        for name, (knode, _) in fields.items():
            if name not in {"stage", "steps"}:
                raise reader.fail(knode, f"{where}.{name}", "unknown key (expected stage, steps)")
        if "stage" not in fields or "steps" not in fields:
            raise reader.fail(item, where, "each stage needs 'stage' and 'steps'")
        title = reader.text(fields["stage"][1], f"{where}.stage")
        steps_node = fields["steps"][1]
        steps = reader.text_list(steps_node, f"{where}.steps")
        for j, (step, step_node) in enumerate(zip(steps, steps_node.value, strict=True)):
            _check_placeholders(reader, step_node, f"{where}.steps[{j}]", step)
        stages.append(ScriptStage(title, steps))
    return tuple(stages)


def _read_str_map(reader: _Reader, node: yaml.Node, key: str, allowed: set[str] | None = None) -> dict[str, str]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~"):
        return {}
    nodes = _read_str_map_nodes(reader, node, key, allowed)
    return {name: reader.text(vnode, f"{key}.{name}") for name, vnode in nodes.items()}


def _valid_region(region: str) -> bool:
    import phonenumbers  # lazy: the console paints before this is needed

    return region.upper() in phonenumbers.SUPPORTED_REGIONS


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate a config file; raises ``ConfigError`` with file, line and key."""
    explicit = path is not None or CONFIG_ENV in os.environ
    path = Path(path) if path is not None else default_config_path()
    if not explicit and not path.exists():
        return Config(path=path, script=DEFAULT_SCRIPT)  # no file in this folder: sensible defaults
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}:1: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read the config file ({exc})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}:{line}: YAML syntax error: {problem}") from None
    reader = _Reader(path)
    values: dict[str, Any] = {"path": path, "script": DEFAULT_SCRIPT}
    if root is None:
        return Config(**values)
    for name, (knode, vnode) in reader.mapping(root, "(top level)").items():
        values.update(_read_key(reader, name, knode, vnode))
    return Config(**values)


def _read_key(reader: _Reader, name: str, knode: yaml.Node, vnode: yaml.Node) -> dict[str, Any]:
    match name:
        case "company":
            return {name: reader.text(vnode, name)}
        case "unknown_caller":
            return {name: reader.text(vnode, name)}
        case "default_operator":
            return {name: reader.text(vnode, name, allow_empty=True)}
        case "database":
            return {name: reader.text(vnode, name)}
        case "departments":
            return {name: _read_departments(reader, vnode)}
        case "phone_region":
            region = reader.text(vnode, name).upper()
            if not _valid_region(region):
                raise reader.fail(vnode, name, f"unknown region {region!r} (use an ISO code such as IN, GB, US)")
            return {name: region}
        case "ring_cycle_seconds" | "inquiry_sla_hours":
            return {name: float(reader.number(vnode, name))}
        case "answer_within_rings":
            return {name: int(reader.number(vnode, name, integer=True))}
        case "callback_window":
            fields = _read_str_map_nodes(reader, vnode, name, {"start", "end"})
            start = reader.clock_time(fields["start"], f"{name}.start") if "start" in fields else time(9)
            end = reader.clock_time(fields["end"], f"{name}.end") if "end" in fields else time(20)
            if end <= start:
                raise reader.fail(vnode, name, "end must come after start")
            return {name: CallbackWindow(start, end)}
        case "dispositions" | "pause_reasons":
            return {name: reader.text_list(vnode, name)}
        case "call_source":
            source = reader.text(vnode, name)
            if source not in CALL_SOURCES:
                raise reader.fail(vnode, name, f"expected one of {', '.join(CALL_SOURCES)}, got {source!r}")
            return {name: source}
        case "script":
            return {name: _read_script(reader, vnode)}
        case "greeting_times":
            return {name: _read_str_map(reader, vnode, name, {"morning", "afternoon", "evening"})}
        case "keys":
            return {name: _read_str_map(reader, vnode, name)}
    raise reader.fail(knode, name, "unknown key")


def _read_str_map_nodes(
    reader: _Reader, node: yaml.Node, key: str, allowed: set[str] | None
) -> dict[str, yaml.Node]:
    out = {}
    for name, (knode, vnode) in reader.mapping(node, key).items():
        if allowed is not None and name not in allowed:
            raise reader.fail(knode, f"{key}.{name}", f"unknown key (expected {', '.join(sorted(allowed))})")
        out[name] = vnode
    return out
