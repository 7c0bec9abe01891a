"""Importing clients from a phone book or a spreadsheet, merged into the clients the desk already knows.

A contact is matched to a client by the E.164 of any of its valid numbers (a contact with none: by name and
company) and merged: new phones are added and empty fields filled, so importing the same file twice changes nothing
and a phone book holding the same person twice yields one client. An unverified number ("12345") matches nobody:
junk shared by many rows must not fuse strangers. The file streams in chunks of rows: one bulk lookup, one
transaction and one progress report each; a progress callback that raises stops the import between chunks. Memory
stays bounded: each row is checked against the database's limits (store/limits.py) before its chunk, so one bad row
is rejected alone; rejected rows go to the report file as they come; and what the import knows of clients is
forgotten once each chunk is written (later chunks find them in the database). A dry run writes nothing, so it
remembers every client it would create. Rows are made ready (checked, phones parsed: desk/clients/import_rows.py)
a chunk ahead, in a second process for a big file.
"""

from __future__ import annotations

import csv
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

import phonenumbers
from peewee import DatabaseError

from calldesk.desk.clients.directory import search_text_for
from calldesk.desk.clients.import_files import open_client_file
from calldesk.desk.clients.import_rows import ReadyRow, Rows, name_key, preparer
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.i18n import _
from calldesk.interpreter import collector_paused
from calldesk.phones import ParsedPhone, reversed_digits
from calldesk.store.bulk import insert_rows
from calldesk.store.errors import StoreError
from calldesk.store.failures import problem
from calldesk.store.models import AuditEvent, Client, Note, Phone, database
from calldesk.store.prepared import Prepared

CHUNK = 5_000  # rows per lookup, transaction and progress report (docs/performance.md: time and memory)
FILLABLE = ("company", "address_as", "manner", "tags", "time_zone")  # filled on a merge when empty
REJECTS_KEPT = 1000  # rejected rows kept for the summary to show; all of them go to the report file
CLIENT_VALUES = ("name", "stage", *FILLABLE)
CLIENT_COLUMNS = (*(getattr(Client, k) for k in CLIENT_VALUES), Client.search_text, Client.created_at,
                  Client.updated_at)
PHONE_COLUMNS = (Phone.client, Phone.raw, Phone.e164, Phone.extension, Phone.label, Phone.valid,
                 Phone.reversed_digits)
AUDIT_COLUMNS = (AuditEvent.actor, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.action, AuditEvent.before,
                 AuditEvent.after, AuditEvent.at)

# Each chunk looks up thousands of numbers and names: these are built once (see store.prepared).
_OWNERS_OF_NUMBERS = Prepared(lambda numbers: Phone.select(Phone.e164, Phone.client).where(
    Phone.e164.in_(numbers) & Phone.valid))
_CLIENTS_NAMED = Prepared(lambda names: Client.select(Client.id, Client.name, Client.company).where(
    Client.name.in_(names)))
_CLIENTS = Prepared(lambda ids: Client.select(Client.id, *CLIENT_COLUMNS[:len(CLIENT_VALUES)]).where(
    Client.id.in_(ids)))
_PHONES_OF = Prepared(lambda ids: Phone.select(Phone.client, Phone.raw, Phone.e164, Phone.extension, Phone.valid)
                      .where(Phone.client.in_(ids)).order_by(Phone.id))

Progress = Callable[[int, int], None]  # (bytes read, bytes in the file)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """An entry of the file the import could not take, and why, as the report lists it."""

    line: int  # the line it starts on (a vCard: its BEGIN:VCARD), as an editor numbers them
    reason: str


