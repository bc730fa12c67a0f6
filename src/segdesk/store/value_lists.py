"""Many values as a one-column table, bound as one parameter on SQLite: ``column IN`` them
or a join with them.

An import looks up thousands of keys per chunk. An ``IN`` list renders one parameter per
value, and compiling that statement costs more than the look-up itself. On SQLite the values
therefore go as one JSON array read by ``json_each``. Other databases take a union of one-row
selects, the portable twin, which tests hold to the same result.

Joining the table of values to an indexed column probes the index once per value, about
twice as fast as ``IN`` (for which SQLite first copies the values into a temporary index);
``IN`` is the safe choice where the planner could start from another index instead.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, func, literal, select, union_all


def listed(conn: Connection, items: Collection[Any]) -> FromClause:
    """``items`` (text or whole numbers, at least one) as a table whose column is ``value``."""
    if conn.dialect.name != "sqlite":
        rows = [select(literal(item).label("value")) for item in items]
        return union_all(*rows).subquery("listed")
    return func.json_each(json.dumps(list(items))).table_valued("value").alias("listed")


def among(conn: Connection, column: ColumnElement[Any], items: Collection[Any]) -> Any:
    """A condition true where ``column`` holds one of ``items`` (text or whole numbers)."""
    if not items:
        return column.in_([])
    return column.in_(select(listed(conn, items).c.value))
