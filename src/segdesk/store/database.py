"""Opening a database for reading, for writing, or creating it: the engine, with the schema
checked (read), migrated (write) or made (create).

Every entry says what it means to do: a reading command opens the file read-only and never
changes it (not its journal mode, not its schema); a writing command needs an existing,
writable database; only ``create`` makes a new one (see ``store.files``).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from sqlalchemy import URL, Engine
from sqlalchemy.exc import ArgumentError, DatabaseError

from segdesk.errors import UserError
from segdesk.store.engine import database_url, make_engine, sqlite_file
from segdesk.store.files import create_database_file, remove_database_files, require_existing
from segdesk.store.migrations import check_readable, ensure_schema

OpenMode = Literal["read", "write", "create"]
"""``read``: an existing database, read-only. ``write``: an existing database, migrated if it
is older. ``create``: as ``write``, making a new database when the file is missing."""


def open_database(target: str | os.PathLike[str], *, mode: OpenMode = "create") -> Engine:
    """An engine on ``target`` (path or URL) opened as ``mode`` says. Scripts and tests that
    make databases use the default; every command and the app name their mode."""
    url = _url(target)
    path = sqlite_file(url)
    created = False
    if path is not None:
        if mode == "create" and not path.exists():
            create_database_file(path)
            created = True
        else:
            require_existing(path, write=mode != "read")
    label = str(path or target)
    reading = mode == "read"
    engine = make_engine(url, read_only=reading, immutable=reading and _needs_immutable(path))
    try:
        if reading:
            check_readable(engine, label=label)
        else:
            ensure_schema(engine, label=label)
    except BaseException as exc:
        engine.dispose()
        if created and path is not None:
            remove_database_files(path)
        if isinstance(exc, DatabaseError):
            raise UserError(f"cannot open database {label}: {_reason(exc)}") from exc
        raise
    return engine


def database_path(target: str | os.PathLike[str]) -> Path | None:
    """The file of a SQLite database path or URL, else None (another database, in memory)."""
    return sqlite_file(_url(target))


def discard_if_unused(path: Path) -> None:
    """Remove a database this process created once it is clear that nothing landed in it
    (no contact, no import): an import that failed before it landed leaves no file behind."""
    try:
        with closing(sqlite3.connect(path)) as conn:
            used = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM contact) OR EXISTS (SELECT 1 FROM import_batch)"
            ).fetchone()[0]
    except sqlite3.Error as exc:
        if "no such table" not in str(exc):
            return  # not readable as ours: leave it as it is
        used = False
    if not used:
        remove_database_files(path)


def _url(target: str | os.PathLike[str]) -> URL:
    try:
        return database_url(target)
    except ArgumentError as exc:
        raise UserError(f"cannot open database {target}: {_reason(exc)}") from exc


def _needs_immutable(path: Path | None) -> bool:
    """Whether a read-only open must tell SQLite that nobody changes the file meanwhile.

    So for a database that nobody may write to (no write permission at all, e.g. 0444) and
    whose committed changes are all in the file (no -wal content): reading it then leaves no
    -wal and -shm files behind, which would keep it read-only once it is made writable again.
    So too for a WAL database in a folder where SQLite cannot make the -shm file it needs."""
    if path is None:
        return False
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    if not pending and path.stat().st_mode & 0o222 == 0:
        return True
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        return name in ("SQLITE_READONLY_DIRECTORY", "SQLITE_CANTOPEN")
    return False


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(orig or exc).splitlines()[0]
