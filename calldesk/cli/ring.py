"""`calldesk ring NUMBER` (also `calldesk event ring`): put an incoming call in the shared queue and print its id
(PBX hooks, scripts, tests). With --pbx-id a report told twice, or retried, rings one call."""

from __future__ import annotations

import argparse

from calldesk.cli import values
from calldesk.cli.context import desk_errors, open_desk


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("ring", parents=[common], help="put an incoming call in the queue",
                                   description="Put an incoming call in the shared queue; prints its id.")
    add_ring_arguments(parser)


def add_ring_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", type=values.caller_number,
                        help="the caller's number, in any form ('withheld' for a caller who hid it)")
    parser.add_argument("--queue", help="queue name (default: the config's first queue)")
    parser.add_argument("--name", default="", help="the caller's name as the PBX gave it")
    parser.add_argument("--pbx-id", type=values.pbx_id,
                        help="the PBX's id for the call: names it in later events, and a retry rings no second call")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.pbx_events import call_id_for, ring_pbx_call
    from calldesk.desk.calls.queue import ring_call
    from calldesk.store.models import database

    desk = open_desk(args, existing=True)
    with desk_errors(), database.atomic():
        queue = args.queue or desk.config.queues[0]
        if args.pbx_id:
            call_id = ring_pbx_call(desk, args.pbx_id, args.number, queue, args.name) or call_id_for(args.pbx_id)
        else:
            call_id = ring_call(desk, args.number, queue, args.name)
        # Printed before the commit: a PBX that cannot read the id (its pipe full or gone) gets exit 1 with nothing
        # stored, so its retry rings one call, not two, --pbx-id or not.
        print(call_id, flush=True)
    return 0
