"""A rule is written once (issue 19): a second copy of the late rule, the 10-hour deadline, the overdue and
past-the-deadline rules, a role comparison or a database failure told apart anywhere in the package fails here,
naming its file and line.

Each rule is looked for in the code only (comments and text left out, except that a role written as text is code),
so a sentence about lateness is never a second definition.

A status or role is its enum member, never the bare string, in the modules cleaned of them; and PostgreSQL's copy of
the overdue rule (store/pg_roles.py, which may not import the domain) is checked against desk/callbacks/lateness.py.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pytest
from pg_schema import pg_schema_url
from suite_settings import PG_URL_ENV

from calldesk.desk.callbacks.lateness import is_overdue
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.calls.states import CallStatus, OperatorState
from calldesk.desk.feedback.status import FeedbackStatus
from calldesk.desk.operators.permissions import Role
from calldesk.store.database import open_database
from calldesk.store.models import database

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "calldesk"

# rule -> (what a copy looks like, the one module allowed to write it, and why)
RULES: dict[str, tuple[re.Pattern[str], set[str], str]] = {
    "a caller is late": (
        re.compile(r"[<>]=?\s*[\w.()]*\b(answer_threshold_seconds|answer_within_rings|_?within)\b"
                   r"|\b(answer_threshold_seconds|answer_within_rings|_?within)\b\s*[<>]"),
        {"calldesk/desk/calls/queue.py", "calldesk/desk/stats/grouping.py", "calldesk/config.py"},
        "desk/calls/queue.py:is_late; its other side, 'answered in time', is stats/grouping.py:service_counts "
        "(config.py only checks the values are sane)",
    ),
    "the 10-hour deadline": (
        re.compile(r"timedelta\([^)]*inquiry_sla_hours|inquiry_sla_hours\s*\*|\*\s*[\w.]*inquiry_sla_hours"),
        {"calldesk/desk/context.py"},
        "Desk.inquiry_deadline",
    ),
    "overdue, due soon, past the deadline": (
        # a promised time or deadline come by now (not a time typed with some slack, which is arithmetic on now)
        re.compile(r"(\bdue_at|\bdue|\bsla_deadline|\.deadline)\b\s*<=?\s*[\w.]*\b(now|late|soon|moment)\b[\w.()]*"
                   r"(?!\s*[-+])"
                   r"|\b(now|late|soon|moment)\b[\w.()]*\s*>=?\s*[\w.]*(\bdue_at|\bdue|\bsla_deadline|\.deadline)\b"),
        {"calldesk/desk/callbacks/lateness.py"},
        "desk/callbacks/lateness.py",
    ),
    "who is a team lead": (
        re.compile(r"""\brole\s*(==|!=|\bin\b|\bnot in\b)\s*\(?\s*(Role\.|["'](lead|operator)["'])"""
                   r"""|(Role\.\w+|["'](lead|operator)["'])\s*(==|!=)\s*[\w.]*\brole\b"""),
        {"calldesk/desk/operators/permissions.py"},
        "desk/operators/permissions.py: may, is_lead_role, lead_role_condition",
    ),
    "a database failure, away or refused": (
        re.compile(r"isinstance\([^)]*\b(OperationalError|InterfaceError|DatabaseError|IntegrityError|DataError)\b"
                   r"|__module__\.startswith|=\s*\(.*\b(IntegrityError|DataError)\b"),
        {"calldesk/store/failures.py"},
        "store/failures.py: failure_of, is_away, is_refused",
    ),
}


def code_lines(source: str, *, keep_text: bool) -> dict[int, str]:
    """Each line's code as written, with comments, and string literals unless ``keep_text``, blanked out."""
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT or (token.type == tokenize.STRING and not keep_text):
            (first, start), (last, end) = token.start, token.end
            for number in range(first, last + 1):
                line = lines[number - 1]
                left = start if number == first else 0
                right = end if number == last else len(line)
                lines[number - 1] = line[:left] + " " * (right - left) + line[right:]
    return {number: line.strip() for number, line in enumerate(lines, 1) if line.strip()}


