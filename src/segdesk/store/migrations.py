"""Schema version and ordered migrations.

A new database gets the current tables and is stamped with the current version. An older
database is first copied to a backup file beside it, then brought forward one migration at a
time, each in its own transaction. A database from a newer Segment Desk is refused, and so is
one that holds another program's tables. Only a writing open migrates: a read
(:func:`check_readable`) refuses an older database with a message saying how to upgrade it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, column, inspect, select, table, text

from segdesk.errors import UserError
from segdesk.store import tables
from segdesk.store.engine import sqlite_path, use_wal, write_connection
from segdesk.store.fields import core_field_rows
from segdesk.store.files import create_private_file
from segdesk.store.member_bitmaps import fill_member_sets
from segdesk.store.order_summary import create_triggers, refill
from segdesk.store.scheme_names import name_segments_within_schemes
from segdesk.store.search_text import SEARCHED_FIELDS, search_text
from segdesk.store.seconds_migration import times_in_seconds

SCHEMA_VERSION_KEY = "schema_version"


@dataclass(frozen=True)
class Migration:
    """Brings a database from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


BACKFILL_CHUNK = 20_000


def _add_search_text(conn: Connection) -> None:
    """``contact.search_text``, filled from the searched fields of every stored contact."""
    conn.execute(text("ALTER TABLE contact ADD COLUMN search_text VARCHAR DEFAULT '' NOT NULL"))
    stored = table("contact", column("id"), *(column(name) for name in SEARCHED_FIELDS))
    written = table("contact", column("id"), column("search_text"))
    update = (
        written.update()
        .where(written.c.id == bindparam("v_id"))
        .values(search_text=bindparam("v_search_text"))
    )
    last = 0
    while True:
        rows = conn.execute(
            select(stored).where(stored.c.id > last).order_by(stored.c.id).limit(BACKFILL_CHUNK)
        ).all()
        if not rows:
            return
        conn.execute(update, [{"v_id": r[0], "v_search_text": search_text(*r[1:])} for r in rows])
        last = rows[-1][0]


def _add_order_lines(conn: Connection) -> None:
    """``event.status`` and the ``order_line`` table (empty: older imports kept no lines),
    with every index of ``OrderLine.__table_args__``: the rules read lines by product, SKU
    and category through them."""
    conn.execute(text("ALTER TABLE event ADD COLUMN status VARCHAR"))
    tables.OrderLine.__table__.create(conn)  # with a CREATE INDEX for each of its indexes


def _add_segment_refresh(conn: Connection) -> None:
    """The ``segment_refresh`` table, starting each segment's history with its size now."""
    tables.SegmentRefresh.__table__.create(conn)
    segment = tables.Segment.__table__
    conn.execute(
        tables.SegmentRefresh.__table__.insert().from_select(
            ["segment_id", "version", "member_count", "refreshed_at"],
            select(
                segment.c.id, segment.c.version, segment.c.member_count, segment.c.refreshed_at
            ).where(
                segment.c.deleted_at.is_(None),
                segment.c.member_count.is_not(None),
                segment.c.refreshed_at.is_not(None),
            ),
        )
    )


def _add_segment_reviews(conn: Connection) -> None:
    """The ``segment_review`` table (empty: no review was recorded before)."""
    tables.SegmentReview.__table__.create(conn)


def _add_backtest_runs(conn: Connection) -> None:
    """The ``backtest_run`` table (empty: no backtest was kept before)."""
    tables.BacktestRun.__table__.create(conn)


def _add_order_summary(conn: Connection) -> None:
    """The ``order_summary`` table with the triggers that keep it, filled from the orders."""
    tables.OrderSummary.__table__.create(conn)
    create_triggers(conn)
    refill(conn)


