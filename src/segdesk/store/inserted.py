"""The id of a row just inserted.

SQLAlchemy types ``inserted_primary_key`` as optional because an ``executemany`` has none;
a single-row insert always has one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult


def inserted_id(result: CursorResult[Any]) -> int:
    """The integer primary key the database gave the one row ``result`` inserted."""
    key = result.inserted_primary_key
    if key is None:
        raise ValueError("not a single-row insert: no primary key was reported")
    return int(key[0])
