"""Clients and their phones: creating them, matching a caller ID, and finding them by name, company or digits."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import fn

from calldesk.desk import audit
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.i18n import N_, _
from calldesk.phones import ParsedPhone, digits_of, format_phone, parse_phone, reversed_digits
from calldesk.store.models import Client, Phone, database
from calldesk.store.prepared import Prepared
from calldesk.store.search import search_client_ids

STAGES = ("first_contact", "negotiation", "contract", "execution")
STAGE_NAMES = {  # English: a client file may name the stage so (client_rows); the console shows them through _()
    "first_contact": N_("First contact"),
    "negotiation": N_("Negotiation"),
    "contract": N_("Contract"),
    "execution": N_("Execution"),
}
# The labels calldesk itself gives phones (the demo, a vCard's TYPE, a CSV's "Mobile Phone" column), shown through _();
# any other label is the client file's own word and shown as written
PHONE_LABELS = {"mobile": N_("mobile"), "office": N_("office"), "work": N_("work"), "home": N_("home"),
                "main": N_("main"), "fax": N_("fax"), "pager": N_("pager"), "iphone": N_("iphone"),
                "other": N_("other")}
MIN_TAIL_DIGITS = 6  # a caller ID shorter than this matches no stored number by its tail
SEARCH_LIMIT = 50
SEARCH_WORDS = 8  # the longest words of a query are searched: more narrow nothing, and hundreds overflow the parser


@dataclass(frozen=True, slots=True)
class ClientHit:
    """A client found by name, company or digits, as the find-client dialog lists them."""

    id: int
    name: str
    company: str
    phone: str  # the first phone, formatted for display


@dataclass(frozen=True, slots=True)
class NewPhone:
    """A phone number to give a client, as typed, with its label (mobile, work...) if it has one."""

    raw: str
    label: str = ""


def search_text_for(name: str, company: str, address_as: str, phones: list[ParsedPhone]) -> str:
    """What find_clients scans: folded words and every phone's digits, national form included."""
    parts = [name, company, address_as]
    for phone in phones:
        digits = phone.digits
        parts.append(digits)
        national = digits_of(phone.raw).lstrip("0")
        if national and national not in digits:
            parts.append(national)
    return fold(" ".join(p for p in parts if p))


_SPACES = re.compile(r"[\s\x00]+")  # NUL too: PostgreSQL refuses it in text


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching; Devanagari and other scripts pass through."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _parse_all(desk: Desk, phones: list[NewPhone]) -> list[tuple[NewPhone, ParsedPhone]]:
    return [(p, parse_phone(p.raw, desk.region)) for p in phones if p.raw.strip()]


def create_client(desk: Desk, name: str, phones: list[NewPhone], *, company: str = "", address_as: str = "",
                  manner: str = "", stage: str = "first_contact", actor: str = "system") -> int:
    """Create a client with their phones; an unparsable phone is kept and marked unverified."""
    name = name.strip()
    if not name:
        raise DeskError(_("a client needs a name"))
    if stage not in STAGES:
        raise DeskError(_("stage {stage} is not one of {stages}").format(stage=repr(stage), stages=", ".join(STAGES)))
    parsed = _parse_all(desk, phones)
    now = desk.clock.now()
    with database.atomic():
        client = Client.create(
            name=name, company=company.strip(), address_as=address_as.strip(), manner=manner.strip(),
            stage=stage, created_at=now, updated_at=now,
            search_text=search_text_for(name, company, address_as, [p for _typed, p in parsed]),
        )
        for new, phone in parsed:
            _insert_phone(client.id, new, phone)
        audit.record(desk, actor, "client", client.id, "create", after={"name": name, "company": company})
    return client.id


def _insert_phone(client_id: int, new: NewPhone, phone: ParsedPhone) -> None:
    Phone.create(
        client=client_id, raw=phone.raw, e164=phone.e164, extension=phone.extension, label=new.label,
        valid=phone.valid, reversed_digits=reversed_digits(phone.e164 or phone.raw),
    )


def update_client(desk: Desk, client_id: int, actor: str, **changes: str) -> None:
    """Change name, company, address_as, manner, stage, tags or time_zone; audited field by field."""
    allowed = {"name", "company", "address_as", "manner", "stage", "tags", "time_zone"}
    unknown = set(changes) - allowed
    if unknown:
        raise DeskError(_("cannot change {fields} of a client").format(fields=", ".join(sorted(unknown))))
    if "stage" in changes and changes["stage"] not in STAGES:
        raise DeskError(_("stage {stage} is not one of {stages}").format(
            stage=repr(changes["stage"]), stages=", ".join(STAGES)))
    if "name" in changes and not changes["name"].strip():
        raise DeskError(_("a client needs a name"))
    with database.atomic():
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            raise NotFound(_("client {client} does not exist").format(client=client_id))
        after = {k: v.strip() for k, v in changes.items() if getattr(client, k) != v.strip()}  # what really changes
        if not after:
            return
        before = {k: getattr(client, k) for k in after}
        for key, value in after.items():
            setattr(client, key, value)
        client.updated_at = desk.clock.now()
        client.save()
        _refresh_search_text(client)
        audit.record(desk, actor, "client", client_id, "update", before=before, after=after)


