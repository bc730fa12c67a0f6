"""A column's type in words, for the terminal and the app.

``date (dd/mm)``, ``number (1,50)`` in a table cell; in detail, with the column's first date as
read: ``date, day first: 04/05/2024 is 4 May 2024``. Presentation only, kept apart so that the
mapping itself holds no wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.problems import ValueProblem

DateWriting = Literal["day_month", "year_first", "compact"]

_DAY_MONTH_TEXT = re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_YEAR_FIRST_TEXT = re.compile(r"^\s*\d{4}[./-]\d{1,2}[./-]\d{1,2}")
_COMPACT_TEXT = re.compile(r"^\s*\d{8}\s*$")


def date_writing(values: Iterable[str]) -> DateWriting | None:
    """How a column writes its dates: with day and month first (``31/12/2024``, where their
    order matters), year first (ISO ``2024-12-31``), as ``20241231``, or none of these."""
    year_first = compact = False
    for value in values:
        if _DAY_MONTH_TEXT.match(value):
            return "day_month"
        year_first = year_first or bool(_YEAR_FIRST_TEXT.match(value))
        compact = compact or bool(_COMPACT_TEXT.match(value))
    if year_first:
        return "year_first"
    return "compact" if compact else None


def describe_type(ctype: ColumnType, values: Sequence[str] = (), *, detailed: bool = False) -> str:
    """A column's type with what was decided about it, read from its sampled ``values``.

    Short, for a table cell: ``date (ISO)``, ``date (YYYYMMDD)``, ``date (dd/mm)``,
    ``number (1,50)``, ``text``. Detailed, with the column's first date as read:
    ``date, day first: 04/05/2024 is 4 May 2024``.
    """
    if ctype.kind == "number" and ctype.decimal:
        mark = "comma" if ctype.decimal == "," else "point"
        example = f"1{ctype.decimal}50"
        return f"number, decimal {mark}: {example}" if detailed else f"number ({example})"
    if ctype.kind != "date":
        return ctype.kind
    writing = date_writing(values)
    if ctype.serials:
        how, short = "Excel date serials", "Excel"
    elif writing == "day_month":
        day_first = ctype.date_order != "mdy"
        how, short = ("day first", "dd/mm") if day_first else ("month first", "mm/dd")
    elif writing == "year_first":
        how, short = "year first (ISO)", "ISO"
    elif writing == "compact":
        how, short = "written YYYYMMDD", "YYYYMMDD"
    else:
        return "date"
    if not detailed:
        return f"date ({short})"
    return f"date, {how}" + _date_example(ctype, values)


def _date_example(ctype: ColumnType, values: Sequence[str]) -> str:
    """``: 04/05/2024 is 4 May 2024``, from the first value that reads as a date."""
    for value in values:
        try:
            moment = ctype.parse(value)
        except ValueProblem:
            continue
        if moment is not None:
            return f": {value.strip()} is {moment.day} {moment:%B %Y}"
    return ""
