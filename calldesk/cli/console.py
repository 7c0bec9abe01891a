"""The console itself: `calldesk` on the configured database, `calldesk demo` on a fresh demo database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from calldesk.cli.context import CommandError, acting_operator, chosen_login, desk_errors, open_desk
from calldesk.languages import LANGUAGES

if TYPE_CHECKING:
    import argparse

DEMO_OPERATOR = "asha"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    demo = subparsers.add_parser(
        "demo", parents=[common], help="the console on a fresh demo database with simulated calls",
        description="Open the desk on a throwaway demo database (clients, history) with calls ringing in.",
    )
    demo.add_argument("--seed", type=int, default=7, help="seed for the demo data and the simulator")
    demo.add_argument("--language", dest="desk_language", choices=LANGUAGES,
                      help="the console's language and the demo desk's scripts (default: config.yaml's language)")
    demo.set_defaults(run=run_demo)


def run_console(args: argparse.Namespace) -> int:
    from calldesk.desk.operators.identity import first_console

    desk = open_desk(args)
    with desk_errors():  # the first console on a new desk makes its lead
        operator = first_console(desk, chosen_login(args, desk.config))
    operator = operator or acting_operator(args, desk)
    from calldesk.telephony.sources import make_source

    return _run_app(desk, operator, make_source(desk))


def run_demo(args: argparse.Namespace) -> int:
    import tempfile  # only the demo needs it: the console's start-up does without it

    from calldesk.desk.coach.demo_data import seed_demo
    from calldesk.desk.operators.identity import who_acts
    from calldesk.telephony.simulator import Simulator

    folder = Path(tempfile.mkdtemp(prefix="calldesk-demo-"))
    url = f"sqlite:///{folder / 'demo.db'}"
    desk = open_desk(args, url)
    with desk_errors():
        seed_demo(desk, seed=args.seed)
        operator = who_acts(desk, getattr(args, "operator", None) or DEMO_OPERATOR, anyone_may_choose=True)
    return _run_app(desk, operator, Simulator(desk, seed=args.seed), language=args.desk_language)


def check_key_remaps(config) -> None:
    """An unknown binding id in config.yaml's keys:, or a key two bindings would share, is a config error, named by
    file, line and key."""
    from calldesk.tui.keys import binding_ids, key_clashes

    known = binding_ids()
    for binding_id in config.keys:
        if binding_id not in known:
            line = config.key_lines.get(binding_id, 1)
            raise CommandError(
                f"{config.path}:{line}: keys.{binding_id}: unknown binding id (known: {', '.join(sorted(known))})",
                status=2,
            )
    if clashes := key_clashes(config.keys):
        binding_id, key, other = clashes[0]
        raise CommandError(f"{config.path}:{config.key_lines.get(binding_id, 1)}: keys.{binding_id}: {key} is "
                           f"already {other}'s key: choose another, or move {other} too", status=2)


def _run_app(desk, operator, source, language: str | None = None) -> int:
    from calldesk.tui.app import CalldeskApp

    check_key_remaps(desk.config)
    app = CalldeskApp(desk, operator, source=source, language=language)
    app.run()
    return app.return_code or 0
