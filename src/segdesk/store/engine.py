"""Engine factory: a path or URL in, a configured SQLAlchemy engine out.

SQLite files get WAL (a CLI import can run while the TUI reads), a busy timeout, foreign keys,
and real transactions (BEGIN IMMEDIATE, so an import lands whole or not at all). A new
database file and its folder are created readable by their owner only; SQLite gives the
-wal and -shm files the same permissions as the database file.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from segdesk.paths import is_url

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "segdesk_write"
"""Execution option that makes a SQLite transaction take the write lock when it begins."""


def write_connection(engine: Engine) -> Connection:
    """A connection for changes: its transactions take SQLite's write lock as they begin, so
    a second writer waits at the start (busy timeout) instead of failing halfway through."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})


def sqlite_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine, or None for other databases and in-memory ones."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_private_file(path: Path) -> None:
    """Create ``path`` (and missing parent folders) readable by the owner only."""
    missing = [folder for folder in path.parents if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)


def make_engine(target: str | os.PathLike[str]) -> Engine:
    """An engine for a database path or URL; a missing SQLite file is created privately."""
    if is_url(target):
        url = make_url(str(target))
    else:
        path = Path(target).expanduser().resolve()
        create_private_file(path)
        url = make_url(f"sqlite:///{path}")
    if url.get_backend_name() != "sqlite":
        return create_engine(url)
    if url.database and url.database != ":memory:":
        create_private_file(Path(url.database))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
