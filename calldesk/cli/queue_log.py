"""`calldesk import queue-log FILE`: an Asterisk queue_log as calls and operator states (see docs/statistics.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from calldesk.cli.context import CommandError, desk_errors, open_desk


def register_import(kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = kinds.add_parser(
        "queue-log", parents=[common], help="calls and operator states from an Asterisk queue_log",
        description="Load an Asterisk queue_log (/var/log/asterisk/queue_log) as calls and operator states, so the "
                    "statistics reach back before calldesk. Queue members become operators through ami.operators in "
                    "config.yaml, else the operator whose extension or login the interface names (SIP/1001, "
                    "Local/asha@agents/n), else the operator of that display name. Importing the same or a longer "
                    "file again adds only what is new; unreadable lines are counted and listed, never fatal.",
    )
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.queue_log import import_queue_log
    from calldesk.desk.errors import DeskError

    desk = open_desk(args)
    with desk_errors():
        try:
            report = import_queue_log(desk, args.file)
        except DeskError as exc:  # no such file, or not a queue_log: the user's mistake, nothing imported
            raise CommandError(str(exc), status=2) from None
    print(f"{args.file}:")
    for line in report.describe():
        print(line)
    return 0
