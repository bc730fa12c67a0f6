"""Rule tree → canonical text: the one spelling that parses back to the same tree.

Keywords are lower case, strings use double quotes, groups that the precedence of ``and``
over ``or`` would not keep get parentheses, and ``not`` always wraps its operand in
parentheses (``not (city = "Boston")``) so that what it covers is never in doubt.
"""

from __future__ import annotations

import datetime as dt
import re

from segdesk.rules.tree import (
    LIST_OPS,
    MORE_THAN_AGO,
    NO_VALUE_OPS,
    ORDER_KIND,
    WITHIN_LAST,
    And,
    Compare,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
    Rule,
    Scalar,
    Value,
)

KEYWORDS = frozenset(
    {
        "or",
        "and",
        "not",
        "in",
        "segment",
        "last",
        "day",
        "days",
        "contains",
        "starts",
        "ends",
        "with",
        "is",
        "empty",
        "true",
        "false",
        "between",
        "before",
        "after",
        "within",
        "more",
        "than",
        "ago",
    }
)
"""Words of the grammar: a field with such a name is written in backticks."""

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def to_text(rule: Rule) -> str:
    """The canonical text of a rule."""
    if isinstance(rule, And):
        return " and ".join(_grouped(item, inside=And) for item in rule.items)
    if isinstance(rule, Or):
        return " or ".join(_grouped(item, inside=Or) for item in rule.items)
    if isinstance(rule, Not):
        return f"not ({to_text(rule.item)})"
    if isinstance(rule, Compare):
        return f"{name_text(rule.field)} {_comparison(rule.op, rule.value)}"
    if isinstance(rule, MetricCompare):
        return f"{metric_text(rule.metric)} {_comparison(rule.op, rule.value)}"
    if isinstance(rule, InSegment):
        return f"in segment {string_text(rule.name)}"
    if isinstance(rule, InModel):
        if len(rule.names) == 1:
            return f"{name_text(rule.model)} = {string_text(rule.names[0])}"
        return f"{name_text(rule.model)} in {_list(rule.names)}"
    raise TypeError(f"not a rule node: {rule!r}")


def _grouped(item: Rule, inside: type) -> str:
    # An and inside an or needs no parentheses; anything else of the same or lower
    # precedence does, so that the text parses back to the same grouping.
    needs = isinstance(item, Or) or (isinstance(item, And) and inside is And)
    return f"({to_text(item)})" if needs else to_text(item)


def _comparison(op: str, value: Value) -> str:
    if op in NO_VALUE_OPS:
        return op
    if op == WITHIN_LAST:
        return f"within last {_days(value)}"
    if op == MORE_THAN_AGO:
        return f"more than {_days(value)} ago"
    if op in LIST_OPS:
        assert isinstance(value, tuple)
        return f"{op} {_list(value)}"
    if op == "between":
        assert isinstance(value, tuple)
        return f"between {value_text(value[0])} and {value_text(value[1])}"
    assert value is not None and not isinstance(value, tuple)
    return f"{op} {value_text(value)}"


def _days(count: Value) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _list(values: tuple[Scalar, ...]) -> str:
    return "(" + ", ".join(value_text(v) for v in values) + ")"


def value_text(value: Scalar) -> str:
    """A value as the grammar reads it: quoted text, a bare number or date."""
    if isinstance(value, str):
        return string_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def string_text(text: str) -> str:
    return '"' + "".join(_STRING_ESCAPES.get(c, c) for c in text) + '"'


def name_text(name: str) -> str:
    """A field or model name, in backticks when it would not read as a plain name."""
    if _PLAIN_NAME.fullmatch(name) and name.lower() not in KEYWORDS:
        return name
    return f"`{name}`"


def metric_text(metric: Metric) -> str:
    where = "" if metric.where is None else to_text(metric.where)
    if metric.kind == ORDER_KIND:
        head = f"orders({where})" if where else "orders"
    else:
        head = f"events({string_text(metric.kind)}{', ' + where if where else ''})"
    window = "" if metric.days is None else f" in last {_days(metric.days)}"
    return f"{head}.{metric.measure}{window}"
