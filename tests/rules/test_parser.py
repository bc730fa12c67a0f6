"""Text → tree: the shapes the language accepts, and the errors it gives, word for word."""

from __future__ import annotations

import datetime as dt

import pytest

from segdesk.rules import (
    And,
    CatalogField,
    Compare,
    FieldCatalog,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
    RuleError,
    parse,
)
from segdesk.rules.tree import MORE_THAN_AGO, WITHIN_LAST

CATALOG = FieldCatalog.from_types(
    {
        "signup_date": "date",
        "age": "number",
        "plan": "category",
        "loyalty_points": "number",
        "trade_account": "bool",
    },
    models=["rfm", "lifecycle", "Coffee habits"],
)


def p(text: str):
    return parse(text, CATALOG)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        (
            'country = "US" and plan in ("pro", "team")',
            And((Compare("country", "=", "US"), Compare("plan", "in", ("pro", "team")))),
        ),
        (
            'age between 25 and 40 or not (city = "Boston")',
            Or((Compare("age", "between", (25, 40)), Not(Compare("city", "=", "Boston")))),
        ),
        ('email ends with "@example.com"', Compare("email", "ends with", "@example.com")),
        ('company contains "bakery"', Compare("company", "contains", "bakery")),
        ("phone is empty", Compare("phone", "is empty")),
        ("signup_date within last 30 days", Compare("signup_date", WITHIN_LAST, 30)),
        ("signup_date before 2024-06-30", Compare("signup_date", "before", dt.date(2024, 6, 30))),
        ("orders.count >= 3", MetricCompare(Metric("order", "count"), ">=", 3)),
        (
            "orders.count in last 90 days >= 2",
            MetricCompare(Metric("order", "count", 90), ">=", 2),
        ),
        (
            "orders.total in last 365 days > 500",
            MetricCompare(Metric("order", "total", 365), ">", 500),
        ),
        (
            "orders.last within last 60 days",
            MetricCompare(Metric("order", "last"), WITHIN_LAST, 60),
        ),
        ("orders.avg > 40", MetricCompare(Metric("order", "avg"), ">", 40)),
        ('in segment "VIP customers"', InSegment("VIP customers")),
        ('rfm = "Champions"', InModel("rfm", ("Champions",))),
        ('events("webinar").count >= 1', MetricCompare(Metric("webinar", "count"), ">=", 1)),
        (
            "orders.first before 2024-01-01",
            MetricCompare(Metric("order", "first"), "before", dt.date(2024, 1, 1)),
        ),
        ('lifecycle = "at risk"', InModel("lifecycle", ("at risk",))),
        ("created_at more than 90 days ago", Compare("created_at", MORE_THAN_AGO, 90)),
    ],
)
def test_parses_to_the_tree(text: str, tree: object) -> None:
    assert p(text) == tree


def test_and_binds_tighter_than_or() -> None:
    a, b, c = (Compare("age", "=", n) for n in (1, 2, 3))
    assert p("age = 1 or age = 2 and age = 3") == Or((a, And((b, c))))
    assert p("age = 1 and age = 2 or age = 3") == Or((And((a, b)), c))
    assert p("(age = 1 or age = 2) and age = 3") == And((Or((a, b)), c))


def test_chains_stay_flat_and_parentheses_keep_their_group() -> None:
    a, b, c = (Compare("age", "=", n) for n in (1, 2, 3))
    assert p("age = 1 and age = 2 and age = 3") == And((a, b, c))
    assert p("(age = 1 and age = 2) and age = 3") == And((And((a, b)), c))
    assert p("((age = 1))") == a


def test_not_binds_to_the_next_condition() -> None:
    a, b = Compare("age", "=", 1), Compare("age", "=", 2)
    assert p("not age = 1 and age = 2") == And((Not(a), b))
    assert p("not not age = 1") == Not(Not(a))
    assert p('not in segment "VIP"') == Not(InSegment("VIP"))


def test_keywords_ignore_case() -> None:
    text = 'COUNTRY Is Not Empty AND Orders.COUNT In Last 7 Days >= 1 OR NOT In Segment "x"'
    assert p(text) == Or(
        (
            And(
                (
                    Compare("country", "is not empty"),
                    MetricCompare(Metric("order", "count", 7), ">=", 1),
                )
            ),
            Not(InSegment("x")),
        )
    )
    assert p('RFM = "Champions"') == InModel("rfm", ("Champions",))
    assert p("age BETWEEN 1 AND 2") == Compare("age", "between", (1, 2))


