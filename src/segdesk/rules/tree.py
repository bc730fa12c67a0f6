"""The rule tree: one structure behind the builder, the text form and the English (DESIGN §5).

Nodes are frozen dataclasses so that two trees compare equal exactly when they mean the same
rule as written (``parse(print(t)) == t`` is a plain ``==``). A tree is stored in
``segment.definition`` as JSON; :func:`to_json` and :func:`from_json` round-trip it exactly,
with dates tagged so that they do not come back as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from segdesk.rules.errors import RuleError

Number: TypeAlias = int | float
Scalar: TypeAlias = str | Number | dt.date
Value: TypeAlias = Scalar | tuple[Scalar, ...] | None
"""A comparison's value: one scalar, a tuple (``in`` lists, ``between`` bounds) or nothing."""

JSON_VERSION = 1

ORDER_KIND = "order"
"""The event kind that ``orders.*`` counts; ``events("order").*`` is the same metric."""

MEASURES = ("count", "total", "avg", "first", "last")
NUMBER_MEASURES = ("count", "total", "avg")
DATE_MEASURES = ("first", "last")

WITHIN_LAST = "within last N days"
MORE_THAN_AGO = "more than N days ago"

OPS = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "contains",
    "starts with",
    "ends with",
    "is empty",
    "is not empty",
    "is true",
    "is false",
    "between",
    "before",
    "after",
    WITHIN_LAST,
    MORE_THAN_AGO,
)
"""Every operator, spelled as in the text form (the day counts stand in for N)."""

NO_VALUE_OPS = ("is empty", "is not empty", "is true", "is false")
LIST_OPS = ("in", "not in")
DAY_OPS = (WITHIN_LAST, MORE_THAN_AGO)


@dataclass(frozen=True)
class And:
    """Every item holds. Items keep their written order and grouping."""

    items: tuple[Rule, ...]

    def __post_init__(self) -> None:
        _check_items(self)


@dataclass(frozen=True)
class Or:
    """At least one item holds."""

    items: tuple[Rule, ...]

    def __post_init__(self) -> None:
        _check_items(self)


def _check_items(node: And | Or) -> None:
    # A one-item group would print as its item and parse back as something else.
    if not isinstance(node.items, tuple) or len(node.items) < 2:
        name = type(node).__name__
        raise ValueError(f"{name} needs a tuple of at least two items, got {node.items!r}")


@dataclass(frozen=True)
class Not:
    """Holds exactly where ``item`` does not, contacts with missing values included."""

    item: Rule


@dataclass(frozen=True)
class Compare:
    """A field compared with a value: ``age between 25 and 40`` is
    ``Compare("age", "between", (25, 40))``; day-count operators take the count as value."""

    field: str
    op: str
    value: Value = None


@dataclass(frozen=True)
class Metric:
    """A measure over a contact's events of one kind, optionally in the last ``days`` days,
    optionally of only the events (and order lines) a filter keeps.

    ``orders.total in last 365 days`` is ``Metric("order", "total", 365)``;
    ``orders(product = "Kit").count`` is ``Metric("order", "count", None, Compare("product",
    "=", "Kit"))``. A filter is ``Compare`` conditions joined by ``And``/``Or``, with the
    names :mod:`segdesk.rules.filters` reads (line fields, status, event attributes).
    """

    kind: str
    measure: str
    days: int | None = None
    where: Filter | None = None

    @property
    def source(self) -> tuple[str, Filter | None]:
        """What the metric measures over: its kind and filter, without measure or window."""
        return (self.kind, self.where)


@dataclass(frozen=True)
class MetricCompare:
    """A metric compared like a number (count, total, avg) or a date (first, last)."""

    metric: Metric
    op: str
    value: Value = None


@dataclass(frozen=True)
class InSegment:
    """Current member of the segment with this name."""

    name: str


@dataclass(frozen=True)
class InModel:
    """Member of one of the named segments of a model's scheme: ``rfm = "Champions"``."""

    model: str
    names: tuple[str, ...]


Rule: TypeAlias = And | Or | Not | Compare | MetricCompare | InSegment | InModel
Filter: TypeAlias = And | Or | Compare
"""The filter inside a metric: comparisons on lines, the event and its attributes."""


def walk(rule: Rule) -> Iterator[Rule]:
    """Every node of the tree, parents before children."""
    yield rule
    if isinstance(rule, And | Or):
        for item in rule.items:
            yield from walk(item)
    elif isinstance(rule, Not):
        yield from walk(rule.item)


