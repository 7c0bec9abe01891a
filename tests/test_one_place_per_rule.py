"""A rule is written once (issue 19): a second copy of the late rule, the 10-hour deadline, the overdue and
past-the-deadline rules, a role comparison or a database failure told apart anywhere in the package fails here,
naming its file and line.

Each rule is looked for in the code only (comments and text left out, except that a role written as text is code),
so a sentence about lateness is never a second definition.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

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
