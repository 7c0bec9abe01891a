"""`calldesk import faq FILE`: FAQ entries from YAML or Markdown, added, or updated when the question exists."""

from __future__ import annotations

import argparse

from calldesk.cli.context import CommandError, acting_operator, desk_errors, open_desk


def register_import(kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `faq` kind of `calldesk import`."""
    parser = kinds.add_parser(
        "faq", parents=[common], help="FAQ entries from a YAML or Markdown file (team leads)",
        description="Add FAQ entries from FILE: YAML (a list of question, answer, tags) or Markdown (each heading "
                    "at the deepest level is a question, the text under it the answer; headings above become "
                    "tags). An entry whose question exists already gets the file's answer.",
    )
    parser.add_argument("file", metavar="FILE", help="a .yaml, .yml or .md file")
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from calldesk.desk.coach.faq import import_faq, read_faq_file
    from calldesk.desk.errors import DeskError

    desk = open_desk(args)
    try:
        drafts = read_faq_file(args.file)
    except DeskError as exc:  # the file is the user's mistake: status 2, and nothing was imported
        raise CommandError(str(exc), status=2) from None
    lead = acting_operator(args, desk)
    with desk_errors():
        result = import_faq(desk, lead.id, drafts)
    print(f"FAQ from {args.file}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    return 0
