"""`calldesk callbacks list|assign`: call-backs for scripts and a lead's morning report, under the console's
permissions. The acting operator is the one mapped to the OS user or database login (a lead may choose another
with --operator)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from calldesk.cli import values
from calldesk.cli.context import CommandError, acting_operator, desk_errors, open_desk

# The export's names where they say the same (assignee, pool, attempts, created_by: docs/export-format.md); urgency
# is the list's own: overdue, due_soon, unassigned or scheduled, as the board shows it.
LIST_FIELDS = ("id", "client_id", "client", "number_e164", "reason", "due_at", "sla_deadline", "seconds_left",
               "assignee", "pool", "attempts", "created_by", "urgency", "version")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "callbacks", parents=[common], help="list and assign call-backs",
        description="Open call-backs: a lead sees all of them, an operator their own (the acting operator is "
                    "--operator LOGIN, else $CALLDESK_OPERATOR, the config's default_operator, the OS user).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="list open call-backs, most urgent deadline first")
    listing.add_argument("--mine", action="store_true", help="only the acting operator's own")
    listing.add_argument("--overdue", action="store_true", help="only those past their due time")
    listing.add_argument("--assignee", "--owner", dest="assignee", metavar="LOGIN-or-POOL", default="",
                         help="only those of this operator, or waiting in this department's pool")
    listing.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    listing.set_defaults(run=run_list)
    assign = actions.add_parser("assign", parents=[common], help="give a call-back to an operator or a pool")
    assign.add_argument("id", type=values.record_id, help="the call-back's id (see `calldesk callbacks list`)")
    assign.add_argument("target", metavar="LOGIN-or-POOL", help="an operator's login or a department id")
    assign.set_defaults(run=run_assign)


def _row(line: Any, now: Any, due_soon: Any) -> dict[str, Any]:
    from calldesk.desk.exports import iso

    return dict(zip(LIST_FIELDS, (
        line.id, line.client_id, line.client_name, line.number_e164, line.reason, iso(line.due_at),
        iso(line.sla_deadline), int(line.seconds_left(now)), line.owner_login, line.pool, line.attempts,
        line.created_by, line.state(now, due_soon), line.version,
    ), strict=True))


def run_list(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from calldesk.desk.callbacks.board import BoardFilter, board_page

    desk = open_desk(args)
    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    me = acting_operator(args, desk)
    with desk_errors():
        if args.mine and args.assignee and args.assignee != me.login:
            raise CommandError(f"--mine lists {me.login}'s call-backs, --assignee {args.assignee} another's: pick "
                               "one", status=2)
        wanted = BoardFilter(owner=me.login if args.mine else args.assignee, state="overdue" if args.overdue else "",
                             limit=None)
        page = board_page(desk, me.id, wanted)
    now = desk.clock.now()
    if args.format == "table":
        _print_table(page.lines, now, desk.zone)
    elif args.format == "jsonl":
        for line in page.lines:
            sys.stdout.write(json.dumps(_row(line, now, due_soon), ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=LIST_FIELDS)
        writer.writeheader()
        for line in page.lines:
            writer.writerow({k: "" if v is None else v for k, v in _row(line, now, due_soon).items()})
    return 0


def _print_table(lines: Any, now: Any, zone: Any) -> None:
    from calldesk.desk.callbacks.times import describe_left, describe_moment

    print(f"{'ID':>6}  {'DUE':<16} {'LEFT':>8}  {'OWNER':<18} {'CALLER':<22} {'TRIES':>5}  REASON")
    for line in lines:
        print(f"{line.id:>6}  {describe_moment(line.due_at, zone, now):<16} "
              f"{describe_left(line.seconds_left(now)):>8}  {line.owner[:18]:<18} {line.caller[:22]:<22} "
              f"{line.attempts:>5}  {line.reason}")
    print(f"{len(lines)} open call-back{'' if len(lines) == 1 else 's'}", file=sys.stderr)


def run_assign(args: argparse.Namespace) -> int:
    from calldesk.desk.callbacks.lines import line_of
    from calldesk.desk.callbacks.promises import reassign_callbacks

    desk = open_desk(args)
    me = acting_operator(args, desk)
    with desk_errors():
        line = line_of(desk, args.id)
        reassign_callbacks(desk, me.id, [(line.id, line.version)], args.target)
        now = line_of(desk, args.id)
    print(f"call-back {line.id} ({line.caller}): {line.owner} -> {now.owner}")
    return 0