def copies(rule: str, root: Path = PACKAGE) -> list[str]:
    """Where ``rule`` is written outside its one place: "path:line: code"."""
    pattern, allowed, _ = RULES[rule]
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        if name in allowed:
            continue
        code = code_lines(path.read_text(encoding="utf-8"), keep_text=rule == "who is a team lead")
        found += [f"{name}:{number}: {text}" for number, text in code.items() if pattern.search(text)]
    return found


@pytest.mark.parametrize("rule", RULES)
def test_the_rule_is_written_in_one_place_only(rule):
    assert copies(rule) == [], f"{rule} belongs in {RULES[rule][2]}"


@pytest.mark.parametrize(("rule", "copy"), [
    ("a caller is late", "late = 'bold red' if self._rings(c, now) > self._within else ''"),
    ("a caller is late", "return wait > desk.config.answer_threshold_seconds"),
    ("the 10-hour deadline", "deadline = now + timedelta(hours=desk.config.inquiry_sla_hours)"),
    ("overdue, due soon, past the deadline", "late = CallBack.due_at < now"),
    ("overdue, due soon, past the deadline", "if due <= now:"),
    ("overdue, due soon, past the deadline", "overdue = row.deadline < desk.clock.now()"),
    ("who is a team lead", "if operator.role == 'lead':"),
    ("who is a team lead", "leads = Operator.select().where(Operator.role == Role.LEAD)"),
    ("a database failure, away or refused", "return isinstance(exc, DatabaseError | InterfaceError)"),
    ("a database failure, away or refused", "REFUSED = (DeskError, IntegrityError, DataError)"),
])
def test_a_second_copy_is_found_and_named(tmp_path, rule, copy):
    (tmp_path / "copy.py").write_text(f"# {rule}, again\n\n\ndef again():\n    {copy}\n", encoding="utf-8")
    assert [hit.split(":")[:2] for hit in copies(rule, tmp_path)] == [["copy.py", "5"]]


# --- a status or role is its enum member ------------------------------------------------------------------------------

STATUSES: tuple[type[StrEnum], ...] = (CallStatus, OperatorState, CallbackStatus, FeedbackStatus)
# the lead's role, not "operator": that word names a statistics grouping, an audited entity, a person
STATUS_WORDS = frozenset({*(member.value for kind in STATUSES for member in kind), Role.LEAD.value})
# Modules once written with the bare strings (issue 19): each status and role in them is now the enum's member
CLEANED = ("calldesk/desk/calls/queue_log.py", "calldesk/desk/coach/demo_data.py", "calldesk/desk/coach/training.py",
           "calldesk/desk/journal.py", "calldesk/cli/event.py", "calldesk/cli/stats.py")
# The same words naming something else, by module and what holds them: not a status
OTHER_NAMES = {
    ("calldesk/cli/event.py", "add_parser"): "`calldesk event answered`, the PBX hook's sub-command",
    ("calldesk/cli/stats.py", "TABLE_FIGURES"): "the statistics' figures, named in desk/stats/definitions.py",
    ("calldesk/desk/coach/training.py", "ScoreItem"): "a training score's item, the wrap-up's points",
}


def _holder(parents: dict[ast.AST, ast.AST], node: ast.AST) -> str:
    """What a string is written in: the function called with it, or the name assigned, the nearest first."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Call):
            return ast.unparse(node.func).rpartition(".")[2]
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return ast.unparse(targets[0]).rpartition(".")[2]
    return ""


def _is_key(parents: dict[ast.AST, ast.AST], node: ast.AST) -> bool:
    """A mapping's key (``{"done": ...}``, ``line["done"]``, ``"done" in line``): it names a field, not a value."""
    parent = parents.get(node)
    return ((isinstance(parent, ast.Dict) and any(key is node for key in parent.keys))
            or (isinstance(parent, ast.Subscript) and parent.slice is node)
            or (isinstance(parent, ast.Compare) and parent.left is node
                and all(isinstance(op, ast.In | ast.NotIn) for op in parent.ops)
                and not isinstance(parent.comparators[0], ast.Tuple | ast.List | ast.Set)))


