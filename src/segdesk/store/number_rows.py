"""Millions of rows of numbers read straight into one numpy array.

Through SQLAlchemy each row becomes a Row and each value a Python object that is then copied
into an array: at five million orders that is most of a backtest's time. On SQLite the query
is therefore rendered with its values written in (only numbers and words: no parameters to
convert) and run on the driver's cursor, whose rows numpy reads in one pass. Other databases
take SQLAlchemy's ``execute``, the portable twin, which tests hold to the same result.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from sqlalchemy import Connection, Integer, Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

JULIAN_EPOCH = 2440587.5
"""The Julian day number of 1970-01-01 at midnight."""


def number_rows(conn: Connection, query: Select[Any]) -> np.ndarray:
    """The rows of ``query``, whose every column is a number (no NULLs), as a float64 array
    of one row per result row. Integers up to 2**53 come back exactly."""
    width = len(query.selected_columns)
    if conn.dialect.name != "sqlite":
        return portable_number_rows(conn, query)
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]
    values = np.fromiter(itertools.chain.from_iterable(cursor), dtype=np.float64)
    return values.reshape(-1, width)


def portable_number_rows(conn: Connection, query: Select[Any]) -> np.ndarray:
    """:func:`number_rows` through SQLAlchemy, for any database."""
    rows = conn.execute(query).all()
    return np.array(rows, dtype=np.float64).reshape(-1, len(query.selected_columns))


class utc_day_number(FunctionElement[int]):
    """Days from 1970-01-01 to the UTC day of a stored time, as an integer: SQLite's
    ``julianday(date(...))`` (``date`` brings a time with an offset to UTC; stored times are
    naive UTC text), elsewhere the standard ``CAST(... AS DATE)`` minus the epoch."""

    type = Integer()
    inherit_cache = True


@compiles(utc_day_number, "sqlite")
def _sqlite_day_number(element: utc_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    time = compiler.process(element.clauses, **kw)
    return f"CAST(julianday(date({time})) - {JULIAN_EPOCH} AS INTEGER)"


@compiles(utc_day_number)
def _day_number(element: utc_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    time = compiler.process(element.clauses, **kw)
    return f"(CAST({time} AS DATE) - DATE '1970-01-01')"
