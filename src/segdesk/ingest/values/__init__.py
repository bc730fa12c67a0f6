"""Typing text values, by stated rules, one pure function per kind.

Each ``parse_*`` function returns the typed value or raises ``ValueProblem`` with a reason a user
can act on. Decisions that depend on a whole column (the decimal mark, day or month first) are
made once per column by ``decide_*`` and passed in, because a single value such as ``1,234`` or
``04/05/2024`` cannot decide them. ``infer_column`` puts the rules together for a sample.

One module per kind of value (``identifiers``, ``numbers``, ``dates``, ``booleans``,
``emails``, ``consent``, ``names``) on top of ``text`` and ``problems``; ``column_types`` applies
them to a column and ``inference`` guesses a column's type. Names with a leading underscore
(the fast paths and the full rules they are tested against) are shared by these modules only.
"""

from __future__ import annotations

from segdesk.ingest.values.booleans import parse_bool
from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.consent import normalise_consent
from segdesk.ingest.values.dates import decide_date_order, excel_serial_to_date, parse_date
from segdesk.ingest.values.emails import normalise_email
from segdesk.ingest.values.identifiers import clean_identifier
from segdesk.ingest.values.inference import ColumnGuess, infer_column
from segdesk.ingest.values.names import split_full_name
from segdesk.ingest.values.numbers import decide_decimal, parse_number
from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text, unneutralise

__all__ = [
    "ColumnGuess",
    "ColumnType",
    "ValueProblem",
    "clean_identifier",
    "clean_text",
    "decide_date_order",
    "decide_decimal",
    "excel_serial_to_date",
    "infer_column",
    "normalise_consent",
    "normalise_email",
    "parse_bool",
    "parse_date",
    "parse_number",
    "split_full_name",
    "unneutralise",
]
