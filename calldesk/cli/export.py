"""`calldesk export ENTITY`: the stable public format, as JSON lines or CSV, on standard output or a file."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from calldesk.cli import values
from calldesk.cli.context import CommandError, open_desk

if TYPE_CHECKING:
    from calldesk.desk.exports import Export

ENTITIES = ("calls", "notes", "clients", "callbacks", "feedback", "operators", "audit")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("export", parents=[common], help="export records as JSONL or CSV",
                                   description="Export records in the documented format (docs/export-format.md).")
    parser.add_argument("entity", choices=ENTITIES)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--since", metavar="WHEN", type=values.moment,
                        help="only records from then on: an ISO date or date-time (no offset: this machine's time)")
    parser.add_argument("--output", "-o", metavar="FILE", type=values.file_path,
                        help="write here instead of standard output")
    parser.set_defaults(run=run)


def _phone_text(phone: dict[str, Any]) -> str:
    number = phone.get("e164") or phone.get("raw") or ""
    return f"{number} ext. {phone['extension']}" if phone.get("extension") and phone.get("e164") else number


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):  # a client's phones
        return ";".join(_phone_text(p) for p in value)
    return "" if value is None else value


def write_rows(export: Export, fmt: str, out: TextIO, since: datetime | None = None) -> int:
    """Write every row of the export; CSV starts with the header even when there are no rows."""
    count = 0
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=export.fields)
        writer.writeheader()
    for row in export.rows(since):
        if writer is None:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.exports import EXPORTS

    export = EXPORTS[args.entity]
    if args.since and not export.moment:
        raise CommandError(f"{args.entity} have no time to filter on: leave out --since")
    since = values.on_desk_clock(args.since, open_desk(args).zone)
    if not args.output:
        try:
            write_rows(export, args.format, sys.stdout, since)
        except BrokenPipeError:  # the reader stopped early (`| head`): not an error; silence the final flush
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_rows(export, args.format, out, since)
    except OSError as exc:
        raise CommandError(f"{args.output}: cannot write ({exc.strerror})") from None
    print(f"exported {count} {args.entity} to {args.output}", file=sys.stderr)
    return 0
