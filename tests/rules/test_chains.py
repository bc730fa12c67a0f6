"""Flattening and/or chains keeps their meaning, and keeps the SQL shallow.

The SQL of flattened chains is held to the reference evaluator in
``test_sql_matches_evaluator``; here the flattened tree is held to the tree as written,
through the evaluator, and its shape is pinned.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from segdesk.rules import And, Compare, InModel, InSegment, Not, Or, chains, check, matches
from segdesk.rules.chains import flatten
from segdesk.rules.tree import walk
from tests.rules.strategies import DB_CATALOG, TODAY, chain_rules, listable, worlds
from tests.rules.world import load, memory_engine, sql_ids


def _same_everywhere(world: dict[str, Any], rule: Any) -> None:
    flat = flatten(rule)
    check(flat, DB_CATALOG)
    for contact in world["contacts"]:
        events = [e for e in world["events"] if e["contact_id"] == contact["id"]]
        args = (contact, events, TODAY, world["memberships"])
        assert matches(flat, *args) == matches(rule, *args), (rule, flat)


@settings(max_examples=150, deadline=None)
@given(world=worlds(), rule=chain_rules)
def test_a_flattened_rule_means_what_it_meant(world: dict[str, Any], rule: Any) -> None:
    _same_everywhere(world, rule)


_lists = st.tuples(st.sampled_from([And, Or]), st.lists(listable, min_size=2, max_size=8))
"""One and/or of conditions that merge into lists: where a broken flattening shows."""


@settings(max_examples=600, deadline=None, database=None, derandomize=True, phases=[Phase.generate])
@given(world=worlds(), rule=_lists.map(lambda joint_items: joint_items[0](tuple(joint_items[1]))))
def _hunt(world: dict[str, Any], rule: Any) -> None:
    _same_everywhere(world, rule)


@pytest.mark.parametrize(
    "lists",
    [
        {Or: ("!=", "not in"), And: ("=", "in")},  # each merged under the wrong joint
        {Or: ("=", "not in"), And: ("!=", "in")},  # a list of the opposite sense
    ],
    ids=["swapped joints", "opposite lists"],
)
def test_the_property_catches_a_broken_flattening(
    monkeypatch: pytest.MonkeyPatch, lists: dict[type, tuple[str, str]]
) -> None:
    monkeypatch.setattr(chains, "_LISTS", lists)
    with pytest.raises(AssertionError):
        _hunt()


@given(rule=chain_rules)
@settings(max_examples=100, deadline=None, phases=[Phase.generate])
def test_flat_chains_hold_no_group_of_their_own_kind_and_one_list_per_field(rule: Any) -> None:
    for node in walk(flatten(rule)):
        if not isinstance(node, And | Or):
            continue
        assert not any(type(item) is type(node) for item in node.items)
        assert len(set(node.items)) == len(node.items)
        one, many = chains._LISTS[type(node)]
        fields = [
            i.field
            for i in node.items
            if isinstance(i, Compare)
            and (i.op == many or (i.op == one and isinstance(i.value, str)))
        ]
        assert len(fields) == len(set(fields))
        models = [i.model for i in node.items if isinstance(i, InModel)]
        assert isinstance(node, And) or len(models) == len(set(models))


def test_what_is_short_stays_as_written() -> None:
    rule = Or((Compare("city", "=", "a"), Compare("nickname", "=", "a"), InSegment("A")))
    assert flatten(rule) is not rule and flatten(rule) == rule
    grouped = And((Or((Compare("city", "=", "a"), Compare("age", "=", 1))), Not(InSegment("A"))))
    assert flatten(grouped) == grouped


def test_merged_lists_keep_the_first_place_and_each_value_once() -> None:
    rule = Or(
        (
            Compare("age", "=", 1),
            Compare("city", "=", "a"),
            Or((Compare("city", "in", ("b", "a")), InModel("rfm", ("Champions",)))),
            InModel("rfm", ("At Risk", "Champions")),
            Compare("age", "=", 1),
        )
    )
    assert flatten(rule) == Or(
        (
            Compare("age", "=", 1),
            Compare("city", "in", ("a", "b")),
            InModel("rfm", ("Champions", "At Risk")),
        )
    )
    exclusions = And((Compare("city", "!=", "a"), Not(InSegment("B")), Compare("city", "!=", "b")))
    assert flatten(exclusions) == And((Compare("city", "not in", ("a", "b")), Not(InSegment("B"))))


def test_a_chain_of_thousands_is_a_few_levels_deep() -> None:
    """Balanced halves: 3,000 conditions no list can hold run within a depth of 100."""
    engine = memory_engine()  # one shared connection: the limit holds for every query
    with engine.connect() as conn:
        conn.connection.dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 100)
    load(
        engine,
        {"contacts": [{"id": 1, "attributes": {"age": 30}}], "events": [], "memberships": {}},
    )
    ages = tuple(Compare("age", "!=", n) for n in range(1000, 4000))
    assert sql_ids(engine, And(ages), DB_CATALOG, TODAY) == {1}
    assert sql_ids(engine, Or(ages), DB_CATALOG, TODAY) == {1}
    assert sql_ids(engine, Not(Or(ages[:30])), DB_CATALOG, TODAY) == set()