@dataclass
class ImportSummary:
    """What a client import did (or, on a dry run, would do), counted for the report."""

    file: str
    kind: str
    columns: dict[str, tuple[str, ...]]
    dry_run: bool
    rows: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    phones_added: int = 0
    unverified: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)  # the first REJECTS_KEPT
    rejected_count: int = 0

    def describe(self) -> str:
        """One line, in the console's words: what was (or, on a dry run, would be) done."""
        if self.dry_run:
            line = _("{rows} rows: {created} clients would be created, {merged} would be merged, {unchanged} "
                     "unchanged, {rejected} rejected; {phones} phones would be added ({unverified} unverified)")
        else:
            line = _("{rows} rows: {created} clients created, {merged} merged, {unchanged} unchanged, {rejected} "
                     "rejected; {phones} phones added ({unverified} unverified)")
        return line.format(rows=self.rows, created=self.created, merged=self.merged, unchanged=self.unchanged,
                           rejected=self.rejected_count, phones=self.phones_added, unverified=self.unverified)


@dataclass(eq=False)
class _Client:
    """A client as the import sees it: read from the store once, then kept up to date in memory."""

    id: int | None  # None until written (and for ever on a dry run)
    values: dict[str, str]
    phones: list[ParsedPhone]
    unverified_keys: set[str]  # E.164 or raw of the phones that are not valid: they match no other client
    note: str = ""  # the file's note on a client it creates, kept on the dossier
    search_text: str = ""  # as prepared with its row, while still true of the client; else worked out when written
    filled: dict[str, str] = field(default_factory=dict)  # fields filled since the last write
    new_phones: list[tuple[str, ParsedPhone]] = field(default_factory=list)  # (label, phone) not yet written


def import_clients(desk: Desk, path: Path, *, mapping: dict[str, list[str]] | None = None, region: str | None = None,
                   dry_run: bool = False, progress: Progress | None = None, actor: str = "system",
                   report: Path | None = None) -> ImportSummary:
    """Import a CSV, vCard or JSON lines file of clients; on a dry run nothing is written but the counts are real.
    Rejected rows are written to ``report`` (CSV: line, reason) as they are found; it is removed if none are."""
    region = (region or desk.region).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise DeskError(f"region {region!r} is not a known region code (e.g. IN, GB, US)")
    with open_client_file(path, mapping) as source, _rejected_rows(report) as write_rejected, collector_paused():
        summary = ImportSummary(str(path), source.kind, source.columns, dry_run)

        def reject(line: int, reason: str) -> None:
            summary.rejected_count += 1
            if len(summary.rejected) < REJECTS_KEPT:
                summary.rejected.append(RejectedRow(line, reason))
            write_rejected(line, reason)

        merger = _Merger(desk, dry_run, actor, os.fsencode(path.name).decode("utf-8", "backslashreplace"))
        if progress:
            progress(0, source.lines.size)
        with preparer(source.lines.size) as prepare:
            in_flight: deque[tuple[int, Rows]] = deque()  # (first line, its rows) prepared while others are written

            def write_oldest() -> None:
                merger.write_chunk(*in_flight.popleft(), summary, reject)
                if progress:
                    progress(min(source.lines.position, source.lines.size), source.lines.size)

            for chunk in iter(lambda: list(islice(source.entries, CHUNK)), []):
                summary.rows += len(chunk)
                in_flight.append((chunk[0][0], prepare(source.decode, region, chunk)))
                while len(in_flight) > prepare.ahead:
                    write_oldest()
            while in_flight:
                write_oldest()
            return summary


@contextmanager
def _rejected_rows(path: Path | None) -> Iterator[Callable[[int, str], None]]:
    """A writer of rejected rows to ``path``, opened first so that a path it cannot write stops the import before
    anything is imported; the file is removed when nothing was rejected."""
    if path is None:
        yield lambda line, reason: None
        return
    try:
        out: TextIO = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise DeskError(f"{path}: cannot write the report ({exc.strerror})") from None
    written = 0
    with out:
        writer = csv.writer(out)
        writer.writerow(("line", "reason"))

        def write(line: int, reason: str) -> None:
            nonlocal written
            written += 1
            writer.writerow((line, reason))

        yield write
    if not written:
        path.unlink(missing_ok=True)


