"""FAQ search by word prefixes, best first, with each backend's index: FTS5 on SQLite, full text on PostgreSQL.

Both weigh a match in the question above one in the tags, and that above one in the answer.
"""

from __future__ import annotations

from calldesk.store.database import is_sqlite
from calldesk.store.models import database

# bm25 column weights (question, answer, tags): smaller bm25 is better, so heavier columns pull an entry up.
SQLITE_WEIGHTS = (10.0, 1.0, 4.0)
CANDIDATES = 2_000


def search_faq_ids(words: list[str], limit: int) -> list[int]:
    """Ids of FAQ entries holding a word that starts with each of the (already folded) words, best first.

    Only the first CANDIDATES matches are ranked: a one-letter query may match every entry, and ranking them all
    would cost more than a keystroke may.
    """
    if not words:
        return []
    if is_sqlite(database.obj):
        match = " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)
        cursor = database.execute_sql(
            "SELECT id FROM (SELECT rowid AS id, "
            f"bm25(faq_search, {', '.join(map(str, SQLITE_WEIGHTS))}) AS score "
            "FROM faq_search WHERE faq_search MATCH ? LIMIT ?) ORDER BY score, id LIMIT ?",
            (match, CANDIDATES, limit),
        )
    else:
        query = " & ".join("'" + w.replace("'", "''").replace("\\", "\\\\") + "':*" for w in words)
        cursor = database.execute_sql(
            "SELECT id FROM (SELECT id, ts_rank(search_vector, q) AS score FROM faq_entry, "
            "to_tsquery('simple', %s) AS q WHERE search_vector @@ q LIMIT %s) AS found "
            "ORDER BY score DESC, id LIMIT %s",
            (query, CANDIDATES, limit),
        )
    return [row[0] for row in cursor.fetchall()]
