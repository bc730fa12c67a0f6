"""Which operators and values each type of field takes: shared by the parser, which reports
problems at their column, and :func:`check`, which vets trees that come from JSON or the
builder before they are compiled."""

from __future__ import annotations

import datetime as dt
import math

from segdesk.rules.catalog import FieldCatalog
from segdesk.rules.errors import RuleError
from segdesk.rules.tree import (
    DATE_MEASURES,
    DAY_OPS,
    LIST_OPS,
    MEASURES,
    MORE_THAN_AGO,
    NO_VALUE_OPS,
    WITHIN_LAST,
    Compare,
    InModel,
    MetricCompare,
    Rule,
    Value,
    walk,
)

KIND_OF_TYPE = {
    "text": "text",
    "category": "text",
    "number": "number",
    "date": "date",
    "bool": "bool",
}
"""Categories compare like text: they are text with a short list of usual values."""

ALLOWED: dict[str, tuple[str, ...]] = {
    "text": (
        "=",
        "!=",
        "in",
        "not in",
        "contains",
        "starts with",
        "ends with",
        "is empty",
        "is not empty",
    ),
    "number": ("=", "!=", "<", "<=", ">", ">=", "between", "is empty", "is not empty"),
    "date": (
        "=",
        "before",
        "after",
        "between",
        WITHIN_LAST,
        MORE_THAN_AGO,
        "is empty",
        "is not empty",
    ),
    "bool": ("is true", "is false", "is empty", "is not empty"),
}

MODEL_OPS = ("=", "in")
MAX_DAYS = 36_500
"""A hundred years: longer windows are surely typos, and dates must stay representable."""
MAX_NUMBER = 1e15
"""Larger numbers lose precision as floats and overflow 64-bit integer parameters."""

A_OR_AN = {"text": "text", "number": "a number", "date": "a date", "bool": "yes or no"}


def measure_kind(measure: str) -> str:
    """count, total and avg compare like numbers; first and last like dates."""
    return "date" if measure in DATE_MEASURES else "number"


def ops_hint(kind: str) -> str:
    """The operators a kind takes, as a user would type them."""
    ops = ALLOWED[kind]
    return "use " + ", ".join(ops[:-1]) + " or " + ops[-1]


def op_problem(subject: str, kind: str, op: str) -> RuleError | None:
    """An error when ``op`` does not apply to ``subject`` of this kind."""
    if op in ALLOWED[kind]:
        return None
    return RuleError(
        f'"{op}" does not apply to {subject}, which is {A_OR_AN[kind]}', hint=ops_hint(kind)
    )


def value_problem(kind: str, op: str, value: Value) -> str | None:
    """What is wrong with a tree's value for this kind and operator, or None."""
    if op in NO_VALUE_OPS:
        return None if value is None else f'"{op}" takes no value'
    if op in DAY_OPS:
        return None if _is_days(value) else "the day count must be a whole number of days"
    if op in LIST_OPS or op == "between":
        if not isinstance(value, tuple) or not value:
            return f'"{op}" needs a list of values'
        if op == "between" and len(value) != 2:
            return '"between" needs two values'
        for item in value:
            if (problem := scalar_problem(kind, item)) is not None:
                return problem
        if op == "between" and value[0] > value[1]:  # type: ignore[operator]
            return "the first value of between must not be larger than the second"
        return None
    return scalar_problem(kind, value)


def scalar_problem(kind: str, value: object) -> str | None:
    if kind == "text":
        return None if isinstance(value, str) else "expected text in quotes"
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a number"
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            return "the number is too large"
        return None
    if kind == "date":
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        return None if ok else "expected a date like 2024-06-30"
    return "expected no value"


def _is_days(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS


def check(rule: Rule, catalog: FieldCatalog) -> None:
    """Raise :class:`RuleError` when a tree does not fit the catalog: a field that is gone or
    changed type, an operator or value the type does not take."""
    for node in walk(rule):
        if isinstance(node, Compare):
            _check_compare(node, catalog)
        elif isinstance(node, MetricCompare):
            metric = node.metric
            if metric.measure not in MEASURES:
                raise RuleError(f'unknown measure "{metric.measure}"')
            if metric.days is not None and not _is_days(metric.days):
                raise RuleError(f"a window of {metric.days} days is not allowed")
            kind = measure_kind(metric.measure)
            subject = f"{metric.kind} {metric.measure}"
            _raise_if(op_problem(subject, kind, node.op))
            _raise_value(subject, kind, node.op, node.value)
        elif isinstance(node, InModel) and catalog.model(node.model) is None:
            raise RuleError(f'unknown model "{node.model}"')


def _check_compare(node: Compare, catalog: FieldCatalog) -> None:
    field = catalog.field(node.field)
    if field is None or field.name != node.field:
        raise RuleError(f'unknown field "{node.field}"')
    kind = KIND_OF_TYPE[field.type]
    _raise_if(op_problem(field.name, kind, node.op))
    _raise_value(field.name, kind, node.op, node.value)


def _raise_if(error: RuleError | None) -> None:
    if error is not None:
        raise error


def _raise_value(subject: str, kind: str, op: str, value: Value) -> None:
    problem = value_problem(kind, op, value)
    if problem is not None:
        raise RuleError(f"{subject} {op} {value!r}: {problem}")
