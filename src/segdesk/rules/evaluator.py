"""The reference evaluator: the rule semantics restated in plain Python, one contact at a time.

It is written independently of the SQL compiler, as directly as the rules are stated in
segdesk/data/rules.md, so that the property tests can hold the SQL to it. It folds case the way
SQLite does (A-Z only) because the tests run on SQLite.

``contact`` holds the core fields by name, ``id``, and ``attributes`` (the custom fields);
``events`` are the contact's events (``kind``, ``occurred_at``, ``amount``); ``memberships``
maps a segment name, or :func:`model_key` of a model's segment, to its member ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from segdesk.rules.tree import (
    MORE_THAN_AGO,
    WITHIN_LAST,
    And,
    Compare,
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
    end of today; count and total are 0 without events, avg, first and last missing."""
    first_day = None if metric.days is None else today - dt.timedelta(days=metric.days)
    chosen = []
    for e in events:
        if e.get("contact_id", contact["id"]) != contact["id"] or e["kind"] != metric.kind:
            continue
        day = _as_day(e["occurred_at"])
        if day is not None and day <= today and (first_day is None or day >= first_day):
            chosen.append(e)
    amounts = [e["amount"] for e in chosen if e.get("amount") is not None]
    times = [_utc(e["occurred_at"]) for e in chosen]
    if metric.measure == "count":
        return len(chosen)
    if metric.measure == "total":
        return float(sum(amounts))
    if metric.measure == "avg":
        return sum(amounts) / len(amounts) if amounts else None
    if metric.measure == "first":
        return min(times) if times else None
    return max(times) if times else None


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
