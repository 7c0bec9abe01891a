"""`calldesk export ENTITY`: the stable public format, as JSON lines or CSV, on standard output or a file."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from calldesk.cli.context import CommandError, open_desk

if TYPE_CHECKING:
    from calldesk.desk.exports import Export

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


def write_rows(export: Export, fmt: str, out: TextIO) -> int:
    """Write every row of the export; CSV starts with the header even when there are no rows."""
    count = 0
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=export.fields)
        writer.writeheader()
    for row in export.rows():
        if writer is None:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.exports import EXPORTS

    open_desk(args)
    export = EXPORTS[args.entity]
    if not args.output:
        write_rows(export, args.format, sys.stdout)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_rows(export, args.format, out)
    except OSError as exc:
        raise CommandError(f"{args.output}: cannot write ({exc.strerror})") from None
    print(f"exported {count} {args.entity} to {args.output}", file=sys.stderr)
    return 0
