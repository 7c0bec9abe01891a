"""The FAQ (knowledge base): searched as the operator types during a call, kept up by team leads.

Entries come from the console (leads only, audited) or from a YAML or Markdown file (`calldesk import faq FILE`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from calldesk.desk import audit
from calldesk.desk.clients.directory import fold
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.desk.operators.permissions import Action, require
from calldesk.i18n import _
from calldesk.store.faq_search import search_faq_ids
from calldesk.store.models import FaqEntry, Operator, database
from calldesk.yaml_reader import YamlRefused, compose_yaml, read_yaml_file, yaml_value

SEARCH_LIMIT = 20
MAX_QUERY_WORDS = 8  # a pasted paragraph must not become a slow query
MAX_QUESTION = 1_000
MAX_ANSWER = 20_000
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """An FAQ entry, as the operator's search shows it and a lead edits it."""

    id: int
    question: str
    answer: str
    tags: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class FaqDraft:
    """One entry read from a file, with where it was for messages."""

    question: str
    answer: str
    tags: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class FaqImport:
    """What an FAQ file import did, counted by entry."""

    added: int
    updated: int
    unchanged: int


def _view(entry: FaqEntry) -> FaqAnswer:
    return FaqAnswer(entry.id, entry.question, entry.answer, entry.tags, entry.updated_at)


def query_words(query: str) -> list[str]:
    """The folded words of a typed query: letters, digits and combining marks (Devanagari vowel signs) only."""
    words: list[str] = []
    current: list[str] = []
    for char in fold(query):
        if unicodedata.category(char)[0] in "LNM":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words[:MAX_QUERY_WORDS]


def search_faq(desk: Desk, query: str, limit: int = SEARCH_LIMIT) -> list[FaqAnswer]:
    """Entries with a word starting with each typed word, best first (question over tags over answer).

    An empty query lists the entries by question, so F7 opens on something useful.
    """
    words = query_words(query)
    if not words:
        return [_view(e) for e in FaqEntry.select().order_by(FaqEntry.question, FaqEntry.id).limit(limit)]
    ids = search_faq_ids(words, limit)
    entries = {e.id: e for e in FaqEntry.select().where(FaqEntry.id.in_(ids))} if ids else {}
    return [_view(entries[i]) for i in ids if i in entries]


def get_faq(desk: Desk, entry_id: int) -> FaqAnswer:
    entry = FaqEntry.get_or_none(FaqEntry.id == entry_id)
    if entry is None:
        raise NotFound(_("FAQ entry {entry} does not exist").format(entry=entry_id))
    return _view(entry)


def _lead(actor_id: int) -> Operator:
    actor = Operator.get_or_none(Operator.id == actor_id)
    require(actor, Action.CHANGE_FAQ)
    return actor


def _clean_tags(tags: str | Iterable[str]) -> str:
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    seen: dict[str, str] = {}
    for tag in items:
        tag = " ".join(str(tag).split())
        if tag:
            seen.setdefault(fold(tag), tag)
    return ", ".join(seen.values())


def _checked(question: str, answer: str) -> tuple[str, str]:
    question, answer = question.strip(), answer.strip()
    if not question:
        raise DeskError(_("an FAQ entry needs a question"))
    if not answer:
        raise DeskError(_("an FAQ entry needs an answer"))
    if len(question) > MAX_QUESTION:
        raise DeskError(_("the question is longer than {count} characters").format(count=MAX_QUESTION))
    if len(answer) > MAX_ANSWER:
        raise DeskError(_("the answer is longer than {count} characters").format(count=MAX_ANSWER))
    return question, answer


def add_faq(desk: Desk, actor_id: int, question: str, answer: str, tags: str | Iterable[str] = "") -> int:
    """A lead adds an entry; returns its id."""
    question, answer = _checked(question, answer)
    with database.atomic():
        actor = _lead(actor_id)
        entry = FaqEntry.create(question=question, answer=answer, tags=_clean_tags(tags),
                                updated_at=desk.clock.now())
        audit.record(desk, actor.login, "faq", entry.id, "create", after={"question": question})
    return entry.id


def edit_faq(desk: Desk, actor_id: int, entry_id: int, *, question: str | None = None, answer: str | None = None,
             tags: str | Iterable[str] | None = None) -> None:
    """A lead changes an entry's question, answer or tags; audited with what it was."""
    with database.atomic():
        actor = _lead(actor_id)
        entry = FaqEntry.get_or_none(FaqEntry.id == entry_id)
        if entry is None:
            raise NotFound(_("FAQ entry {entry} does not exist").format(entry=entry_id))
        new_question, new_answer = _checked(entry.question if question is None else question,
                                            entry.answer if answer is None else answer)
        changes = {"question": new_question, "answer": new_answer,
                   "tags": entry.tags if tags is None else _clean_tags(tags)}
        before = {k: getattr(entry, k) for k, v in changes.items() if getattr(entry, k) != v}
        if not before:
            return
        FaqEntry.update(**changes, updated_at=desk.clock.now()).where(FaqEntry.id == entry_id).execute()
        audit.record(desk, actor.login, "faq", entry_id, "update", before=before,
                     after={k: changes[k] for k in before})


def remove_faq(desk: Desk, actor_id: int, entry_id: int) -> None:
    """A lead removes an obsolete entry; the audit keeps its text."""
    with database.atomic():
        actor = _lead(actor_id)
        entry = FaqEntry.get_or_none(FaqEntry.id == entry_id)
        if entry is None:
            raise NotFound(_("FAQ entry {entry} does not exist").format(entry=entry_id))
        entry.delete_instance()
        audit.record(desk, actor.login, "faq", entry_id, "remove",
                     before={"question": entry.question, "answer": entry.answer, "tags": entry.tags})