def add_phone(desk: Desk, client_id: int, raw: str, label: str = "", actor: str = "system") -> ParsedPhone:
    phone = parse_phone(raw, desk.region)
    with database.atomic():
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            raise NotFound(_("client {client} does not exist").format(client=client_id))
        _insert_phone(client_id, NewPhone(raw, label), phone)
        _refresh_search_text(client)
        audit.record(desk, actor, "phone", client_id, "add", after={"raw": raw, "e164": phone.e164})
    return phone


def _refresh_search_text(client: Client) -> None:
    phones = [ParsedPhone(p.raw, p.e164, p.extension, p.valid) for p in client.phones]
    text = search_text_for(client.name, client.company, client.address_as, phones)
    if text != client.search_text:
        Client.update(search_text=text).where(Client.id == client.id).execute()


def match_caller(desk: Desk, number: str) -> int | None:
    """The client a caller ID belongs to: by E.164, else by the number's tail (a PBX that drops the area code)."""
    return match_phones(desk, [parse_phone(number, desk.region)])[0]


# Every caller the PBX reports is matched: these are built once (see store.prepared).
_PHONES_BY_E164 = Prepared(lambda numbers: Phone.select(Phone.e164, Phone.client).where(
    Phone.e164.in_(numbers)
).order_by(Phone.id))
_PHONES_BY_TAIL = Prepared(lambda tail, tail_end: Phone.select(Phone.client).where(
    (Phone.reversed_digits >= tail) & (Phone.reversed_digits < tail_end)
).order_by(Phone.id).limit(2))


def match_phones(desk: Desk, phones: Sequence[ParsedPhone]) -> list[int | None]:
    """match_caller for caller IDs already parsed, in order: one query for all their E.164 forms, then one for
    each number left over by its tail. A burst of calls from the PBX is matched in a few queries."""
    wanted = sorted({p.e164 for p in phones if p.e164})
    by_e164: dict[str, int] = {}
    for e164, client_id in _PHONES_BY_E164.rows_in_batches("numbers", wanted):
        by_e164.setdefault(e164, client_id)  # the first phone stored with the number
    return [by_e164[p.e164] if p.e164 in by_e164 else _match_tail(p) for p in phones]


def _match_tail(phone: ParsedPhone) -> int | None:
    digits = digits_of(phone.raw)
    if phone.extension and digits.endswith(phone.extension):
        digits = digits[: -len(phone.extension)]  # the extension is not part of the line's number
    tail = digits[::-1].rstrip("0")  # a trunk zero is not part of the tail
    if len(tail) < MIN_TAIL_DIGITS:
        return None
    rows = _PHONES_BY_TAIL.rows(tail=tail, tail_end=tail + "\uffff")
    distinct = {client_id for client_id, in rows}
    return rows[0][0] if len(distinct) == 1 else None  # two clients share the tail: not a match


def sample_client_numbers(limit: int, rng: random.Random) -> list[str]:
    """E.164 numbers of known clients' valid phones, picked at random (no repeats): what the simulator rings with."""
    low, high = Phone.select(fn.MIN(Phone.id), fn.MAX(Phone.id)).scalar(as_tuple=True)
    if low is None:
        return []
    numbers: list[str] = []
    for _draw in range(limit * 3):  # a few extra draws make up for repeats and unverified phones
        if len(numbers) == limit:
            break
        start = rng.randint(low, high)
        row = (
            Phone.select(Phone.e164)
            .where((Phone.id >= start) & Phone.valid & Phone.e164.is_null(False))
            .order_by(Phone.id)
            .first()
        )
        if row is not None and row.e164 not in numbers:
            numbers.append(row.e164)
    return numbers


def find_clients(desk: Desk, query: str, limit: int = SEARCH_LIMIT) -> list[ClientHit]:
    """Clients whose name, company or any run of phone digits contains every word of the query."""
    words = _query_words(query)
    if not words:
        return []
    ids = search_client_ids(words, limit)
    if not ids:
        return []
    clients = {c.id: c for c in Client.select().where(Client.id.in_(ids))}
    first_phone: dict[int, str] = {}
    for phone in Phone.select(Phone.client, Phone.e164, Phone.raw).where(Phone.client.in_(ids)).order_by(Phone.id):
        first_phone.setdefault(phone.client_id, format_phone(phone.e164, phone.raw, desk.region))
    head = words[0]
    ordered = sorted(clients.values(), key=lambda c: (not fold(c.name).startswith(head), fold(c.name), c.id))
    return [
        ClientHit(c.id, c.name, c.company, first_phone.get(c.id, ""))
        for c in ordered
    ]


def _query_words(query: str) -> list[str]:
    query = fold(query)
    if re.fullmatch(r"[\d\s()+.\-/]+", query):  # a number typed any way: search its digits
        digits = digits_of(query)
        return [digits.lstrip("0") or digits] if digits else []
    typed = list(dict.fromkeys(w for w in query.split(" ") if w))  # in the order typed: the first ranks names
    longest_first = sorted(typed, key=len, reverse=True)
    # A word inside another word is found with it: dropping it changes no result
    kept = [w for i, w in enumerate(longest_first) if not any(w in longer for longer in longest_first[:i])]
    return [w for w in typed if w in kept[:SEARCH_WORDS]]
