"""Rule tree → one parameterised SELECT of contact ids, built from SQLAlchemy Core expressions.

Semantics (DESIGN §5, segdesk/data/rules.md), which :mod:`segdesk.rules.evaluator` restates in plain
Python for the tests:

- Text ignores case and surrounding spaces: ``trim(column)`` is compared with the value
  (trimmed in Python) through :func:`~segdesk.store.text_folding.folded` on both sides, so
  that they fold alike: ``lower()`` in general, SQLite's ``NOCASE`` collation there (both
  fold A-Z only on SQLite; PostgreSQL folds every letter).
- A missing value (NULL, or text that is empty once trimmed) matches no comparison, ``!=``
  and ``not in`` included. Comparisons are left to yield NULL on missing values; ``and``
  and ``or`` treat NULL as false on their own, and ``not X`` is compiled as
  ``NOT coalesce(X, false)`` so that it holds exactly where X does not.
- Dates are relative to ``today``, a parameter. Every date comparison is a half-open range
  of whole days, so date fields stored as datetimes (``created_at``) and as ISO text
  (custom attributes) compare alike. Event times count from the start of a day in UTC.
- Events after the end of ``today`` do not exist for the evaluation (backtests move today).
- Metric conditions over one event kind, with ``and``/``or``/``not`` between them, become
  one ``GROUP BY contact_id`` pass over that kind's events (see :meth:`_Compiler.behaviour`),
  not one correlated subquery per contact and metric. A rule that is such a pass alone, and
  holds only for contacts with rows in it, is that pass's contact ids: the events and lines
  name existing contacts (foreign keys), so a look-up of each in ``contact`` would add
  nothing but time (a third of the query on a product rule).
- Long chains are flattened and nested in balanced halves (:mod:`segdesk.rules.chains`), so
  that thousands of conditions stay within the database's limit on expression depth.

Values are always bound parameters. The only dialect-sensitive reading is of custom
attributes, and it lives in :func:`attribute_value`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)

from segdesk.rules.behaviour import (
    Source,
    behaviour_source,
    holds_without_events,
    metrics_of,
    split_by_summary,
    summed_up,
)
from segdesk.rules.catalog import CatalogField, FieldCatalog
from segdesk.rules.chains import flatten, joined
from segdesk.rules.errors import RuleError
from segdesk.rules.filters import compare_kind, filter_items
from segdesk.rules.metric_rows import Rows, metric_rows
from segdesk.rules.ops import KIND_OF_TYPE, check, measure_kind
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
    Or,
    Rule,
    Value,
)
from segdesk.store.order_status import counted
from segdesk.store.tables import Contact, Event, OrderSummary, SegmentMember
from segdesk.store.text_folding import folded

contact = Contact.__table__
event = Event.__table__
member = SegmentMember.__table__
summary = OrderSummary.__table__

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
    """The ids of the contacts the rule holds for as of ``today``, one column named ``id``,
    each once: ``SELECT contact.id FROM contact WHERE <rule>``, or a lone pass's ids."""
    check(rule, catalog)
    compiler = _Compiler(catalog, today, segments)
    flat = flatten(rule)
    alone = compiler.pass_alone(flat)
    if alone is not None:
        return alone
    return select(contact.c.id).where(compiler.condition(flat))