def test_numbers_with_decimals_negatives_and_exponents() -> None:
    assert p("age > -3") == Compare("age", ">", -3)
    assert p("age <= 40.5") == Compare("age", "<=", 40.5)
    assert p("loyalty_points between -2.25 and 1e3") == Compare(
        "loyalty_points", "between", (-2.25, 1000.0)
    )
    assert isinstance(p("age = 3").value, int)
    assert isinstance(p("age = 3.0").value, float)


def test_strings_with_escapes_and_either_quote() -> None:
    assert p(r'company = "say \"hi\" \\ bye"').value == 'say "hi" \\ bye'
    assert p("company = 'O\\'Brien'").value == "O'Brien"
    assert p("company = 'say \"hi\"'").value == 'say "hi"'
    assert p(r'company = "tab\there"').value == "tab\there"
    assert p('company = ""').value == ""


def test_values_are_only_data() -> None:
    rule = p('company = "x\'; drop table contact; --"')
    assert rule == Compare("company", "=", "x'; drop table contact; --")
    assert p('company contains ") or (1 = 1"') == Compare("company", "contains", ") or (1 = 1")


def test_bool_fields_read_true_and_false() -> None:
    assert p("trade_account is true") == Compare("trade_account", "is true")
    assert p("trade_account = true") == Compare("trade_account", "is true")
    assert p("trade_account = FALSE") == Compare("trade_account", "is false")
    assert p("trade_account != true") == Compare("trade_account", "is false")
    assert p("trade_account is empty") == Compare("trade_account", "is empty")


def test_dates_may_be_quoted_and_days_may_be_one_day() -> None:
    assert p('signup_date = "2024-02-29"') == Compare("signup_date", "=", dt.date(2024, 2, 29))
    assert p("signup_date within last 1 day") == Compare("signup_date", WITHIN_LAST, 1)
    assert p("signup_date between 2024-01-01 and 2024-12-31").value == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
    )


def test_field_names_forgive_case_and_odd_names_take_backticks() -> None:
    catalog = FieldCatalog([CatalogField("not", "text"), CatalogField("my field", "number")])
    assert parse('`not` = "x"', catalog) == Compare("not", "=", "x")
    assert parse("`my field` > 1", catalog) == Compare("my field", ">", 1)
    assert p('Country = "US"') == Compare("country", "=", "US")
    assert p('`Coffee habits` in ("A", "B")') == InModel("Coffee habits", ("A", "B"))


def test_a_field_may_share_its_name_with_a_keyword() -> None:
    names = {"days": "number", "segment": "text", "events": "text", "orders": "text"}
    catalog = FieldCatalog([CatalogField(n, t) for n, t in names.items()])
    assert parse("days > 3", catalog) == Compare("days", ">", 3)
    assert parse('segment = "a"', catalog) == Compare("segment", "=", "a")
    assert parse('events = "a"', catalog) == Compare("events", "=", "a")
    assert parse('orders = "a" and orders.count > 1', catalog) == And(
        (Compare("orders", "=", "a"), MetricCompare(Metric("order", "count"), ">", 1))
    )


def test_events_of_kind_order_are_orders() -> None:
    assert p('events("order").total > 5') == p("orders.total > 5")


