"""`calldesk ring NUMBER`: put an incoming call in the shared queue (PBX hooks, scripts, tests)."""

from __future__ import annotations

import argparse

from calldesk.cli.context import desk_errors, open_desk


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("ring", parents=[common], help="put an incoming call in the queue",
                                   description="Put an incoming call in the shared queue; prints its id.")
    parser.add_argument("number", help="the caller's number, in any form")
    parser.add_argument("--queue", help="queue name (default: the config's first queue)")
    parser.add_argument("--name", default="", help="the caller's name as the PBX gave it")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.queue import ring_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        call_id = ring_call(desk, args.number, args.queue, args.name)
    print(call_id)
    return 0
