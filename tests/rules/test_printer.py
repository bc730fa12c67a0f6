"""Tree → text: canonical, parses back to the same tree, and stable."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings

from segdesk.rules import And, Compare, Not, Or, from_json, parse, to_json, to_text
from tests.rules.strategies import PRINT_CATALOG, any_rules
from tests.sizes import sized


@settings(max_examples=sized(200, 1000), deadline=None)
@given(any_rules)
def test_printing_parses_back_to_the_same_tree(rule) -> None:
    text = to_text(rule)
    again = parse(text, PRINT_CATALOG)
    assert again == rule
    assert to_text(again) == text


@settings(max_examples=sized(150, 600), deadline=None)
@given(any_rules)
def test_json_round_trips_exactly(rule) -> None:
    stored = json.loads(json.dumps(to_json(rule)))
    assert from_json(stored) == rule
    assert to_json(from_json(stored)) == to_json(rule)


def p(text: str):
    return parse(text, PRINT_CATALOG)


def test_canonical_spelling() -> None:
    assert to_text(p("  AGE   BETWEEN 25 AND 40  ")) == "age between 25 and 40"
    assert to_text(p("not age = 1")) == "not (age = 1)"
    assert to_text(p("plan in ('pro')")) == 'plan in ("pro")'
    assert to_text(p("vip = true")) == "vip is true"
    assert to_text(p('events("order").count >= 1')) == "orders.count >= 1"
    assert to_text(p('signup_date = "2024-01-31"')) == "signup_date = 2024-01-31"
    assert to_text(p("signup_date within last 1 day")) == "signup_date within last 1 day"
    assert to_text(p("rfm in ('Champions')")) == 'rfm = "Champions"'


def test_groups_get_parentheses_only_where_needed() -> None:
    a, b, c = (Compare("age", "=", n) for n in (1, 2, 3))
    assert to_text(Or((And((a, b)), c))) == "age = 1 and age = 2 or age = 3"
    assert to_text(And((Or((a, b)), c))) == "(age = 1 or age = 2) and age = 3"
    assert to_text(And((And((a, b)), c))) == "(age = 1 and age = 2) and age = 3"
    assert to_text(Or((a, Or((b, c))))) == "age = 1 or (age = 2 or age = 3)"
    assert to_text(Not(Or((a, b)))) == "not (age = 1 or age = 2)"


def test_strings_and_names_are_escaped() -> None:
    assert to_text(Compare("plan", "=", 'say "hi"\n\\')) == r'plan = "say \"hi\"\n\\"'
    assert to_text(Compare("not", "=", "x")) == '`not` = "x"'
    assert to_text(Compare("my field", "=", dt.date(2024, 1, 2))) == "`my field` = 2024-01-02"
