"""Millions of rows of numbers read straight into numpy arrays.

Through SQLAlchemy each row becomes a Row and each value a Python object that is then copied
into an array: at five million orders that is most of a model run's time. On SQLite each
column therefore comes back as one comma-separated text (``group_concat``; reals through
``quote``, which writes the shortest text that reads back as the same double), which numpy
parses in one C loop: no Python object per value at all. Other databases take SQLAlchemy's
``execute``, the portable twin, which tests hold to the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Integer, Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from segdesk.store.utc_seconds import SECONDS_A_DAY


def number_columns(conn: Connection, query: Select[Any], reals: Sequence[bool]) -> list[np.ndarray]:
    """Each column of ``query`` as an array of its own: float64 where ``reals[i]``, else
    int64, every value exact (no NULLs). On SQLite one row of texts, parsed by numpy."""
    if len(reals) != len(query.selected_columns):
        raise ValueError("one entry of reals per selected column")
    if conn.dialect.name != "sqlite":
        return portable_number_columns(conn, query, reals)
    rows = query.subquery()
    texts = conn.execute(
        select(
            *(
                func.group_concat(func.quote(column) if real else column)
                for column, real in zip(rows.c, reals, strict=True)
            )
        )
    ).one()
    arrays = [
        np.fromstring(text or "", dtype=np.float64 if real else np.int64, sep=",")
        for text, real in zip(texts, reals, strict=True)
    ]
    if len({len(a) for a in arrays}) > 1:
        raise ValueError("a column held something other than numbers")
    return arrays


def portable_number_columns(
    conn: Connection, query: Select[Any], reals: Sequence[bool]
) -> list[np.ndarray]:
    """:func:`number_columns` through SQLAlchemy, for any database."""
    rows = conn.execute(query).all()
    return [
        np.array([row[i] for row in rows], dtype=np.float64 if real else np.int64)
        for i, real in enumerate(reals)
    ]


class utc_day_number(FunctionElement[int]):
    """Days from 1970-01-01 to the UTC day of a time stored as seconds
    (:mod:`segdesk.store.utc_seconds`), as an integer: the floor of a division, written with
    ``%`` so that it holds before 1970 too, where integer division rounds towards zero."""

    type = Integer()
    inherit_cache = True


@compiles(utc_day_number)
def _day_number(element: utc_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    t = compiler.process(element.clauses, **kw)
    day = SECONDS_A_DAY
    return f"(({t}) - ((({t}) % {day}) + {day}) % {day}) / {day}"
