"""Schema version and ordered migrations.

A new database gets the current tables and is stamped with the current version. An older
database is first copied to a backup file beside it, then brought forward one migration at a
time, each in its own transaction. A database from a newer Segment Desk is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, select

from segdesk.errors import UserError
from segdesk.store import tables
from segdesk.store.engine import create_private_file, sqlite_path, write_connection
from segdesk.store.fields import core_field_rows

SCHEMA_VERSION_KEY = "schema_version"


@dataclass(frozen=True)
class Migration:
    """Brings a database from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


# Append new migrations here, in order, and raise SCHEMA_VERSION to the last one's version.
MIGRATIONS: tuple[Migration, ...] = ()
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


def ensure_schema(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> Path | None:
    """Create or migrate the schema; returns the backup file made before migrating, if any."""
    target = current_version(migrations)
    with engine.connect() as conn:
        found = read_version(conn)
    if found is None:
        _create(engine, target)
        return None
    if found > target:
        raise UserError(
            f"this database was written by a newer Segment Desk (schema {found}, "
            f"this version knows {target}); upgrade segdesk to open it"
        )
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


def _create(engine: Engine, version: int) -> None:
    with write_connection(engine) as conn, conn.begin():
        tables.TableModel.metadata.create_all(conn)
        _stamp(conn, version)
        now = tables.utcnow()
        conn.execute(
            tables.FieldDef.__table__.insert(),
            [{**row, "created_at": now} for row in core_field_rows()],
        )
