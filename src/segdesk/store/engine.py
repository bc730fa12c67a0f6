"""Engine factory: a path or URL in, a configured SQLAlchemy engine out.

SQLite files get WAL (a CLI import can run while the TUI reads), a busy timeout, foreign keys,
and real transactions (BEGIN IMMEDIATE, so an import lands whole or not at all; a second writer
waits for the first, see ``write_lock``). A read-only engine opens the file with SQLite's
``mode=ro`` and changes nothing, not even the journal mode. SQLite's errors that a user can
meet (a full disk, a read-only file, a busy database) become one-line ``UserError``s. Files
are created by ``store.database``, never here; a new database file is readable by its owner
only, and SQLite gives the -wal and -shm files the same permissions as the database file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url

from segdesk.errors import UserError
from segdesk.paths import is_url
from segdesk.store.write_lock import begin_write, is_busy

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "segdesk_write"
"""Execution option that makes a SQLite transaction take the write lock when it begins."""


def write_connection(engine: Engine) -> Connection:
    """A connection for changes: its transactions take SQLite's write lock as they begin, so
    a second writer waits at the start (see ``write_lock``) instead of failing halfway."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})


def database_url(target: str | os.PathLike[str]) -> URL:
    """The URL of a database path or URL; a path becomes an absolute ``sqlite:///`` URL."""
    if is_url(target):
        return make_url(str(target))
    return make_url(f"sqlite:///{Path(target).expanduser().resolve()}")


def sqlite_file(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory ones."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def sqlite_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine, or None for other databases, in-memory and read-only
    ones (a read-only engine never backs up or migrates)."""
    if is_read_only(engine):
        return None
    return sqlite_file(engine.url)


def is_read_only(engine: Engine) -> bool:
    """Whether the engine opened its SQLite file read-only (a read never writes)."""
    return engine.url.query.get("mode") == "ro"


def make_engine(url: URL, *, read_only: bool = False, immutable: bool = False) -> Engine:
    """An engine on ``url``. For a SQLite file, ``read_only`` opens it with ``mode=ro``, and
    ``immutable`` tells SQLite that nobody changes the file meanwhile (the only way to read a
    WAL database in a folder where its -shm file cannot be made)."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url)
    path = sqlite_file(url)
    label = str(path) if path is not None else "the in-memory database"
    if read_only and path is not None:
        query = {"mode": "ro", "uri": "true", **({"immutable": "1"} if immutable else {})}
        url = URL.create("sqlite", database=f"file:{quote(str(path))}", query=query)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine, read_only=read_only, database=label)
    return engine


def connection_pragmas(dbapi_connection: sqlite3.Connection, *, read_only: bool) -> None:
    """The settings of every connection (the journal mode is the file's: see ``use_wal``)."""
    if not read_only:
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def use_wal(engine: Engine) -> None:
    """Put a SQLite database in WAL mode (kept in the file), so that readers can read while an
    import writes; done by a writing open once the file is known to be ours."""
    if engine.url.get_backend_name() != "sqlite":
        return
    with engine.connect() as conn:  # the raw connection: the pragma must run outside BEGIN
        try:
            _driver(conn).execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            database = str(sqlite_file(engine.url) or engine.url)
            raise UserError(
                plain_sqlite_error(exc, database) or f"cannot open database {database}: {exc}"
            ) from exc


def plain_sqlite_error(exc: BaseException, database: str) -> str | None:
    """A one-line message for the SQLite errors a user can meet, else None."""
    if not isinstance(exc, sqlite3.Error):
        return None
    name, text = getattr(exc, "sqlite_errorname", "") or "", str(exc)
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return f"cannot write to {database}: the disk is full (nothing was changed)"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return f"cannot write to {database}: it is read-only (nothing was changed)"
    if is_busy(exc):
        return f"{database} is busy: another program is writing to it; try again once it is done"
    return None


def _driver(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one, for statements SQLAlchemy must not
    wrap in a transaction of its own (BEGIN itself, the journal mode)."""
    return cast(sqlite3.Connection, connection.connection.driver_connection)


def _configure_sqlite(engine: Engine, *, read_only: bool, database: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        connection_pragmas(dbapi_connection, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        raw = _driver(connection)
        try:
            if connection.get_execution_options().get(WRITE_OPTION, False):
                begin_write(raw, busy_timeout_ms=BUSY_TIMEOUT_MS, database=database)
            else:
                raw.execute("BEGIN")
        except sqlite3.Error as exc:
            message = plain_sqlite_error(exc, database)
            if message is None:
                raise
            raise UserError(message) from exc

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        message = plain_sqlite_error(context.original_exception, database)
        if message is not None:
            raise UserError(message) from context.original_exception