def import_faq(desk: Desk, actor_id: int, drafts: Iterable[FaqDraft]) -> FaqImport:
    """Add the file's entries; an entry whose question is already there (any case) gets the file's answer."""
    added = updated = unchanged = 0
    with database.atomic():
        actor = _lead(actor_id)
        existing = {fold(e.question): e for e in FaqEntry.select()}
        now = desk.clock.now()
        for draft in drafts:
            question, answer = _checked(draft.question, draft.answer)
            tags = _clean_tags(draft.tags)
            entry = existing.get(fold(question))
            if entry is None:
                entry = FaqEntry.create(question=question, answer=answer, tags=tags, updated_at=now)
                existing[fold(question)] = entry
                audit.record(desk, actor.login, "faq", entry.id, "create", after={"question": question})
                added += 1
            elif (entry.answer, entry.tags) == (answer, tags or entry.tags):
                unchanged += 1
            else:
                before = {"answer": entry.answer, "tags": entry.tags}
                entry.answer, entry.tags, entry.updated_at = answer, tags or entry.tags, now
                entry.save()
                audit.record(desk, actor.login, "faq", entry.id, "update", before=before,
                             after={"answer": answer, "tags": entry.tags})
                updated += 1
    return FaqImport(added, updated, unchanged)


# --- reading files ---------------------------------------------------------------------------------------------


def read_faq_file(path: Path | str) -> list[FaqDraft]:
    """Entries from a YAML file (a list of question/answer/tags) or a Markdown file (a heading per question).

    Problems raise DeskError naming the file and line.
    """
    path = Path(path)
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    if not is_yaml and path.suffix.lower() not in (".md", ".markdown", ".txt"):
        raise DeskError(f"{path}: expected a .yaml, .yml or .md file")
    try:
        text = read_yaml_file(path) if is_yaml else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DeskError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DeskError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise DeskError(f"{path}: cannot read ({exc.strerror})") from None
    except YamlRefused as exc:
        raise DeskError(str(exc)) from None
    drafts = read_faq_yaml(text, str(path)) if is_yaml else read_faq_markdown(text, str(path))
    if not drafts:
        raise DeskError(f"{path}: no FAQ entries found")
    for draft in drafts:  # the import's own checks, named by line here so a file is refused before any entry is kept
        try:
            _checked(draft.question, draft.answer)
        except DeskError as exc:
            raise DeskError(f"{path}:{draft.line}: {exc}") from None
    return drafts


def read_faq_yaml(text: str, name: str = "<yaml>") -> list[FaqDraft]:
    """A list of {question, answer, tags}, or the same list under a top-level `faq:` key."""
    try:
        root = compose_yaml(text, name)
    except YamlRefused as exc:
        raise DeskError(str(exc)) from None
    if isinstance(root, yaml.MappingNode):
        found = [v for k, v in root.value if k.value == "faq"]
        if not found:
            raise DeskError(f"{name}:{root.start_mark.line + 1}: expected a list of entries or a 'faq:' key")
        root = found[0]
    if not isinstance(root, yaml.SequenceNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise DeskError(f"{name}:{line}: expected a list of entries with question and answer")
    drafts = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise DeskError(f"{name}:{line}: each entry is a mapping with question, answer and tags")
        fields = {k.value: v for k, v in item.value}
        unknown = sorted(set(fields) - {"question", "answer", "tags"})
        if unknown:
            raise DeskError(f"{name}:{line}: unknown key {unknown[0]!r} (expected question, answer, tags)")
        values = {k: yaml_value(v) for k, v in fields.items()}
        for key in ("question", "answer"):
            if not isinstance(values.get(key), str | int | float) or not str(values[key]).strip():
                raise DeskError(f"{name}:{line}: entry needs a text '{key}'")
        tags = values.get("tags") or ""
        if not isinstance(tags, str | list):
            raise DeskError(f"{name}:{line}: tags are a list or comma-separated text")
        drafts.append(FaqDraft(str(values["question"]).strip(), str(values["answer"]).strip(),
                               _clean_tags(tags), line))
    return drafts


def read_faq_markdown(text: str, name: str = "<markdown>") -> list[FaqDraft]:
    """Each heading at the deepest level used is a question, its text up to the next heading the answer.

    Headings above the questions become the entry's tags, except a single top heading (the document's title).
    """
    headings = []
    in_fence = False
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and (match := HEADING.match(line)):
            headings.append((number, len(match.group(1)), match.group(2)))
    if not headings:
        return []
    question_level = max(level for _, level, _ in headings)
    single_title = sum(1 for _, level, _ in headings if level == 1) == 1  # one "# FAQ" on top names the file
    sections: dict[int, str] = {}
    drafts = []
    for index, (number, level, title) in enumerate(headings):
        if level < question_level:
            sections = {lv: t for lv, t in sections.items() if lv < level}
            sections[level] = title
            continue
        end = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
        answer = "\n".join(lines[number + 1:end]).strip()
        if not title.strip():
            raise DeskError(f"{name}:{number + 1}: a question heading is empty")
        if not answer:
            raise DeskError(f"{name}:{number + 1}: the question {title!r} has no answer under it")
        tags = [t for lv, t in sorted(sections.items()) if lv > 1 or not single_title]
        drafts.append(FaqDraft(title.strip(), answer, _clean_tags(tags), number + 1))
    return drafts
