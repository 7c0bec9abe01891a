"""`calldesk operator add|list|set-role|disable|enable`: who may sit at a console, and as what.

With `--operator LOGIN` the change is made as that person, who must be a team lead; without it, as the desk's
administrator (whoever can reach the database). Every change is audited.
"""

from __future__ import annotations

import argparse

from calldesk.cli.context import desk_errors, open_desk


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("operator", parents=[common], help="manage operators and their roles")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add an operator")
    add.add_argument("login")
    add.add_argument("--name", default="", help="display name (default: the login)")
    add.add_argument("--department", default="", help="department id (default: the config's first)")
    add.add_argument("--role", choices=("operator", "lead"), default="operator")
    add.add_argument("--extension", default="", help="phone extension or PBX interface")
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", parents=[common], help="list operators (disabled ones too)")
    listing.set_defaults(run=run_list)
    role = actions.add_parser("set-role", parents=[common], help="make an operator a team lead, or not")
    role.add_argument("login")
    role.add_argument("role", metavar="operator|lead")
    role.set_defaults(run=run_set_role)
    disable = actions.add_parser("disable", parents=[common], help="stop an operator from signing in")
    disable.add_argument("login")
    disable.set_defaults(run=run_disable)
    enable = actions.add_parser("enable", parents=[common], help="let a disabled operator sign in again")
    enable.add_argument("login")
    enable.set_defaults(run=run_enable)


def _by(args: argparse.Namespace) -> str | None:
    return getattr(args, "operator", None)


def run_add(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import add_operator

    desk = open_desk(args)
    with desk_errors():
        operator = add_operator(desk, args.login, args.name, args.department, args.role, args.extension,
                                actor="cli", by=_by(args))
    print(f"added {operator.login} ({operator.role}, {operator.department})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import list_operators

    open_desk(args)
    print(f"{'LOGIN':<16} {'NAME':<24} {'DEPARTMENT':<12} {'ROLE':<8} {'EXTENSION':<10} STATE")
    for o in list_operators(with_disabled=True):
        print(f"{o.login:<16} {o.name:<24} {o.department:<12} {o.role:<8} {o.extension:<10} "
              f"{o.state if o.enabled else 'disabled'}".rstrip())
    return 0


def run_set_role(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import set_role

    desk = open_desk(args)
    with desk_errors():
        operator = set_role(desk, args.login, args.role, by=_by(args))
    print(f"{operator.login} is now {'a team lead' if operator.is_lead else 'an operator'}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import disable_operator, open_callbacks_owned

    desk = open_desk(args)
    with desk_errors():
        operator = disable_operator(desk, args.login, by=_by(args))
        owned = open_callbacks_owned(operator.id)
    print(f"{operator.login} is disabled: they cannot sign in until `calldesk operator enable {operator.login}`")
    if owned:
        print(f"{owned} open call-back(s) still name {operator.login}: reassign them on the call-back board (F9)")
    return 0


def run_enable(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import enable_operator

    desk = open_desk(args)
    with desk_errors():
        operator = enable_operator(desk, args.login, by=_by(args))
    print(f"{operator.login} may sign in again")
    return 0
