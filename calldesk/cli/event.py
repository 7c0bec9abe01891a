"""`calldesk event ...`: a PBX dialplan reports the whole life of a call (see docs/pbx-hooks.md).

    calldesk event ring NUMBER [--queue Q] [--name NAME] [--pbx-id ID]   prints the call's id
    calldesk event answered CALL --operator LOGIN | --extension EXT
    calldesk event transfer CALL --to DEPARTMENT-or-LOGIN [--note TEXT]
    calldesk event hangup CALL
    calldesk event abandon CALL        (also `calldesk abandon CALL`)

CALL is the id `calldesk ring` printed, or the PBX's own id given to `event ring --pbx-id` (Asterisk's
${UNIQUEID}, FreeSWITCH's ${uuid}), so a dialplan that cannot read a command's output still names its call.
"""

from __future__ import annotations

import argparse

from calldesk.cli.context import CommandError, desk_errors, open_desk

MAX_CALL_ID_DIGITS = 18  # calldesk's ids are 64-bit: a longer run of digits can only be a PBX id
CALL_HELP = "the call: the id `calldesk ring` printed, or the PBX's id given to `event ring --pbx-id`"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "event", parents=[common], help="report a call's life from a PBX dialplan",
        description="Report what happened to a call on the PBX: ringing, answered, transferred, hung up, abandoned.",
    )
    events = parser.add_subparsers(dest="event", metavar="EVENT", required=True)

    ring = events.add_parser("ring", parents=[common], help="a call arrived: put it in the queue, print its id")
    ring.add_argument("number", help="the caller's number, in any form")
    ring.add_argument("--queue", help="queue name (default: the config's first queue)")
    ring.add_argument("--name", default="", help="the caller's name as the PBX gave it")
    ring.add_argument("--pbx-id", help="the PBX's id for the call, to name it in later events")
    ring.set_defaults(run=run_ring)

    answered = events.add_parser("answered", parents=[common],
                                 help="an operator picked up (--operator LOGIN or --extension EXT)")
    answered.add_argument("call", help=CALL_HELP)
    answered.add_argument("--extension", help="the phone that picked up, instead of --operator")
    answered.set_defaults(run=run_answered)

    transfer = events.add_parser("transfer", parents=[common], help="the call went to a department or operator")
    transfer.add_argument("call", help=CALL_HELP)
    transfer.add_argument("--to", required=True, metavar="DEPARTMENT-or-LOGIN", help="where it went")
    transfer.add_argument("--note", default="", help="a note kept with the call")
    transfer.set_defaults(run=run_transfer)

    hangup = events.add_parser("hangup", parents=[common], help="the line went down (ends or abandons the call)")
    hangup.add_argument("call", help=CALL_HELP)
    hangup.set_defaults(run=run_hangup)

    for abandon in (events.add_parser("abandon", parents=[common], help="the caller hung up while waiting"),
                    subparsers.add_parser("abandon", parents=[common], help="the caller hung up while waiting")):
        abandon.add_argument("call", help=CALL_HELP)
        abandon.set_defaults(run=run_abandon)


def _call_id(reference: str) -> int:
    """The call a hook names: the PBX's own id (given to `event ring --pbx-id`) first, since a PBX id may be made of
    digits too; else calldesk's id as `ring` printed it (plain ASCII digits)."""
    from calldesk.desk.pbx_events import call_id_for

    reference = reference.strip()
    call_id = call_id_for(reference) if reference else None
    if call_id is not None:
        return call_id
    if reference.isascii() and reference.isdigit() and len(reference) <= MAX_CALL_ID_DIGITS:
        return int(reference)
    raise CommandError(f"no call has the PBX id {reference!r}: report it first with `calldesk event ring "
                       "--pbx-id`, or give the id `calldesk ring` printed")


def run_ring(args: argparse.Namespace) -> int:
    from calldesk.desk.pbx_events import call_id_for, ring_pbx_call
    from calldesk.desk.queue import ring_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        queue = args.queue or desk.config.queues[0]
        if args.pbx_id:
            call_id = ring_pbx_call(desk, args.pbx_id, args.number, queue, args.name) or call_id_for(args.pbx_id)
        else:
            call_id = ring_call(desk, args.number, queue, args.name)
    print(call_id)
    return 0


def run_answered(args: argparse.Namespace) -> int:
    from calldesk.desk.pbx_events import answer_call_as, login_for_extension

    login = getattr(args, "operator", None)
    if bool(login) == bool(args.extension):
        raise CommandError("say who answered: --operator LOGIN or --extension EXT (one of them)", status=2)
    desk = open_desk(args, existing=True)
    with desk_errors():
        answer_call_as(desk, _call_id(args.call), login or login_for_extension(args.extension))
    return 0


def run_transfer(args: argparse.Namespace) -> int:
    from calldesk.desk.pbx_events import transfer_pbx_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        onward = transfer_pbx_call(desk, _call_id(args.call), args.to, args.note)
    print(onward)
    return 0


def run_hangup(args: argparse.Namespace) -> int:
    from calldesk.desk.pbx_events import hang_up_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        print(hang_up_call(desk, _call_id(args.call)))
    return 0


def run_abandon(args: argparse.Namespace) -> int:
    from calldesk.desk.calls import get_call
    from calldesk.desk.queue import abandon_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        call_id = _call_id(args.call)
        abandon_call(desk, call_id)
        print(get_call(desk, call_id).status)
    return 0
