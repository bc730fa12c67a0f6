"""Rule tree → one parameterised SELECT of contact ids, built from SQLAlchemy Core expressions.

Semantics (DESIGN §5, docs/rules.md), which :mod:`segdesk.rules.evaluator` restates in plain
Python for the tests:

- Text ignores case and surrounding spaces: ``lower(trim(column))`` is compared with
  ``lower(:value)``, the value trimmed in Python. Both sides go through the database's
  ``lower`` so they fold alike (SQLite folds A-Z only; PostgreSQL folds every letter).
- A missing value (NULL, or text that is empty once trimmed) matches no comparison, ``!=``
  and ``not in`` included. Comparisons are left to yield NULL on missing values; ``and``
  and ``or`` treat NULL as false on their own, and ``not X`` is compiled as
  ``NOT coalesce(X, false)`` so that it holds exactly where X does not.
- Dates are relative to ``today``, a parameter. Every date comparison is a half-open range
  of whole days, so date fields stored as datetimes (``created_at``) and as ISO text
  (custom attributes) compare alike. Event times count from the start of a day in UTC.
- Events after the end of ``today`` do not exist for the evaluation (backtests move today).

Values are always bound parameters. The only dialect-sensitive reading is of custom
attributes, and it lives in :func:`attribute_value`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)

from segdesk.rules.catalog import CatalogField, FieldCatalog
from segdesk.rules.errors import RuleError
from segdesk.rules.ops import KIND_OF_TYPE, check, measure_kind
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
    Or,
    Rule,
    Value,
)
from segdesk.store.tables import Contact, Event, SegmentMember

contact = Contact.__table__
event = Event.__table__
member = SegmentMember.__table__

LIKE_ESCAPE = "/"
ISO_FLOOR, ISO_CEILING = "0001-01-01", "9999-12-32"
"""Every ISO date text lies in [floor, ceiling); blank or stray text in a date attribute
falls outside and so matches no comparison."""


class SegmentResolver(Protocol):
    """How the compiler finds segments by name; the caller knows where they live.

    Both methods raise :class:`RuleError` for a name that does not exist.
    """

    def segment_id(self, name: str) -> int: ...

    def model_segment_id(self, model: str, name: str) -> int: ...


def compile_rule(
    rule: Rule, catalog: FieldCatalog, today: dt.date, segments: SegmentResolver | None = None
) -> Select[Any]:
    """``SELECT contact.id FROM contact WHERE <rule>`` for the rule as of ``today``."""
    check(rule, catalog)
    where = _Compiler(catalog, today, segments).condition(rule)
    return select(contact.c.id).where(where)


def attribute_value(field: CatalogField) -> ColumnElement[Any]:
    """A custom field read from the ``attributes`` JSON, typed for comparison.

    SQLAlchemy's JSON index operators render as ``JSON_EXTRACT`` on SQLite and ``->>`` on
    PostgreSQL. Dates are ISO text, compared as text.
    """
    item = contact.c.attributes[field.name]
    if field.type == "number":
        return item.as_float()
    if field.type == "bool":
        return item.as_boolean()
    return item.as_string()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of ``day``: where event times and stored datetimes cut."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held inside the calendar's range."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


class _Compiler:
    def __init__(
        self, catalog: FieldCatalog, today: dt.date, segments: SegmentResolver | None
    ) -> None:
        self.catalog = catalog
        self.today = today
        self.segments = segments

    def condition(self, rule: Rule) -> ColumnElement[bool]:
        if isinstance(rule, And):
            return and_(*(self.condition(item) for item in rule.items))
        if isinstance(rule, Or):
            return or_(*(self.condition(item) for item in rule.items))
        if isinstance(rule, Not):
            return negate(self.condition(rule.item))
        if isinstance(rule, Compare):
            field = self.catalog.field(rule.field)
            assert field is not None  # check() vetted the tree
            return self.compare(field, rule.op, rule.value)
        if isinstance(rule, MetricCompare):
            kind = measure_kind(rule.metric.measure)
            value = self.metric(rule.metric)
            if kind == "date":
                return self.date_compare(value, rule.op, rule.value, as_text=False)
            return number_compare(value, rule.op, rule.value)
        if isinstance(rule, InSegment):
            return self.members([self.resolver().segment_id(rule.name)])
        if isinstance(rule, InModel):
            resolver = self.resolver()
            return self.members([resolver.model_segment_id(rule.model, n) for n in rule.names])
        raise TypeError(f"not a rule node: {rule!r}")

    def resolver(self) -> SegmentResolver:
        if self.segments is None:
            raise RuleError("this rule refers to segments, and none are available here")
        return self.segments

    def members(self, segment_ids: Sequence[int]) -> ColumnElement[bool]:
        ids = select(member.c.contact_id).where(member.c.segment_id.in_(list(segment_ids)))
        return contact.c.id.in_(ids)

    def compare(self, field: CatalogField, op: str, value: Value) -> ColumnElement[bool]:
        column = contact.c[field.name] if field.origin == "core" else attribute_value(field)
        kind = KIND_OF_TYPE[field.type]
        if kind == "text":
            return text_compare(column, op, value)
        if kind == "number":
            return number_compare(column, op, value)
        if kind == "bool":
            return bool_compare(column, op)
        return self.date_compare(column, op, value, as_text=field.origin != "core")

    def metric(self, metric: Metric) -> ColumnElement[Any]:
        """A correlated subquery: the measure over this contact's events up to today."""
        measures: dict[str, ColumnElement[Any]] = {
            "count": func.count(),
            "total": func.coalesce(func.sum(event.c.amount), 0.0),
            "avg": func.avg(event.c.amount),
            "first": func.min(event.c.occurred_at),
            "last": func.max(event.c.occurred_at),
        }
        where = [
            event.c.contact_id == contact.c.id,
            event.c.kind == metric.kind,
            event.c.occurred_at < day_start(shift(self.today, 1)),
        ]
        if metric.days is not None:
            where.append(event.c.occurred_at >= day_start(shift(self.today, -metric.days)))
        return select(measures[metric.measure]).where(*where).scalar_subquery()

    def date_compare(
        self, column: ColumnElement[Any], op: str, value: Value, *, as_text: bool
    ) -> ColumnElement[bool]:
        """Every date operator as a half-open range of days [low, high)."""
        if op == "is empty":
            return text_is_empty(column) if as_text else column.is_(None)
        if op == "is not empty":
            return not_(text_is_empty(column)) if as_text else column.is_not(None)
        low, high = self.day_range(op, value)

        def bound(day: dt.date) -> Any:
            return day.isoformat() if as_text else day_start(day)

        parts = []
        if low is not None:
            parts.append(column >= bound(low))
        elif as_text:
            parts.append(column >= ISO_FLOOR)
        if high is not None:
            parts.append(column < bound(high))
        elif as_text:
            parts.append(column < ISO_CEILING)
        return and_(*parts)

    def day_range(self, op: str, value: Value) -> tuple[dt.date | None, dt.date | None]:
        today = self.today
        if op == WITHIN_LAST:
            assert isinstance(value, int)
            return shift(today, -value), shift(today, 1)
        if op == MORE_THAN_AGO:
            assert isinstance(value, int)
            return None, shift(today, -value)
        if op == "between":
            assert isinstance(value, tuple)
            low, high = value
            assert isinstance(low, dt.date) and isinstance(high, dt.date)
            return low, shift(high, 1)
        assert isinstance(value, dt.date)
        if op == "before":
            return None, value
        if op == "after":
            return shift(value, 1), None
        if op == "=":
            return value, shift(value, 1)
        raise AssertionError(f"no date operator {op!r}")