# Append new migrations here, in order, and raise SCHEMA_VERSION to the last one's version.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "contacts found by their folded search text", _add_search_text),
    Migration(3, "orders keep their status and their lines", _add_order_lines),
    Migration(4, "segment names are unique within their scheme", name_segments_within_schemes),
    Migration(5, "segments keep their size at each refresh", _add_segment_refresh),
    Migration(6, "playbook reviews are recorded", _add_segment_reviews),
    Migration(7, "segments keep a compact copy of their members", fill_member_sets),
    Migration(8, "the latest backtest of each segment and scheme is kept", _add_backtest_runs),
    Migration(9, "each contact's orders are summed up as they are written", _add_order_summary),
    Migration(10, "times of orders are kept as whole seconds", times_in_seconds),
)
BASE_VERSION = 1


def current_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else BASE_VERSION


def read_version(conn: Connection) -> int | None:
    """The stored schema version, or None for an empty database."""
    if not inspect(conn).has_table(tables.Meta.__tablename__):
        return None
    meta = tables.Meta.__table__
    value = conn.execute(
        select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)
    ).scalar_one_or_none()
    return int(value) if value is not None else None


def _stamp(conn: Connection, version: int) -> None:
    meta = tables.Meta.__table__
    conn.execute(meta.delete().where(meta.c.key == SCHEMA_VERSION_KEY))
    conn.execute(meta.insert().values(key=SCHEMA_VERSION_KEY, value=str(version)))


def backup_path(db: Path, version: int) -> Path:
    return db.with_name(f"{db.name}.v{version}.bak")


def backup_database(db: Path, version: int) -> Path:
    """A consistent copy of ``db`` (WAL included) made with SQLite's backup API."""
    target = backup_path(db, version)
    n = 1
    while target.exists():
        n += 1
        target = db.with_name(f"{db.name}.v{version}.{n}.bak")
    create_private_file(target)
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def ensure_schema(
    engine: Engine, migrations: Sequence[Migration] = MIGRATIONS, *, label: str = "this database"
) -> Path | None:
    """Create or migrate the schema; returns the backup file made before migrating, if any.
    ``label`` names the database in messages."""
    target = current_version(migrations)
    with engine.connect() as conn:
        found = read_version(conn)
        foreign = found is None and bool(inspect(conn).get_table_names())
    if foreign:
        raise UserError(f"{label} belongs to another program: it holds tables, none of them ours")
    if found is not None:
        _refuse_newer(found, target, label)
    use_wal(engine)
    if found is None:
        _create(engine, target)
        return None
    if found == target:
        return None
    db = sqlite_path(engine)
    backup = backup_database(db, found) if db is not None else None
    for migration in migrations:
        if migration.version <= found:
            continue
        with write_connection(engine) as conn, conn.begin():
            migration.apply(conn)
            _stamp(conn, migration.version)
    return backup


def check_readable(
    engine: Engine, migrations: Sequence[Migration] = MIGRATIONS, *, label: str = "this database"
) -> None:
    """Refuse to read a database whose schema is not this version's: a read never migrates
    (it never writes), so an older database must be opened for writing once first."""
    target = current_version(migrations)
    with engine.connect() as conn:
        found = read_version(conn)
    if found is None:
        raise UserError(f"{label} is not a Segment Desk database")
    _refuse_newer(found, target, label)
    if found < target:
        raise UserError(
            f"{label} has the layout of an older Segment Desk (schema {found}, this version "
            f"uses {target}): open it once in the app or with a command that changes data, "
            "which upgrades it and keeps a copy of the old file beside it"
        )


def _refuse_newer(found: int, target: int, label: str) -> None:
    if found > target:
        raise UserError(
            f"{label} was written by a newer Segment Desk (schema {found}, "
            f"this version knows {target}); upgrade segdesk to open it"
        )


def _create(engine: Engine, version: int) -> None:
    with write_connection(engine) as conn, conn.begin():
        tables.TableModel.metadata.create_all(conn)
        _stamp(conn, version)
        now = tables.utcnow()
        conn.execute(
            tables.FieldDef.__table__.insert(),
            [{**row, "created_at": now} for row in core_field_rows()],
        )
