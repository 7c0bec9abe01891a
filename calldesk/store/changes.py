"""Change notification: has anyone else committed since I last looked?

SQLite counts commits by other connections in ``PRAGMA data_version``; on PostgreSQL every poll says "changed"
until LISTEN/NOTIFY takes over, so consoles simply re-read. Either way a hint, never the data itself.
"""

from __future__ import annotations

from calldesk.store.database import is_sqlite
from calldesk.store.models import database


class ChangeWatcher:
    """Call ``changed()`` from the same thread each time (it reads that thread's connection)."""

    def __init__(self) -> None:
        self._seen: int | None = None

    def changed(self) -> bool:
        if not is_sqlite(database.obj):
            return True
        version = database.execute_sql("PRAGMA data_version").fetchone()[0]
        changed = version != self._seen
        self._seen = version
        return changed
