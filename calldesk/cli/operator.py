"""`calldesk operator add|list|set-role|set-queues|disable|enable`: who may sit at a console, as what, and which
queues they answer.

The change is made by the operator mapped to your OS user (SQLite) or database role (PostgreSQL), who must be a team
lead (desk/operators/identity.py); on PostgreSQL the owner of calldesk's tables may make it too. Every change is
audited.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from calldesk.cli.context import chosen_login, desk_errors, open_desk
from calldesk.desk.operators.permissions import Role
from calldesk.languages import LANGUAGES


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("operator", parents=[common], help="manage operators and their roles")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add an operator")
    add.add_argument("login")
    add.add_argument("--name", default="", help="display name (default: the login)")
    add.add_argument("--department", default="", help="department id (default: the config's first)")
    add.add_argument("--role", choices=[role.value for role in Role], default=Role.OPERATOR.value)
    add.add_argument("--os-user", metavar="NAME", dest="account",
                     help="SQLite: the OS user who signs in as this operator (default: the login)")
    add.add_argument("--password-file", type=Path, metavar="FILE",
                     help="PostgreSQL: the new login's password, from a file (else $CALLDESK_NEW_PASSWORD, else asked)")
    add.add_argument("--extension", default="", help="phone extension or PBX interface")
    add.add_argument("--language", choices=LANGUAGES, default="",
                     help="their interface's language (default: the desk's, config.yaml's language)")
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", parents=[common], help="list operators (disabled ones too)")
    listing.set_defaults(run=run_list)
    role = actions.add_parser("set-role", parents=[common], help="make an operator a team lead, or not")
    role.add_argument("login")
    role.add_argument("role", metavar="|".join(role.value for role in Role))
    role.set_defaults(run=run_set_role)
    queues = actions.add_parser(
        "set-queues", parents=[common], help="set the queues an operator answers, each with a priority",
        description="F2 takes the longest waiter of the operator's priority-0 queues, then priority 1... (as "
                    "Asterisk's penalty). Replaces the config.yaml's queues for them, or a lead's earlier setting.")
    queues.add_argument("login")
    queues.add_argument("queues", nargs="+", metavar="QUEUE[:PRIORITY]",
                        help="e.g. support:0 billing:1 (a queue alone: priority 0)")
    queues.set_defaults(run=run_set_queues)
    disable = actions.add_parser("disable", parents=[common], help="stop an operator from signing in")
    disable.add_argument("login")
    disable.set_defaults(run=run_disable)
    enable = actions.add_parser("enable", parents=[common], help="let a disabled operator sign in again")
    enable.add_argument("login")
    enable.set_defaults(run=run_enable)


def _by(args: argparse.Namespace, desk) -> str | None:
    """The lead making the change; None for the database's administrator acting as themself."""
    from calldesk.desk.operators.identity import who_acts

    with desk_errors():
        me = who_acts(desk, chosen_login(args, desk.config))
    return None if me is None else me.login


def run_add(args: argparse.Namespace) -> int:
    from calldesk.cli.new_password import new_password
    from calldesk.desk.operators.roster import add_operator
    from calldesk.store.accounts import database_logins

    desk = open_desk(args)
    by = _by(args, desk)  # refused before a password is asked for
    password = new_password(args.login, args.password_file) if database_logins() else None
    with desk_errors():
        operator = add_operator(desk, args.login, args.name, args.department, args.role, args.extension,
                                actor="cli", by=by, account=None if database_logins() else args.account,
                                database_login=True, password=password, language=args.language)
    print(f"added {operator.login} ({operator.role}, {operator.department})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from calldesk.desk.operators.roster import list_operators

    open_desk(args)
    print(f"{'LOGIN':<16} {'NAME':<24} {'DEPARTMENT':<12} {'ROLE':<8} {'EXTENSION':<10} STATE")
    for o in list_operators(with_disabled=True):
        print(f"{o.login:<16} {o.name:<24} {o.department:<12} {o.role:<8} {o.extension:<10} "
              f"{o.state if o.enabled else 'disabled'}".rstrip())
    return 0


def run_set_role(args: argparse.Namespace) -> int:
    from calldesk.desk.operators.roster import set_role

    desk = open_desk(args)
    with desk_errors():
        operator = set_role(desk, args.login, args.role, by=_by(args, desk))
    print(f"{operator.login} is now {'a team lead' if operator.is_lead else 'an operator'}")
    return 0


def run_set_queues(args: argparse.Namespace) -> int:
    from calldesk.desk.calls.routing import describe_queues, keep_queues, parse_memberships, plan_queues

    desk = open_desk(args)
    by = _by(args, desk)
    with desk_errors():
        change = plan_queues(desk, args.login, parse_memberships(args.queues), by=by)
        keep_queues(desk, change, by=by)
    print(f"{change.login} answers {describe_queues(change.after)} (was {describe_queues(change.before)})")
    if desk.config.call_source == "ami":  # the console holds the PBX link: the command line has none
        print("Asterisk's queue members are unchanged: they follow a change made on the team view (F10, ctrl+u)")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from calldesk.desk.operators.roster import disable_operator, open_callbacks_owned

    desk = open_desk(args)
    with desk_errors():
        operator = disable_operator(desk, args.login, by=_by(args, desk))
        owned = open_callbacks_owned(operator.id)
    print(f"{operator.login} is disabled: they cannot sign in until `calldesk operator enable {operator.login}`")
    if owned:
        print(f"{owned} open call-back(s) still name {operator.login}: reassign them on the call-back board (F9)")
    return 0


def run_enable(args: argparse.Namespace) -> int:
    from calldesk.desk.operators.shift import enable_operator

    desk = open_desk(args)
    with desk_errors():
        operator = enable_operator(desk, args.login, by=_by(args, desk))
    print(f"{operator.login} may sign in again")
    return 0
