"""Inserting many rows at once, as fast as the database allows.

At a million rows, SQLAlchemy's per-row parameter handling costs more than SQLite's own
insert. On SQLite the rows therefore go straight to the driver's ``executemany``, with each
column's bind processor (the same conversion SQLAlchemy applies: aware times to UTC text,
JSON to text) run over the column at once. Other databases take SQLAlchemy's
``executemany``, the portable twin, which tests hold to the same result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table


class JsonTexts(list[str]):
    """Values of a JSON column already written as text, exactly as ``json.dumps`` writes them.

    A writer that makes many documents can write them faster than one ``json.dumps`` call per
    row; the database receives the same text either way.
    """


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``."""
    if not rows:
        return
    insert_columns(conn, table, {name: [row[name] for row in rows] for name in rows[0]})


def insert_rows(
    conn: Connection, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows``, each the values of the columns ``names`` in that order."""
    if rows:
        insert_columns(
            conn, table, dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))
        )


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> None:
    """Insert rows given a column at a time: ``columns`` maps names to equally long lists."""
    names = list(columns)
    if not names or not columns[names[0]]:
        return
    if conn.dialect.name != "sqlite":
        values = [_documents(column) for column in columns.values()]
        rows = zip(*values, strict=True)
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
        return
    quote = conn.dialect.identifier_preparer
    sql = (
        f"INSERT INTO {quote.format_table(table)} "
        f"({', '.join(quote.quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    values = [_converted(conn, table, name, column) for name, column in columns.items()]
    conn.exec_driver_sql(sql, list(zip(*values, strict=True)))


def _converted(conn: Connection, table: Table, name: str, values: Sequence[Any]) -> Sequence[Any]:
    """A column's values as the driver takes them: its bind processor's results.

    Times and empty JSON documents repeat row after row, so each distinct one is converted
    once; other values go through the processor one by one.
    """
    dialect = conn.dialect
    column_type = table.c[name].type
    if isinstance(values, JsonTexts) and getattr(dialect, "_json_serializer", None) is None:
        return values  # what the JSON type's processor would make of the documents
    values = _documents(values)
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    affinity = column_type._type_affinity
    if affinity is not None and issubclass(affinity, DateTime | Date):
        return list(map(_Converted(process).__getitem__, values))
    if affinity is not None and issubclass(affinity, JSON):
        empty = process({})
        return [empty if not value and type(value) is dict else process(value) for value in values]
    return list(map(process, values))


class _Converted(dict[Any, Any]):
    """Values to their processed form, each processed on first use."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        processed = self[value] = self.process(value)
        return processed


def _documents(values: Sequence[Any]) -> Sequence[Any]:
    """JSON texts back as the values they encode; other columns as they are."""
    return list(map(json.loads, values)) if isinstance(values, JsonTexts) else values