class _Merger:
    """Matches contacts to clients across the whole run, so duplicates in one file are found too."""

    def __init__(self, desk: Desk, dry_run: bool, actor: str, file_name: str) -> None:
        self.desk, self.dry_run, self.actor, self.file_name = desk, dry_run, actor, file_name
        self.by_phone: dict[str, _Client] = {}  # E.164 -> the client holding it
        self.by_name: dict[tuple[str, str], _Client] = {}  # (folded name, folded company) -> client
        self.loaded: dict[int, _Client] = {}
        self.phones_looked_up: set[str] = set()
        self.names_looked_up: set[str] = set()

    def write_chunk(self, first_line: int, rows: Rows, summary: ImportSummary,
                    reject: Callable[[int, str], None]) -> None:
        """Merge a chunk (written unless this is a dry run); a database failure says how far the import got."""
        try:
            self.import_chunk(rows(), summary, reject)
        except DatabaseError as exc:
            raise StoreError(f"database: {problem(exc)}; the rows before line {first_line} are in, and importing "
                             "the file again finishes the job") from exc

    def import_chunk(self, rows: list[ReadyRow], summary: ImportSummary, reject: Callable[[int, str], None]) -> None:
        contacts: list[ReadyRow] = []
        for row in rows:
            if row.values is None:
                reject(row.line, row.reason)
            else:
                contacts.append(row)
        self._look_up(contacts)
        created: list[_Client] = []
        changed: dict[int, _Client] = {}
        for row in contacts:
            target = self._match(row)
            is_new = target is None
            if target is None:
                target = self._new_client(row)
                created.append(target)
            filled = not is_new and self._fill(target, row.values)
            added = self._add_phones(target, row.phones)
            if not is_new and (filled or added):
                target.search_text = ""  # no longer its first row's: worked out again when written
            summary.phones_added += len(added)
            summary.unverified += sum(1 for p in added if not p.valid)
            if is_new:
                summary.created += 1
            elif filled or added:
                summary.merged += 1
            else:
                summary.unchanged += 1
            if target.id is not None and (target.filled or target.new_phones):
                changed[target.id] = target
        if not self.dry_run:
            self._write(created, list(changed.values()))
            self._forget()
        for client in (*created, *changed.values()):
            client.filled, client.new_phones = {}, []

    def _forget(self) -> None:
        """The chunk is written: the next one finds these clients in the database, so memory holds one chunk's."""
        self.by_phone.clear()
        self.by_name.clear()
        self.loaded.clear()
        self.phones_looked_up.clear()
        self.names_looked_up.clear()

    def _look_up(self, contacts: list[ReadyRow]) -> None:
        """Find the stored clients this chunk may merge into, in a few bulk queries."""
        numbers = {p.e164 for row in contacts for _, p in row.phones if p.valid} - self.phones_looked_up
        names = {row.values["name"] for row in contacts if not any(p.valid for _, p in row.phones)}
        names -= self.names_looked_up
        self.phones_looked_up |= numbers
        self.names_looked_up |= names
        owners = _OWNERS_OF_NUMBERS.rows_in_batches("numbers", sorted(numbers))
        named = _CLIENTS_NAMED.rows_in_batches("names", sorted(names))
        self._load({client_id for _, client_id in owners} | {client_id for client_id, _, _ in named})
        for e164, client_id in sorted(owners, key=lambda owner: owner[1]):  # the oldest client wins a shared number
            self.by_phone.setdefault(e164, self.loaded[client_id])
        for client_id, name, company in sorted(named):
            self.by_name.setdefault(name_key(name, company), self.loaded[client_id])

    def _load(self, ids: set[int]) -> None:
        ids -= self.loaded.keys()
        for client_id, *values in _CLIENTS.rows_in_batches("ids", sorted(ids)):
            self.loaded[client_id] = _Client(client_id, dict(zip(CLIENT_VALUES, values, strict=True)), [], set())
        for client_id, raw, e164, extension, valid in _PHONES_OF.rows_in_batches("ids", sorted(ids)):
            client = self.loaded[client_id]
            client.phones.append(ParsedPhone(raw, e164, extension, bool(valid)))
            if valid:
                self.by_phone.setdefault(e164, client)
            else:
                client.unverified_keys.add(e164 or raw)

    def _match(self, row: ReadyRow) -> _Client | None:
        numbers = [p.e164 for _, p in row.phones if p.valid]
        for e164 in numbers:
            if e164 in self.by_phone:
                return self.by_phone[e164]
        if numbers:
            return None
        return self.by_name.get(row.key)

    def _new_client(self, row: ReadyRow) -> _Client:
        client = _Client(None, {k: row.values[k] for k in CLIENT_VALUES}, [], set(), note=row.note,
                         search_text=row.search_text)
        self.by_name.setdefault(row.key, client)
        return client

    def _fill(self, target: _Client, values: dict[str, str]) -> bool:
        """Fill the target's empty fields from the row's values; True when something changed."""
        changed = False
        for key in FILLABLE:
            value = values[key]
            if value and not target.values[key]:
                target.values[key] = target.filled[key] = value
                changed = True
        return changed

    def _add_phones(self, target: _Client, phones: list[tuple[str, ParsedPhone]]) -> list[ParsedPhone]:
        """Give the target the contact's valid numbers no client holds yet, and unverified ones it lacks."""
        added: list[ParsedPhone] = []
        for label, phone in phones:
            if phone.valid:
                if phone.e164 in self.by_phone:
                    continue
                self.by_phone[phone.e164] = target
            elif (phone.e164 or phone.raw) in target.unverified_keys:
                continue
            else:
                target.unverified_keys.add(phone.e164 or phone.raw)
            target.phones.append(phone)
            target.new_phones.append((label, phone))
            added.append(phone)
        return added

    def _write(self, created: list[_Client], changed: list[_Client]) -> None:
        now = self.desk.clock.now()
        at = Client.created_at.db_value(now)
        with database.atomic():
            ids = insert_rows(Client, CLIENT_COLUMNS, [
                (*(c.values[k] for k in CLIENT_VALUES), self._search_text(c), at, at) for c in created
            ], return_ids=True)
            for client, client_id in zip(created, ids, strict=True):
                client.id = client_id
            for client in changed:
                Client.update(**client.filled, search_text=self._search_text(client), updated_at=now).where(
                    Client.id == client.id
                ).execute()
            insert_rows(Phone, PHONE_COLUMNS, [
                (c.id, p.raw, p.e164, p.extension, label, p.valid, reversed_digits(p.e164 or p.raw))
                for c in (*created, *changed) for label, p in c.new_phones
            ])
            insert_rows(Note, (Note.client, Note.body, Note.created_at),
                        [(c.id, c.note, at) for c in created if c.note])
            insert_rows(AuditEvent, AUDIT_COLUMNS, [
                *(self._audit(c, "import", {}, at) for c in created),
                *(self._audit(c, "import_merge", dict.fromkeys(c.filled, ""), at) for c in changed),
            ])

    def _search_text(self, client: _Client) -> str:
        if client.search_text:
            return client.search_text
        v = client.values
        return search_text_for(v["name"], v["company"], v["address_as"], client.phones)

    def _audit(self, client: _Client, action: str, before: dict[str, str], at: float) -> tuple[Any, ...]:
        """One audit event per client, as audit.record writes them: who, what, from what to what."""
        after: dict[str, Any] = dict(client.values) if action == "import" else dict(client.filled)
        after["phones"] = [p.e164 or p.raw for _, p in client.new_phones]
        after["file"] = self.file_name
        return (self.actor, "client", client.id, action,
                json.dumps(before, ensure_ascii=False, sort_keys=True) if before else "",
                json.dumps(after, ensure_ascii=False, sort_keys=True), at)
