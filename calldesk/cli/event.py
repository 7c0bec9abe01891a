"""`calldesk event ...`: a PBX dialplan reports the whole life of a call (see docs/pbx-hooks.md).

    calldesk event ring NUMBER [--queue Q] [--name NAME] [--pbx-id ID]   prints the call's id
    calldesk event answered CALL --by LOGIN | --extension EXT
    calldesk event transfer CALL --to DEPARTMENT-or-LOGIN [--note TEXT]
    calldesk event hangup CALL
    calldesk event abandon CALL        (also `calldesk abandon CALL`)

CALL is the id `calldesk ring` printed, or the PBX's own id given to `event ring --pbx-id` (Asterisk's
${UNIQUEID}, FreeSWITCH's ${uuid}), so a dialplan that cannot read a command's output still names its call.
"""

from __future__ import annotations

import argparse

from calldesk.cli import values
from calldesk.cli.context import CommandError, desk_errors, open_desk
from calldesk.cli.ring import add_ring_arguments

# CALL's type is the PBX id's rule: calldesk's ids, plain digits, keep it too
CALL_HELP = "the call: the id `calldesk ring` printed, or the PBX's id given to `event ring --pbx-id`"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "event", parents=[common], help="report a call's life from a PBX dialplan",
        description="Report what happened to a call on the PBX: ringing, answered, transferred, hung up, abandoned.",
    )
    events = parser.add_subparsers(dest="event", metavar="EVENT", required=True)

    add_ring_arguments(events.add_parser("ring", parents=[common],
                                         help="a call arrived: put it in the queue, print its id"))

    answered = events.add_parser("answered", parents=[common],
                                 help="an operator picked up (--by LOGIN or --extension EXT)")
    answered.add_argument("call", type=values.pbx_id, help=CALL_HELP)
    answered.add_argument("--by", dest="answered_by", metavar="LOGIN", help="the operator who picked up")
    answered.add_argument("--extension", help="the phone that picked up, instead of --by")
    answered.set_defaults(run=run_answered)

    transfer = events.add_parser("transfer", parents=[common], help="the call went to a department or operator")
    transfer.add_argument("call", type=values.pbx_id, help=CALL_HELP)
    transfer.add_argument("--to", required=True, metavar="DEPARTMENT-or-LOGIN", help="where it went")
    transfer.add_argument("--note", default="", help="a note kept with the call")
    transfer.set_defaults(run=run_transfer)

    hangup = events.add_parser("hangup", parents=[common], help="the line went down (ends or abandons the call)")
    hangup.add_argument("call", type=values.pbx_id, help=CALL_HELP)
    hangup.set_defaults(run=run_hangup)

    for abandon in (events.add_parser("abandon", parents=[common], help="the caller hung up while waiting"),
                    subparsers.add_parser("abandon", parents=[common], help="the caller hung up while waiting")):
        abandon.add_argument("call", type=values.pbx_id, help=CALL_HELP)
        abandon.set_defaults(run=run_abandon)


def _call_id(reference: str) -> int:
    """The call a hook names: the PBX's own id (given to `event ring --pbx-id`) first, since a PBX id may be made of
    digits too; else calldesk's id as `ring` printed it."""
    from calldesk.desk.calls.pbx_events import call_id_for

    call_id = call_id_for(reference)
    if call_id is not None:
        return call_id
    if values.is_record_id(reference):
        return values.record_id(reference)
    raise CommandError(f"no call has the PBX id {reference!r}: report it first with `calldesk event ring "
                       "--pbx-id`, or give the id `calldesk ring` printed")


def run_answered(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.pbx_events import answer_call_as, login_for_extension

    login = args.answered_by
    if bool(login) == bool(args.extension):
        raise CommandError("say who answered: --by LOGIN or --extension EXT (one of them)", status=2)
    desk = open_desk(args, existing=True)
    with desk_errors():
        answer_call_as(desk, _call_id(args.call), login or login_for_extension(args.extension))
    return 0


def run_transfer(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.pbx_events import transfer_pbx_call
    from calldesk.store.models import database

    desk = open_desk(args, existing=True)
    with desk_errors(), database.atomic():
        onward = transfer_pbx_call(desk, _call_id(args.call), args.to, args.note)
        print(onward, flush=True)  # before the commit, as `ring` does: a retried transfer finds the call as it was
    return 0


def run_hangup(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.pbx_events import hang_up_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        print(hang_up_call(desk, _call_id(args.call)))
    return 0


def run_abandon(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.handling import get_call
    from calldesk.desk.calls.queue import abandon_call

    desk = open_desk(args, existing=True)
    with desk_errors():
        call_id = _call_id(args.call)
        abandon_call(desk, call_id)
        print(get_call(desk, call_id).status)
    return 0
