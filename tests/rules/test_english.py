"""Tree → plain English, in the words a shop owner uses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from segdesk.rules import CatalogField, FieldCatalog, parse, to_english
from tests.rules.strategies import PRINT_CATALOG, any_rules
from tests.sizes import sized

PLAIN = FieldCatalog.from_types(
    {"signup_date": "date", "age": "number", "plan": "category", "trade_account": "bool"}
)
"""Custom fields without labels: they read by name."""


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ('country = "US" and plan in ("pro", "team")', "country is US and plan is pro or team"),
        (
            'age between 25 and 40 or not (city = "Boston")',
            "age is between 25 and 40, or city is not Boston",
        ),
        ("signup_date within last 30 days", "signed up within the last 30 days"),
        ("orders.count in last 90 days >= 2", "placed at least 2 orders in the last 90 days"),
        ('in segment "VIP customers"', "is in the segment “VIP customers”"),
        ('rfm = "Champions"', "is a Champions customer (RFM)"),
        ('lifecycle = "at risk"', "is an at risk customer (lifecycle)"),
        (
            'rfm in ("Champions", "Loyal Customers")',
            "is in the RFM group “Champions” or “Loyal Customers”",
        ),
        ('not (rfm = "Champions")', "is not a Champions customer (RFM)"),
        ('not (in segment "VIP")', "is not in the segment “VIP”"),
        ("orders.count = 0", "placed no orders"),
        ("orders.count = 1", "placed exactly 1 order"),
        ("orders.count between 2 and 5", "placed between 2 and 5 orders"),
        ("orders.first before 2024-01-01", "first ordered before 1 January 2024"),
        ("orders.avg is empty", "has no orders with an amount"),
        ("orders.total < 10", "spent under 10"),
        ('events("webinar").count >= 1', "had at least 1 “webinar” event"),
        (
            'events("webinar").last within last 30 days',
            "last had a “webinar” event within the last 30 days",
        ),
        ("phone is empty", "has no phone"),
        ("email is not empty", "has an email"),
        ("not (phone is empty)", "has a phone"),
        ('plan != "free"', "plan is something other than free"),
        ('not (plan in ("pro", "team"))', "plan is neither pro nor team"),
        ('not (email ends with ".de")', "email does not end with “.de”"),
        ('company contains "bakery"', "company contains “bakery”"),
        ('city = "New York"', "city is New York"),
        ('city = "St. John\'s, NL"', "city is “St. John's, NL”"),
        ("age >= 18", "age is 18 or more"),
        ("age < 18.5", "age is under 18.5"),
        ("trade_account is true", "trade account: yes"),
        ("signup_date before 2024-06-30", "signed up before 30 June 2024"),
        ("not (signup_date within last 30 days)", "did not sign up within the last 30 days"),
        ("signup_date more than 365 days ago", "signed up more than 365 days ago"),
        ("created_at within last 7 days", "was added within the last 7 days"),
        ("not (orders.count >= 2)", "not (placed at least 2 orders)"),
        (
            '(country = "US" or country = "CA") and plan = "pro"',
            "either country is US or country is CA, and plan is pro",
        ),
        (
            'country = "US" and plan = "pro" or city = "Boston"',
            "country is US and plan is pro, or city is Boston",
        ),
    ],
)
def test_english(text: str, english: str) -> None:
    assert to_english(parse(text, PLAIN), PLAIN) == english


def test_labels_read_better_than_names() -> None:
    catalog = FieldCatalog(
        [
            CatalogField("plan", "category", "custom", "Coffee club plan"),
            CatalogField("nps", "number", "custom", "NPS score"),
        ]
    )
    assert to_english(parse('plan = "pro"', catalog), catalog) == "coffee club plan is pro"
    assert to_english(parse("nps > 8", catalog), catalog) == "NPS score is over 8"


@settings(max_examples=sized(150, 600), deadline=None)
@given(any_rules)
def test_every_tree_has_an_english_reading(rule) -> None:
    english = to_english(rule, PRINT_CATALOG)
    assert english.strip() == english != ""
