"""The `calldesk` command: global options, sub-commands (calldesk/cli/parser.py), and one-line errors instead of
tracebacks."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from types import SimpleNamespace

from calldesk.cli import console
from calldesk.cli.context import GLOBAL_OPTIONS, CommandError, fail
from calldesk.cli.output import OutputLost, abandon_output, guard_output
from calldesk.interpreter import collector_off_while_starting

FULL_SCREEN_COMMANDS = (None, "demo", "train")  # the console itself: None is `calldesk` with global options alone


def _console_arguments(argv: Sequence[str]) -> SimpleNamespace | None:
    """Global options alone (``--db URL`` or ``--db=URL``) open the console: read here, without argparse and the
    sub-commands' parsers (docs/performance.md). None for anything else (a sub-command, help, an abbreviation, a
    missing value, a mistake): the full parser reads it and explains."""
    values: dict[str, str] = {}
    rest = list(argv)
    while rest:
        option, given, value = rest.pop(0).partition("=")
        if option not in GLOBAL_OPTIONS:
            return None
        if not given:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        values[option.removeprefix("--")] = value
    return SimpleNamespace(**values, command=None, run=console.run_console)


def _not_utf8(argv: Sequence[str]) -> str | None:
    """What is wrong with an argument that is not UTF-8 text (Python keeps its bytes as lone surrogates), if any."""
    for position, argument in enumerate(argv, 1):
        if not argument.isascii():
            try:
                argument.encode("utf-8")
            except UnicodeEncodeError:
                return (f"argument {position} ({os.fsencode(argument)!r}) is not UTF-8 text: check the character "
                        "set of the terminal or the PBX that ran calldesk")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if problem := _not_utf8(argv):
        return fail(problem, 2)
    args = _console_arguments(argv)
    if args is None:
        from calldesk.cli.parser import build_parser

        args = build_parser().parse_args(argv)
    full_screen = args.command in FULL_SCREEN_COMMANDS
    if not full_screen:  # Textual writes its own escape sequences
        guard_output()
    try:
        with collector_off_while_starting() if full_screen else nullcontext():  # the console paints, then collects
            status = args.run(args) or 0
        sys.stdout.flush()  # here, where a failure is one line, not in the interpreter's exit
        return status
    except CommandError as exc:
        return fail(str(exc), exc.status)
    except OutputLost as exc:
        abandon_output()
        return fail(str(exc), 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `calldesk ... | head` closed the pipe: stop quietly, as other commands do
        abandon_output()
        return 141
