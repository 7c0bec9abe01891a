"""The `calldesk` command: global options, sub-commands, and one-line errors instead of tracebacks.

Each sub-command lives in its own module with a ``register(subparsers, common)`` function; heavy imports happen
inside the command, so `calldesk --help` and the console start fast. The modules themselves are imported only when
the full parser is built: the console, opened by global options alone, does without their 10 ms.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from calldesk.cli import console

COMMANDS = ("console", "ring", "export", "operator", "imports", "train", "callbacks", "event", "backup", "stats", "db")


class _Parser(argparse.ArgumentParser):
    """A sub-command's epilog may be a function, called when its help is shown: building every command's help text
    cost each start of the console (stats' definitions import the statistics, 4 ms)."""

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS lets the options stand before or after the sub-command without one erasing the other.
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="config file (default: $CALLDESK_CONFIG or ./config.yaml)")
    common.add_argument("--db", metavar="PATH-or-URL", default=argparse.SUPPRESS,
                        help="database: a SQLite file path or postgresql://... (default: from the config)")
    common.add_argument("--operator", metavar="LOGIN", default=argparse.SUPPRESS,
                        help="who works this console (default: $CALLDESK_OPERATOR, the config, the OS user)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="calldesk", parents=[common],
        description="A keyboard-first console for a company's phone desk. With no command, opens the desk.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"calldesk.cli.{name}").register(subparsers, common)
    parser.set_defaults(run=console.run_console)
    return parser


def _console_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """A command line of global options only opens the console: parsed without building every sub-command's parser
    (argparse's lookups of translations for them cost each start 8 ms). None for anything else: a sub-command, a
    help request or a mistake is the full parser's to read and to explain."""
    if any(arg in ("-h", "--help") for arg in argv):
        return None
    common = _common_options()
    common.exit_on_error = False
    try:
        args, rest = common.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command, args.run = None, console.run_console
    return args


def main(argv: Sequence[str] | None = None) -> int:
    from calldesk.cli.context import CommandError, fail

    argv = sys.argv[1:] if argv is None else list(argv)
    args = _console_arguments(argv) or build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except CommandError as exc:
        return fail(str(exc), exc.status)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `calldesk ... | head` closed the pipe: stop quietly, as other commands do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
