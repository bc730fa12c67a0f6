"""Opening a database: the engine, with the schema created or migrated."""

from __future__ import annotations

import os

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DatabaseError

from segdesk.errors import UserError
from segdesk.store.engine import make_engine
from segdesk.store.migrations import ensure_schema


def open_database(target: str | os.PathLike[str]) -> Engine:
    """An engine on ``target`` (path or URL) with the schema created or migrated."""
    try:
        engine = make_engine(target)
    except (ArgumentError, OSError) as exc:
        raise UserError(f"cannot open database {target}: {_reason(exc)}") from exc
    try:
        ensure_schema(engine)
    except DatabaseError as exc:
        engine.dispose()
        raise UserError(f"cannot open database {target}: {_reason(exc)}") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(orig or exc).splitlines()[0]
