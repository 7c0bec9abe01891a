"""A large, realistic calldesk database for the benchmark: clients, phones, two years of calls, notes.

    .venv/bin/python scripts/bench_dataset.py --db /tmp/bench.sqlite3 --clients 100000 --calls 500000

Rows go in by executemany in large batches inside one transaction, with the secondary indexes, the search
triggers and durability off while loading; then the indexes are rebuilt, the FTS5 index gets one 'rebuild', and
the file goes back to WAL. Client.search_text and Phone.reversed_digits are computed by the desk's own functions,
so the data looks exactly as if every client had been created through calldesk.desk.clients.directory.

A sidecar ``PATH.json`` records the size, seed and schema it was made with; bench.py --keep reuses the file only
when they all match.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sqlite3
import sys
import time
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1  # bump when the generated data changes shape
BATCH = 50_000
HISTORY_DAYS = 730
OPERATORS = 50
IST = timedelta(hours=5, minutes=30)

FIRST_NAMES_M = ["Amit", "Rahul", "Rajesh", "Suresh", "Vijay", "Sanjay", "Anil", "Manoj", "Deepak", "Ravi", "Arjun",
                 "Rohit", "Vikram", "Ajay", "Ashok", "Ramesh", "Karan", "Nikhil", "Pradeep", "Sunil", "Gaurav",
                 "Harish", "Mohit", "Naveen", "Prakash", "Sachin", "Tarun", "Varun", "Yogesh", "Imran", "Farhan",
                 "Joseph", "Thomas", "Gurpreet", "Venkatesh", "Srinivas", "Arvind", "Kishore", "Mahesh", "Dinesh"]
FIRST_NAMES_F = ["Priya", "Sunita", "Anita", "Pooja", "Neha", "Kavita", "Aarti", "Geeta", "Meena", "Asha", "Divya",
                 "Lakshmi", "Swati", "Shalini", "Rekha", "Nisha", "Ritu", "Sneha", "Anjali", "Deepa", "Fatima",
                 "Ayesha", "Mary", "Harpreet", "Radha", "Sarita", "Usha", "Vandana", "Jyoti", "Komal"]
SURNAMES = ["Sharma", "Singh", "Kumar", "Patel", "Gupta", "Verma", "Yadav", "Reddy", "Jain", "Agarwal", "Mishra",
            "Joshi", "Mehta", "Shah", "Chauhan", "Iyer", "Nair", "Menon", "Rao", "Pillai", "Das", "Banerjee",
            "Chatterjee", "Mukherjee", "Bose", "Sen", "Ghosh", "Khan", "Ansari", "Qureshi", "Fernandes", "D'Souza",
            "Kapoor", "Malhotra", "Khanna", "Bhatia", "Sethi", "Arora", "Tiwari", "Pandey", "Dubey", "Tripathi",
            "Srivastava", "Saxena", "Chaudhary", "Thakur", "Rathore", "Naidu", "Hegde", "Kulkarni", "Deshpande",
            "Patil", "Pawar", "Gill", "Sandhu", "Dhillon", "Bhatt", "Trivedi", "Desai", "Kaur"]
HINDI_FIRST_M = ["अमित", "राहुल", "राजेश", "सुरेश", "विजय", "संजय", "मनोज", "दीपक", "रवि", "अजय", "रमेश", "प्रकाश"]
HINDI_FIRST_F = ["प्रिया", "सुनीता", "अनीता", "पूजा", "नेहा", "कविता", "आरती", "गीता", "मीना", "आशा", "रेखा"]
HINDI_SURNAMES = ["शर्मा", "वर्मा", "गुप्ता", "सिंह", "कुमार", "यादव", "पटेल", "जोशी", "मिश्रा", "अग्रवाल",
                  "चौहान", "त्रिपाठी", "पांडे", "श्रीवास्तव", "मेहता", "तिवारी"]
COMPANY_FIRST = ["Shree", "Sai", "Om", "Bharat", "Ganesh", "Lakshmi", "Krishna", "Balaji", "Durga", "Hindustan",
                 "National", "Royal", "Star", "Sunrise", "Galaxy", "Apex", "Prime", "Global", "Metro", "City",
                 "Vishal", "Jai", "Maa", "Sagar", "Kaveri", "Ganga", "Himalaya", "Deccan", "Coastal", "Western"]
COMPANY_SECOND = ["Steel", "Textiles", "Electronics", "Traders", "Motors", "Pharma", "Foods", "Logistics", "Builders",
                  "Agro", "Plastics", "Chemicals", "Infotech", "Hardware", "Furnishings", "Jewellers", "Travels",
                  "Packaging", "Engineering", "Appliances"]
COMPANY_SUFFIX = ["Pvt Ltd", "Enterprises", "& Sons", "Industries", "Corporation", "Ltd", "LLP", "Co.", "Agencies", ""]
HINDI_COMPANIES = ["श्री गणेश ट्रेडर्स", "भारत इलेक्ट्रॉनिक्स", "लक्ष्मी वस्त्र भंडार", "साई मोटर्स", "ओम एंटरप्राइजेज"]
MANNERS = ["Prefers Hindi", "Speaks fast; be brief", "Elderly: speak slowly and clearly", "Likes details in writing",
           "Calls from the shop floor: noisy line", "Prefers email follow-up", "हिंदी में बात करना पसंद है"]
NOTE_BODIES = ["Asked about the premium package", "Wants the invoice for order #{n} again",
               "Complained about late delivery of order #{n}", "Asked which documents are needed to buy",
               "Interested in a bulk discount for {n} units", "Needs help activating the application",
               "Call back after 5 pm, on the mobile", "Payment of Rs {n} received, confirmed",
               "ग्राहक ने डिलीवरी के बारे में पूछा", "ऑर्डर #{n} की स्थिति बताई", "Technician visit fixed for Monday",
               "Regular vs premium package explained; will decide next week"]
QUEUE_WEIGHTS = {"support": 6, "sales": 3, "billing": 2}
HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0, 1, 3, 8, 12, 13, 12, 9, 8, 9, 11, 12, 9, 6, 4, 2, 1, 0]  # IST hour of arrival
STAGES = ["first_contact", "negotiation", "contract", "execution"]
# Zipf-like: the commonest surname is on about 7 % of clients, as Sharma or Singh would be
SURNAME_WEIGHTS = list(accumulate(1 / (rank + 5) for rank in range(1, len(SURNAMES) + 1)))
HINDI_SURNAME_WEIGHTS = list(accumulate(1 / (rank + 5) for rank in range(1, len(HINDI_SURNAMES) + 1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="the SQLite file to create (replaced if it exists)")
    where.add_argument("--pg-url", help="an empty PostgreSQL database or schema (options=-csearch_path=...) to fill")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.pg_url:
        generate_postgres(args.pg_url, args.clients, args.calls, args.seed)
    else:
        generate(args.db, args.clients, args.calls, args.seed)
    return 0


def schema_fingerprint() -> str:
    """Changes whenever a model gains or loses a column or an index: a database made before cannot be reused."""
    from calldesk.store.models import ALL_MODELS

    shape = [(m._meta.table_name, [(f.column_name, f.index, f.unique) for f in m._meta.sorted_fields],
              [(list(columns), unique) for columns, unique in m._meta.indexes]) for m in ALL_MODELS]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def describe_size(clients: int, calls: int, seed: int) -> dict:
    return {"clients": clients, "calls": calls, "seed": seed, "generator": GENERATOR_VERSION,
            "schema": schema_fingerprint()}


def is_reusable(path: Path, clients: int, calls: int, seed: int) -> bool:
    """The file exists and was made by this generator, at this size, for this schema."""
    sidecar = sidecar_of(path)
    if not (path.exists() and sidecar.exists()):
        return False
    made = json.loads(sidecar.read_text(encoding="utf-8"))
    return all(made.get(k) == v for k, v in describe_size(clients, calls, seed).items())


def is_bench_database(path: Path) -> bool:
    return sidecar_of(path).exists() or not path.exists()


class Progress:
    """One line on stderr every few seconds: a 5,000,000-call run takes minutes."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = 0.0

    def say(self, text: str, *, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self.last >= 2:
            self.last = now
            print(f"[{now - self.start:7.1f} s] {text}", file=sys.stderr, flush=True)


def generate(path: Path, clients: int, calls: int, seed: int = 7) -> dict:
    """Create the database at ``path``; returns the row counts and the time taken."""
    from calldesk.store.database import open_database
    from calldesk.store.migrations import fill_next_contacts

    for stale in (path, sidecar_of(path), path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    progress = Progress()
    progress.say(f"generating {clients:,} clients and {calls:,} calls into {path} ({wait_hint(clients, calls)})",
                 force=True)
    db = open_database(f"sqlite:///{path}")
    conn: sqlite3.Connection = db.connection()
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    operator_ids = _operators(now)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA foreign_keys=OFF")  # phone batches go in ahead of their clients'; checked at the end
    rebuilt = _set_aside(conn)
    counts: dict[str, int] = {}
    conn.execute("BEGIN")
    numbers = _insert_clients(conn, rng, clients, now, progress, counts)
    _insert_calls(conn, rng, calls, numbers, operator_ids, now, progress, counts)
    _insert_promises(conn, rng, clients, operator_ids, now, counts)
    conn.execute("COMMIT")
    progress.say("rebuilding indexes", force=True)
    for sql in rebuilt:
        conn.execute(sql)
    progress.say("rebuilding the client search index and the calls' next contacts", force=True)
    conn.execute("INSERT INTO client_search(client_search) VALUES ('rebuild')")
    fill_next_contacts(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    problems = conn.execute("PRAGMA foreign_key_check").fetchmany(3)
    if problems:
        raise SystemExit(f"bench_dataset: rows point at missing parents: {problems}")
    db.close()
    seconds = time.perf_counter() - progress.start
    progress.say(f"done: {counts}", force=True)
    made = describe_size(clients, calls, seed) | {"rows": counts, "seconds": round(seconds, 1),
                                                  "made_at": now.isoformat()}
    sidecar_of(path).write_text(json.dumps(made, indent=2), encoding="utf-8")
    return made


def generate_postgres(url: str, clients: int, calls: int, seed: int = 7) -> dict:
    """The same data into an empty PostgreSQL database or schema, by COPY; the size goes in table bench_dataset."""
    from calldesk.store.database import open_database
    from calldesk.store.migrations import fill_next_contacts

    progress = Progress()
    progress.say(f"generating {clients:,} clients and {calls:,} calls into PostgreSQL", force=True)
    db = open_database(url)
    conn = db.connection()
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    operator_ids = _operators(now)
    counts: dict[str, int] = {}
    with db.atomic():
        conn.execute("SET LOCAL session_replication_role = replica")  # no foreign-key triggers while loading
        rebuilt = _pg_set_aside(conn)
        numbers = _insert_clients(conn, rng, clients, now, progress, counts)
        _insert_calls(conn, rng, calls, numbers, operator_ids, now, progress, counts)
        _insert_promises(conn, rng, clients, operator_ids, now, counts)
    progress.say("rebuilding indexes", force=True)
    for sql in rebuilt:
        conn.execute(sql)
    progress.say("the calls' next contacts", force=True)
    with db.atomic():
        fill_next_contacts(db)  # the triggers that keep them were off with the foreign keys'
    for table in ("client", "call"):  # their ids were given, so the sequences must catch up
        conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")
    conn.execute("ANALYZE")
    seconds = time.perf_counter() - progress.start
    made = describe_size(clients, calls, seed) | {"rows": counts, "seconds": round(seconds, 1),
                                                  "made_at": now.isoformat()}
    conn.execute("CREATE TABLE IF NOT EXISTS bench_dataset (made text)")
    conn.execute("INSERT INTO bench_dataset (made) VALUES (%s)", (json.dumps(made),))
    db.close()
    progress.say(f"done: {counts}", force=True)
    return made


def _pg_set_aside(conn) -> list[str]:
    """PostgreSQL's version of _set_aside: the secondary indexes of the big tables, trigram index included."""
    rows = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename IN ('client', 'phone', 'call', 'note') AND indexname NOT LIKE '%%\\_pkey'"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def _operators(now: datetime) -> list[int]:
    from calldesk.config import load_config
    from calldesk.desk.clock import ManualClock
    from calldesk.desk.context import Desk
    from calldesk.desk.operators.roster import add_operator

    desk = Desk(load_config(ROOT / "config.yaml"), ManualClock(now - timedelta(days=HISTORY_DAYS + 1)))
    departments = [d.id for d in desk.config.departments]
    names = FIRST_NAMES_F + FIRST_NAMES_M
    return [
        add_operator(desk, f"op{i:02d}", f"{names[i % len(names)]} {SURNAMES[i % len(SURNAMES)]}",
                     departments[i % len(departments)], role="lead" if i % 10 == 0 else "operator").id
        for i in range(OPERATORS)
    ]


def _set_aside(conn: sqlite3.Connection) -> list[str]:
    """Drop the secondary indexes, the search triggers and the calls' next-contact triggers while loading (the
    caller must fill_next_contacts after); returns the SQL to put them back."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
        "((type = 'index' AND tbl_name IN ('client', 'phone', 'call', 'note')) "
        " OR (type = 'trigger' AND tbl_name IN ('client', 'call')))"
    ).fetchall()
    for kind, name, _ in rows:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for _, _, sql in rows]


def _insert(conn, model, columns: list[str], rows: Iterable[tuple]) -> int:
    """In batches (executemany on SQLite, COPY on PostgreSQL); columns not given get the model's default."""
    from peewee import Field

    fields: dict[str, Field] = {f.name: f for f in model._meta.sorted_fields}
    given = [fields[c].column_name for c in columns]
    defaults = {}
    for name, field in fields.items():
        if name in columns or field.primary_key:
            continue
        default = field.default() if callable(field.default) else field.default
        if default is None and not field.null:
            raise SystemExit(f"bench_dataset: {model._meta.table_name}.{field.column_name} needs a value: add it here")
        defaults[field.column_name] = field.db_value(default)
    names = ", ".join(f'"{c}"' for c in given + list(defaults))
    total = 0
    if not isinstance(conn, sqlite3.Connection):
        extra = tuple(defaults.values())
        for batch in _batches(rows):  # one COPY per batch: generating a batch may insert other rows first
            with conn.cursor() as cursor, cursor.copy(f'COPY "{model._meta.table_name}" ({names}) FROM STDIN') as copy:
                for row in batch:
                    copy.write_row(row + extra)
            total += len(batch)
        return total
    marks = ", ".join(["?"] * len(given) + [_literal(v) for v in defaults.values()])
    sql = f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({marks})'
    for batch in _batches(rows):
        conn.executemany(sql, batch)
        total += len(batch)
    return total


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _mobile(rng: random.Random) -> str:
    """An Indian mobile number in E.164: every 10-digit number starting 6 to 9 is valid for phonenumbers."""
    return f"+91{rng.randint(6_000_000_000, 9_999_999_999)}"


def _raw_form(rng: random.Random, e164: str) -> str:
    """How a person typed it: international with spaces, national with a trunk zero, or bare digits."""
    national = e164[3:]
    pick = rng.random()
    if pick < 0.4:
        return f"+91 {national[:5]} {national[5:]}"
    if pick < 0.65:
        return f"{national[:5]} {national[5:]}"
    if pick < 0.8:
        return "0" + national
    return national


def _other_number(rng: random.Random) -> str:
    """A landline, a foreign number or something unparsable: the 6 % that is not a plain mobile."""
    pick = rng.random()
    if pick < 0.6:
        area = rng.choice(["11", "22", "33", "44", "80", "40", "20", "79"])
        return f"+91 {area} {rng.randint(2000, 2999)} {rng.randint(1000, 9999)}"
    if pick < 0.9:
        return rng.choice(["+44 7700 9", "+1 212 555 ", "+971 50 123 ", "+65 9123 "]) + f"{rng.randint(1000, 9999)}"
    return rng.choice(["12345", "n/a", "00", "+", "ext 204"])


def _person(rng: random.Random) -> tuple[str, str]:
    """A name and how to address them; about one in seven is written in Devanagari."""
    female = rng.random() < 0.45
    if rng.random() < 0.14:
        first = rng.choice(HINDI_FIRST_F if female else HINDI_FIRST_M)
        last = rng.choices(HINDI_SURNAMES, cum_weights=HINDI_SURNAME_WEIGHTS)[0]
        return f"{first} {last}", f"{'श्रीमती' if female else 'श्री'} {last} जी"
    first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
    last = rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
    return f"{first} {last}", rng.choice([f"{'Ms' if female else 'Mr'} {last}", f"{last} ji", first])


def _company(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.58:
        return ""
    if pick < 0.6:
        return rng.choice(HINDI_COMPANIES)
    return " ".join(p for p in (rng.choice(COMPANY_FIRST), rng.choice(COMPANY_SECOND), rng.choice(COMPANY_SUFFIX)) if p)


def _insert_clients(conn: sqlite3.Connection, rng: random.Random, count: int, now: datetime, progress: Progress,
                    counts: dict[str, int]) -> list[tuple[str | None, str]]:
    """Clients with 1 to 3 phones each; returns each client's first number (E.164 or None, as typed)."""
    from calldesk.desk.clients.directory import search_text_for
    from calldesk.phones import ParsedPhone, parse_phone, reversed_digits
    from calldesk.store.models import Client, Phone

    start = (now - timedelta(days=HISTORY_DAYS)).timestamp()
    span = HISTORY_DAYS * 86400
    caller_ids: list[tuple[str | None, str]] = []
    phones: list[tuple] = []
    phone_total = 0

    def clients() -> Iterator[tuple]:
        nonlocal phones, phone_total
        for client_id in range(1, count + 1):
            name, address_as = _person(rng)
            company = _company(rng)
            parsed = []
            for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
                if rng.random() < 0.94:
                    e164 = _mobile(rng)
                    parsed.append(ParsedPhone(_raw_form(rng, e164), e164, "", True))
                else:
                    parsed.append(parse_phone(_other_number(rng), "IN"))
            labels = ("mobile", "office", "home")
            phones.extend(
                (client_id, p.raw, p.e164, p.extension, labels[i], p.valid, reversed_digits(p.e164 or p.raw))
                for i, p in enumerate(parsed)
            )
            caller_ids.append((parsed[0].e164, parsed[0].raw))
            created = start + rng.random() * span
            yield (client_id, name, company, address_as, rng.choice(MANNERS) if rng.random() < 0.05 else "",
                   STAGES[min(int(rng.expovariate(1.2)), 3)], search_text_for(name, company, address_as, parsed),
                   created, created)
            if len(phones) >= BATCH:
                phone_total += _insert(conn, Phone, PHONE_COLUMNS, phones)
                phones = []
                progress.say(f"clients {client_id:,}/{count:,}")

    counts["client"] = _insert(conn, Client, ["id", "name", "company", "address_as", "manner", "stage",
                                              "search_text", "created_at", "updated_at"], clients())
    counts["phone"] = phone_total + _insert(conn, Phone, PHONE_COLUMNS, phones)
    return caller_ids


PHONE_COLUMNS = ["client", "raw", "e164", "extension", "label", "valid", "reversed_digits"]
CALL_COLUMNS = ["id", "direction", "number_raw", "number_e164", "client", "queue", "status", "arrived_at",
                "answered_at", "ended_at", "wrapped_at", "rings", "operator", "disposition", "script_steps",
                "transferred_to"]


def _arrivals(rng: random.Random, count: int, now: datetime) -> Iterator[float]:
    """Arrival times in order over two years: weekdays busier than weekends, IST office hours busiest."""
    first_day = (now + IST).date() - timedelta(days=HISTORY_DAYS)
    day_weights = [(1.0, 1.0, 1.0, 1.0, 0.9, 0.5, 0.2)[(first_day + timedelta(days=d)).weekday()]
                   for d in range(HISTORY_DAYS)]
    per_weight = count / sum(day_weights)
    hour_cum = list(accumulate(HOUR_WEIGHTS))
    left = count
    for day, weight in enumerate(day_weights):
        n = left if day == HISTORY_DAYS - 1 else min(left, round(weight * per_weight))
        left -= n
        midnight = datetime.combine(first_day + timedelta(days=day), datetime.min.time(), UTC) - IST
        base = midnight.timestamp()
        times = sorted(base + bisect(hour_cum, rng.random() * hour_cum[-1]) * 3600 + rng.random() * 3600
                       for _ in range(n))
        yield from (min(t, now.timestamp() - 3600) for t in times)


def _insert_calls(conn: sqlite3.Connection, rng: random.Random, count: int, caller_ids: list[tuple[str | None, str]],
                  operator_ids: list[int], now: datetime, progress: Progress, counts: dict[str, int]) -> None:
    """Calls from known clients (a few call often) and unknown numbers, with notes on some of them."""
    from calldesk.config import load_config
    from calldesk.store.models import Call, Note

    config = load_config(ROOT / "config.yaml")
    queues = [q for q in config.queues if q in QUEUE_WEIGHTS] or list(config.queues)
    queue_cum = list(accumulate(QUEUE_WEIGHTS.get(q, 1) for q in queues))
    dispositions = [d for d in config.dispositions if d != "Transferred"] or list(config.dispositions)
    departments = [d.id for d in config.departments]
    steps = ",".join(f"{s}.{i}" for s, stage in enumerate(config.script) for i in range(len(stage.steps)))
    clients = len(caller_ids)
    notes: list[tuple] = []
    note_total = 0

    def calls() -> Iterator[tuple]:
        nonlocal notes, note_total
        for call_id, arrived in enumerate(_arrivals(rng, count, now), start=1):
            known = clients and rng.random() < 0.85
            client_id = int(clients * rng.random() ** 2.5) + 1 if known else None  # some clients call a lot
            e164, typed = caller_ids[client_id - 1] if client_id else (_mobile(rng), "")
            raw = typed if e164 is None else e164
            if e164 and e164.startswith("+91") and rng.random() < 0.3:
                raw = "0" + e164[3:]  # the PBX sent the national form
            queue = queues[bisect(queue_cum, rng.random() * queue_cum[-1])]
            pick = rng.random()
            direction = "outbound" if pick > 0.96 else "inbound"
            if pick < 0.1 and direction == "inbound":
                yield (call_id, direction, raw, e164, client_id, queue, "abandoned", arrived, None,
                       arrived + rng.expovariate(1 / 40), None, None, None, "", "", "")
                continue
            wait = rng.expovariate(1 / 14)
            answered = arrived + wait
            ended = answered + rng.expovariate(1 / 180) + 10
            operator = rng.choice(operator_ids)
            transferred = pick < 0.17
            yield (call_id, direction, raw, e164, client_id, queue, "transferred" if transferred else "completed",
                   arrived, answered, ended, ended + rng.uniform(5, 60), int(wait // config.ring_cycle_seconds) + 1,
                   operator, "Transferred" if transferred else rng.choice(dispositions),
                   steps if rng.random() < 0.7 else "", rng.choice(departments) if transferred else "")
            if client_id and rng.random() < 0.12:
                body = rng.choice(NOTE_BODIES).format(n=rng.randint(100, 99_999))
                notes.append((client_id, call_id, operator, body, ended))
                if len(notes) >= BATCH:
                    note_total += _insert(conn, Note, NOTE_COLUMNS, notes)
                    notes = []
            if call_id % 10_000 == 0:
                progress.say(f"calls {call_id:,}/{count:,}")

    counts["call"] = _insert(conn, Call, CALL_COLUMNS, calls())
    counts["note"] = note_total + _insert(conn, Note, NOTE_COLUMNS, notes)


NOTE_COLUMNS = ["client", "call", "author", "body", "created_at"]


def _insert_promises(conn: sqlite3.Connection, rng: random.Random, clients: int, operator_ids: list[int],
                     now: datetime, counts: dict[str, int]) -> None:
    """Call-backs and complaints for about one client in a hundred, a few of them still open."""
    from calldesk.store.models import CallBack, Feedback

    if not clients:
        return
    count = max(1, clients // 100)
    start = now.timestamp() - HISTORY_DAYS * 86400

    def callbacks() -> Iterator[tuple]:
        for _ in range(count):
            created = start + rng.random() * (now.timestamp() - start)
            is_open = rng.random() < 0.1
            due = now.timestamp() + rng.uniform(600, 86400) if is_open else created + rng.uniform(600, 36000)
            yield (rng.randint(1, clients), rng.choice(NOTE_BODIES).format(n=rng.randint(100, 9999)), due,
                   created + 36000, rng.choice(operator_ids), "open" if is_open else "done", created, created)

    def complaints() -> Iterator[tuple]:
        for _ in range(count // 2):
            created = start + rng.random() * (now.timestamp() - start)
            status = "open" if rng.random() < 0.1 else "resolved"
            yield (rng.choice(["complaint", "suggestion"]), rng.choice(["delivery", "billing", "quality"]),
                   rng.choice(NOTE_BODIES).format(n=rng.randint(100, 9999)), rng.randint(1, clients),
                   rng.choice(operator_ids), status, created + 36000, created,
                   created + 7200 if status == "resolved" else None)

    counts["call_back"] = _insert(conn, CallBack, ["client", "reason", "due_at", "sla_deadline", "assignee",
                                                   "status", "created_at", "updated_at"], callbacks())
    counts["feedback"] = _insert(conn, Feedback, ["kind", "category", "body", "client", "owner", "status",
                                                  "deadline", "created_at", "resolved_at"], complaints())


def wait_hint(clients: int, calls: int) -> str:
    """Roughly how long generation takes on a shared two-core machine, for the first progress line."""
    seconds = clients * 60e-6 + calls * 12e-6
    return f"about {math.ceil(seconds / 60)} min" if seconds > 90 else f"about {round(seconds)} s"


if __name__ == "__main__":
    raise SystemExit(main())
