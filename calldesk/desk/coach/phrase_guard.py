"""The phrase guard: negative phrasings spotted while the operator types, each with a positive alternative.

The text is folded (NFKD, casefold, one kind of apostrophe, invisible joiners dropped) and searched with one
compiled expression; hits point back into the original text, so the UI can mark exactly what was typed.
Word boundaries count combining marks as part of a word, so Devanagari words ending in a vowel sign still match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from calldesk.config import Config, PhraseRule
from calldesk.desk.context import Desk
from calldesk.desk.errors import NotFound
from calldesk.i18n import _
from calldesk.store.models import Call, PhraseHit, database

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")  # joiners and soft hyphens typed inside words
CLAUSE_END = r"[.!?,;:…।॥\"”)]"
CLAUSE_START = r"[.!?,;:…।॥\"“(]"


@dataclass(frozen=True, slots=True)
class Hit:
    """A negative phrasing found in what the operator typed, placed in the text as typed, with its alternative."""

    start: int  # offsets into the text as typed
    end: int
    phrase: str  # the words as typed
    suggestion: str


@lru_cache(maxsize=1)
def _marks() -> str:
    """Every combining mark of the Basic Multilingual Plane (where Indic scripts live), as a character-class body."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


def fold(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """The text as the guard reads it, with each folded character's start and end in the original.

    Decomposed (NFKD) rather than composed, so every character folds on its own and offsets stay exact.
    ``None`` offsets mean folding kept every character in place (the usual case, and the fast one).
    """
    if text.isascii():
        return text.lower().replace("`", "'"), None, None
    if unicodedata.is_normalized("NFKD", text) and INVISIBLE.isdisjoint(text):
        folded = text.casefold()
        if len(folded) == len(text):  # casefold never shrinks a character, so equal length means in place
            return folded.translate(APOSTROPHES), None, None
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        piece = _FOLDED.get(char)
        if piece is None:
            piece = _FOLDED[char] = (
                "" if char in INVISIBLE else unicodedata.normalize("NFKD", char).casefold().translate(APOSTROPHES)
            )
        parts.append(piece)
        if len(piece) == 1:
            starts.append(i)
            ends.append(i + 1)
        else:
            starts.extend([i] * len(piece))
            ends.extend([i + 1] * len(piece))
    return "".join(parts), starts, ends


_FOLDED: dict[str, str] = {}  # each character's folded form, learnt as characters are met


def _phrase_expression(phrase: str) -> str:
    """A literal phrase as an expression: any spacing between words, the apostrophe optional."""
    words = fold(phrase)[0].split()
    return r"\s+".join("".join("'?" if c == "'" else re.escape(c) for c in word) for word in words)


class PhraseGuard:
    """A phrasebook compiled once; ``check`` runs on every keystroke."""

    def __init__(self, rules: Sequence[PhraseRule]) -> None:
        self.rules = tuple(rules)
        word = rf"\w{_marks()}'\-"
        alternatives = []
        for index, rule in enumerate(self.rules):
            # Longer phrases first, so "that's not my job" wins over "not my job" at the same place.
            body = unicodedata.normalize("NFKD", rule.pattern) or "|".join(
                _phrase_expression(p) for p in sorted(rule.phrases, key=len, reverse=True)
            )
            if rule.bare:
                before = rf"(?:^|(?<={CLAUSE_START})|(?<={CLAUSE_START}\s))"
                after = rf"(?=[ \t]*(?:{CLAUSE_END}|$))"
            else:
                before, after = rf"(?<![{word}])", rf"(?![{word}])"
            alternatives.append(f"(?P<r{index}>{before}(?:{body}){after})")
        self._expression = re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE | re.MULTILINE)

    def check(self, text: str) -> list[Hit]:
        """Every negative phrasing in the text, in order, with where it is and what to say instead."""
        if not self.rules or not text:
            return []
        folded, starts, ends = fold(text)
        hits = []
        for match in self._expression.finditer(folded):
            if match.start() == match.end():
                continue
            start, end = match.span()
            if starts is not None and ends is not None:
                start, end = starts[start], ends[end - 1]
            rule = self.rules[int(match.lastgroup[1:])]
            hits.append(Hit(start, end, text[start:end], rule.suggest))
        return hits


@lru_cache(maxsize=8)
def _guard(rules: tuple[PhraseRule, ...]) -> PhraseGuard:
    return PhraseGuard(rules)


def guard_for(config: Config) -> PhraseGuard:
    """The config's phrasebook, compiled once per process."""
    return _guard(config.phrasebook)


def record_phrase_hits(desk: Desk, call_id: int, hits: Iterable[Hit]) -> int:
    """Keep the negative phrasings seen during a call, each phrase once; returns the call's count so far."""
    hits = list(hits)
    with database.atomic():
        if Call.get_or_none(Call.id == call_id) is None:
            raise NotFound(_("call {call} does not exist").format(call=call_id))
        known = {row.phrase for row in PhraseHit.select(PhraseHit.phrase).where(PhraseHit.call == call_id)}
        now = desk.clock.now()
        for hit in hits:
            phrase = " ".join(fold(hit.phrase)[0].split())[:200]
            if phrase not in known:
                PhraseHit.create(call=call_id, phrase=phrase, suggestion=hit.suggestion, at=now)
                known.add(phrase)
        Call.update(phrase_hits=len(known)).where(Call.id == call_id).execute()
    return len(known)


def phrase_hits_of_call(call_id: int) -> list[str]:
    """The negative phrasings a call has on record, in the order they were first seen."""
    query = PhraseHit.select(PhraseHit.phrase).where(PhraseHit.call == call_id).order_by(PhraseHit.at, PhraseHit.id)
    return [row.phrase for row in query]

