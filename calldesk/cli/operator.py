"""`calldesk operator add|list`: who may sit at a console."""

from __future__ import annotations

import argparse

from calldesk.cli.context import desk_errors, open_desk


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("operator", parents=[common], help="manage operators")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add an operator")
    add.add_argument("login")
    add.add_argument("--name", default="", help="display name (default: the login)")
    add.add_argument("--department", default="", help="department id (default: the config's first)")
    add.add_argument("--role", choices=("operator", "lead"), default="operator")
    add.add_argument("--extension", default="", help="phone extension or PBX interface")
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", parents=[common], help="list operators")
    listing.set_defaults(run=run_list)


def run_add(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import add_operator

    desk = open_desk(args)
    with desk_errors():
        operator = add_operator(desk, args.login, args.name, args.department, args.role, args.extension,
                                actor=getattr(args, "operator", None) or "cli")
    print(f"added {operator.login} ({operator.role}, {operator.department})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from calldesk.desk.operators import list_operators

    open_desk(args)
    for o in list_operators():
        print(f"{o.login:<16} {o.name:<24} {o.department:<12} {o.role:<8} {o.extension}")
    return 0