def referenced_segments(rule: Rule) -> set[str]:
    """Names of the segments the rule refers to with ``in segment``, so that a caller saving
    a segment can refuse a definition that reaches back to itself."""
    return {node.name for node in walk(rule) if isinstance(node, InSegment)}


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def to_json(rule: Rule) -> dict[str, Any]:
    """The tree as plain JSON data, versioned, for ``segment.definition``."""
    return {"rule_version": JSON_VERSION, "rule": _node_json(rule)}


def from_json(data: Any) -> Rule:
    """The tree :func:`to_json` stored; a malformed document is a :class:`RuleError`."""
    if not isinstance(data, dict) or "rule" not in data:
        raise RuleError("the stored rule is not a rule definition")
    version = data.get("rule_version")
    if version != JSON_VERSION:
        raise RuleError(f"the stored rule has version {version!r}; this version reads 1")
    try:
        return _node(data["rule"])
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        raise RuleError(f"the stored rule is damaged: {exc}") from exc


def _node_json(rule: Rule) -> dict[str, Any]:
    if isinstance(rule, And):
        return {"and": [_node_json(item) for item in rule.items]}
    if isinstance(rule, Or):
        return {"or": [_node_json(item) for item in rule.items]}
    if isinstance(rule, Not):
        return {"not": _node_json(rule.item)}
    if isinstance(rule, Compare):
        return {"field": rule.field, "op": rule.op, "value": _value_json(rule.value)}
    if isinstance(rule, MetricCompare):
        m = rule.metric
        metric: dict[str, Any] = {"kind": m.kind, "measure": m.measure, "days": m.days}
        if m.where is not None:
            metric["where"] = _node_json(m.where)
        return {"metric": metric, "op": rule.op, "value": _value_json(rule.value)}
    if isinstance(rule, InSegment):
        return {"in_segment": rule.name}
    if isinstance(rule, InModel):
        return {"model": rule.model, "in": list(rule.names)}
    raise TypeError(f"not a rule node: {rule!r}")


def _value_json(value: Value) -> Any:
    if isinstance(value, tuple):
        return {"list": [_value_json(v) for v in value]}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _node(data: dict[str, Any]) -> Rule:
    if "and" in data:
        return And(_items(data["and"]))
    if "or" in data:
        return Or(_items(data["or"]))
    if "not" in data:
        return Not(_node(data["not"]))
    if "field" in data:
        return Compare(_text(data["field"]), _op(data["op"]), _value(data["value"]))
    if "metric" in data:
        m = data["metric"]
        days = m["days"]
        if days is not None and not (isinstance(days, int) and days >= 0):
            raise ValueError(f"bad window {days!r}")
        if m["measure"] not in MEASURES:
            raise ValueError(f"unknown measure {m['measure']!r}")
        where = m.get("where")
        metric = Metric(
            _text(m["kind"]), m["measure"], days, None if where is None else _filter(where)
        )
        return MetricCompare(metric, _op(data["op"]), _value(data["value"]))
    if "in_segment" in data:
        return InSegment(_text(data["in_segment"]))
    if "model" in data:
        names = tuple(_text(n) for n in data["in"])
        if not names:
            raise ValueError("a model condition names no segment")
        return InModel(_text(data["model"]), names)
    raise ValueError(f"unknown node {sorted(data)!r}")


def _filter(data: Any) -> Filter:
    node = _node(data)
    for part in walk(node):
        if not isinstance(part, And | Or | Compare):
            raise ValueError("a metric's filter holds only comparisons joined by and/or")
    assert isinstance(node, And | Or | Compare)
    return node


def _items(items: list[Any]) -> tuple[Rule, ...]:
    if len(items) < 2:
        raise ValueError("and/or needs at least two items")
    return tuple(_node(item) for item in items)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


def _op(op: Any) -> str:
    if op not in OPS:
        raise ValueError(f"unknown operator {op!r}")
    return str(op)


def _value(data: Any) -> Value:
    if isinstance(data, dict) and "list" in data:
        return tuple(_scalar(v) for v in data["list"])
    return None if data is None else _scalar(data)


def _scalar(data: Any) -> Scalar:
    if isinstance(data, dict) and "date" in data:
        return dt.date.fromisoformat(data["date"])
    if isinstance(data, bool) or not isinstance(data, str | int | float):
        raise ValueError(f"bad value {data!r}")
    return data
