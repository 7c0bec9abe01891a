"""A row of a contacts file made ready to merge: its contact checked (a name, a known stage and zone, text the database
can keep, store/limits.py) and its phones parsed, or the reason it cannot be.

This is the pure, per-row half of a client import and its costly one (a phone number takes 30-60 microseconds to
parse): a big file has it done in a second process, one chunk ahead of the writes (``preparer``), so both halves
run at once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calldesk.desk.client_files import Contact, RowProblem
from calldesk.desk.clients import STAGE_NAMES, STAGES, fold
from calldesk.desk.notes import MAX_NOTE_LENGTH
from calldesk.phones import ParsedPhone, parse_phone
from calldesk.store.limits import TextRefused, check_text
from calldesk.store.models import Client, Note, Phone

PREPARE_APART_FROM = 8 << 20  # bytes: below, a second process costs more to start than it saves
CLIENT_TEXT = ("name", "stage", "company", "address_as", "manner", "tags", "time_zone")
STAGE_KEYS = {**{s: s for s in STAGES}, **{fold(label).replace(" ", "_"): s for s, label in STAGE_NAMES.items()}}


class ReadyRow(NamedTuple):
    """One entry of the file: its contact and parsed phones (label, phone), or the reason it is rejected."""

    line: int
    contact: Contact | None
    phones: list[tuple[str, ParsedPhone]]
    reason: str


Prepare = Callable[[Callable[[Any], Contact], str, list[tuple[int, Any]]], Callable[[], list[ReadyRow]]]


def prepared_rows(decode: Callable[[Any], Contact], region: str, entries: list[tuple[int, Any]]) -> list[ReadyRow]:
    """Each entry (line, entry as read or the RowProblem that spoils it) made a ReadyRow."""
    rows: list[ReadyRow] = []
    for line, entry in entries:
        try:
            if isinstance(entry, RowProblem):
                raise entry
            contact = _checked(decode(entry))
            rows.append(ReadyRow(line, contact, _parsed_phones(contact, region), ""))
        except RowProblem as problem:
            rows.append(ReadyRow(line, None, [], str(problem)))
    return rows


@contextmanager
def preparer(file_size: int) -> Iterator[Prepare]:
    """A way to prepare a chunk: ``prepare(decode, region, entries)`` gives what to call for its rows. A big file's
    chunks go to a second process, so the rows come while the caller writes the chunk before; should that process
    be unable to start or die, the rows are prepared here, as a small file's are."""
    if file_size < PREPARE_APART_FROM:
        yield _here
        return
    # spawn, not fork: the console imports from a thread, and a forked child would inherit its locks
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:

        def apart(decode: Callable[[Any], Contact], region: str,
                  entries: list[tuple[int, Any]]) -> Callable[[], list[ReadyRow]]:
            try:
                job = pool.submit(prepared_rows, decode, region, entries)
            except BrokenProcessPool:
                return _here(decode, region, entries)

            def rows() -> list[ReadyRow]:
                try:
                    return job.result()
                except BrokenProcessPool:
                    return prepared_rows(decode, region, entries)

            return rows

        yield apart


def _here(decode: Callable[[Any], Contact], region: str,
          entries: list[tuple[int, Any]]) -> Callable[[], list[ReadyRow]]:
    rows = prepared_rows(decode, region, entries)
    return lambda: rows


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