def negate(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``NOT coalesce(X, false)``: true exactly where X is not, NULL (missing) included."""
    return not_(func.coalesce(condition, false()))


def fold(text: str) -> str:
    """A value trimmed of surrounding spaces, as ``trim`` does to the column."""
    return text.strip(" ")


def text_is_empty(column: ColumnElement[Any]) -> ColumnElement[bool]:
    return or_(column.is_(None), func.trim(column) == "")


def present(column: ColumnElement[Any]) -> ColumnElement[bool]:
    """Text that is there: NULL and blank text are missing, even for ``!=`` and ``not in``."""
    return func.trim(column) != ""


def text_compare(column: ColumnElement[Any], op: str, value: Value) -> ColumnElement[bool]:
    if op == "is empty":
        return text_is_empty(column)
    if op == "is not empty":
        return not_(text_is_empty(column))
    folded = func.lower(func.trim(column))
    filled = present(column)
    if op in ("in", "not in"):
        assert isinstance(value, tuple)
        options = [func.lower(literal(fold(str(v)))) for v in value]
        return and_(filled, folded.in_(options) if op == "in" else folded.not_in(options))
    assert isinstance(value, str)
    wanted = fold(value)
    if op == "=":
        return and_(filled, folded == func.lower(literal(wanted)))
    if op == "!=":
        return and_(filled, folded != func.lower(literal(wanted)))
    escaped = "".join(f"{LIKE_ESCAPE}{c}" if c in "%_/" else c for c in wanted)
    pattern = {"contains": f"%{escaped}%", "starts with": f"{escaped}%",
               "ends with": f"%{escaped}"}[op]  # fmt: skip
    return and_(filled, folded.like(func.lower(literal(pattern)), escape=LIKE_ESCAPE))


def number_compare(column: ColumnElement[Any], op: str, value: Value) -> ColumnElement[bool]:
    if op == "is empty":
        return column.is_(None)
    if op == "is not empty":
        return column.is_not(None)
    if op == "between":
        assert isinstance(value, tuple)
        return and_(column >= value[0], column <= value[1])
    comparisons = {
        "=": column.__eq__, "!=": column.__ne__, "<": column.__lt__, "<=": column.__le__,
        ">": column.__gt__, ">=": column.__ge__,
    }  # fmt: skip
    return comparisons[op](value)


def bool_compare(column: ColumnElement[Any], op: str) -> ColumnElement[bool]:
    if op == "is empty":
        return column.is_(None)
    if op == "is not empty":
        return column.is_not(None)
    return column == (true() if op == "is true" else false())
