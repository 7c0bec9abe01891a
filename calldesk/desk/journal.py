"""The offline journal: what an operator did while the database was away, kept on this machine until it is back.

One JSON-lines file per operator and database in the user data directory. Each entry has a UUID and is on disk
(flushed, fsynced, its folder fsynced when new) before ``record`` returns, so a console killed the next instant
loses nothing. ``replay`` applies the pending entries in order, each as of the moment it was recorded; the entry's
id goes into ``journal_applied`` in the same transaction as its change, so an entry is applied once, whatever dies
when (the console mid-replay, or the connection just after a commit whose answer never came back). A draft is as
new as its entry's moment: replayed after a newer text of the same notes reached the database, it leaves that be.

``submit`` is the write-ahead way: record, then apply at once if the database answers; an outage leaves the entry
for ``replay``. A line that says an entry is finished follows it in the file; finished entries are pruned now and
then, except refused ones, which stay until a person has seen them.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from peewee import DatabaseError, SqliteDatabase

from calldesk.desk.calls import handling
from calldesk.desk.clients import notes
from calldesk.desk.clock import Clock, ManualClock, SystemClock
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, UnknownOperator
from calldesk.store.failures import is_away, problem
from calldesk.store.models import JournalApplied, Operator, database

PRUNE_AFTER = 200  # finished entries kept before the file is rewritten without them


# --- what can be journaled, and how each is applied ------------------------------------------------------------------


def _note(desk: Desk, operator_id: int, *, body: str, client_id: int | None = None,
          call_id: int | None = None) -> int | None:
    return notes.add_note(desk, operator_id, client_id, call_id, body)


def _draft(desk: Desk, operator_id: int, *, body: str, call_id: int | None = None,
           client_id: int | None = None) -> bool:
    return notes.save_draft(desk, operator_id, call_id, client_id, body)


def _wrap_up(desk: Desk, operator_id: int, *, call_id: int, disposition: str, note: str = "") -> None:
    handling.wrap_up(desk, call_id, operator_id, disposition, note)


def _callback(desk: Desk, operator_id: int, **request: Any) -> int:
    from calldesk.desk.callbacks.promises import (  # the console starts without the rules
        CallbackRequest,
        create_callback,
    )

    due_at = request["due_at"]
    request["due_at"] = datetime.fromisoformat(due_at) if isinstance(due_at, str) else due_at
    return create_callback(desk, operator_id, CallbackRequest(**request))


KINDS: dict[str, Callable[..., Any]] = {"note": _note, "draft": _draft, "wrap_up": _wrap_up, "callback": _callback}


def _check_payload(kind: str, payload: dict[str, Any]) -> None:
    """A wrong entry fails when it is recorded, in front of the programmer, not at replay."""
    if kind not in KINDS:
        raise ValueError(f"journal: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    if kind == "callback":
        from calldesk.desk.callbacks.promises import CallbackRequest

        signature, leading = inspect.signature(CallbackRequest), ()
    else:
        signature, leading = inspect.signature(KINDS[kind]), (None, None)  # the desk and the operator
    try:
        signature.bind(*leading, **payload)
    except TypeError as exc:
        raise ValueError(f"journal: {kind}: {exc}") from None


# --- telling an outage from a refusal --------------------------------------------------------------------------------


def is_outage(exc: BaseException) -> bool:
    """True when the database could not be reached or went away mid-way, so the change may be journaled and replayed;
    False for a rule's refusal or a change the database itself rejected (retrying would not help)."""
    return is_away(exc)  # store/failures.py tells the two apart


def _reconnect_next_time() -> None:
    """Peewee keeps a dead connection open; close it so the next query dials again."""
    try:
        if not database.is_closed():
            database.close()
    except DatabaseError:
        pass  # closing a connection the server already dropped


# --- entries and reports --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One change an operator made, kept in the journal until the database has applied it."""

    id: str
    kind: str
    payload: dict[str, Any]
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """What a replay of the journal did with each pending entry."""

    applied: tuple[JournalEntry, ...] = ()
    already_applied: tuple[JournalEntry, ...] = ()  # an earlier replay, or the first attempt, got there first
    refused: tuple[tuple[JournalEntry, str], ...] = ()  # a rule said no: show the operator, with the reason

    @property
    def total(self) -> int:
        return len(self.applied) + len(self.already_applied) + len(self.refused)


