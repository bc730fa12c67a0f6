"""The compiled SQL and the reference evaluator agree on random contacts and random rules.

The contacts have missing values (no key, JSON null, NULL), blank and padded text in mixed
case, dates at the edges of days, and events inside and outside every window; orders have
statuses (refunded ones included) and zero to three lines, events have attributes of mixed
types; the rules nest and/or/not over every operator and filter metrics by lines, status and
attributes. Mutation checks below show that the property notices the
classic mistakes: a bare NOT, a missing-value guard left out, blank text taken for a value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, not_, or_, true

from segdesk.rules import And, Compare, Or, compile_rule, compiler, metric_rows
from segdesk.rules.tree import Metric, MetricCompare
from segdesk.store.order_status import LEFT_OUT
from segdesk.store.text_folding import folded
from tests.rules.strategies import (
    DB_CATALOG,
    TODAY,
    chain_rules,
    db_leaves,
    db_rules,
    filtered_rules,
    worlds,
)
from tests.rules.world import load, memory_engine, reference_ids, sql_ids
from tests.sizes import sized

ENGINE = memory_engine()
RULES_PER_WORLD = 6


def _agree(world: dict[str, Any], rules: list[Any], engine: Engine = ENGINE) -> None:
    load(engine, world)
    for rule in rules:
        expected = reference_ids(world, rule, TODAY)
        assert sql_ids(engine, rule, DB_CATALOG, TODAY) == expected, rule


@settings(max_examples=sized(150, 600), deadline=None)
@given(world=worlds(), rules=st.lists(db_rules, min_size=1, max_size=RULES_PER_WORLD))
def test_sql_matches_the_reference_evaluator(world: dict[str, Any], rules: list[Any]) -> None:
    _agree(world, rules)


@settings(max_examples=100, deadline=None)
@given(world=worlds(), rules=st.lists(chain_rules, min_size=1, max_size=2))
def test_long_chains_match_the_reference_evaluator(world: dict[str, Any], rules: list[Any]) -> None:
    """Chains the compiler flattens, merges into lists and nests in balanced halves."""
    _agree(world, rules)


_HUNT = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],
)


@_HUNT
@given(world=worlds(), rules=st.lists(db_rules, min_size=1, max_size=RULES_PER_WORLD))
def _hunt(world: dict[str, Any], rules: list[Any]) -> None:
    _agree(world, rules)


def _order(amount: float | None, status: str | None) -> dict[str, Any]:
    at = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
    return {"contact_id": 1, "kind": "order", "occurred_at": at, "amount": amount,
            "status": status, "attributes": {}, "lines": []}  # fmt: skip


_REFUND_WITHOUT_LINES = {
    "contacts": [
        {
            "id": 1,
            "created_at": dt.datetime.combine(TODAY, dt.time(8), tzinfo=dt.UTC),
            "attributes": {},
        }
    ],
    "events": [_order(None, None), _order(0.0, "refunded")],
    "memberships": {},
}
"""A refunded order without lines, asked for by the part of an or that is not a line field."""
_ASKS_FOR_REFUNDS = MetricCompare(
    Metric(
        "order",
        "avg",
        None,
        Or((Compare("product", "is empty"), Compare("status", "=", "refunded"))),
    ),
    "=",
    0,
)


@settings(max_examples=sized(100, 400), deadline=None)
@given(world=worlds(), rules=st.lists(filtered_rules, min_size=1, max_size=RULES_PER_WORLD))
@example(world=_REFUND_WITHOUT_LINES, rules=[_ASKS_FOR_REFUNDS])
def test_filtered_metrics_match_the_reference_evaluator(
    world: dict[str, Any], rules: list[Any]
) -> None:
    """Metrics filtered by what was bought, the order's status and event attributes."""
    _agree(world, rules)


@_HUNT
@given(world=worlds(), rules=st.lists(filtered_rules, min_size=1, max_size=RULES_PER_WORLD))
def _hunt_filtered(world: dict[str, Any], rules: list[Any]) -> None:
    _agree(world, rules)


def test_the_portable_case_folding_agrees_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text compared the way other databases compare it (``lower()``, no collation)."""
    specs = folded._compiler_dispatcher.specs
    monkeypatch.setitem(specs, "sqlite", specs["default"])
    engine = memory_engine()  # its own cache of compiled statements

    @settings(max_examples=100, deadline=None, database=None)
    @given(world=worlds(), rules=st.lists(db_rules, min_size=1, max_size=RULES_PER_WORLD))
    def agree(world: dict[str, Any], rules: list[Any]) -> None:
        _agree(world, rules, engine)

    agree()
    with engine.connect() as conn:
        sql = str(compile_rule(Compare("city", "=", "x"), DB_CATALOG, TODAY).compile(conn))
    assert "lower(trim(" in sql and "COLLATE" not in sql


@pytest.mark.parametrize(
    ("name", "broken"),
    [
        ("negate", lambda condition: not_(condition)),
        ("present", lambda column: true()),
        ("text_is_empty", lambda column: column.is_(None)),
    ],
    ids=["bare NOT", "no blank-text guard", "blank text is not empty"],
)
def test_the_property_catches_a_broken_compiler(
    monkeypatch: pytest.MonkeyPatch, name: str, broken: Any
) -> None:
    monkeypatch.setattr(compiler, name, broken)
    with pytest.raises(AssertionError):
        _hunt()


_long_flat = st.tuples(st.sampled_from([And, Or]), st.lists(db_leaves, min_size=9, max_size=20))
"""One and/or longer than the compiler keeps flat: where a broken join shows."""


@_HUNT
@given(
    world=worlds(),
    rules=st.lists(_long_flat.map(lambda ji: ji[0](tuple(ji[1]))), min_size=1, max_size=2),
)
def _hunt_chains(world: dict[str, Any], rules: list[Any]) -> None:
    _agree(world, rules)


def _first_half_only(parts: list[Any], join: Any) -> Any:
    return join(*parts[: max(1, len(parts) // 2)]) if len(parts) > 8 else join(*parts)


def _always_or(parts: list[Any], join: Any) -> Any:
    return or_(*parts) if len(parts) > 8 else join(*parts)


@pytest.mark.parametrize(
    "broken", [_first_half_only, _always_or], ids=["a half left out", "long chains or-ed"]
)
def test_the_chain_property_catches_a_broken_join(
    monkeypatch: pytest.MonkeyPatch, broken: Any
) -> None:
    monkeypatch.setattr(compiler, "joined", broken)
    with pytest.raises(AssertionError):
        _hunt_chains()


def _never_lifted(kind: str, where: Any) -> frozenset[str]:
    return frozenset(LEFT_OUT) if kind == "order" else frozenset()


@pytest.mark.parametrize(
    ("module", "name", "broken"),
    [
        (metric_rows, "without_lines", lambda kind, where: False),
        (metric_rows, "left_out", _never_lifted),
        (metric_rows, "left_out", lambda kind, where: frozenset()),
        (compiler, "distinct", lambda column: column),
    ],
    ids=[
        "orders without lines never match",
        "a status filter cannot ask for refunds",
        "refunds counted",
        "lines counted as orders",
    ],
)
def test_the_property_catches_broken_filtered_metrics(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, broken: Any
) -> None:
    """Filters on lines, statuses and attributes are in the generated rules and data often
    enough that the property notices each of these mistakes."""
    monkeypatch.setattr(module, name, broken)
    with pytest.raises(AssertionError):
        _hunt_filtered()
