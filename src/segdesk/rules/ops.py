"""Which operators and values each type of field takes: shared by the parser, which reports
problems at their column, and :func:`check`, which vets trees that come from JSON or the
builder before they are compiled."""

from __future__ import annotations

import datetime as dt
import math

from segdesk.rules.catalog import FieldCatalog
from segdesk.rules.errors import RuleError, clipped
from segdesk.rules.filters import canonical_name, compare_kind, comparisons, line_field_elsewhere
from segdesk.rules.tree import (
    DATE_MEASURES,
    DAY_OPS,
    LIST_OPS,
    MEASURES,
    MORE_THAN_AGO,
    NO_VALUE_OPS,
    WITHIN_LAST,
    And,
    Compare,
    Filter,
    InModel,
    MetricCompare,
    Not,
    Or,
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
NUMBER_RANGE = f"numbers in rules lie between -{MAX_NUMBER:,.0f} and {MAX_NUMBER:,.0f}"

MAX_DEPTH = 50
"""Deeper nesting is surely not meant, and would strain every recursive walk of the tree."""
MAX_CONDITIONS = 3_000
MAX_LIST_VALUES = 10_000
"""A condition binds at most six values in the query, a listed value one: within the 32,766
that SQLite binds by default, with room to spare."""
MAX_TEXT = 1_000
"""Characters in one text value: escaped for LIKE and encoded as UTF-8, the longest stays
within the 50,000 bytes SQLite allows a pattern."""
LIST_HINT = 'put the values of one field in a list: city in ("Boston", "Lyon", ...)'

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
        if not isinstance(value, str):
            return "expected text in quotes"
        return None if len(value) <= MAX_TEXT else too_long(value)
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


def too_long(text: str) -> str:
    most = f"a value holds at most {MAX_TEXT:,} characters"
    return f"text of {len(text):,} characters is too long: {most}"


def _is_days(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS


def check(rule: Rule, catalog: FieldCatalog) -> None:
    """Raise :class:`RuleError` when a tree does not fit the catalog (a field that is gone or
    changed type, an operator or value the type does not take) or the limits."""
    _check_size(rule)
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
            if metric.where is not None:
                _check_filter(metric.kind, metric.where)
        elif isinstance(node, InModel) and catalog.model(node.model) is None:
            raise RuleError(f'unknown model "{node.model}"')


def _check_size(rule: Rule) -> None:
    """The parser refuses text over the limits at their column; trees from JSON or the
    builder meet the same limits here."""
    if depth(rule) > MAX_DEPTH:
        raise RuleError(f"the rule nests more than {MAX_DEPTH} levels deep")
    conditions: list[Rule] = []
    for node in walk(rule):
        if not isinstance(node, And | Or | Not):
            conditions.append(node)
        if isinstance(node, MetricCompare) and node.metric.where is not None:
            conditions.extend(comparisons(node.metric.where))
    if len(conditions) > MAX_CONDITIONS:
        raise RuleError(too_many_conditions(), hint=LIST_HINT)
    listed = sum(
        len(node.value)
        for node in conditions
        if isinstance(node, Compare) and node.op in LIST_OPS and isinstance(node.value, tuple)
    )
    if listed > MAX_LIST_VALUES:
        raise RuleError(too_many_values())


def too_many_conditions() -> str:
    return f"the rule has more than {MAX_CONDITIONS:,} conditions"


def too_many_values() -> str:
    return f"the rule lists more than {MAX_LIST_VALUES:,} values"


def depth(rule: Rule) -> int:
    """Levels of and/or/not above the deepest condition, plus one; without recursion, since a
    stored tree may nest deeper than Python recurses."""
    deepest, stack = 0, [(rule, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, And | Or):
            stack.extend((item, level + 1) for item in node.items)
        elif isinstance(node, Not):
            stack.append((node.item, level + 1))
    return deepest


def _check_filter(kind: str, where: Filter) -> None:
    for node in comparisons(where):
        _raise_if(line_field_elsewhere(kind, node.field))
        if canonical_name(kind, node.field) != node.field:
            raise RuleError(f'the filter field "{node.field}" is spelt otherwise')
        value_kind = compare_kind(kind, node)
        _raise_if(op_problem(node.field, value_kind, node.op))
        _raise_value(node.field, value_kind, node.op, node.value)


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
        raise RuleError(f"{subject} {op} {clipped(repr(value))}: {problem}")
