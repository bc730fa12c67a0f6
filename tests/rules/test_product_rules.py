"""Rules on what was bought, on order status and on event attributes: the text, its canonical
print, the English, the errors at their column, and the SQL on small exact databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from segdesk.rules import (
    Compare,
    DatabaseSegments,
    FieldCatalog,
    Metric,
    MetricCompare,
    Not,
    Or,
    RuleError,
    compile_rule,
    from_json,
    matches,
    parse,
    to_english,
    to_json,
    to_text,
)
from segdesk.rules.tree import And
from segdesk.store.database import open_database
from tests.factories import add_contacts
from tests.order_rows import add_order

TODAY = dt.date(2025, 3, 15)
CATALOG = FieldCatalog.from_types({"plan": "category"})


def p(text: str):
    return parse(text, CATALOG)


def at(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.UTC)


KIT = Compare("product", "=", "Cold Brew Kit")

EXAMPLES = [
    (
        'orders(product = "Cold Brew Kit").count >= 1',
        MetricCompare(Metric("order", "count", None, KIT), ">=", 1),
        "bought Cold Brew Kit at least once",
    ),
    (
        'orders(category = "Equipment").total in last 365 days > 100',
        MetricCompare(
            Metric("order", "total", 365, Compare("category", "=", "Equipment")), ">", 100
        ),
        "spent over 100 on Equipment in the last 365 days",
    ),
    (
        'not (orders(product contains "filter").count >= 1)',
        Not(
            MetricCompare(
                Metric("order", "count", None, Compare("product", "contains", "filter")), ">=", 1
            )
        ),
        "never bought a product containing “filter”",
    ),
    (
        'orders(sku in ("HB-12", "HB-32")).last within last 60 days',
        MetricCompare(
            Metric("order", "last", None, Compare("sku", "in", ("HB-12", "HB-32"))),
            "within last N days",
            60,
        ),
        "last bought SKU HB-12 or HB-32 within the last 60 days",
    ),
    (
        'orders(status = "refunded").count >= 1',
        MetricCompare(Metric("order", "count", None, Compare("status", "=", "refunded")), ">=", 1),
        "placed at least 1 refunded order",
    ),
    (
        'events("visit", page = "pricing").count in last 30 days >= 3',
        MetricCompare(Metric("visit", "count", 30, Compare("page", "=", "pricing")), ">=", 3),
        "had at least 3 “visit” events where page is pricing in the last 30 days",
    ),
    (
        'orders(product = "Cold Brew Kit" or category = "Equipment").count = 0',
        MetricCompare(
            Metric("order", "count", None, Or((KIT, Compare("category", "=", "Equipment")))),
            "=",
            0,
        ),
        "never bought Cold Brew Kit or Equipment",
    ),
    (
        'orders(category = "Beans" and (quantity >= 2 or unit_price > 20)).avg > 30',
        MetricCompare(
            Metric(
                "order",
                "avg",
                None,
                And(
                    (
                        Compare("category", "=", "Beans"),
                        Or((Compare("quantity", ">=", 2), Compare("unit_price", ">", 20))),
                    )
                ),
            ),
            ">",
            30,
        ),
        "spent on average over 30 per order on something where category is Beans and "
        "(quantity is 2 or more or unit price is over 20)",
    ),
]


class TestText:
    @pytest.mark.parametrize(("text", "tree", "english"), EXAMPLES)
    def test_parses_prints_and_reads(self, text: str, tree: object, english: str) -> None:
        assert p(text) == tree
        assert to_text(p(text)) == text
        assert p(to_text(p(text))) == tree
        assert from_json(to_json(p(text))) == tree
        assert to_english(p(text), CATALOG) == english

    def test_the_issue_spelling_without_parentheses_after_not(self) -> None:
        written = 'not orders(product contains "filter").count >= 1'
        assert to_text(p(written)) == 'not (orders(product contains "filter").count >= 1)'

    def test_known_names_ignore_case_and_print_lower_case(self) -> None:
        rule = p('Orders(Product = "Kit" and SKU = "a" and Channel = "web").count > 0')
        assert (
            to_text(rule) == 'orders(product = "Kit" and sku = "a" and Channel = "web").count > 0'
        )

    def test_an_attribute_compares_as_the_value_written(self) -> None:
        rule = p('events("visit", n > 3 and flag = true and seen before 2025-01-01).count > 0')
        assert isinstance(rule, MetricCompare) and rule.metric.where is not None
        assert rule.metric.where == And(
            (
                Compare("n", ">", 3),
                Compare("flag", "is true"),
                Compare("seen", "before", dt.date(2025, 1, 1)),
            )
        )

    def test_a_window_and_a_filter_together(self) -> None:
        text = 'orders(product = "Kit").count in last 90 days >= 2 and plan = "pro"'
        assert to_text(p(text)) == text
        assert to_english(p(text), CATALOG) == (
            "bought Kit at least 2 times in the last 90 days and plan is pro"
        )

    def test_the_same_metric_without_a_filter_is_another_metric(self) -> None:
        assert p("orders.count >= 1") != p('orders(product = "Kit").count >= 1')


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        (
            "orders(product > 3).count >= 1",
            16,
            '">" does not apply to product, which is text (column 16); use =, !=, in, not in, '
            "contains, starts with, ends with, is empty or is not empty",
        ),
        (
            'orders(quantity = "two").count >= 1',
            19,
            'quantity is a number: expected a number, not "two" (column 19)',
        ),
        (
            'events("visit", product = "Kit").count >= 1',
            17,
            'unknown filter field "product": only orders have lines with product; “visit” '
            "events do not (column 17); use orders(product ...), or an attribute of these events",
        ),
        (
            'orders(page > "x").count >= 1',
            13,
            '">" does not apply to page, which is text (column 13)',
        ),
        ('orders(product = "Kit").cnt >= 1', 25, 'unknown measure "cnt" (column 25)'),
        ('order(product = "Kit").count >= 1', 1, 'unknown metric "order(...)" (column 1)'),
        ('orders(product = "Kit" product = "x").count >= 1', 24, "unexpected"),
        (
            'orders(not product = "Kit").count >= 1',
            8,
            '"not" cannot stand inside a metric\'s filter (column 8); put it before the '
            'metric: not orders(product = "Kit").count >= 1, or use != or not in',
        ),
        (
            'orders(product equals "Kit").count >= 1',
            16,
            'unknown operator "equals" (column 16); use =, !=, in, not in, contains,',
        ),
    ],
)
def test_errors_name_their_column(text: str, column: int, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        p(text)
    assert caught.value.column == column
    assert str(caught.value).startswith(message)


def test_a_stored_tree_with_a_line_field_on_other_events_is_refused() -> None:
    rule = MetricCompare(Metric("visit", "count", None, KIT), ">=", 1)
    with pytest.raises(RuleError, match='unknown filter field "product"'):
        compile_rule(rule, CATALOG, TODAY)


# --------------------------------------------------------------------------------------------
# SQL on small exact databases
# --------------------------------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_database(tmp_path / "shop.db")
    yield engine
    engine.dispose()


def ids(engine: Engine, text: str) -> set[int]:
    with engine.connect() as conn:
        query = compile_rule(p(text), CATALOG, TODAY, DatabaseSegments(conn))
        return set(conn.execute(query).scalars())


def kit(total: float = 40.0) -> dict[str, object]:
    return {"product": "Cold Brew Kit", "category": "Equipment", "sku": "CB-1", "line_total": total}


def beans(total: float = 12.0, sku: str = "HB-12") -> dict[str, object]:
    return {"product": "House Blend", "category": "Beans", "sku": sku, "line_total": total}


class TestOnOrders:
    def test_counts_orders_not_lines(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}])
        add_order(engine, 1, at(5), 60.0, lines=[beans(), beans(sku="HB-32")])
        add_order(engine, 2, at(5), 12.0, lines=[beans()])
        add_order(engine, 2, at(6), 12.0, lines=[beans()])
        assert ids(engine, 'orders(category = "Beans").count >= 2') == {2}
        assert ids(engine, 'orders(sku in ("HB-12", "HB-32")).count = 1') == {1}

    def test_total_is_the_matching_lines(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}])
        add_order(engine, 1, at(5), 200.0, lines=[kit(90.0), beans(100.0)])
        add_order(engine, 2, at(400), 150.0, lines=[kit(150.0)])
        assert ids(engine, 'orders(category = "Equipment").total > 100') == {2}
        assert ids(engine, 'orders(category = "Equipment").total in last 365 days > 50') == {1}
        assert ids(engine, "orders.total > 160") == {1}

    def test_text_ignores_case_and_spaces(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}, {"id": 3}])
        add_order(engine, 1, at(1), 10.0, lines=[{"product": "  cold BREW kit "}])
        add_order(engine, 2, at(1), 10.0, lines=[{"product": "Cold Brew Kit Filters"}])
        add_order(engine, 3, at(1), 10.0, lines=[{"product": None}])
        assert ids(engine, 'orders(product = "Cold Brew Kit").count >= 1') == {1}
        assert ids(engine, 'orders(product contains "FILTER").count >= 1') == {2}
        assert ids(engine, 'not orders(product contains "filter").count >= 1') == {1, 3}

    def test_never_bought_keeps_people_without_orders(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}, {"id": 3}])
        add_order(engine, 1, at(1), 10.0, lines=[kit()])
        add_order(engine, 2, at(1), 10.0, lines=[beans()])
        assert ids(engine, 'orders(product = "Cold Brew Kit").count = 0') == {2, 3}

    def test_last_is_the_time_of_the_latest_matching_order(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}])
        add_order(engine, 1, at(90), 10.0, lines=[beans(sku="HB-32")])
        add_order(engine, 1, at(2), 10.0, lines=[kit()])
        add_order(engine, 2, at(59), 10.0, lines=[beans()])
        assert ids(engine, 'orders(sku in ("HB-12", "HB-32")).last within last 60 days') == {2}

    def test_avg_is_the_matching_total_per_order(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}])
        add_order(engine, 1, at(3), 100.0, lines=[beans(10.0), beans(20.0), kit(70.0)])
        add_order(engine, 1, at(2), 12.0, lines=[beans(12.0)])
        assert ids(engine, 'orders(category = "Beans").avg = 21') == {1}


class TestStatus:
    def test_refunded_voided_and_cancelled_orders_do_not_count(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": i} for i in range(1, 7)])
        for contact_id, status in enumerate(
            ["refunded", "voided", "cancelled", "paid", "pending", None], start=1
        ):
            add_order(engine, contact_id, at(3), 50.0, status=status, lines=[kit(50.0)])
        assert ids(engine, "orders.count >= 1") == {4, 5, 6}
        assert ids(engine, "orders.total > 0") == {4, 5, 6}
        assert ids(engine, "orders.last within last 10 days") == {4, 5, 6}
        assert ids(engine, 'orders(product = "Cold Brew Kit").count >= 1') == {4, 5, 6}

    def test_a_filter_on_status_asks_for_the_statuses_it_holds_for(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": i} for i in range(1, 6)])
        for contact_id, status in enumerate(
            ["refunded", "voided", "cancelled", "paid", None], start=1
        ):
            add_order(engine, contact_id, at(3), 50.0, status=status)
        assert ids(engine, 'orders(status = "refunded").count >= 1') == {1}
        assert ids(engine, 'orders(status in ("refunded", "voided")).count >= 1') == {1, 2}
        assert ids(engine, 'orders(status != "paid").count >= 1') == {1, 2, 3}
        assert ids(engine, 'orders(status != "refunded").count >= 1') == {2, 3, 4}
        assert ids(engine, "orders(status is empty).count >= 1") == {5}
        assert ids(engine, "orders(status is not empty).count >= 1") == {1, 2, 3, 4}

    def test_a_refunded_order_with_a_product_is_asked_for_by_both(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}])
        add_order(engine, 1, at(3), 50.0, status="refunded", lines=[kit()])
        add_order(engine, 2, at(3), 50.0, status="paid", lines=[kit()])
        text = 'orders(product = "Cold Brew Kit" and status = "refunded").count >= 1'
        assert ids(engine, text) == {1}

    def test_an_order_without_lines_counts_with_its_amount(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}])
        add_order(engine, 1, at(3), 80.0, status="refunded")
        add_order(engine, 2, at(3), 80.0, status="refunded", lines=[kit(30.0)])
        text = 'orders(product = "Cold Brew Kit" or status = "refunded").total >= 80'
        assert ids(engine, text) == {1}


class TestEventAttributes:
    def test_an_attribute_filter(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}, {"id": 3}])
        for _ in range(3):
            add_order(engine, 1, at(3), None, kind="visit", attributes={"page": " Pricing"})
        add_order(engine, 2, at(3), None, kind="visit", attributes={"page": "pricing"})
        for _ in range(3):
            add_order(engine, 3, at(40), None, kind="visit", attributes={"page": "pricing"})
        text = 'events("visit", page = "pricing").count in last 30 days >= 3'
        assert ids(engine, text) == {1}

    def test_a_value_of_another_kind_is_missing(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}, {"id": 3}])
        add_order(engine, 1, at(3), None, kind="visit", attributes={"seconds": 90})
        add_order(engine, 2, at(3), None, kind="visit", attributes={"seconds": "long"})
        add_order(engine, 3, at(3), None, kind="visit", attributes={"seconds": True})
        assert ids(engine, 'events("visit", seconds > 60).count >= 1') == {1}
        assert ids(engine, 'events("visit", seconds < 60).count >= 1') == set()

    def test_order_attributes_too(self, engine: Engine) -> None:
        add_contacts(engine, [{"id": 1}, {"id": 2}])
        add_order(engine, 1, at(3), 20.0, attributes={"channel": "web"})
        add_order(engine, 2, at(3), 20.0, attributes={"channel": "shop"})
        assert ids(engine, 'orders(channel = "web").total >= 20') == {1}


def test_the_evaluator_reads_lines_status_and_attributes() -> None:
    events = [
        {
            "kind": "order",
            "occurred_at": at(3),
            "amount": 50.0,
            "status": "paid",
            "lines": [kit(30.0), beans(20.0)],
        },
        {"kind": "order", "occurred_at": at(2), "amount": 40.0, "status": "refunded"},
    ]
    person = {"id": 1}
    holds = lambda text: matches(p(text), person, events, TODAY, {})  # noqa: E731
    assert holds('orders(category = "Equipment").total = 30')
    assert holds("orders.total = 50")
    assert holds('orders(status = "refunded").total = 40')
    assert not holds('orders(product = "House Blend").count >= 2')
