"""A large load builds some indexes after its rows instead of keeping them row by row.

An index whose keys arrive in random order (an order's contact, a line's product) takes each
new row at a random page; once the index outgrows SQLite's page cache, every insert reads and
writes pages of it, and a load of millions of rows spends most of its time there. Building the
index after the rows are in sorts them once, several times faster. It pays only when the load
is large against the table: a few rows added to a big table would rebuild the whole index for
nothing. :func:`is_large` is the rule.

SQLite's DDL is transactional: the indexes are dropped and built again inside the caller's
transaction. A failure, a rollback or a SIGKILL before the commit leaves the table with every
index it had; a commit leaves the same indexes, built again from the very text
``sqlite_master`` held, over all the rows. Indexes behind a ``UNIQUE`` constraint (SQLite's
automatic indexes, with no text of their own) are never dropped: the constraint needs them,
and the import finds its stored keys through them. Other databases keep their indexes (the
portable twin: the same rows, only slower).

The tables' triggers go with their indexes: a trigger that keeps a summary row by row would
cost what the index did, or read the table through an index that is gone. They are created
again after the indexes, and ``refill`` then brings what they keep up to date at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from sqlalchemy import Connection

BULK_SHARE = 0.25
"""A load is large when it writes at least this share of the rows its table holds..."""

BULK_MIN_ROWS = 50_000
"""...and at least this many rows: below it, keeping the indexes costs about nothing."""


def is_large(rows: int, table_rows: int) -> bool:
    """Whether writing ``rows`` into a table of ``table_rows`` should build indexes after."""
    return rows >= BULK_MIN_ROWS and rows >= table_rows * BULK_SHARE


class DeferredIndexes:
    """The indexes of some tables, dropped once a load turns out large, built at the end.

    ``kept`` names, per table, the indexes that stay: those the load reads while it writes
    (a look-up of what it stored in an earlier chunk) and those whose new keys all come after
    the stored ones (an id or a batch number that only grows), which cost little to keep.
    ``sized_by`` is the table whose size the load is measured against. ``refill`` brings
    what the tables' triggers keep up to date, after a load that dropped them.
    """

    def __init__(
        self,
        conn: Connection,
        kept: Mapping[str, Collection[str]],
        *,
        sized_by: str,
        refill: Callable[[Connection], None] | None = None,
    ) -> None:
        self.conn = conn
        self.kept = {table: frozenset(names) for table, names in kept.items()}
        self.enabled = conn.dialect.name == "sqlite"
        self.table_rows = _rows_at_most(conn, sized_by) if self.enabled else 0
        self.refill = refill
        self.dropped: list[tuple[str, str]] = []
        """(name, SQL) of each index dropped, in the order they are to be built again."""
        self.triggers: list[tuple[str, str]] = []
        """(name, SQL) of each trigger dropped."""
        self.deferring = False

    def expect(self, rows: int) -> bool:
        """The load expects to write ``rows`` in all: drop the indexes when that is large.
        Whether the indexes are deferred (from now on, or since an earlier call)."""
        if not self.deferring and self.enabled and is_large(rows, self.table_rows):
            self.deferring = True
            for table, kept in self.kept.items():
                for name, sql in _schema(self.conn, "index", table):
                    if name not in kept:
                        self.conn.exec_driver_sql(f"DROP INDEX {_quoted(name)}")
                        self.dropped.append((name, sql))
                for name, sql in _schema(self.conn, "trigger", table):
                    self.conn.exec_driver_sql(f"DROP TRIGGER {_quoted(name)}")
                    self.triggers.append((name, sql))
        return self.deferring

    def build(self) -> None:
        """Build the dropped indexes again, over every row (at the end of the load, inside
        its transaction)."""
        while self.dropped:
            _name, sql = self.dropped.pop(0)
            self.conn.exec_driver_sql(sql)
        if self.triggers:
            for _name, sql in self.triggers:
                self.conn.exec_driver_sql(sql)
            self.triggers.clear()
            if self.refill is not None:
                self.refill(self.conn)


def _rows_at_most(conn: Connection, table: str) -> int:
    """An upper bound of the table's rows at once, whatever its size: its largest rowid
    (``count(*)`` would read the whole table)."""
    found = conn.exec_driver_sql(f"SELECT max(rowid) FROM {_quoted(table)}").scalar()
    return int(found or 0)


def _schema(conn: Connection, kind: str, table: str) -> list[tuple[str, str]]:
    """The table's indexes (or triggers) that have SQL of their own (not a constraint's), by
    name."""
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (kind, table),
    )
    return [(str(name), str(sql)) for name, sql in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
