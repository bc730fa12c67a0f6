"""The contacts list through the standard library's sqlite3, for the app's first second.

SQLAlchemy and SQLModel take about 0.3 s to import. The app opens its Workspace in a thread
meanwhile, but a user who presses `c` at once should see contacts at once: this reader needs
nothing but `sqlite3` and serves the same count and pages as `segdesk.contacts` (its portable
twin, which the tests hold it to). It never writes.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from segdesk.contact_values import LIST_COLUMNS, ContactRow, page_window
from segdesk.store.search_text import search_words
from segdesk.store.version import SCHEMA_VERSION

_ESCAPE = "/"


def _like_pattern(word: str) -> str:
    escaped = word.replace(_ESCAPE, _ESCAPE * 2).replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _where(search: str | None) -> tuple[str, list[str]]:
    words = search_words(search)
    if not words:
        return "", []
    clause = " AND ".join(f"search_text LIKE ? ESCAPE '{_ESCAPE}'" for _ in words)
    return f" WHERE {clause}", [_like_pattern(w) for w in words]


class QuickReader:
    """Read-only access to one SQLite file's contacts list."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> QuickReader | None:
        """A reader, or None when ``path`` is not a database of this schema version."""
        path = Path(path).expanduser()
        if not path.is_file():
            return None
        reader = cls(path)
        try:
            with closing(reader._connect()) as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.Error:
            return None
        return reader if row is not None and row[0] == str(SCHEMA_VERSION) else None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA query_only = 1")
        return conn

    def count_contacts(self, search: str | None = None) -> int:
        where, params = _where(search)
        with closing(self._connect()) as conn:
            return int(conn.execute(f"SELECT count(*) FROM contact{where}", params).fetchone()[0])

    def contacts_page(
        self, offset: int, limit: int, search: str | None = None, total: int | None = None
    ) -> list[ContactRow]:
        descending, skip, take = page_window(offset, limit, total)
        where, params = _where(search)
        sql = (
            f"SELECT {', '.join(LIST_COLUMNS)} FROM contact{where} "
            f"ORDER BY id {'DESC' if descending else 'ASC'} LIMIT ? OFFSET ?"
        )
        with closing(self._connect()) as conn:
            rows = [ContactRow(*r) for r in conn.execute(sql, [*params, take, skip])]
        return rows[::-1] if descending else rows
