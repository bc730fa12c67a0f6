"""The reference evaluator: the rule semantics restated in plain Python, one contact at a time.

It is written independently of the SQL compiler, as directly as the rules are stated in
segdesk/data/rules.md, so that the property tests can hold the SQL to it. It folds case the way
SQLite does (A-Z only) because the tests run on SQLite.

``contact`` holds the core fields by name, ``id``, and ``attributes`` (the custom fields);
``events`` are the contact's events (``kind``, ``occurred_at``, ``amount``, and optionally
``status``, ``attributes`` and an order's ``lines``); ``memberships``
maps a segment name, or :func:`model_key` of a model's segment, to its member ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from segdesk.rules.filters import EVENT, LINE, attribute_kind, comparisons, filter_items, level
from segdesk.rules.tree import (
    MORE_THAN_AGO,
    ORDER_KIND,
    WITHIN_LAST,
    And,
    Compare,
    Filter,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Number,
    Or,
    Rule,
    Scalar,
    Value,
)
from segdesk.store.order_status import LEFT_OUT

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def model_key(model: str, name: str) -> str:
    """The ``memberships`` key of a model's segment, e.g. ``rfm: Champions``."""
    return f"{model}: {name}"


def matches(
    rule: Rule,
    contact: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    today: dt.date,
    memberships: Mapping[str, set[int]],
) -> bool:
    """Whether ``contact`` is in the rule's result on ``today``."""
    if isinstance(rule, And):
        return all(matches(i, contact, events, today, memberships) for i in rule.items)
    if isinstance(rule, Or):
        return any(matches(i, contact, events, today, memberships) for i in rule.items)
    if isinstance(rule, Not):
        return not matches(rule.item, contact, events, today, memberships)
    if isinstance(rule, InSegment):
        return contact["id"] in memberships.get(rule.name, set())
    if isinstance(rule, InModel):
        keys = [model_key(rule.model, name) for name in rule.names]
        return any(contact["id"] in memberships.get(key, set()) for key in keys)
    if isinstance(rule, Compare):
        raw = contact[rule.field] if rule.field in contact else _attribute(contact, rule.field)
        return _compare(raw, rule.op, rule.value, today)
    if isinstance(rule, MetricCompare):
        value = metric_value(rule.metric, contact, events, today)
        return _compare(value, rule.op, rule.value, today)
    raise TypeError(f"not a rule node: {rule!r}")


def _attribute(contact: Mapping[str, Any], name: str) -> Any:
    return (contact.get("attributes") or {}).get(name)


def _fold(text: str) -> str:
    return text.strip(" ").translate(_ASCII_LOWER)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip(" ") == "")


def _compare(raw: Any, op: str, value: Value, today: dt.date) -> bool:
    if op == "is empty":
        return _blank(raw)
    if op == "is not empty":
        return not _blank(raw)
    if _blank(raw):
        return False  # a missing value matches no comparison
    if op in ("is true", "is false"):
        return raw is (op == "is true")
    if (
        isinstance(value, dt.date)
        or op in (WITHIN_LAST, MORE_THAN_AGO, "before", "after")
        or (op == "between" and isinstance(value, tuple) and isinstance(value[0], dt.date))
    ):
        day = _as_day(raw)
        return day is not None and _date_holds(day, op, value, today)
    if isinstance(value, str) or op in ("in", "not in", "contains", "starts with", "ends with"):
        return _text_holds(_fold(str(raw)), op, value)
    return _number_holds(float(raw), op, value)


def _as_day(raw: Any) -> dt.date | None:
    """The calendar day (UTC) of a datetime, or of ISO text that starts with a date."""
    if isinstance(raw, dt.datetime):
        aware = raw if raw.tzinfo else raw.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def _date_holds(day: dt.date, op: str, value: Value, today: dt.date) -> bool:
    if op == "before":
        return day < cast(dt.date, value)
    if op == "after":
        return day > cast(dt.date, value)
    if op == "=":
        return day == value
    if op == "between":
        low, high = cast(tuple[dt.date, dt.date], value)
        return low <= day <= high
    days = dt.timedelta(days=cast(int, value))
    if op == WITHIN_LAST:
        return today - days <= day <= today
    if op == MORE_THAN_AGO:
        return day < today - days
    raise AssertionError(op)


def _text_holds(text: str, op: str, value: Value) -> bool:
    if op in ("in", "not in"):
        options = {_fold(str(v)) for v in cast(tuple[Scalar, ...], value)}
        return (text in options) == (op == "in")
    wanted = _fold(str(value))
    return {
        "=": text == wanted,
        "!=": text != wanted,
        "contains": wanted in text,
        "starts with": text.startswith(wanted),
        "ends with": text.endswith(wanted),
    }[op]


