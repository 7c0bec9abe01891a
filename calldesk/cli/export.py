"""`calldesk export ENTITY`: the stable public format, as JSON lines or CSV, on standard output or a file."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any, TextIO

from calldesk.cli.context import CommandError, open_desk

ENTITIES = ("calls", "notes", "clients")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("export", parents=[common], help="export records as JSONL or CSV",
                                   description="Export records in the documented format (see README).")
    parser.add_argument("entity", choices=ENTITIES)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    parser.set_defaults(run=run)


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):  # a client's phones
        return ";".join(p.get("e164") or p.get("raw") for p in value)
    return "" if value is None else value


def write_rows(rows: Any, fmt: str, out: TextIO) -> int:
    count = 0
    writer = None
    for row in rows:
        if fmt == "jsonl":
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.exports import EXPORTS

    open_desk(args)
    rows = EXPORTS[args.entity]()
    if not args.output:
        write_rows(rows, args.format, sys.stdout)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_rows(rows, args.format, out)
    except OSError as exc:
        raise CommandError(f"{args.output}: cannot write ({exc.strerror})") from None
    print(f"exported {count} {args.entity} to {args.output}", file=sys.stderr)
    return 0