@dataclass(frozen=True, slots=True)
class Submitted:
    """What ``submit`` did: the change applied at once, or left in the journal for ``replay``."""

    entry_id: str
    applied: bool  # False: the database is away; the entry waits in the journal for ``replay``
    result: Any = None  # the new note's or call-back's id, when the change made one


class _Contents:
    """The journal file as read back: its entries, and what the lines after them say became of each."""

    def __init__(self) -> None:
        self.entries: list[JournalEntry] = []
        self.finished: dict[str, str] = {}  # entry id -> "" when applied, else why it was refused
        self.refusal_seen: set[str] = set()


# --- the journal ----------------------------------------------------------------------------------------------------


def journal_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("calldesk")) / "journal"


def _database_identity() -> str:
    """Which database the entries belong to (their ids mean nothing elsewhere), without any password."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return f"sqlite:{os.path.realpath(db.database)}"
    params = db.connect_params
    return f"postgresql:{params.get('host')}:{params.get('port')}/{db.database}?{params.get('options', '')}"


class Journal:
    """One operator's journal for the database the desk is bound to. Use it from one thread (the database one)."""

    def __init__(self, path: Path, login: str, clock: Clock | None = None) -> None:
        self.path = path
        self.login = login
        self.clock = clock or SystemClock()  # stamps each entry: it is replayed as of that moment
        self._last_at: datetime | None = None

    @classmethod
    def for_operator(cls, login: str, *, clock: Clock | None = None, folder: Path | None = None) -> Journal:
        """The journal of ``login`` on the database the desk is bound to (pass the desk's clock)."""
        digest = hashlib.sha256(_database_identity().encode()).hexdigest()[:12]
        return cls((folder or journal_folder()) / f"{quote(login, safe='')}-{digest}.jsonl", login, clock)

    # --- writing ---

    def record(self, kind: str, **payload: Any) -> str:
        """Keep one change durably on this machine; returns the entry's id."""
        _check_payload(kind, payload)
        entry_id = str(uuid.uuid4())
        self._append({"id": entry_id, "kind": kind, "at": self._stamp().isoformat(), "payload": payload})
        return entry_id

    def _stamp(self) -> datetime:
        """Now, never before the last entry: a draft is as new as its stamp, and a clock set back must not make the
        text typed next look older than the text before it."""
        now = self.clock.now()
        self._last_at = now if self._last_at is None else max(now, self._last_at)
        return self._last_at

    def _append(self, line: dict[str, Any]) -> None:
        data = (json.dumps(line, ensure_ascii=False, default=_jsonable) + "\n").encode()
        created = not self.path.exists()
        if created:
            _make_folder(self.path.parent)
        with self._locked() as fd:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a line torn by a crash ends here; the next one starts clean
            os.write(fd, data)
            os.fsync(fd)
        if created:
            _fsync_folder(self.path.parent)

    @contextmanager
    def _locked(self) -> Iterator[int]:
        """The file, open for appending and locked against another console of the same operator on this machine
        (if a prune replaced the file while this one waited for the lock, the new file is opened instead)."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                break
            os.close(fd)
        try:
            yield fd
        finally:
            os.close(fd)

    # --- reading ---

    def _read(self) -> _Contents:
        contents = _Contents()
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return contents
        for raw in lines:
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # torn by a crash before ``record`` returned: that entry was never promised
            if "done" in line:
                contents.finished[line["done"]] = line.get("refused", "")
            elif "seen" in line:
                contents.refusal_seen.add(line["seen"])
            else:
                contents.entries.append(JournalEntry(line["id"], line["kind"], line["payload"],
                                                     datetime.fromisoformat(line["at"])))
        return contents

    def pending(self) -> list[JournalEntry]:
        """Entries not yet in the database, oldest first."""
        contents = self._read()
        return [entry for entry in contents.entries if entry.id not in contents.finished]

    def refused(self) -> list[tuple[JournalEntry, str]]:
        """Entries the desk's rules turned down at replay, with the reason, until ``dismiss`` says they were seen."""
        contents = self._read()
        return [(entry, contents.finished[entry.id]) for entry in contents.entries
                if contents.finished.get(entry.id) and entry.id not in contents.refusal_seen]

    def dismiss(self, entry_id: str) -> None:
        """The operator has seen a refused entry (and redone what they wanted by hand)."""
        self._append({"seen": entry_id})

    # --- applying ---

    def replay(self, desk: Desk) -> ReplayReport:
        """Apply every pending entry in order. An outage stops it (the exception propagates; what was applied stays
        applied, the rest waits); a refusal is reported and the replay goes on."""
        applied, already, refused = [], [], []
        for entry, outcome, detail in self._replay(desk):
            if outcome == "applied":
                applied.append(entry)
            elif outcome == "already":
                already.append(entry)
            else:
                refused.append((entry, detail))
        return ReplayReport(tuple(applied), tuple(already), tuple(refused))

    def submit(self, desk: Desk, kind: str, **payload: Any) -> Submitted:
        """Record, then apply at once (after any older pending entries: the order is the operator's). A refusal
        is raised as usual and not kept for later: the operator sees it now."""
        entry_id = self.record(kind, **payload)
        try:
            outcomes = self._replay(desk)
        except Exception as exc:
            if not is_outage(exc):
                raise
            return Submitted(entry_id, applied=False)
        [(_, outcome, detail)] = [o for o in outcomes if o[0].id == entry_id]
        if outcome == "refused":
            self.dismiss(entry_id)
            raise DeskError(detail)
        return Submitted(entry_id, applied=True, result=detail)

    def _replay(self, desk: Desk) -> list[tuple[JournalEntry, str, Any]]:
        pending = self.pending()
        if not pending:
            return []
        try:
            operator_id = self._operator_id()
            outcomes = [(entry, *self._apply(desk, operator_id, entry)) for entry in pending]
        except Exception as exc:
            if is_outage(exc):
                _reconnect_next_time()
            raise
        self._prune()
        return outcomes

    def _operator_id(self) -> int:
        operator = Operator.get_or_none(Operator.login == self.login)
        if operator is None:
            raise UnknownOperator(f"operator {self.login!r} is not known here: their journal waits in {self.path}")
        return operator.id

    def _apply(self, desk: Desk, operator_id: int, entry: JournalEntry) -> tuple[str, Any]:
        """("applied", result), ("already", None) or ("refused", why); an outage raises. The entry's line in the file
        is closed either way, after the database has the change."""
        as_then = replace(desk, clock=ManualClock(entry.recorded_at))  # the note keeps the time it was typed
        try:
            with database.atomic():
                if JournalApplied.select().where(JournalApplied.entry_id == entry.id).exists():
                    outcome: tuple[str, Any] = ("already", None)
                else:
                    result = KINDS[entry.kind](as_then, operator_id, **entry.payload)
                    JournalApplied.create(entry_id=entry.id, operator=self.login, kind=entry.kind,
                                          applied_at=desk.clock.now())
                    outcome = ("applied", result)
        except DeskError as exc:
            outcome = ("refused", str(exc))
        except DatabaseError as exc:
            if is_outage(exc):
                raise
            if JournalApplied.select().where(JournalApplied.entry_id == entry.id).exists():
                outcome = ("already", None)  # another console of this operator replayed it a moment ago
            else:
                outcome = ("refused", f"the database refused it: {problem(exc)}")
        self._append({"done": entry.id, **({"refused": outcome[1]} if outcome[0] == "refused" else {})})
        return outcome

    def _prune(self) -> None:
        """Rewrite the file without finished entries once there are many, keeping refusals nobody has seen."""
        with self._locked():
            contents = self._read()
            if len(contents.finished) < PRUNE_AFTER:
                return
            keep = [e for e in contents.entries
                    if e.id not in contents.finished
                    or (contents.finished[e.id] and e.id not in contents.refusal_seen)]
            lines = []
            for entry in keep:
                lines.append({"id": entry.id, "kind": entry.kind, "at": entry.recorded_at.isoformat(),
                              "payload": entry.payload})
                if entry.id in contents.finished:
                    lines.append({"done": entry.id, "refused": contents.finished[entry.id]})
            fresh = self.path.with_suffix(".tmp")
            fresh.unlink(missing_ok=True)  # a leftover of a crash keeps its own mode: the rewrite starts afresh
            text = "".join(json.dumps(line, ensure_ascii=False, default=_jsonable) + "\n" for line in lines)
            # Only its operator reads the journal: the notes in it are clients' words, as private as the database
            with open(os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as written:
                written.write(text)
                written.flush()
                os.fsync(written.fileno())
            os.replace(fresh, self.path)
            _fsync_folder(self.path.parent)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"journal: {type(value).__name__} cannot be kept in the journal")


def _make_folder(folder: Path) -> None:
    """Create the folder (and parents) so that the new names survive a power cut."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)
        _fsync_folder(new.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