def _number_holds(number: float, op: str, value: Value) -> bool:
    if op == "between":
        low, high = cast(tuple[Number, Number], value)
        return low <= number <= high
    bound = cast(Number, value)
    return {
        "=": number == bound,
        "!=": number != bound,
        "<": number < bound,
        "<=": number <= bound,
        ">": number > bound,
        ">=": number >= bound,
    }[op]


def metric_value(
    metric: Metric,
    contact: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    today: dt.date,
) -> Any:
    """The measure over the contact's events of the kind, from the window's first day to the
    end of today; count and total are 0 without events, avg, first and last missing.

    A filtered metric measures the events its filter keeps, each with the amount it brings:
    the event's own, or with a filter on order lines the sum of its matching lines' totals.
    """
    chosen = matching_orders(metric, contact, events, today)
    amounts = [amount for _, amount in chosen if amount is not None]
    times = [_utc(e["occurred_at"]) for e, _ in chosen]
    if metric.measure == "count":
        return len(chosen)
    if metric.measure == "total":
        return float(sum(amounts))
    if metric.measure == "avg":
        return sum(amounts) / len(amounts) if amounts else None
    if metric.measure == "first":
        return min(times) if times else None
    return max(times) if times else None


def matching_orders(
    metric: Metric,
    contact: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    today: dt.date,
) -> list[tuple[Mapping[str, Any], float | None]]:
    """The events a metric measures, each with the amount it counts with.

    Events carry ``status`` (orders: refunded, voided and cancelled ones are left out unless
    a status condition of the filter holds for that status), ``attributes`` and ``lines``
    (an order's lines: ``product``, ``sku``, ``category``, ``quantity``, ``unit_price``,
    ``line_total``). With a filter on lines, an order counts when one of its lines matches
    (an order without lines when the filter holds with every line field missing), with the
    total of its matching lines (its own amount without lines).
    """
    first_day = None if metric.days is None else today - dt.timedelta(days=metric.days)
    on_lines = metric.where is not None and any(
        level(metric.kind, c.field) == LINE for c in comparisons(metric.where)
    )
    chosen: list[tuple[Mapping[str, Any], float | None]] = []
    for e in events:
        if e.get("contact_id", contact["id"]) != contact["id"] or e["kind"] != metric.kind:
            continue
        day = _as_day(e["occurred_at"])
        if day is None or day > today or (first_day is not None and day < first_day):
            continue
        if not _status_counts(metric, e.get("status")):
            continue
        if metric.where is None:
            chosen.append((e, e.get("amount")))
            continue
        lines = e.get("lines") or []
        if not on_lines or not lines:
            if _filter_holds(metric.where, metric.kind, e, None, today):
                chosen.append((e, e.get("amount")))
            continue
        matched = [ln for ln in lines if _filter_holds(metric.where, metric.kind, e, ln, today)]
        if matched:
            totals = [ln["line_total"] for ln in matched if ln.get("line_total") is not None]
            chosen.append((e, float(sum(totals)) if totals else None))
    return chosen


def _status_counts(metric: Metric, status: str | None) -> bool:
    """Orders of a left-out status count only when a status condition of the filter holds
    for that status word."""
    if metric.kind != ORDER_KIND or status not in LEFT_OUT:
        return True
    asked = [] if metric.where is None else comparisons(metric.where)
    return any(c.field == "status" and _compare(status, c.op, c.value, dt.date.min) for c in asked)


def _filter_holds(
    where: Filter,
    kind: str,
    event: Mapping[str, Any],
    line: Mapping[str, Any] | None,
    today: dt.date,
) -> bool:
    if isinstance(where, And):
        return all(_filter_holds(i, kind, event, line, today) for i in filter_items(where))
    if isinstance(where, Or):
        return any(_filter_holds(i, kind, event, line, today) for i in filter_items(where))
    field_level = level(kind, where.field)
    if field_level == LINE:
        raw = None if line is None else line.get(where.field)
    elif field_level == EVENT:
        raw = event.get(where.field)
    else:
        raw = _attribute_as(
            (event.get("attributes") or {}).get(where.field), attribute_kind(where.op, where.value)
        )
    return _compare(raw, where.op, where.value, today)


def _attribute_as(raw: Any, kind: str) -> Any:
    """An attribute that does not hold the kind of value compared is missing; numbers read as
    text the way the database writes them."""
    if kind == "number":
        return raw if isinstance(raw, int | float) and not isinstance(raw, bool) else None
    if kind == "bool":
        return raw if isinstance(raw, bool) else None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    return str(raw)


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
