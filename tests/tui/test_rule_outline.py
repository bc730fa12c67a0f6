"""The builder's outline and condition pieces, without the app: exact round trips with the
rule tree, edits by path, and conditions made from what a shop owner types."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

from segdesk.rules import (
    And,
    Compare,
    FieldCatalog,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
    parse,
)
from segdesk.rules.printer import to_text
from segdesk.rules.vocabulary import RuleTerm
from segdesk.store.fields import FieldInfo
from segdesk.tui import rule_outline as outline
from segdesk.tui.condition_choices import (
    Pieces,
    Subject,
    condition_text,
    dates_check,
    matching,
    matching_ops,
    pieces_of,
    split_values,
    subjects,
)
from tests.rules.strategies import any_rules

US = Compare("country", "=", "US")
PRO = Compare("plan", "=", "pro")
BUSY = MetricCompare(Metric("order", "count", 90), ">=", 2)
CATALOG = FieldCatalog.from_types(
    {"plan": "category", "age": "number", "signup_date": "date", "trade": "bool"}
)


class TestOutline:
    @given(any_rules)
    def test_every_rule_comes_back_exactly(self, rule) -> None:  # type: ignore[no-untyped-def]
        assert outline.to_rule(outline.from_rule(rule)) == rule

    def test_nots_nest_without_merging(self) -> None:
        for rule in (Not(Not(US)), Not(And((US, PRO))), Not(Not(Or((US, PRO))))):
            assert outline.to_rule(outline.from_rule(rule)) == rule

    def test_no_rule_is_an_empty_group(self) -> None:
        root = outline.from_rule(None)
        assert root == outline.Group() and outline.to_rule(root) is None

    def test_groups_of_one_or_none_print_as_their_content(self) -> None:
        root = outline.from_rule(US)
        where = outline.insert(root, (0,), outline.new_group(root, (0,)))
        assert where == (1,) and outline.to_rule(root) == US
        outline.insert(root, where, outline.Condition(BUSY))
        assert outline.to_rule(root) == And((US, BUSY))
        outline.insert(root, (1, 0), outline.Condition(PRO))
        assert outline.to_rule(root) == And((US, Or((BUSY, PRO))))
        assert [r.path for r in outline.rows(root)] == [(), (0,), (1,), (1, 0), (1, 1)]

    def test_removing_moves_the_cursor_to_a_neighbour(self) -> None:
        root = outline.from_rule(And((US, PRO, BUSY)))
        assert outline.remove(root, (2,)) == (1,)
        assert outline.remove(root, (0,)) == (0,)
        assert outline.remove(root, (0,)) == ()
        assert outline.to_rule(root) is None

    def test_moving_stays_within_the_group(self) -> None:
        root = outline.from_rule(Or((US, PRO)))
        assert outline.move(root, (0,), 1) == (1,)
        assert outline.to_rule(root) == Or((PRO, US))
        assert outline.move(root, (1,), 1) == (1,)


def _subjects() -> list[Subject]:
    fields = [
        FieldInfo("country", "Country", "category", "core", "Country code"),
        FieldInfo("plan", "Plan", "category", "custom", None),
        FieldInfo("signup_date", "Signup", "date", "custom", None),
        FieldInfo("orders_total", "Total", "number", "metric", None),
    ]
    terms = [
        RuleTerm("orders.count", "metric", "number", "number of orders"),
        RuleTerm("in last N days", "window", "days", "the window"),
        RuleTerm('in segment "VIP"', "segment", "", "member of VIP"),
        RuleTerm("rfm", "model", "", "RFM segment", ("Champions", "At Risk")),
        RuleTerm("product", "filter", "text", "a line's product name", ("Kit",)),
        RuleTerm("status", "filter", "text", "the order's status", ("paid", "refunded")),
    ]
    return subjects(fields, terms)


class TestSubjects:
    def test_grouped_by_origin_and_kind_in_the_order_shown(self) -> None:
        found = _subjects()
        assert [(s.group, s.name) for s in found] == [
            ("Contact", "country"),
            ("Custom", "plan"),
            ("Custom", "signup_date"),
            ("Behaviour", "orders.count"),
            ("Products", 'orders(product = "Kit").count'),
            ("Models", "rfm"),
            ("Segments", 'in segment "VIP"'),
        ]

    def test_typing_finds_by_name_and_words(self) -> None:
        assert [s.name for s in matching(_subjects(), "orders")] == [
            "orders.count",
            'orders(product = "Kit").count',
        ]
        assert [s.name for s in matching(_subjects(), "kit")] == ['orders(product = "Kit").count']

    def test_each_product_held_is_a_subject_and_other_filters_are_not(self) -> None:
        products = [s for s in _subjects() if s.group == "Products"]
        assert [(s.name, s.compares, s.windowed) for s in products] == [
            ('orders(product = "Kit").count', "number", True)
        ]
        assert not [s for s in _subjects() if "status" in s.name]

    def test_operators_fit_the_type(self) -> None:
        by_name = {s.name: s for s in _subjects()}
        assert matching_ops(by_name["orders.count"], ">") == [">", ">="]
        assert matching_ops(by_name["signup_date"], "last") == ["within last N days"]
        assert by_name["rfm"].ops == ("=", "in")
        assert by_name['in segment "VIP"'].ops == ()


class TestConditionText:
    def _rule(self, subject: str, op: str, value: str, window: str = ""):  # type: ignore[no-untyped-def]
        by_name = {s.name: s for s in _subjects()}
        return parse(condition_text(by_name[subject], op, value, window), CATALOG)

    def test_values_are_typed_as_a_shop_owner_types_them(self) -> None:
        assert self._rule("country", "=", " US ") == Compare("country", "=", "US")
        assert self._rule("country", "in", 'US, "Lyon, FR" ,') == Compare(
            "country", "in", ("US", "Lyon, FR")
        )
        assert self._rule("orders.count", ">=", "2", "90") == BUSY
        assert self._rule("signup_date", "between", "2024-01-01 and 2024-06-30") == Compare(
            "signup_date", "between", (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
        )
        assert self._rule("signup_date", "within last N days", "30") == Compare(
            "signup_date", "within last N days", 30
        )
        assert self._rule("rfm", "in", "Champions, At Risk") == InModel(
            "rfm", ("Champions", "At Risk")
        )
        assert self._rule('in segment "VIP"', "", "") == InSegment("VIP")

    def test_quotes_in_a_value_stay_data(self) -> None:
        assert self._rule("country", "=", 'say "hi"') == Compare("country", "=", 'say "hi"')

    @pytest.mark.parametrize(
        "rule",
        [
            US,
            Compare("country", "in", ("US", "Lyon, FR")),
            Compare("signup_date", "between", (dt.date(2024, 1, 1), dt.date(2024, 6, 30))),
            Compare("age", "between", (25, 40.5)),
            BUSY,
            InModel("rfm", ("Champions",)),
            InSegment("VIP"),
        ],
    )
    def test_a_condition_taken_apart_is_made_again(self, rule) -> None:  # type: ignore[no-untyped-def]
        pieces = pieces_of(rule)
        catalog = FieldCatalog.from_types(
            {"plan": "category", "age": "number", "signup_date": "date"}
        )
        subject = Subject(
            pieces.subject, "", _compares(rule), windowed=isinstance(rule, MetricCompare)
        )
        text = condition_text(subject, pieces.op, pieces.value, pieces.window)
        assert parse(text, catalog) == rule, to_text(rule)

    def test_split_values_keeps_quoted_commas(self) -> None:
        assert split_values("a, \"b, c\", 'd',") == ["a", "b, c", "d"]
        assert pieces_of(Compare("city", "in", ("a, b", "c"))) == Pieces("city", "in", '"a, b", c')


def _compares(rule) -> str:  # type: ignore[no-untyped-def]
    if isinstance(rule, InModel):
        return "model"
    if isinstance(rule, InSegment):
        return "whole"
    if isinstance(rule, MetricCompare):
        return "number"
    return {"country": "text", "signup_date": "date", "age": "number"}[rule.field]


class TestDates:
    @pytest.mark.parametrize(
        ("typed", "ok", "said"),
        [
            ("", False, "type a date: YYYY-MM-DD"),
            ("2024-0", False, "keep typing: YYYY-MM-DD"),
            ("2024-02-30", False, "2024-02-30 is not a real date"),
            ("30/06/2024", False, "not a date: write it as YYYY-MM-DD"),
            ("2024-06-30", True, "✓ Sunday 30 June 2024"),
        ],
    )
    def test_checked_as_typed(self, typed: str, ok: bool, said: str) -> None:
        subject = Subject("signup_date", "Custom", "date")
        assert dates_check(subject, "before", typed) == (ok, said)

    def test_between_wants_both_dates(self) -> None:
        subject = Subject("signup_date", "Custom", "date")
        assert dates_check(subject, "between", "2024-06-30") == (False, "then type: and YYYY-MM-DD")
        assert dates_check(subject, "between", "2024-06-30 and 2024-07-01") == (
            True,
            "✓ Sunday 30 June 2024 to Monday 1 July 2024",
        )
        assert dates_check(subject, "within last N days", "30") is None
