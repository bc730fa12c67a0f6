"""Which orders count: refunded, voided and cancelled orders are kept but left out of counts
and revenue by default (rules, RFM and lifecycle), so that a refund is not a sale.

Statuses are stored normalised (lower case: ``paid``, ``pending``, ``refunded``, ``partially
refunded``, ``voided``, ``cancelled``); an order without a status counts like a paid one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, literal_column, or_

LEFT_OUT = ("refunded", "voided", "cancelled")
"""Statuses whose orders are left out unless a rule asks for them."""


def counted(
    status: ColumnElement[Any], left_out: Collection[str] = LEFT_OUT
) -> ColumnElement[bool]:
    """True for the orders that count: no status, or one not in ``left_out``. The statuses
    are this module's own words, written into the SQL rather than bound, so that they take
    none of the parameters a rule's values need."""
    statuses = sorted(left_out)
    if not statuses or not set(statuses) <= set(LEFT_OUT):
        raise ValueError(f"not statuses to leave out: {statuses!r}")
    return or_(status.is_(None), status.not_in([literal_column(f"'{s}'") for s in statuses]))


def is_counted(status: str | None, left_out: Collection[str] = LEFT_OUT) -> bool:
    """:func:`counted` in Python, for the reference evaluator and explanations."""
    return status is None or status not in left_out