def attribute_value(field: CatalogField) -> ColumnElement[Any]:
    """A custom field read from the ``attributes`` JSON, typed for comparison.

    SQLAlchemy's JSON index operators render as ``JSON_EXTRACT`` on SQLite and ``->>`` on
    PostgreSQL. Dates are ISO text, compared as text.
    """
    item = contact.c.attributes[field.name]
    typed: ColumnElement[Any]  # JSON's as_* methods reach the type checker untyped
    if field.type == "number":
        typed = item.as_float()
    elif field.type == "bool":
        typed = item.as_boolean()
    else:
        typed = item.as_string()
    return typed


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
        source = behaviour_source(rule)
        if source is not None and not split_by_summary(rule):
            return self.behaviour(source, rule)
        if isinstance(rule, And | Or):
            return self.group(rule)
        if isinstance(rule, Not):
            return negate(self.condition(rule.item))
        if isinstance(rule, Compare):
            field = self.catalog.field(rule.field)
            assert field is not None  # check() vetted the tree
            return self.compare(field, rule.op, rule.value)
        if isinstance(rule, InSegment | InModel):
            return self.members(self.segment_ids(rule))
        raise TypeError(f"not a rule node: {rule!r}")

    def segment_ids(self, rule: InSegment | InModel) -> list[int]:
        resolver = self.resolver()
        if isinstance(rule, InSegment):
            return [resolver.segment_id(rule.name)]
        return [resolver.model_segment_id(rule.model, n) for n in rule.names]

    def resolver(self) -> SegmentResolver:
        if self.segments is None:
            raise RuleError("this rule refers to segments, and none are available here")
        return self.segments

    def members(self, segment_ids: Sequence[int]) -> ColumnElement[bool]:
        unique = list(dict.fromkeys(segment_ids))
        ids = select(member.c.contact_id).where(member.c.segment_id.in_(unique))
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

    def group(self, rule: And | Or) -> ColumnElement[bool]:
        """``and``/``or`` of the items, where the metric conditions over one event kind are
        joined into one item first, so that each kind's events are read once; under ``or``,
        the segments named become one list of ids."""
        plain: list[Rule] = []
        refs: list[InSegment | InModel] = []
        by_source: dict[tuple[Source, bool], list[Rule]] = {}
        for item in rule.items:
            source = behaviour_source(item)
            if source is not None:
                by_source.setdefault((source, summed_up(item)), []).append(item)
            elif isinstance(rule, Or) and isinstance(item, InSegment | InModel):
                refs.append(item)
            else:
                plain.append(item)
        parts = [self.condition(item) for item in plain]
        if refs:
            parts.append(self.members([i for ref in refs for i in self.segment_ids(ref)]))
        for items in by_source.values():
            parts.append(self.condition(items[0] if len(items) == 1 else type(rule)(tuple(items))))
        return joined(parts, and_ if isinstance(rule, And) else or_)

    def behaviour(self, source: Source, rule: Rule) -> ColumnElement[bool]:
        """A subtree of metric conditions over one source as one grouped pass over its rows
        (events, or order lines: :mod:`segdesk.rules.metric_rows`):
        ``contact.id IN (... GROUP BY contact_id HAVING <rule>)``. Contacts without rows in
        the pass are decided beforehand; where the rule holds for them, the query keeps
        everyone but the contacts whose rows make it fail (``NOT IN ... HAVING NOT``)."""
        if isinstance(rule, Not):  # the same pass, negated: see the narrowing below
            return negate(self.behaviour(source, rule.item))
        ids, failing = self.pass_ids(source, rule)
        return contact.c.id.not_in(ids) if failing else contact.c.id.in_(ids)

    def pass_alone(self, rule: Rule) -> Select[Any] | None:
        """The rule's contacts straight from its pass, each once, when the rule is one pass
        that holds only for contacts with rows in it; None otherwise."""
        source = behaviour_source(rule)
        if source is None or isinstance(rule, Not) or split_by_summary(rule):
            return None
        ids, failing = self.pass_ids(source, rule)
        if failing:
            return None
        alone = ids.with_only_columns(ids.selected_columns[0].label("id"))
        # a grouped pass has each contact once already; a pass of any row, once per row
        return alone.distinct() if self.any_row_holds(rule) else alone

    def pass_ids(self, source: Source, rule: Rule) -> tuple[Select[Any], bool]:
        """The contact ids of the pass: those the rule holds for (False), or, when it holds
        for contacts without rows, those it fails for (True)."""
        if summed_up(rule) and not self.narrowing(rule, event.c.occurred_at):
            return self.summary_ids(rule)
        return self.rows_ids(source, rule)

    def summary_ids(self, rule: Rule) -> tuple[Select[Any], bool]:
        """:meth:`pass_ids` from ``order_summary``, a row per contact with counted orders.
        A row whose last order is after today (a backtest, an order dated ahead) tells
        nothing about the orders up to today: those few contacts are grouped from their
        orders."""
        end = day_start(shift(self.today, 1))
        columns: dict[str, ColumnElement[Any]] = {
            "count": summary.c.orders,
            "total": summary.c.revenue,
            "first": summary.c.first_at,
            "last": summary.c.last_at,
        }
        values = {m: columns[m.measure] for m in metrics_of(rule)}
        holds = self.metric_condition(rule, values)
        failing = holds_without_events(rule)
        settled = select(summary.c.contact_id).where(
            summary.c.last_at < end, negate(holds) if failing else holds
        )
        ahead = select(event.c.contact_id).where(
            event.c.kind == ORDER_KIND, event.c.occurred_at >= end, counted(event.c.status)
        )
        grouped, _ = self.rows_ids((ORDER_KIND, None), rule, among=ahead)
        both = settled.union_all(grouped).subquery("summed")
        return select(both.c.contact_id), failing

    def rows_ids(
        self, source: Source, rule: Rule, among: Select[Any] | None = None
    ) -> tuple[Select[Any], bool]:
        """:meth:`pass_ids` from the rows of the source (of the contacts ``among`` only)."""
        kind, where = source
        metrics = metrics_of(rule)
        windows = [m.days for m in metrics]
        widest = None if None in windows else max(d for d in windows if d is not None)
        end = day_start(shift(self.today, 1))

        def times(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
            bounds = [column < end]
            if widest is not None:
                bounds.append(column >= self.window_start(widest))
            return bounds + self.narrowing(rule, column)

        rows = metric_rows(kind, where, times, lambda w, value: self.filter_sql(kind, w, value))
        if among is not None:
            rows = replace(rows, where=[*rows.where, rows.contact_id.in_(among)])
        if self.any_row_holds(rule):
            return select(rows.contact_id).select_from(rows.source).where(*rows.where), False
        values = {m: self.measure(m, rows, narrower=m.days != widest) for m in metrics}
        holds = self.metric_condition(rule, values)
        grouped = (
            select(rows.contact_id)
            .select_from(rows.source)
            .where(*rows.where)
            .group_by(rows.contact_id)
        )
        if holds_without_events(rule):
            return grouped.having(negate(holds)), True
        return grouped.having(holds), False

    def filter_sql(
        self,
        kind: str,
        where: Filter,
        value_of: Callable[[Compare], ColumnElement[Any]],
    ) -> ColumnElement[bool]:
        """A metric's filter on the rows it reads: ``and``/``or`` of comparisons, each typed
        by its field (or, for an attribute, by its value)."""
        if isinstance(where, And | Or):
            parts = [self.filter_sql(kind, item, value_of) for item in filter_items(where)]
            return joined(parts, and_ if isinstance(where, And) else or_)
        column, op, value = value_of(where), where.op, where.value
        value_kind = compare_kind(kind, where)
        if value_kind == "text":
            return text_compare(column, op, value)
        if value_kind == "number":
            return number_compare(column, op, value)
        if value_kind == "bool":
            return bool_compare(column, op)
        return self.date_compare(column, op, value, as_text=True)

    def narrowing(self, rule: Rule, column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
        """Bounds on times that a lone first/last condition allows the pass to keep to:
        the last event is on or after a day exactly when some event is, and the first is
        before a day exactly when some event is. The pass then reads only those days."""
        if (
            not isinstance(rule, MetricCompare)
            or rule.metric.measure not in ("first", "last")
            or rule.op in ("is empty", "is not empty")
        ):
            return []
        low, high = self.day_range(rule.op, rule.value)
        if rule.metric.measure == "last" and low is not None:
            return [column >= day_start(low)]
        if rule.metric.measure == "first" and high is not None:
            return [column < day_start(high)]
        return []

    def any_row_holds(self, rule: Rule) -> bool:
        """Whether a lone condition holds exactly for the contacts with a row in its pass:
        ``count >= 1``, and a ``last`` (``first``) whose every bound but the narrowing one
        the pass already keeps to. Such a pass needs no grouping, only the contacts' ids."""
        if not isinstance(rule, MetricCompare) or rule.op in ("is empty", "is not empty"):
            return False
        measure, op, value = rule.metric.measure, rule.op, rule.value
        if measure == "count":
            return (op, value) in ((">=", 1), (">", 0))
        if measure not in ("first", "last"):
            return False
        low, high = self.day_range(op, value)
        if measure == "last":
            return low is not None and (high is None or high > self.today)
        return high is not None and low is None

    def window_start(self, days: int) -> dt.datetime:
        return day_start(shift(self.today, -days))

    def measure(self, metric: Metric, rows: Rows, *, narrower: bool) -> ColumnElement[Any]:
        """The metric's aggregate over a group of one contact's rows; when the pass reads a
        wider window than the metric's own, only the rows inside its window count. Rows of
        lines count their distinct orders, and ``avg`` is then the total per order that
        brings an amount."""

        def chosen(column: ColumnElement[Any], *also: ColumnElement[bool]) -> ColumnElement[Any]:
            conditions = list(also)
            if narrower:
                assert metric.days is not None  # the widest window is never narrower
                conditions.append(rows.occurred_at >= self.window_start(metric.days))
            return case((and_(*conditions), column)) if conditions else column

        if metric.measure == "count":
            if not rows.one_per_order:
                return func.count(distinct(chosen(rows.order_id)))
            return func.count(chosen(rows.order_id)) if narrower else func.count()
        if metric.measure == "total":
            return func.coalesce(func.sum(chosen(rows.amount)), 0.0)
        if metric.measure == "avg":
            if rows.one_per_order:
                return func.avg(chosen(rows.amount))
            paying = func.count(distinct(chosen(rows.order_id, rows.amount.is_not(None))))
            return func.sum(chosen(rows.amount)) / func.nullif(paying, 0)
        if metric.measure == "first":
            return func.min(chosen(rows.occurred_at))
        return func.max(chosen(rows.occurred_at))

    def metric_condition(
        self, rule: Rule, values: dict[Metric, ColumnElement[Any]]
    ) -> ColumnElement[bool]:
        if isinstance(rule, And | Or):
            parts = [self.metric_condition(item, values) for item in rule.items]
            return joined(parts, and_ if isinstance(rule, And) else or_)
        if isinstance(rule, Not):
            return negate(self.metric_condition(rule.item, values))
        assert isinstance(rule, MetricCompare)  # behaviour_kind() vetted the subtree
        value = values[rule.metric]
        if measure_kind(rule.metric.measure) == "date":
            return self.date_compare(value, rule.op, rule.value, as_text=False)
        return number_compare(value, rule.op, rule.value)

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
    """Text trimmed and compared ignoring case (:func:`folded`). Blank text is guarded out
    where a comparison could take it for a value (``!=``, ``not in``, an empty value), and
    only there, since every extra mention of a custom attribute parses the JSON again."""
    if op == "is empty":
        return text_is_empty(column)
    if op == "is not empty":
        return not_(text_is_empty(column))
    folded_column = folded(func.trim(column))
    if op in ("in", "not in"):
        assert isinstance(value, tuple)
        words = [fold(str(v)) for v in value]
        options = [folded(literal(w)) for w in words]
        if op == "not in":
            return and_(present(column), folded_column.not_in(options))
        return guarded(column, folded_column.in_(options), any(w == "" for w in words))
    assert isinstance(value, str)
    wanted = fold(value)
    if op == "!=":
        return and_(present(column), folded_column != folded(literal(wanted)))
    if op == "=":
        return guarded(column, folded_column == folded(literal(wanted)), wanted == "")
    escaped = "".join(f"{LIKE_ESCAPE}{c}" if c in "%_/" else c for c in wanted)
    pattern = {
        "contains": f"%{escaped}%",
        "starts with": f"{escaped}%",
        "ends with": f"%{escaped}",
    }[op]
    matched = folded_column.like(folded(literal(pattern)), escape=LIKE_ESCAPE)
    return guarded(column, matched, wanted == "")


def guarded(
    column: ColumnElement[Any], condition: ColumnElement[bool], blank_matches: bool
) -> ColumnElement[bool]:
    """``condition``, kept from holding on blank text when it otherwise would."""
    return and_(present(column), condition) if blank_matches else condition


def number_compare(column: ColumnElement[Any], op: str, value: Value) -> ColumnElement[bool]:
    if op == "is empty":
        return column.is_(None)
    if op == "is not empty":
        return column.is_not(None)
    if op == "between":
        assert isinstance(value, tuple)
        return column.between(value[0], value[1])
    comparisons = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }
    return comparisons[op](value)


def bool_compare(column: ColumnElement[Any], op: str) -> ColumnElement[bool]:
    if op == "is empty":
        return column.is_(None)
    if op == "is not empty":
        return column.is_not(None)
    return column == (true() if op == "is true" else false())
