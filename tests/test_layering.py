"""The rules and the store stand on their own: importing them never loads Textual (docs/architecture.md, Layers)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

IMPORT_BELOW_THE_UI = textwrap.dedent("""
    import importlib
    import pkgutil
    import sys

    import calldesk.desk
    import calldesk.store

    names = ["calldesk.config", "calldesk.phones", "calldesk.cli"]
    for package in (calldesk.desk, calldesk.store):
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    print(len(names))
    print(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")))
""")


def test_importing_every_domain_and_store_module_does_not_import_textual():
    result = subprocess.run([sys.executable, "-c", IMPORT_BELOW_THE_UI], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    count, textual_modules = result.stdout.splitlines()
    assert int(count) >= 15  # every module of both packages was imported, not an empty walk
    assert textual_modules == "[]"
