"""The fields an import can fill, and how a column's sample types them.

``Target`` names the table a file fills (contacts or events); each has its list of fields, and
the fields that are not text have their type. Apart so that the mapping types, the suggestions
and the ``--map`` syntax all work from one list of fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.dates import decide_date_order
from segdesk.ingest.values.inference import infer_column
from segdesk.ingest.values.numbers import decide_decimal

Target = Literal["contacts", "events"]

CONTACT_TARGETS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "full_name",
    "external_id",
    "phone",
    "company",
    "job_title",
    "city",
    "region",
    "country",
    "postal_code",
    "source",
    "consent",
)
"""Fields a contacts file can fill; ``full_name`` is split into first and last name."""

LINE_TARGETS: tuple[str, ...] = ("product", "sku", "category", "unit_price", "line_total")
"""Fields of an order's line: a file that maps one of them stores a line per row."""

EVENT_TARGETS: tuple[str, ...] = (
    "email",
    "external_id",
    "occurred_at",
    "amount",
    "quantity",
    "ref",
    "status",
    *LINE_TARGETS,
)
"""Fields an events file can fill; ``email`` or ``external_id`` finds the contact. With line
fields, ``quantity`` is the line's and the order's is the sum of its lines'."""

TARGET_TYPES: dict[str, str] = {
    "country": "category",
    "source": "category",
    "consent": "category",
    "occurred_at": "date",
    "amount": "number",
    "quantity": "number",
    "status": "category",
    "category": "category",
    "unit_price": "number",
    "line_total": "number",
}
"""Types of the targets that are not text."""


def _target_type(
    fld: str, values: Sequence[str], spreadsheet: bool, decimal_hint: str | None
) -> tuple[ColumnType, bool, str]:
    kind = TARGET_TYPES.get(fld, "text")
    if kind == "date":
        guess = infer_column(values, name=fld, spreadsheet=spreadsheet)
        if guess.type.kind == "date":
            return guess.type, guess.ambiguous, guess.reason
        decision = decide_date_order(values)
        return ColumnType("date", date_order=decision.order), decision.ambiguous, decision.reason
    if kind == "number":
        decimals = decide_decimal(values, decimal_hint)
        return ColumnType("number", decimal=decimals.decimal), decimals.ambiguous, decimals.reason
    return ColumnType(kind), False, ""
