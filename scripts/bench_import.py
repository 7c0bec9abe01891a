"""Importing clients: 100,000 generated CSV rows into an empty SQLite database, then the same file again.

    .venv/bin/python scripts/bench_import.py               # 100,000 rows
    .venv/bin/python scripts/bench_import.py --rows 20000

Target (issue 8): 100,000 rows in under 30 s. The file holds what a real one does: one to three numbers per row in
several forms, some people twice, a few rows with no name and a few unparsable numbers. The second import must
create nothing (idempotent). scripts/bench.py runs ``run`` as its "import" section.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
FIRST = ("Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rohan", "Isha", "राहुल", "सुनीता")
LAST = ("Sharma", "Verma", "Iyer", "Nair", "Gupta", "Reddy", "Khan", "Das", "Mehta", "Rao", "शर्मा", "वर्मा")
COMPANIES = ("", "", "", "Sharma Traders", "Nair Exports", "Gupta Pharma", "Reddy Steel", "कृष्णा टेक्सटाइल्स")


def write_rows(path: Path, rows: int, seed: int) -> None:
    """A Google-like CSV: Name, Organization, two phone columns, one of them sometimes holding two numbers."""
    rng = random.Random(seed)
    people: list[list[str]] = []
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("Name", "Organization 1 - Name", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type",
                         "Phone 2 - Value"))
        for n in range(rows):
            if people and rng.random() < 0.05:  # the same person again, as phone books have them
                writer.writerow(rng.choice(people))
                continue
            name = "" if rng.random() < 0.003 else f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
            mobile = f"{rng.randint(6_000_000_000, 9_999_999_999)}"
            forms = (f"+91 {mobile[:5]} {mobile[5:]}", f"0{mobile}", mobile)
            first = rng.choice(forms)
            if rng.random() < 0.2:
                first += f" ::: +91 {rng.randint(6_000_000_000, 9_999_999_999)}"
            second = rng.choice(("", "", f"0{rng.choice((11, 22, 80))} {rng.randint(2000_0000, 2999_9999)}",
                                 "12345", "n/a"))
            row = [name, rng.choice(COMPANIES), "Mobile", first, "Work" if second else "", second]
            people.append(row)
            writer.writerow(row)


def run(rows: int = 100_000, seed: int = 7, section_size: int | None = None) -> dict:
    """Figures for scripts/bench.py: seconds for the first import and for the idempotent second one (of
    ``section_size`` rows when given)."""
    rows = section_size or rows
    from calldesk.config import load_config
    from calldesk.desk.clients.importing import import_clients
    from calldesk.desk.clock import SystemClock
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database
    from calldesk.store.models import database

    previous = database.obj  # bench.py runs this in-process: give its database back afterwards
    with tempfile.TemporaryDirectory(prefix="calldesk-bench-import-") as folder:
        source = Path(folder) / "contacts.csv"
        write_rows(source, rows, seed)
        db = open_database(f"sqlite:///{Path(folder) / 'import.db'}")
        desk = Desk(load_config(ROOT / "config.yaml"), SystemClock())
        try:
            started = time.perf_counter()
            first = import_clients(desk, source, actor="bench")
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = import_clients(desk, source, actor="bench")
            again_seconds = time.perf_counter() - started
        finally:
            db.close()
            if previous is not None:
                database.initialize(previous)
    return {
        "rows": rows,
        "first import": {"value": round(first_seconds, 2), "unit": "s", "target": TARGET_SECONDS * rows / 100_000},
        "rows per second": {"value": round(rows / first_seconds), "unit": "rows/s"},
        "clients created": first.created,
        "rows merged": first.merged,
        "rows rejected": first.rejected_count,
        "phones unverified": first.unverified,
        "second import": {"value": round(again_seconds, 2), "unit": "s",
                          "note": f"{again.created} created, {again.merged} merged: must be 0 and 0"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.rows, args.seed), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
