"""Client search by substring, with each backend's index: FTS5 trigrams on SQLite, pg_trgm on PostgreSQL."""

from __future__ import annotations

from peewee import Expression, Table, fn

from calldesk.store.database import is_sqlite
from calldesk.store.models import Client, database

TRIGRAM = 3  # words shorter than a trigram cannot use the index; they filter what the longer words found
CLIENT_SEARCH = Table("client_search", ("rowid", "client_search"))  # the FTS5 index migrations.py keeps


def search_client_ids(words: list[str], limit: int) -> list[int]:
    """Ids of clients whose ``search_text`` contains every (already folded) word."""
    long_words = [w for w in words if len(w) >= TRIGRAM]
    query = Client.select(Client.id)
    if long_words and is_sqlite(database.obj):
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        # a join, not IN (subquery): SQLite would collect every match (58,000 for "sharma") before the LIMIT
        query = query.join(CLIENT_SEARCH, on=(CLIENT_SEARCH.rowid == Client.id)).where(
            Expression(CLIENT_SEARCH.client_search, "MATCH", phrase)
        )
        rest = [w for w in words if len(w) < TRIGRAM]
    else:
        rest = words
    for word in rest:
        if is_sqlite(database.obj):
            query = query.where(fn.instr(Client.search_text, word) > 0)
        else:
            query = query.where(Client.search_text.contains(word))  # ILIKE '%word%': the trigram index serves it
    return [row.id for row in query.limit(limit)]
