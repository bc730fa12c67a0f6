"""The tree itself: JSON storage, validation, segment references and cycles."""

from __future__ import annotations

import datetime as dt

import pytest

from segdesk.rules import (
    And,
    Compare,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
    RuleError,
    find_cycle,
    from_json,
    referenced_segments,
    to_json,
)


def test_json_shape_is_plain_and_versioned() -> None:
    rule = And(
        (
            Compare("signup_date", "between", (dt.date(2024, 1, 1), dt.date(2024, 6, 30))),
            MetricCompare(Metric("order", "count", 90), ">=", 2),
            Not(InSegment("VIP")),
            InModel("rfm", ("Champions",)),
        )
    )
    assert to_json(rule) == {
        "rule_version": 1,
        "rule": {
            "and": [
                {
                    "field": "signup_date",
                    "op": "between",
                    "value": {"list": [{"date": "2024-01-01"}, {"date": "2024-06-30"}]},
                },
                {
                    "metric": {"kind": "order", "measure": "count", "days": 90},
                    "op": ">=",
                    "value": 2,
                },
                {"not": {"in_segment": "VIP"}},
                {"model": "rfm", "in": ["Champions"]},
            ]
        },
    }
    assert from_json(to_json(rule)) == rule


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "the stored rule is not a rule definition"),
        ({"rule_version": 2, "rule": {}}, "the stored rule has version 2; this version reads 1"),
        (
            {"rule_version": 1, "rule": {"and": [{"in_segment": "A"}]}},
            "the stored rule is damaged: and/or needs at least two items",
        ),
        (
            {"rule_version": 1, "rule": {"field": "age", "op": "~", "value": 1}},
            "the stored rule is damaged: unknown operator '~'",
        ),
        (
            {"rule_version": 1, "rule": {"bogus": 1}},
            "the stored rule is damaged: unknown node ['bogus']",
        ),
    ],
)
def test_damaged_json_is_a_rule_error(data: object, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        from_json(data)
    assert str(caught.value) == message


def test_groups_need_two_items() -> None:
    with pytest.raises(ValueError, match="at least two items"):
        And((InSegment("A"),))
    with pytest.raises(ValueError, match="tuple"):
        Or([InSegment("A"), InSegment("B")])  # type: ignore[arg-type]


def test_referenced_segments() -> None:
    rule = Or((InSegment("A"), Not(And((InSegment("B"), Compare("age", ">", 1))))))
    assert referenced_segments(rule) == {"A", "B"}
    assert referenced_segments(InModel("rfm", ("Champions",))) == set()


def test_find_cycle() -> None:
    rules = {"B": InSegment("C"), "C": Or((InSegment("A"), InSegment("D"))), "D": None}
    assert find_cycle("A", InSegment("B"), rules.get) == ["A", "B", "C", "A"]
    assert find_cycle("A", InSegment("A"), rules.get) == ["A", "A"]
    assert find_cycle("E", InSegment("B"), rules.get) is None
    assert find_cycle("A", InSegment("D"), rules.get) is None