ERRORS = [
    (
        'contry = "US"',
        1,
        'unknown field "contry" (column 1); did you mean "country" or "consent" or "company"?',
    ),
    ('country = "US" and agge > 3', 20, 'unknown field "agge" (column 20); did you mean "age"?'),
    ("zzz > 3", 1, 'unknown field "zzz" (column 1)'),
    (
        'age contains "x"',
        5,
        '"contains" does not apply to age, which is a number (column 5); '
        "use =, !=, <, <=, >, >=, between, is empty or is not empty",
    ),
    (
        'signup_date > "abc"',
        13,
        '">" does not apply to signup_date, which is a date (column 13); '
        "use =, before, after, between, within last N days, more than N "
        "days ago, is empty or is not empty",
    ),
    (
        'signup_date = "abc"',
        15,
        'signup_date is a date: expected a date like 2024-06-30, not "abc" (column 15)',
    ),
    (
        "signup_date before 2024-02-30",
        20,
        "2024-02-30 is not a real date (column 20); write dates as YYYY-MM-DD",
    ),
    ('age = "30"', 7, 'age is a number: expected a number, not "30" (column 7)'),
    (
        "postal_code = 02134",
        15,
        'postal_code is text: text goes in quotes, not 02134 (column 15); write "02134"',
    ),
    (
        "trade_account = 1",
        17,
        "trade_account is yes or no: expected true or false, not 1 (column 17)",
    ),
    (
        "orders.count contains 3",
        14,
        '"contains" does not apply to orders.count, which is a number '
        "(column 14); use =, !=, <, <=, >, >=, between, is empty or "
        "is not empty",
    ),
    (
        'rfm > "x"',
        5,
        '">" does not apply to the model rfm (column 5); use rfm = "name" or rfm in ("name", ...)',
    ),
    ("(age > 3", 1, 'unbalanced parentheses: this "(" is never closed (column 1)'),
    ("age > 3)", 8, 'unbalanced parentheses: this ")" closes nothing (column 8)'),
    ('(age > 3 and (plan = "x")', 1, 'unbalanced parentheses: this "(" is never closed (column 1)'),
    ('country = "US', 11, 'the text in quotes is never closed (column 11); end it with "'),
    ("`my field = 1", 1, "the name in backticks is never closed (column 1); end it with `"),
    (
        "age equals 5",
        5,
        'unknown operator "equals" (column 5); use =, !=, <, <=, >, >=, between, '
        "is empty or is not empty",
    ),
    (
        "age ~ 5",
        5,
        'unknown operator "~" (column 5); use =, !=, <, <=, >, >=, between, is empty '
        "or is not empty",
    ),
    (
        'plan like "x"',
        6,
        'unknown operator "like" (column 6); use =, !=, in, not in, contains, '
        "starts with, ends with, is empty or is not empty",
    ),
    (
        'country = "US" plan = "x"',
        16,
        'unexpected "plan" after a complete condition (column 16); '
        'join conditions with "and" or "or"',
    ),
    (
        "age > 3 xyz",
        9,
        'unexpected "xyz" after a complete condition (column 9); join conditions '
        'with "and" or "or"',
    ),
    (
        "country = US",
        11,
        "expected a value (text in quotes, a number or a date like 2024-06-30), "
        'not "US" (column 11); put text in quotes: "US"',
    ),
    (
        'country = "US" and',
        19,
        'the rule ends too early: expected "(", "in", "not" or a field (column 19)',
    ),
    ("age", 4, "the rule ends too early: expected an operator (column 4)"),
    ("", None, 'the rule is empty; write a condition such as country = "US"'),
    (
        "age between 40 and 25",
        13,
        "age between 40 and 25: the first value must not be larger than the second (column 13)",
    ),
    (
        "age between 1 2",
        15,
        'expected "and" between the two values of between, not "2" (column 15)',
    ),
    (
        "signup_date within last 1.5 days",
        25,
        "1.5 is not a number of days (column 25); use a whole number from 0 to 36500",
    ),
    ("orders.count in last x days > 1", 22, 'expected a whole number of days, not "x" (column 22)'),
    ("orders.cnt > 1", 8, 'unknown measure "cnt" (column 8); use count, total, avg, first or last'),
    (
        "foo.count > 1",
        1,
        'unknown metric "foo.count" (column 1); use orders.count, orders.total, '
        'orders.avg, orders.first, orders.last or events("kind").count',
    ),
    (
        "age = 1e400",
        7,
        "1e400 is too large a number (column 7); numbers in rules lie between "
        "-1,000,000,000,000,000 and 1,000,000,000,000,000",
    ),
    (
        "= 3",
        1,
        'expected a condition, not "=" (column 1); a condition starts with a field, "not", '
        '"in segment" or "("',
    ),
    ("age is nothing", 8, 'expected "empty", "false", "not" or "true", not "nothing" (column 8)'),
]


@pytest.mark.parametrize(
    ("text", "column", "message"), ERRORS, ids=[e[0] or "empty" for e in ERRORS]
)
def test_errors_name_the_problem_and_the_column(
    text: str, column: int | None, message: str
) -> None:
    with pytest.raises(RuleError) as caught:
        p(text)
    assert str(caught.value) == message
    assert caught.value.column == column


def test_rule_errors_are_user_errors() -> None:
    from segdesk.errors import UserError

    assert issubclass(RuleError, UserError)


@pytest.mark.parametrize("text", ['city = "Z\udcfcrich"', "`ci\udcfft` = 1"])
def test_bytes_that_are_not_utf8_are_refused_at_their_column(text: str) -> None:
    """Python hands such command-line bytes on as lone surrogates, which SQLite cannot bind."""
    with pytest.raises(RuleError) as caught:
        p(text)
    assert caught.value.column == next(i for i, c in enumerate(text) if c > "\ud7ff") + 1
    assert str(caught.value).startswith("the rule holds bytes that are not UTF-8 text")
