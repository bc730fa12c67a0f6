"""The filter inside a metric: ``orders(product = "Cold Brew Kit").count``.

A filter is comparisons joined by ``and``/``or`` (parentheses group them; ``not`` stays outside
the metric, where "never bought" means what it says). Each name is one of:

- a **line field** (orders only): ``product``, ``sku``, ``category`` (text), ``quantity``,
  ``unit_price``, ``line_total`` (numbers), read from ``order_line``;
- an **event field**: ``status`` (text) and ``amount`` (number), read from ``event``;
- anything else, an **attribute** of the event, read from its JSON ``attributes`` and typed by
  the value written: text in quotes compares as text, a number as a number, a date as a date.

Known names ignore case and print in lower case; attribute names are kept as written.

Refunded, voided and cancelled orders are left out of every orders metric, unless a status
condition of the filter holds for that status (:func:`left_out`).
"""

from __future__ import annotations

import datetime as dt

from segdesk.rules.errors import RuleError, clipped
from segdesk.rules.tree import (
    DAY_OPS,
    NO_VALUE_OPS,
    ORDER_KIND,
    And,
    Compare,
    Filter,
    Or,
    Value,
)
from segdesk.store.order_status import LEFT_OUT

LINE_FIELDS = {
    "product": "text",
    "sku": "text",
    "category": "text",
    "quantity": "number",
    "unit_price": "number",
    "line_total": "number",
}
EVENT_FIELDS = {"status": "text", "amount": "number"}
LINE, EVENT, ATTRIBUTE = "line", "event", "attribute"


def level(kind: str, name: str) -> str:
    """Where a filter name is read: ``line``, ``event`` or ``attribute``."""
    if kind == ORDER_KIND and name in LINE_FIELDS:
        return LINE
    if name in EVENT_FIELDS:
        return EVENT
    return ATTRIBUTE


def canonical_name(kind: str, name: str) -> str:
    """A known field by its own name (``Product`` is ``product``); an attribute as written."""
    folded = name.lower()
    known = (*EVENT_FIELDS, *(LINE_FIELDS if kind == ORDER_KIND else ()))
    return folded if folded in known else name


def line_field_elsewhere(kind: str, name: str) -> RuleError | None:
    """Line fields belong to orders: on another kind of event they are a mistake, not an
    attribute that happens to share the name."""
    if kind == ORDER_KIND or name.lower() not in LINE_FIELDS:
        return None
    return RuleError(
        f'unknown filter field "{clipped(name)}": only orders have lines with '
        f"{name.lower()}; “{clipped(kind)}” events do not",
        hint=f"use orders({name.lower()} ...), or an attribute of these events",
    )


def declared_kind(kind: str, name: str) -> str | None:
    """The kind (text, number) of a known field, None for an attribute."""
    field_level = level(kind, name)
    if field_level == LINE:
        return LINE_FIELDS[name]
    if field_level == EVENT:
        return EVENT_FIELDS[name]
    return None


def attribute_kind(op: str, value: Value) -> str:
    """How an attribute compares, from the operator and the value written."""
    if op in ("is true", "is false"):
        return "bool"
    if op in DAY_OPS or op in ("before", "after"):
        return "date"
    if op in NO_VALUE_OPS:
        return "text"
    first = value[0] if isinstance(value, tuple) and value else value
    if isinstance(first, dt.date):
        return "date"
    if isinstance(first, int | float) and not isinstance(first, bool):
        return "number"
    return "text"


def compare_kind(kind: str, node: Compare) -> str:
    """How one filter comparison compares (text, number, date or bool)."""
    return declared_kind(kind, node.field) or attribute_kind(node.op, node.value)


def filter_items(where: And | Or) -> list[Filter]:
    """The parts of an and/or inside a filter, which are filters too (the parser and
    ``from_json`` build nothing else there)."""
    found = []
    for item in where.items:
        assert isinstance(item, And | Or | Compare), item
        found.append(item)
    return found


def comparisons(where: Filter) -> list[Compare]:
    """The comparisons of a filter, in order."""
    if isinstance(where, Compare):
        return [where]
    return [c for item in filter_items(where) for c in comparisons(item)]


def uses_lines(kind: str, where: Filter | None) -> bool:
    """Whether the filter names a line field, so that the metric reads order lines."""
    return where is not None and any(level(kind, c.field) == LINE for c in comparisons(where))


def left_out(kind: str, where: Filter | None) -> frozenset[str]:
    """The statuses whose orders the metric leaves out.

    Only orders leave any out: refunded, voided and cancelled, except each status for which
    some ``status`` condition of the filter holds (``status = "refunded"``, ``status in
    (...)``, ``status != "paid"``, ``status is not empty``): a filter that asks for a status
    gets it.
    """
    if kind != ORDER_KIND:
        return frozenset()
    conditions = [] if where is None else [c for c in comparisons(where) if c.field == "status"]
    return frozenset(s for s in LEFT_OUT if not any(_holds_for(c, s) for c in conditions))


def _holds_for(node: Compare, status: str) -> bool:
    """A status condition on an order with this (normalised, lower-case) status."""
    op, value = node.op, node.value
    if op in ("is empty", "is not empty"):
        return op == "is not empty"
    if op in ("in", "not in"):
        assert isinstance(value, tuple)
        inside = status in {_fold(str(v)) for v in value}
        return inside == (op == "in")
    wanted = _fold(str(value))
    return {
        "=": status == wanted,
        "!=": status != wanted,
        "contains": wanted in status,
        "starts with": status.startswith(wanted),
        "ends with": status.endswith(wanted),
    }[op]


def _fold(text: str) -> str:
    return text.strip(" ").lower()


def without_lines(kind: str, where: Filter) -> Filter | bool:
    """The filter for an order that has no lines: every line field is missing, so a line
    comparison is false (``is empty`` true). True or False when that decides the filter,
    else what remains to ask of the order."""
    if isinstance(where, Compare):
        if level(kind, where.field) != LINE:
            return where
        return where.op == "is empty"
    parts = [without_lines(kind, item) for item in filter_items(where)]
    decisive = isinstance(where, Or)  # True decides an or, False an and
    if decisive in parts:
        return decisive
    rest = [p for p in parts if not isinstance(p, bool)]
    if not rest:
        return not decisive
    return rest[0] if len(rest) == 1 else type(where)(tuple(rest))
