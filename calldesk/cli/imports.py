"""`calldesk import KIND FILE`: bring records in from files.

Each kind is one line in ``KINDS``: its name and the function that adds its sub-command (``register(kinds,
common)``, which creates the parser named after the kind and sets ``run``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from calldesk.cli import faq, queue_log
from calldesk.cli.context import CommandError, acting_operator, desk_errors, open_desk, progress_bar

REJECTIONS_SHOWN = 5


def register_clients(kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `clients` kind: CSV, vCard or calldesk's JSON lines, normalised and merged."""
    parser = kinds.add_parser(
        "clients", parents=[common], help="clients from CSV (Google, Outlook, any header), vCard or JSON lines",
        description="Import clients from FILE: CSV (any delimiter; UTF-8, UTF-16 or Windows-1252; columns found by "
                    "name, Google Contacts' and Outlook's exports as they are), vCard 3.0/4.0, or the JSON lines of "
                    "`calldesk export clients`. Numbers are normalised; clients are matched by number and merged, so "
                    "importing a file twice changes nothing. See docs/export-format.md.",
    )
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.add_argument("--map", metavar="FIELD=COLUMN", action="append", default=[], dest="column_map",
                        help="read FIELD from COLUMN (repeatable; phone may be given several times); fields: name, "
                             "first_name, middle_name, last_name, prefix, company, address_as, manner, stage, tags, "
                             "time_zone, note, phone")
    parser.add_argument("--region", metavar="CC", help="region for numbers without a country code (default: config)")
    parser.add_argument("--dry-run", action="store_true", help="show what would be created, merged and rejected")
    parser.add_argument("--report", metavar="PATH", type=Path,
                        help="where to write the rejected rows, each with its line and why (default: FILE's name + "
                             ".rejected.csv beside it)")
    parser.set_defaults(run=run_clients)


KINDS: dict[str, Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]] = {
    "clients": register_clients,
    "faq": faq.register_import,
    "queue-log": queue_log.register_import,
}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("import", parents=[common], help="import records from a file",
                                   description="Import records from a file; see `calldesk import KIND --help`.")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for register_kind in KINDS.values():
        register_kind(kinds, common)


def run_clients(args: argparse.Namespace) -> int:
    from calldesk.desk.clients.import_files import parse_column_map
    from calldesk.desk.clients.importing import import_clients
    from calldesk.desk.errors import DeskError

    desk = open_desk(args)
    me = acting_operator(args, desk)
    report = args.report or (None if args.dry_run else args.file.with_name(args.file.name + ".rejected.csv"))
    with desk_errors():
        try:
            mapping = parse_column_map(args.column_map)
            summary = import_clients(desk, args.file, mapping=mapping, region=args.region, dry_run=args.dry_run,
                                     progress=progress_bar("bytes"), actor=me.login,
                                     report=report)
        except DeskError as exc:  # a wrong file, --map, --region or --report: the user's mistake, nothing imported
            raise CommandError(str(exc), status=2) from None
    columns = "; ".join(f"{name} <- {', '.join(found)}" for name, found in summary.columns.items())
    print(f"{args.file} ({summary.kind}){': ' + columns if columns else ''}")
    print(summary.describe())
    for rejected in summary.rejected[:REJECTIONS_SHOWN]:
        print(f"  line {rejected.line}: {rejected.reason}")
    if summary.rejected_count and report is not None:
        print(f"rejected rows written to {report}")
    elif summary.rejected_count > REJECTIONS_SHOWN:
        print(f"  ... {summary.rejected_count - REJECTIONS_SHOWN} more: add --report PATH to list them all")
    if args.dry_run:
        print("dry run: nothing was changed")
    return 0