def status_literals(source: str, name: str) -> list[str]:
    """The bare status and role strings in ``source``'s code, "path:line: 'word'": not its docstrings, not the words
    shown through _() or N_(), not SQL or prose (a string that is more than the word), not a mapping's keys."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and (body := node.body) and isinstance(body[0], ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and node.value in STATUS_WORDS) or id(node) in docstrings:
            continue
        holder = _holder(parents, node)
        if holder in ("_", "N_") or _is_key(parents, node) or (name, holder) in OTHER_NAMES:
            continue
        found.append(f"{name}:{node.lineno}: {node.value!r}")
    return sorted(found, key=lambda hit: int(hit.split(":")[1]))


@pytest.mark.parametrize("name", CLEANED)
def test_a_cleaned_module_writes_each_status_and_role_as_its_enum_member(name):
    assert status_literals((ROOT / name).read_text(encoding="utf-8"), name) == [], \
        "write CallStatus.X, OperatorState.X, CallbackStatus.X, FeedbackStatus.X or Role.X (or is_lead_role)"


@pytest.mark.parametrize(("code", "found"), [
    ('leg.status = "answered"', ["'answered'"]),
    ('if status != "abandoned":\n    self.state(line, "available")', ["'abandoned'", "'available'"]),
    ('ENDINGS = {"COMPLETEAGENT": "completed"}', ["'completed'"]),
    ('rows = Call.select().where(Call.status.in_(("ringing", "answered")))', ["'ringing'", "'answered'"]),
    ('DemoOperator("asha", "Asha Verma", "support", "lead", "201")', ["'lead'"]),
    ('Feedback.update(status="in_progress")', ["'in_progress'"]),
    ('"""The call is answered, then completed."""', []),
    ('WORDS = {CallStatus.ANSWERED: N_("answered")}', []),
    ('SQL = "SELECT id FROM call WHERE status = \'open\'"', []),
    ('if "done" in line:\n    finished[line["done"]] = {"done": 1}', []),
])
def test_a_bare_status_is_found_and_text_is_not(code, found):
    assert [hit.split(": ", 1)[1] for hit in status_literals(code, "copy.py")] == found


# --- PostgreSQL's copy of the overdue rule ----------------------------------------------------------------------------


@pytest.fixture
def postgresql() -> Iterator[None]:
    """A PostgreSQL schema of its own, its functions installed by the migrations."""
    if not os.environ.get(PG_URL_ENV):
        pytest.skip(f"the database's functions need {PG_URL_ENV}")
    for url in pg_schema_url(os.environ[PG_URL_ENV]):
        db = open_database(url)
        yield
        db.close()


def test_the_databases_overdue_rule_is_lateness_pys(postgresql):
    """store/pg_roles.py may not import the domain, so it writes the rule in SQL; here both must say the same:
    overdue at the very moment promised and after, never before, and only an open call-back is released."""
    unattended = "SELECT calldesk_callback_unattended(%s, NULL, %s, NULL, NULL)"
    with database.atomic():  # now() is the transaction's: the same moment for every question below
        moment = database.execute_sql("SELECT extract(epoch FROM now())::float8").fetchone()[0]
        now = datetime.fromtimestamp(moment, UTC)
        for offset in (-60.0, -0.001, 0.0, 0.001, 60.0):
            due = moment + offset
            says = database.execute_sql(unattended, (CallbackStatus.OPEN.value, due)).fetchone()[0]
            assert says == is_overdue(datetime.fromtimestamp(due, UTC), now), f"due {offset:+} s from now"
        for status in CallbackStatus:
            says = database.execute_sql(unattended, (status.value, moment - 60)).fetchone()[0]
            assert says == (status == CallbackStatus.OPEN), status
