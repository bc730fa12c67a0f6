"""Database files on disk: which may be opened, how a new one is made, and what stops it.

A database is created only on purpose (an import, or the app after asking), never by a
mistyped path: opening an existing file for reading or writing never creates one, and a new
one is made only in a folder that exists, except the default data folder, which is made on
first use. New files and that folder are readable by their owner only.

Standard library only, so that the app can ask its question before SQLAlchemy loads.
"""

from __future__ import annotations

import os
from pathlib import Path

from segdesk.errors import UserError
from segdesk.paths import data_dir

SIDECARS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database while it is open or after a crash."""


def create_private_file(path: Path) -> None:
    """Create ``path`` (and missing parent folders) readable by the owner only."""
    missing = [folder for folder in path.parents if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)


def require_existing(path: Path, *, write: bool) -> None:
    """Refuse, in one line, a database that is missing, or that cannot be written to when
    ``write`` (SQLite writes a journal beside the file, so its folder counts too): SQLite
    would otherwise fail halfway through the first change."""
    if path.is_dir():
        raise UserError(f"cannot open database {path}: it is a folder")
    if not path.exists():
        raise UserError(
            f"no database at {path}: check the path (--db or SEGDESK_DB); "
            "importing a file creates a new one"
        )
    if not write:
        return
    if not os.access(path, os.W_OK):
        raise UserError(f"cannot write to {path}: the file is read-only")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to {path}: its folder is read-only")


def creation_problem(path: Path) -> str | None:
    """Why a new database cannot be made at ``path`` (a missing or read-only folder), else
    None. Only the default data folder is made when missing."""
    folder = path.parent
    if not folder.exists():
        if folder.resolve() == data_dir().resolve():
            return None
        return f"cannot create {path}: the folder {folder} does not exist"
    if not folder.is_dir():
        return f"cannot create {path}: {folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot create {path}: the folder {folder} is read-only"
    return None


def create_database_file(path: Path) -> None:
    """Make the empty, private file of a new database (see :func:`creation_problem`)."""
    problem = creation_problem(path)
    if problem is not None:
        raise UserError(problem)
    try:
        create_private_file(path)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise UserError(f"cannot create {path}: {reason}") from exc


def remove_database_files(path: Path) -> None:
    """Remove a database this process created and left empty, with SQLite's files beside it."""
    for file in (path, *(path.with_name(path.name + s) for s in SIDECARS)):
        file.unlink(missing_ok=True)
