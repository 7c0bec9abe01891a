"""The interface's catalogs, rebuilt after a string changed (see calldesk/i18n.py):

    .venv/bin/python scripts/i18n.py            # extract, merge into each .po, compile the .mo
    .venv/bin/python scripts/i18n.py compile    # compile only, after translating in a .po

Every ``_()``, ``N_()`` and ``ngettext()`` of the package is extracted (babel.cfg): the console's own words and the
refusals and words the rules below it (calldesk/desk) hand up. A new string arrives in the .po untranslated (no
fuzzy guesses), and tests/test_i18n.py names it until someone writes its translation.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("calldesk",)  # the whole package: the command line never calls _(), so nothing of it is extracted
LOCALE = "calldesk/locale"
TEMPLATE = f"{LOCALE}/calldesk.pot"


def pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def extract() -> None:
    fresh = Path(TEMPLATE + ".new")
    pybabel("extract", "-F", "babel.cfg", "--no-location", "--sort-output", "--project", "calldesk", "-w", "120",
            "-o", str(fresh), *SOURCES)
    if _undated(fresh) == _undated(Path(TEMPLATE)):
        fresh.unlink()  # the same words: the template keeps its date, and git shows no change
    else:
        fresh.replace(TEMPLATE)
    pybabel("update", "-i", TEMPLATE, "-d", LOCALE, "-D", "calldesk", "-w", "120", "--no-fuzzy-matching",
            "--ignore-obsolete", "--ignore-pot-creation-date")


def _undated(catalog: Path) -> list[str]:
    lines = catalog.read_text(encoding="utf-8").splitlines() if catalog.exists() else []
    return [line for line in lines if not line.startswith('"POT-Creation-Date:')]


def compile_catalogs() -> None:
    pybabel("compile", "-d", LOCALE, "-D", "calldesk")


def main(arguments: list[str]) -> None:
    os.chdir(ROOT)  # babel.cfg and the catalog paths are the repository's
    if arguments != ["compile"]:
        extract()
    compile_catalogs()


if __name__ == "__main__":
    main(sys.argv[1:])
