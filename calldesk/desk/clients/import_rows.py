"""A row of a contacts file made ready to merge: its contact checked (a name, a known stage and zone, text the database
can keep, store/limits.py) and its phones parsed, or the reason it cannot be.

This is the pure, per-row half of a client import and its costly one (parsing the phone numbers, docs/performance.md):
a big file has it done in helper processes, chunks ahead of the writes (``preparer``), so both halves run
at once. What the merge needs of each row alone (its folded name, its search text) is worked out here too.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calldesk.desk.clients.directory import STAGE_NAMES, STAGES, fold, search_text_for
from calldesk.desk.clients.import_files import Contact, RowProblem
from calldesk.desk.clients.notes import MAX_NOTE_LENGTH
from calldesk.phones import ParsedPhone, parse_phone
from calldesk.store.limits import TextRefused, check_text
from calldesk.store.models import Client, Note, Phone

PREPARE_APART_FROM = 8 << 20  # bytes: below, a second process costs more to start than it saves
HELPERS = 0  # helper processes for a big file; 0: one per core, at most 2
CLIENT_TEXT = ("name", "stage", "company", "address_as", "manner", "tags", "time_zone")
STAGE_KEYS = {**{s: s for s in STAGES}, **{fold(label).replace(" ", "_"): s for s, label in STAGE_NAMES.items()}}


class ReadyRow(NamedTuple):
    """One entry of the file: the client's values and its parsed phones (label, phone), or the reason it is rejected.
    Plain values, not the Contact: a chunk of rows crosses between processes, and dicts of text pickle fast."""

    line: int
    values: dict[str, str] | None  # CLIENT_TEXT: the client's fields as the file gives them; None when rejected
    phones: list[tuple[str, ParsedPhone]]
    reason: str
    note: str = ""
    key: tuple[str, str] = ("", "")  # (folded name, folded company): how a contact with no valid phone is matched
    search_text: str = ""  # the client's search text should it be created with all these phones


Decode = Callable[[Any], Contact]
Rows = Callable[[], list[ReadyRow]]  # what gives a chunk's rows once they are ready


def prepared_rows(decode: Decode, region: str, entries: list[tuple[int, Any]]) -> list[ReadyRow]:
    """Each entry (line, entry as read or the RowProblem that spoils it) made a ReadyRow."""
    rows: list[ReadyRow] = []
    for line, entry in entries:
        try:
            if isinstance(entry, RowProblem):
                raise entry
            contact = _checked(decode(entry))
            phones = _parsed_phones(contact, region)
            rows.append(ReadyRow(line, {key: getattr(contact, key) for key in CLIENT_TEXT}, phones, "", contact.note,
                                 name_key(contact.name, contact.company),
                                 search_text_for(contact.name, contact.company, contact.address_as,
                                                 [phone for _, phone in phones])))
        except RowProblem as problem:
            rows.append(ReadyRow(line, None, [], str(problem)))
    return rows


class Preparer:
    """Prepares chunks of rows: ``prepare(decode, region, entries)`` gives what to call for their rows. A big file's
    chunks go to helper processes, ``ahead`` of them at once, while the caller writes the chunk before; a small
    file's are prepared here, as are a chunk's whose helper cannot start or dies."""

    def __init__(self, pool: ProcessPoolExecutor | None, ahead: int) -> None:
        self.pool, self.ahead = pool, ahead

    def __call__(self, decode: Decode, region: str, entries: list[tuple[int, Any]]) -> Rows:
        if self.pool is not None:
            try:
                job = self.pool.submit(prepared_rows, decode, region, entries)
            except BrokenProcessPool:
                pass
            else:
                return lambda: _result(job, decode, region, entries)
        rows = prepared_rows(decode, region, entries)
        return lambda: rows


@contextmanager
def preparer(file_size: int) -> Iterator[Preparer]:
    """A Preparer for a file of ``file_size`` bytes: a helper process per core for a big file (phone parsing is
    the import's costliest half: on 2 cores, 2 helpers beside the writer took a million rows from 140 s to 90 s)."""
    if file_size < PREPARE_APART_FROM:
        yield Preparer(None, 0)
        return
    helpers = HELPERS or max(1, min(2, os.cpu_count() or 1))
    # spawn, not fork: the console imports from a thread, and a forked child would inherit its locks
    with ProcessPoolExecutor(max_workers=helpers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield Preparer(pool, helpers)


def _result(job: Future[list[ReadyRow]], decode: Decode, region: str, entries: list[tuple[int, Any]]) -> list[ReadyRow]:
    try:
        return job.result()
    except BrokenProcessPool:
        return prepared_rows(decode, region, entries)


def name_key(name: str, company: str) -> tuple[str, str]:
    """How a contact with no valid phone matches a client: the same name and company, folded."""
    return fold(name), fold(company)


def _checked(contact: Contact) -> Contact:
    """The contact ready to store, or RowProblem: a company stands in for a missing name."""
    contact.name = contact.name or contact.company
    if not contact.name:
        raise RowProblem("no name (nor a company to use instead)")
    contact.note = contact.note[:MAX_NOTE_LENGTH]
    for key in CLIENT_TEXT:
        _within_limits(getattr(Client, key), getattr(contact, key))
    _within_limits(Note.body, contact.note)
    contact.stage = _stage(contact.stage)
    if contact.time_zone:
        try:
            ZoneInfo(contact.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise RowProblem(f"time zone {contact.time_zone!r} is not a known zone (e.g. Asia/Kolkata)") from None
    return contact


def _stage(value: str) -> str:
    """A stage by id or by its display name ("Negotiation"); first contact when empty."""
    if not value:
        return "first_contact"
    stage = STAGE_KEYS.get(fold(value).replace(" ", "_"))
    if stage is None:
        raise RowProblem(f"stage {value!r} is not one of {', '.join(STAGES)}")
    return stage


def _parsed_phones(contact: Contact, region: str) -> list[tuple[str, ParsedPhone]]:
    phones: list[tuple[str, ParsedPhone]] = []
    seen: set[str] = set()
    for new in contact.phones:
        _within_limits(Phone.raw, new.raw.strip())  # parse_phone would cut a longer one short
        _within_limits(Phone.label, new.label)
        phone = parse_phone(new.raw, region)
        _within_limits(Phone.extension, phone.extension)
        key = phone.e164 or phone.raw
        if key not in seen:
            seen.add(key)
            phones.append((new.label, phone))
    return phones


def _within_limits(column: Any, value: str) -> None:
    """The database's own limits, checked per row so a bad row is rejected alone, not the chunk it is written in."""
    if not value:
        return  # most optional fields are empty, and empty text breaks no limit: a million rows save seconds
    try:
        check_text(column, value)
    except TextRefused as refused:
        raise RowProblem(str(refused)) from None
