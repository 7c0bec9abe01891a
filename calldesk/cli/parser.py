"""The full command line: the global options and every sub-command's parser.

Each sub-command lives in its own module with a ``register(subparsers, common)`` function; heavy imports happen
inside the command, so `calldesk --help` starts fast. This module and the sub-commands' are loaded only for a
command line other than global options alone: the console, opened by those, does without them (docs/performance.md).
"""

from __future__ import annotations

import argparse
import importlib

from calldesk.cli import console
from calldesk.cli.context import GLOBAL_OPTIONS

COMMANDS = ("console", "ring", "export", "operator", "imports", "train", "callbacks", "event", "backup", "stats", "db",
            "wallboard")


class _Parser(argparse.ArgumentParser):
    """A sub-command's epilog may be a function, called when its help is shown: building every command's help text
    cost each start of the console (stats' definitions import the statistics)."""

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    for option, (metavar, help_text) in GLOBAL_OPTIONS.items():
        # SUPPRESS lets the options stand before or after the sub-command without one erasing the other.
        common.add_argument(option, metavar=metavar, default=argparse.SUPPRESS, help=help_text)
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="calldesk", parents=[common],
        description="A keyboard-first console for a company's phone desk. With no command, opens the desk.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"calldesk.cli.{name}").register(subparsers, common)
    parser.set_defaults(run=console.run_console)
    return parser
