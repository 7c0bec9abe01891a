"""Training: scripted practice calls played on the desk, scored on the handbook's etiquette rules.

A scenario (YAML; a few ship in calldesk/scenarios) names a caller, the caller's lines and what a good call needs.
A `TrainingSession` rings the call; the trainee works it on the desk as a real one (answer, script steps, notes,
call-back, wrap-up) while a UI shows the caller's lines in turn; `finish` scores what the database recorded:
greeting steps done, negative phrases used, call-back offered instead of a long hold, wrap-up complete.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from calldesk.config import EtiquetteScript
from calldesk.desk.calls import queue
from calldesk.desk.clients.directory import NewPhone, create_client, match_caller
from calldesk.desk.coach.phrase_guard import Hit, guard_for, record_phrase_hits
from calldesk.desk.coach.script import (
    greeting_step_ids,
    list_scripts,
    render_script,
    script_context_for_call,
    script_for_call,
)
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.desk.operators import roster
from calldesk.i18n import _, desk_word
from calldesk.store.models import Call, CallBack, Note, Operator, PhraseHit, TrainingScore
from calldesk.yaml_reader import YamlRefused, compose_yaml, read_yaml_file, yaml_value

GREETING_POINTS = 30
PHRASE_POINTS = 25
PHRASE_PENALTY = 10  # per distinct negative phrasing
CALLBACK_POINTS = 20
WRAP_UP_POINTS = 25
DISPOSITION_POINTS = 15
NOTE_POINTS = WRAP_UP_POINTS - DISPOSITION_POINTS
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"  # shipped as package data
DEFAULT_HOLD_LIMIT = 60.0  # seconds a caller may wait for an answer before a call-back should be offered


@dataclass(frozen=True, slots=True)
class ScenarioCaller:
    """The person a training scenario plays: the number they ring from and, for a client, who they are."""

    number: str
    name: str = ""  # empty: an unknown caller
    company: str = ""
    address_as: str = ""
    manner: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scripted practice call, read from YAML: the caller, the caller's lines and what a good call needs."""

    name: str
    title: str
    caller: ScenarioCaller
    lines: tuple[str, ...]
    queue: str = ""
    briefing: str = ""
    callback_after_line: int = 0  # 1-based: after this line the caller needs a call-back; 0 when none is needed
    hold_limit_seconds: float = DEFAULT_HOLD_LIMIT
    dispositions: tuple[str, ...] = ()  # the fitting ones; empty means any


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """The points one etiquette rule gave a practice call, with the reason in words."""

    rule: str  # greeting | phrases | callback | wrap_up
    points: int
    out_of: int
    reason: str


@dataclass(frozen=True, slots=True)
class Score:
    """How a practice call scored, rule by rule."""

    scenario: str
    items: tuple[ScoreItem, ...]

    @property
    def points(self) -> int:
        return sum(i.points for i in self.items)

    @property
    def out_of(self) -> int:
        return sum(i.out_of for i in self.items)


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """The kept score of a finished practice call, as the training results list it."""

    id: int
    trainee: str  # login
    scenario: str
    points: int
    out_of: int
    finished_at: datetime
    items: tuple[ScoreItem, ...]


# --- scenarios -------------------------------------------------------------------------------------------------


def _fail(name: str, node: yaml.Node | None, problem: str) -> DeskError:
    return DeskError(f"{name}:{node.start_mark.line + 1 if node is not None else 1}: {problem}")


