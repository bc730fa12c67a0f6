"""Facts about the behavioural part of a rule tree that decide how it is compiled.

A subtree made only of metric conditions over one source, an event kind with the same filter
or none (``orders.count in last 90 days >= 2 and orders.total > 500``), is answered by one
grouped pass over that source's events or order lines. The
pass sees only contacts that have such events, so what the subtree says about a contact
without any must be known beforehand: :func:`holds_without_events` works it out from the
semantics (count and total are 0, avg, first and last are missing).
"""

from __future__ import annotations

from typing import TypeAlias

from segdesk.rules.tree import ORDER_KIND, And, Filter, Metric, MetricCompare, Not, Or, Rule, walk

Source: TypeAlias = tuple[str, Filter | None]
"""An event kind and the filter of a metric: what one grouped pass reads."""

ZERO_WITHOUT_EVENTS = ("count", "total")
"""Measures that are 0 for a contact without events; the others are missing."""

SUMMED_UP = ("count", "total", "first", "last")
"""Measures of all of a contact's counted orders that ``order_summary`` keeps."""


def behaviour_source(rule: Rule) -> Source | None:
    """The one source (event kind and filter) every condition of ``rule`` measures, or None
    when the subtree holds anything other than metric conditions, or metrics over several
    sources."""
    sources = set()
    for node in walk(rule):
        if isinstance(node, MetricCompare):
            sources.add(node.metric.source)
        elif not isinstance(node, And | Or | Not):
            return None
    return sources.pop() if len(sources) == 1 else None


def metrics_of(rule: Rule) -> list[Metric]:
    """The distinct metrics a subtree measures, in the order they first appear."""
    found = [node.metric for node in walk(rule) if isinstance(node, MetricCompare)]
    return list(dict.fromkeys(found))


def holds_without_events(rule: Rule) -> bool:
    """Whether a metric-only subtree holds for a contact with no events of its kind."""
    if isinstance(rule, And):
        return all(holds_without_events(item) for item in rule.items)
    if isinstance(rule, Or):
        return any(holds_without_events(item) for item in rule.items)
    if isinstance(rule, Not):
        return not holds_without_events(rule.item)
    if isinstance(rule, MetricCompare):
        if rule.metric.measure in ZERO_WITHOUT_EVENTS:
            return _compare_zero(rule)
        return rule.op == "is empty"
    raise TypeError(f"not a behavioural rule: {rule!r}")


def _compare_zero(rule: MetricCompare) -> bool:
    """count and total are 0 without events: present, and compared as the number 0."""
    op, value = rule.op, rule.value
    if op in ("is empty", "is not empty"):
        return op == "is not empty"
    if op == "between":
        assert isinstance(value, tuple)
        low, high = value
        return low <= 0 <= high  # type: ignore[operator]
    assert isinstance(value, int | float)
    return {
        "=": value == 0,
        "!=": value != 0,
        "<": value > 0,
        "<=": value >= 0,
        ">": value < 0,
        ">=": value <= 0,
    }[op]


def summed_up(rule: Rule) -> bool:
    """Whether every metric of a metric-only subtree is one ``order_summary`` keeps: orders
    without a window or a filter, counted, summed, first or last."""
    return all(
        m.kind == ORDER_KIND and m.where is None and m.days is None and m.measure in SUMMED_UP
        for m in metrics_of(rule)
    )


def split_by_summary(rule: Rule) -> bool:
    """Whether an ``and``/``or`` over one source mixes conditions the summary answers with
    others (``orders.count in last 90 days >= 2 and orders.total > 500``): each side is then
    its own pass, so that the summed-up side reads no order."""
    if not isinstance(rule, And | Or):
        return False
    return len({summed_up(item) for item in rule.items}) > 1
