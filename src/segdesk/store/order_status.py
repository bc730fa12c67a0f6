"""Which orders count: refunded, voided and cancelled orders are kept but left out of counts
and revenue by default; any other status, and none, counts like paid."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlalchemy.sql.elements import ColumnClause

LEFT_OUT_STATUSES: tuple[str, ...] = ("refunded", "voided", "cancelled")


def counted(status: ColumnElement[str | None] | ColumnClause[str | None]) -> ColumnElement[bool]:
    """True for an order whose ``status`` counts (NULL included, which NOT IN would drop)."""
    return or_(status.is_(None), status.not_in(LEFT_OUT_STATUSES))
