"""Guessing a column's type from a sample of its values, with the reason and any doubt.

Bool, date, number, category or text, in that order (see ``infer_column``). Apart because only
a mapping's suggestions guess; once a column's type is decided, rows are typed without this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from segdesk.ingest.values.booleans import FALSE_WORDS, TRUE_WORDS
from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.dates import (
    _COMPACT,
    _DAY_MONTH,
    _ISO,
    _SERIAL,
    DateOrder,
    decide_date_order,
)
from segdesk.ingest.values.numbers import _number_core, decide_decimal
from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import NULL_MARKERS, clean_text

CATEGORY_MAX_DISTINCT = 20
CATEGORY_MIN_FILLED = 10
CATEGORY_MAX_LENGTH = 40

_DATE_NAME = re.compile(r"date|time|datum|zeit|day|birthday|_at$|\bat$|created|updated|since")


@dataclass(frozen=True)
class ColumnGuess:
    """What a sample says about a column: its type, why, and what a user should confirm."""

    type: ColumnType
    reason: str
    ambiguous: bool = False
    filled: int = 0
    distinct: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def infer_column(
    values: Sequence[str],
    *,
    name: str = "",
    spreadsheet: bool = False,
    decimal_hint: str | None = None,
    default_date_order: DateOrder = "dmy",
) -> ColumnGuess:
    """Guess a column's type from sampled text values; empty values and ``n/a`` are ignored.

    In order: bool when every value is a yes/no word (columns of only 0 and 1 stay numbers);
    date when every value is a date (the column's day/month order decided as in
    ``decide_date_order``), or, in a workbook, whole numbers in a column whose name speaks of
    a date (Excel serials); number when every value is a number, unless one has a leading zero
    or ``+`` or more than 15 digits (identifiers, kept as text); else category when there are at
    least 10 values with at most 20 distinct, short ones, making up no more than half of them;
    else text.
    """
    cleaned = [clean_text(v) for v in values]
    filled = [v for v in cleaned if v and v.casefold() not in NULL_MARKERS]
    distinct = len(set(filled))
    if not filled:
        return ColumnGuess(ColumnType("text"), "no values in the sample")
    lowered = {v.casefold() for v in filled}
    words = TRUE_WORDS | FALSE_WORDS
    if lowered <= words and not lowered <= {"0", "1"}:
        return ColumnGuess(ColumnType("bool"), "yes/no values", False, len(filled), distinct)

    date_guess = _guess_date(filled, name, spreadsheet, default_date_order)
    if date_guess is not None:
        return ColumnGuess(date_guess[0], date_guess[1], date_guess[2], len(filled), distinct)

    if all(_is_number(v) for v in filled):
        if any(_looks_like_identifier(v) for v in filled):
            return ColumnGuess(
                ColumnType("text"),
                "numbers with leading zeros, '+' or many digits: identifiers, kept as text",
                False,
                len(filled),
                distinct,
            )
        decision = decide_decimal(filled, decimal_hint)
        column = ColumnType("number", decimal=decision.decimal)
        if all(_fits(column, v) for v in filled):
            return ColumnGuess(
                column, f"numbers; {decision.reason}", decision.ambiguous, len(filled), distinct
            )

    if (
        len(filled) >= CATEGORY_MIN_FILLED
        and distinct <= CATEGORY_MAX_DISTINCT
        and distinct * 2 <= len(filled)
        and all(len(v) <= CATEGORY_MAX_LENGTH for v in filled)
    ):
        return ColumnGuess(
            ColumnType("category"), f"{distinct} distinct values", False, len(filled), distinct
        )
    return ColumnGuess(ColumnType("text"), "text", False, len(filled), distinct)


def _guess_date(
    filled: list[str], name: str, spreadsheet: bool, default: DateOrder
) -> tuple[ColumnType, str, bool] | None:
    decision = decide_date_order(filled, default)
    column = ColumnType("date", date_order=decision.order)
    if all(_fits(column, v) for v in filled):
        if any(_DAY_MONTH.match(v) for v in filled):
            return column, f"dates; {decision.reason}", decision.ambiguous
        if any(_COMPACT.match(v) for v in filled):
            return column, "dates written as YYYYMMDD", False
        return column, "dates (year first)", False
    if spreadsheet:
        # Date cells arrive as ISO text; plain numbers among them, or in a column named like a
        # date, are Excel serials that lost their date format.
        serial = ColumnType("date", serials=True)
        has_dates = any(_ISO.match(v) for v in filled)
        if (has_dates or _DATE_NAME.search(name.casefold())) and all(
            (_ISO.match(v) or _SERIAL.match(v)) and _fits(serial, v) for v in filled
        ):
            return serial, "dates; plain numbers among them are Excel date serials", False
    return None


def _fits(column: ColumnType, text: str) -> bool:
    try:
        column.parse(text)
    except ValueProblem:
        return False
    return True


def _is_number(text: str) -> bool:
    return _number_core(text) is not None


def _looks_like_identifier(text: str) -> bool:
    value = text.strip()
    if value.startswith("+"):
        return True
    if re.match(r"^0\d", value):
        return True
    digits = sum(ch.isdigit() for ch in value)
    return digits > 15
