"""Peewee without psycopg until a PostgreSQL database is opened.

Peewee imports psycopg when it is itself imported: a good part of every console's start, SQLite or not
(docs/performance.md). calldesk imports Peewee first with psycopg hidden (see calldesk/__init__.py); ``load_psycopg``
later does what Peewee's own import would have done, when a PostgreSQL URL is opened.
"""

from __future__ import annotations

import importlib
import sys


def import_peewee_without_psycopg() -> None:
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return  # imported already: nothing left to save
    sys.modules["psycopg"] = None  # an import of it fails now, as if it were not installed
    try:
        importlib.import_module("peewee")
    finally:
        del sys.modules["psycopg"]


def load_psycopg() -> None:
    """Give Peewee the psycopg driver it would have found at its import. Raises ImportError if it is missing."""
    import peewee

    if peewee.psycopg is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    peewee.psycopg, peewee.TransactionStatus = psycopg, TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    adapter = peewee.Psycopg3Adapter  # its class body read these at import, when psycopg was hidden
    adapter.txn_idle, adapter.txn_inerror, adapter.txn_unknown = (
        TransactionStatus.IDLE, TransactionStatus.INERROR, TransactionStatus.UNKNOWN)
