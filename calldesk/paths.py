"""Paths as people type them."""

from __future__ import annotations

from pathlib import Path


def expand_user(text: str) -> Path:
    """``~`` and ``~user`` made the home folder; a ``~name`` of no known user stays as typed (Path.expanduser
    raises for it), so the mistake is reported as a missing file, not a traceback."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)
