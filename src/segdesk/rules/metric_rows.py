"""The rows one metric pass groups by contact: events, or order lines for a product filter.

Every pass reads rows with four columns: the contact, the order (event) a row belongs to, its
time, and the amount it brings. Without a filter on lines these are the events of one kind
(``event``). With one (``orders(product = "Kit")``) they are the matching order lines
(``order_line``, which repeats the order's contact and time so that its indexes answer alone),
joined to their order only where the status or an order field is asked; orders that have no
lines come from ``event`` when the filter can hold without lines. The SQL compiler groups
these rows; :mod:`segdesk.rules.evaluator` restates the same in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, exists, select, union_all

from segdesk.rules.filters import (
    ATTRIBUTE,
    EVENT,
    LINE,
    attribute_kind,
    comparisons,
    left_out,
    level,
    uses_lines,
    without_lines,
)
from segdesk.rules.tree import Compare, Filter
from segdesk.store.json_values import json_kind
from segdesk.store.order_status import counted
from segdesk.store.tables import Event, OrderLine

event = Event.__table__
order_line = OrderLine.__table__

Times = Callable[[ColumnElement[Any]], list[ColumnElement[bool]]]
"""The time bounds of a pass, put on the time column of each table it reads."""
FilterSQL = Callable[[Filter, Callable[[Compare], ColumnElement[Any]]], ColumnElement[bool]]
"""Compiles a filter, given where each comparison reads its value."""


@dataclass(frozen=True)
class Rows:
    """What a pass selects from and keeps, and its four columns.

    ``one_per_order`` holds when each row is a whole order (events), so that ``count()``
    counts orders; rows of lines count their distinct orders.
    """

    source: FromClause
    where: list[ColumnElement[bool]]
    contact_id: ColumnElement[Any]
    order_id: ColumnElement[Any]
    occurred_at: ColumnElement[Any]
    amount: ColumnElement[Any]
    one_per_order: bool


def metric_rows(kind: str, where: Filter | None, times: Times, filter_sql: FilterSQL) -> Rows:
    """The rows of the metrics over ``kind`` with the filter ``where``."""
    if not uses_lines(kind, where):
        conditions = _event_conditions(kind, where, left_out(kind, where), times, filter_sql)
        return Rows(
            event,
            conditions,
            event.c.contact_id,
            event.c.id,
            event.c.occurred_at,
            event.c.amount,
            one_per_order=True,
        )
    assert where is not None
    lines = _line_rows(kind, where, times, filter_sql)
    rest = without_lines(kind, where)
    if rest is False:
        return lines
    # The statuses left out follow the whole filter: one that asks for refunds gets refunded
    # orders without lines too, even where the part naming the status fell away.
    lineless = _event_conditions(
        kind, None if rest is True else rest, left_out(kind, where), times, filter_sql
    )
    has_lines = exists().where(order_line.c.event_id == event.c.id)
    both = union_all(
        select(
            lines.contact_id.label("contact_id"),
            lines.order_id.label("order_id"),
            lines.occurred_at.label("occurred_at"),
            lines.amount.label("amount"),
        )
        .select_from(lines.source)
        .where(*lines.where),
        select(event.c.contact_id, event.c.id, event.c.occurred_at, event.c.amount).where(
            *lineless, ~has_lines
        ),
    ).subquery("matched")
    return Rows(
        both,
        [],
        both.c.contact_id,
        both.c.order_id,
        both.c.occurred_at,
        both.c.amount,
        one_per_order=False,
    )


def _event_conditions(
    kind: str,
    where: Filter | None,
    statuses: frozenset[str],
    times: Times,
    filter_sql: FilterSQL,
) -> list[ColumnElement[bool]]:
    conditions = [event.c.kind == kind, *times(event.c.occurred_at)]
    if statuses:
        conditions.append(counted(event.c.status, statuses))
    if where is not None:
        conditions.append(filter_sql(where, lambda node: _event_value(kind, node)))
    return conditions


def _line_rows(kind: str, where: Filter, times: Times, filter_sql: FilterSQL) -> Rows:
    """Matching lines; joined to their order only when the order must be read."""
    statuses = left_out(kind, where)
    reads_order = bool(statuses) or any(level(kind, c.field) != LINE for c in comparisons(where))
    source: FromClause = order_line
    conditions = times(order_line.c.occurred_at)
    if reads_order:
        source = order_line.join(event, event.c.id == order_line.c.event_id)
        if statuses:
            conditions.append(counted(event.c.status, statuses))

    def value(node: Compare) -> ColumnElement[Any]:
        if level(kind, node.field) == LINE:
            return order_line.c[node.field]
        return _event_value(kind, node)

    conditions.append(filter_sql(where, value))
    return Rows(
        source,
        conditions,
        order_line.c.contact_id,
        order_line.c.event_id,
        order_line.c.occurred_at,
        order_line.c.line_total,
        one_per_order=False,
    )


def _event_value(kind: str, node: Compare) -> ColumnElement[Any]:
    field_level = level(kind, node.field)
    assert field_level in (EVENT, ATTRIBUTE), node
    if field_level == EVENT:
        return event.c[node.field]
    return attribute_of_event(node)


def attribute_of_event(node: Compare) -> ColumnElement[Any]:
    """An event attribute read as the comparison reads it (dates are ISO text)."""
    value_kind = attribute_kind(node.op, node.value)
    return json_kind(event.c.attributes, node.field, "text" if value_kind == "date" else value_kind)