def parse_scenario(text: str, name: str, source: str = "<scenario>") -> Scenario:
    """A scenario from YAML text; problems raise DeskError naming the file and line."""
    try:
        root = compose_yaml(text, source)
    except YamlRefused as exc:
        raise DeskError(str(exc)) from None
    if not isinstance(root, yaml.MappingNode):
        raise _fail(source, root, "a scenario is a mapping with title, caller and lines")
    fields = {k.value: (k, v) for k, v in root.value}
    allowed = {"title", "briefing", "queue", "caller", "lines", "callback_after_line", "hold_limit_seconds",
               "dispositions"}
    for key, (knode, _value) in fields.items():
        if key not in allowed:
            raise _fail(source, knode, f"unknown key {key!r} (expected {', '.join(sorted(allowed))})")
    for key in ("title", "caller", "lines"):
        if key not in fields:
            raise _fail(source, root, f"missing {key!r}")
    caller_node = fields["caller"][1]
    caller = yaml_value(caller_node)
    if not isinstance(caller, dict) or not str(caller.get("number") or "").strip():
        raise _fail(source, caller_node, "caller needs at least a number (and name, address_as, company, manner)")
    unknown = sorted(str(k) for k in set(caller) - {"number", "name", "company", "address_as", "manner"})
    if unknown:
        raise _fail(source, caller_node, f"unknown caller key {unknown[0]!r}")
    lines_node = fields["lines"][1]
    lines = yaml_value(lines_node)
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) and x.strip() for x in lines):
        raise _fail(source, lines_node, "lines are a list of what the caller says, in order")
    after = yaml_value(fields["callback_after_line"][1]) if "callback_after_line" in fields else 0
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= len(lines):
        raise _fail(source, fields["callback_after_line"][1], f"expected a line number from 1 to {len(lines)}")
    hold = yaml_value(fields["hold_limit_seconds"][1]) if "hold_limit_seconds" in fields else DEFAULT_HOLD_LIMIT
    if isinstance(hold, bool) or not isinstance(hold, int | float) or not 0 < hold < math.inf:  # .nan, .inf too
        raise _fail(source, fields["hold_limit_seconds"][1], "expected a number of seconds")
    dispositions = yaml_value(fields["dispositions"][1]) if "dispositions" in fields else []
    if not isinstance(dispositions, list):
        raise _fail(source, fields["dispositions"][1], "expected a list of dispositions")
    text_of = {k: str(yaml_value(v)).strip() for k, (_, v) in fields.items() if k in ("title", "briefing", "queue")}
    return Scenario(
        name=name, title=text_of["title"], briefing=text_of.get("briefing", ""), queue=text_of.get("queue", ""),
        caller=ScenarioCaller(**{k: str(v).strip() for k, v in caller.items() if v is not None}),
        lines=tuple(x.strip() for x in lines), callback_after_line=after, hold_limit_seconds=float(hold),
        dispositions=tuple(str(d) for d in dispositions),
    )


