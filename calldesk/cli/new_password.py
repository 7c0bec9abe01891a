"""The password of a new database login (PostgreSQL only: on SQLite the OS user signs in): from --password-file, from
$CALLDESK_NEW_PASSWORD, or typed twice at the terminal; none when there is no terminal to ask, for a login that uses a
client certificate or peer authentication instead."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from calldesk.cli.context import CommandError

NEW_PASSWORD_ENV = "CALLDESK_NEW_PASSWORD"


def new_password(login: str, path: Path | None) -> str | None:
    """The password ``login`` will sign in with, or None; a file or typing that cannot give one is one line."""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the password file ({exc.strerror})", status=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: the password file is not UTF-8 text", status=2) from None
        return _checked(text.rstrip("\r\n"), str(path))
    if NEW_PASSWORD_ENV in os.environ:
        return _checked(os.environ[NEW_PASSWORD_ENV], f"${NEW_PASSWORD_ENV}")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"password for {login}'s database login (empty: none, for certificate or peer sign-in): ")
    if first and getpass.getpass("the same password again: ") != first:
        raise CommandError("the two passwords differ: nothing was changed", status=2)
    return first or None


def _checked(password: str, where: str) -> str | None:
    if "\x00" in password or "\n" in password:
        raise CommandError(f"{where}: a password holds no NUL or line break", status=2)
    return password or None
