"""Inserting many rows at once, as fast as the database allows.

At a million rows, SQLAlchemy's per-row parameter handling costs more than SQLite's own
insert. On SQLite the rows therefore go straight to the driver's ``executemany``, with each
column's bind processor (the same conversion SQLAlchemy applies: aware times to UTC text,
JSON to text) run in one tight loop. Other databases take SQLAlchemy's ``executemany``, the
portable twin, which tests hold to the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    names = list(rows[0])
    quote = conn.dialect.identifier_preparer
    sql = (
        f"INSERT INTO {quote.format_table(table)} "
        f"({', '.join(quote.quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    dialect = conn.dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    conn.exec_driver_sql(sql, _parameters(rows, names, processors))


def _parameters(
    rows: Sequence[dict[str, Any]],
    names: list[str],
    processors: list[Callable[[Any], Any] | None],
) -> list[tuple[Any, ...]]:
    """Rows as tuples in column order, converted only where a column needs it."""
    get = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    converted = [(i, _remember_last(p)) for i, p in enumerate(processors) if p is not None]
    if not converted:
        return [get(row) for row in rows]
    params = []
    for row in rows:
        values = list(get(row))
        for i, convert in converted:
            values[i] = convert(values[i])
        params.append(tuple(values))
    return params


def _remember_last(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Repeated values (an import's timestamp on every row) are converted once."""
    last: list[Any] = [object(), None]

    def run(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return run