def load_scenario(path: Path | str) -> Scenario:
    """A scenario file; its name is the file's name without the extension."""
    path = Path(path)
    try:
        text = read_yaml_file(path)
    except FileNotFoundError:
        raise DeskError(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeskError(f"{path}: cannot read ({exc})") from None
    except YamlRefused as exc:
        raise DeskError(str(exc)) from None
    return parse_scenario(text, path.stem, str(path))


def shipped_scenarios() -> list[Scenario]:
    """The scenarios that ship with calldesk, by name."""
    return [load_scenario(path) for path in sorted(SCENARIOS.glob("*.yaml"))]


def find_scenario(name_or_path: str) -> Scenario:
    """A shipped scenario by name, or a scenario file by path."""
    for scenario in shipped_scenarios():
        if scenario.name == name_or_path:
            return scenario
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        return load_scenario(name_or_path)
    known = ", ".join(s.name for s in shipped_scenarios())
    raise NotFound(f"no scenario called {name_or_path!r} (shipped: {known}; or give a .yaml file)")


# --- trainees and sessions -------------------------------------------------------------------------------------


def trainee_for(desk: Desk, login: str) -> roster.OperatorView:
    """The trainee's operator record on the training database, created on first use."""
    row = Operator.get_or_none(Operator.login == login)
    if row is not None:
        return roster.view_of(row)
    return roster.add_operator(desk, login, actor="training")


@dataclass
class TrainingSession:
    """One practice call. A UI calls ``start``, shows ``next_line`` when the trainee is ready for the caller's next
    words, passes typed replies to ``say``, and calls ``finish`` after the wrap-up to get the score."""

    desk: Desk
    trainee_id: int
    scenario: Scenario
    call_id: int | None = None
    started_at: datetime | None = None
    shown: dict[int, datetime] = field(default_factory=dict)  # line index -> when the caller said it
    replies: list[str] = field(default_factory=list)
    score: Score | None = None

    def start(self) -> int:
        """Ring the scenario's call in the queue (the caller a known client when the scenario names them)."""
        if self.call_id is not None:
            return self.call_id
        desk, caller = self.desk, self.scenario.caller
        trainee = Operator.get_by_id(self.trainee_id)
        if caller.name and match_caller(desk, caller.number) is None:
            create_client(desk, caller.name, [NewPhone(caller.number)], company=caller.company,
                          address_as=caller.address_as, manner=caller.manner, actor=trainee.login)
        queue_name = self.scenario.queue if self.scenario.queue in desk.config.queues else None
        self.call_id = queue.ring_call(desk, caller.number, queue_name, caller_name=caller.name)
        self.started_at = desk.clock.now()
        return self.call_id

    def answer(self) -> None:
        """Take the ringing practice call (the desk's own answer key does the same)."""
        queue.claim_call(self.desk, self._call(), self.trainee_id)

    @property
    def lines_said(self) -> int:
        return len(self.shown)

    @property
    def lines_left(self) -> int:
        return len(self.scenario.lines) - len(self.shown)

    def next_line(self) -> str | None:
        """The caller's next words, or None when the caller has said everything."""
        index = len(self.shown)
        if index >= len(self.scenario.lines):
            return None
        self.shown[index] = self.desk.clock.now()
        return self.scenario.lines[index]

    def say(self, text: str) -> list[Hit]:
        """The trainee's reply: checked by the phrase guard, whose hits count against the score."""
        hits = guard_for(self.desk.config).check(text)
        self.replies.append(text)
        if hits:
            record_phrase_hits(self.desk, self._call(), hits)
        return hits

    def finish(self) -> Score:
        """Score the call as the database recorded it and keep the score for the trainee."""
        if self.score is not None:
            return self.score
        call_id = self._call()
        score = score_call(self.desk, self.scenario, call_id, self.trainee_id, self.shown)
        now = self.desk.clock.now()
        TrainingScore.create(
            trainee=self.trainee_id, scenario=self.scenario.name, points=score.points, out_of=score.out_of,
            reasons=json.dumps([asdict(i) for i in score.items], ensure_ascii=False), call=call_id,
            started_at=self.started_at or now, finished_at=now,
        )
        self.score = score
        return score

    def _call(self) -> int:
        if self.call_id is None:
            raise DeskError(_("the practice call has not started"))
        return self.call_id


# --- scoring ---------------------------------------------------------------------------------------------------


def _minutes(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _greeting(desk: Desk, call: Call, trainee: Operator) -> ScoreItem:
    done = {s for s in call.script_steps.split(",") if s}
    candidates: list[EtiquetteScript] = [script_for_call(desk, call.id)]
    candidates += [s for s in list_scripts(desk.config) if greeting_step_ids(s) & done and s not in candidates]
    best = max(candidates, key=lambda s: len(greeting_step_ids(s) & done) / max(len(greeting_step_ids(s)), 1))
    wanted = greeting_step_ids(best)
    got = wanted & done
    points = round(GREETING_POINTS * len(got) / len(wanted)) if wanted else GREETING_POINTS
    if got == wanted:
        return ScoreItem("greeting", points, GREETING_POINTS, _("greeting complete: {done} of {steps} steps").format(
            done=len(got), steps=len(wanted)))
    department = desk.config.department(trainee.department)
    context = script_context_for_call(desk, call.id, trainee.name, department.name if department else "")
    missed = [s.text for s in render_script(desk.config, context, desk.clock.now(), best) if s.id in wanted - got]
    return ScoreItem("greeting", points, GREETING_POINTS,
                     _("greeting: {done} of {steps} steps; missed: {missed}").format(
                         done=len(got), steps=len(wanted), missed=" / ".join(f"“{m}”" for m in missed)))


def _phrases(call: Call) -> ScoreItem:
    rows = list(PhraseHit.select().where(PhraseHit.call == call.id).order_by(PhraseHit.at, PhraseHit.id))
    points = max(PHRASE_POINTS - PHRASE_PENALTY * len(rows), 0)
    if not rows:
        return ScoreItem("phrases", points, PHRASE_POINTS, _("no negative phrases"))
    said = "; ".join(_("“{phrase}” (instead: {suggestion})").format(phrase=r.phrase, suggestion=r.suggestion)
                     for r in rows)
    return ScoreItem("phrases", points, PHRASE_POINTS, _("{count} negative phrase(s): {said}").format(
        count=len(rows), said=said))


def _callback(desk: Desk, scenario: Scenario, call: Call, shown: dict[int, datetime]) -> ScoreItem:
    if not scenario.callback_after_line:
        return ScoreItem("callback", CALLBACK_POINTS, CALLBACK_POINTS, _("no call-back needed"))
    promise = CallBack.select().where(CallBack.call == call.id).order_by(CallBack.created_at).first()
    asked_at = shown.get(scenario.callback_after_line - 1)
    if asked_at is None:  # scored on what happened on the call: a promise made before the caller asked is a guess
        return ScoreItem("callback", 0, CALLBACK_POINTS,
                         _("the caller never got to ask (ctrl+l plays their words) and a call-back was promised")
                         if promise else
                         _("the caller never got to ask (ctrl+l plays their words) and nothing was promised"))
    if promise is None:
        waited = ((call.ended_at or desk.clock.now()) - asked_at).total_seconds()
        return ScoreItem("callback", 0, CALLBACK_POINTS,
                         _("the caller needed a call-back and none was offered (F5); they waited {wait}").format(
                             wait=_minutes(waited)))
    waited = (promise.created_at - asked_at).total_seconds()
    if waited > scenario.hold_limit_seconds:
        return ScoreItem("callback", CALLBACK_POINTS // 2, CALLBACK_POINTS,
                         _("call-back offered, but only after {wait} on hold: offer it at once").format(
                             wait=_minutes(waited)))
    return ScoreItem("callback", CALLBACK_POINTS, CALLBACK_POINTS,
                     _("call-back offered after {wait} instead of a hold").format(wait=_minutes(waited)))


def _wrap_up(scenario: Scenario, call: Call, shown: dict[int, datetime]) -> ScoreItem:
    reasons = []
    points = 0
    if call.wrapped_at is None or not call.disposition:
        reasons.append(_("no wrap-up: end the call (F6) and pick a disposition"))
    elif len(shown) < len(scenario.lines):
        reasons.append(_("wrapped up after hearing {heard} of the caller's {lines} lines: let them finish (ctrl+l)")
                       .format(heard=len(shown), lines=len(scenario.lines)))
    elif scenario.dispositions and call.disposition not in scenario.dispositions:
        points += DISPOSITION_POINTS // 2
        reasons.append(_("disposition “{chosen}”; this call was “{wanted}”").format(
            chosen=desk_word(call.disposition),
            wanted=_(" or ").join(desk_word(d) for d in scenario.dispositions)))
    else:
        points += DISPOSITION_POINTS
        reasons.append(_("wrapped up as “{disposition}”").format(disposition=desk_word(call.disposition)))
    if Note.select().where((Note.call == call.id) & (Note.body != "")).exists():
        points += NOTE_POINTS
        reasons.append(_("notes kept"))
    else:
        reasons.append(_("no notes on the call: write what the client asked and what was done"))
    return ScoreItem("wrap_up", points, WRAP_UP_POINTS, "; ".join(reasons))


def score_call(desk: Desk, scenario: Scenario, call_id: int, trainee_id: int,
               shown: dict[int, datetime] | None = None) -> Score:
    """The score of a practice call, rule by rule with reasons, from what the desk recorded."""
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFound(_("call {call} does not exist").format(call=call_id))
    trainee = Operator.get_by_id(trainee_id)
    return Score(scenario.name, (
        _greeting(desk, call, trainee),
        _phrases(call),
        _callback(desk, scenario, call, shown or {}),
        _wrap_up(scenario, call, shown or {}),
    ))


def training_results(desk: Desk, trainee_id: int | None = None, limit: int = 100) -> list[TrainingResult]:
    """Kept scores, newest first: one trainee's, or everyone's."""
    query = TrainingScore.select(TrainingScore, Operator).join(Operator)
    if trainee_id is not None:
        query = query.where(TrainingScore.trainee == trainee_id)
    rows = query.order_by(TrainingScore.finished_at.desc(), TrainingScore.id.desc()).limit(limit)
    return [
        TrainingResult(
            id=r.id, trainee=r.trainee.login, scenario=r.scenario, points=r.points, out_of=r.out_of,
            finished_at=r.finished_at, items=tuple(ScoreItem(**i) for i in json.loads(r.reasons or "[]")),
        )
        for r in rows
    ]
