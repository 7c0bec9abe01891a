"""The account a session runs as, which the system vouches for and nobody types: the OS user of this process on one
machine (SQLite), the database role of the session on a team (PostgreSQL's session_user)."""

from __future__ import annotations

import os
import pwd

from calldesk.store.models import database


def session_account() -> str:
    """The OS user this process runs as (from its user id: $USER and $LOGNAME can be set to anything), or on
    PostgreSQL the role this session logged in as."""
    if _on_sqlite():
        try:
            return pwd.getpwuid(os.geteuid()).pw_name
        except KeyError:  # a user id with no name (a container's): the id is still who it is
            return str(os.geteuid())
    from calldesk.store.pg_roles import session_account as role_of_session

    return role_of_session()


def database_logins() -> bool:
    """Whether operators sign in with logins of the database's own (PostgreSQL), not as OS users (SQLite)."""
    return not _on_sqlite()


def account_kind() -> str:
    """What an account is on this backend, for messages: "OS user" or "database role"."""
    return "OS user" if _on_sqlite() else "database role"


def is_administrator() -> bool:
    """Whether the session may change anything in the database anyway: on PostgreSQL the owner of calldesk's tables
    (or a superuser). On SQLite nobody is: whoever can write the file is still only the operator mapped to them."""
    if _on_sqlite():
        return False
    from calldesk.store.pg_roles import is_administrator as owns_the_tables

    return owns_the_tables()


def give_login(account: str, password: str | None, lead: bool) -> None:
    """The operator's own way in: on PostgreSQL a database login named ``account`` (store/pg_roles.py), with
    ``password`` or none (a client certificate, or peer authentication on the database's machine); on SQLite
    nothing, as the OS user signs in."""
    if _on_sqlite():
        return
    from calldesk.store.pg_roles import create_login

    create_login(account, password, lead)


def _on_sqlite() -> bool:
    from peewee import SqliteDatabase

    return isinstance(database.obj, SqliteDatabase)
