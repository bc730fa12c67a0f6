"""`segdesk products`, a contact's purchases and the products group of `segdesk fields`, on a
small shop whose expected figures pandas computes from the same rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from segdesk.cli import main
from segdesk.workspace import Workspace
from tests.cli_runs import run
from tests.factories import add_orders, new_shop
from tests.order_lines import Item, Order, add_orders_with_lines, line_records

HB12 = Item("House Blend", "HB-12", "Beans", 2, 16.0)
HB32 = Item("House Blend", "HB-32", "Beans", 1, 38.0)
KIT = Item("Cold Brew Kit", "CBK-1", "Equipment", 1, 39.0)
FILTERS = Item("Paper Filters 100", "FLT-100", "Equipment", 2, 7.5)
GRINDER = Item("Burr Grinder", "GRD-1", "Equipment", 1, 149.0)
DECAF = Item("Decaf Swiss Water", "DEC-12", "Beans", 1, 17.5)
GIFT = Item("Gift Card", "GC-50", "Gifts", 1, 50.0)
MYSTERY = Item(None, "MYS-1", None, 3, 4.25)
"""A line with a SKU only: named by its SKU."""


def day(month: int, dd: int) -> datetime:
    return datetime(2025, month, dd, 10, 0, tzinfo=UTC)


ANA, BEN, CLEO = 1, 2, 3
ORDERS = (
    Order(ANA, day(1, 5), [HB12, KIT]),
    Order(ANA, day(2, 9), [HB32, FILTERS], status=None),  # no status counts like paid
    Order(ANA, day(3, 1), [GRINDER], status="refunded"),
    Order(BEN, day(1, 20), [KIT, FILTERS, MYSTERY]),
    Order(BEN, day(2, 2), [Item("House Blend", "HB-12", "Beans", 5, 16.0)], status="cancelled"),
    Order(BEN, day(4, 14), [GIFT, DECAF], status="partially refunded"),
    Order(CLEO, day(3, 3), [HB12, DECAF], status="pending"),
    Order(CLEO, day(3, 4), [Item("V60 Dripper", "V60-02", "Equipment", 1, 28.0)], "voided"),
)
LEFT_OUT = ("refunded", "voided", "cancelled")


@pytest.fixture
def shop_with_lines(tmp_path: Path) -> Path:
    db = new_shop(
        tmp_path,
        [
            {"email": "ana@example.com", "first_name": "Ana"},
            {"email": "ben@example.com", "first_name": "Ben"},
            {"email": "cleo@example.com", "first_name": "Cleo"},
        ],
    )
    with Workspace.open(db) as ws:
        add_orders_with_lines(ws.engine, ORDERS)
        add_orders(ws.engine, CLEO, [(day(5, 1), 12.0)])  # imported without lines
    return db


def expected_products() -> pd.DataFrame:
    """The products view computed by pandas from the rows the shop was given."""
    lines = pd.DataFrame(line_records(ORDERS))
    lines = lines[~lines["status"].isin(LEFT_OUT)]
    lines = lines.assign(name=lines["product"].fillna(lines["sku"]))
    grouped = lines.groupby("name")
    return pd.DataFrame(
        {
            "buyers": grouped["contact_id"].nunique(),
            "orders": grouped["order"].nunique(),
            "quantity": grouped["quantity"].sum(),
            "revenue": grouped["line_total"].sum().round(2),
            "first_sold": grouped["when"].min(),
            "last_sold": grouped["when"].max(),
            "skus": grouped["sku"].agg(lambda s: sorted(set(s.dropna()))),
            "categories": grouped["category"].agg(lambda s: sorted(set(s.dropna()))),
        }
    ).sort_values(["revenue", "name"], ascending=[False, True])


class TestProductsCommand:
    def test_json_matches_pandas(self, shop_with_lines: Path, capsys) -> None:
        code, out, _ = run(capsys, "products", "--json", "--db", str(shop_with_lines))
        assert code == 0
        report = json.loads(out)
        expected = expected_products()
        assert [p["product"] for p in report["products"]] == list(expected.index)
        for p in report["products"]:
            row = expected.loc[p["product"]]
            assert (p["buyers"], p["orders"]) == (row["buyers"], row["orders"])
            assert p["quantity"] == row["quantity"]
            assert p["revenue"] == pytest.approx(row["revenue"])
            assert p["first_sold"] == row["first_sold"].isoformat()
            assert p["last_sold"] == row["last_sold"].isoformat()
            assert (p["skus"], p["categories"]) == (row["skus"], row["categories"])
        assert report["product_count"] == len(expected)
        assert report["orders"] == {
            "with_lines": 5,
            "without_lines": 1,
            "left_out": 3,
            "left_out_statuses": ["refunded", "voided", "cancelled"],
        }

    def test_refunded_voided_and_cancelled_orders_are_left_out(
        self, shop_with_lines: Path, capsys
    ) -> None:
        code, out, _ = run(capsys, "products", "--json", "--db", str(shop_with_lines))
        assert code == 0
        products = {p["product"]: p for p in json.loads(out)["products"]}
        assert "Burr Grinder" not in products  # only in a refunded order
        assert "V60 Dripper" not in products  # only in a voided one
        house = products["House Blend"]  # Ben's cancelled five bags are not counted
        assert (house["buyers"], house["orders"], house["quantity"]) == (2, 3, 5)
        assert house["revenue"] == 32.0 + 38.0 + 32.0
        assert house["skus"] == ["HB-12", "HB-32"]
        assert products["Gift Card"]["orders"] == 1  # partially refunded still counts
        assert products["MYS-1"]["skus"] == ["MYS-1"]

    def test_table(self, shop_with_lines: Path, capsys) -> None:
        code, out, err = run(capsys, "products", "--db", str(shop_with_lines))
        assert code == 0
        lines = out.splitlines()
        assert lines[0].split("\t") == [
            "product",
            "sku",
            "category",
            "buyers",
            "orders",
            "quantity",
            "revenue",
            "first",
            "last",
        ]
        assert lines[1].split("\t") == [
            "House Blend",
            "HB-12, HB-32",
            "Beans",
            "2",
            "3",
            "5",
            "102.00",
            "2025-01-05",
            "2025-03-03",
        ]
        assert len(lines) == 1 + len(expected_products())
        assert "Products (6, by revenue)" in err
        assert "3 refunded, voided or cancelled orders left out" in err
        assert "1 order without line items (in no product)" in err

    @pytest.mark.parametrize(
        ("sort", "column"), [("buyers", "buyers"), ("orders", "orders"), ("name", None)]
    )
    def test_sort_and_limit(self, shop_with_lines: Path, capsys, sort: str, column) -> None:
        argv = ["products", "--json", "--sort", sort, "--limit", "3", "--db", str(shop_with_lines)]
        code, out, _ = run(capsys, *argv)
        assert code == 0
        report = json.loads(out)
        expected = expected_products().reset_index()
        if column is None:
            expected = expected.sort_values("name", key=lambda s: s.str.casefold())
        else:
            expected = expected.sort_values([column, "name"], ascending=[False, True])
        assert [p["product"] for p in report["products"]] == list(expected["name"][:3])
        assert report["product_count"] == 6

    def test_limit_in_a_table_says_how_many_more(self, shop_with_lines: Path, capsys) -> None:
        code, out, err = run(capsys, "products", "--limit", "2", "--db", str(shop_with_lines))
        assert code == 0
        assert len(out.splitlines()) == 3
        assert "Products (top 2 of 6, by revenue)" in err and "and 4 more" in err

    def test_a_shop_without_lines(self, shop: Path, capsys) -> None:
        with Workspace.open(shop) as ws:
            add_orders(ws.engine, 1, [(day(1, 1), 10.0)])
        code, out, err = run(capsys, "products", "--db", str(shop))
        assert code == 0 and out == ""
        assert "No order has line items" in err
        assert "1 order without line items" in err
        code, out, _ = run(capsys, "products", "--json", "--db", str(shop))
        assert code == 0
        assert json.loads(out)["products"] == []

    def test_a_wrong_sort_is_the_users_mistake(self, shop: Path, capsys) -> None:
        with pytest.raises(SystemExit) as exit_info:
            main(["products", "--sort", "price", "--db", str(shop)])
        assert exit_info.value.code == 2
        assert "invalid choice: 'price'" in capsys.readouterr().err


def test_what_a_contact_bought(shop_with_lines: Path) -> None:
    """The most recently bought first; the refunded grinder left out and said so."""
    with Workspace.open(shop_with_lines) as ws:
        ana, ben = ws.products.bought_by(ANA), ws.products.bought_by(BEN)
    assert [(p.name, p.orders, p.quantity, p.revenue) for p in ana.products] == [
        ("House Blend", 2, 3, 70.0),
        ("Paper Filters 100", 1, 2, 15.0),
        ("Cold Brew Kit", 1, 1, 39.0),
    ]
    assert ana.products[0].last_sold == day(2, 9)
    assert (ana.orders.with_lines, ana.orders.left_out, ana.orders.without_lines) == (2, 1, 0)
    assert [p.name for p in ben.products] == [
        "Decaf Swiss Water",
        "Gift Card",
        "Cold Brew Kit",
        "MYS-1",
        "Paper Filters 100",
    ]


class TestFields:
    def test_json_lists_every_product_sku_and_category(self, shop_with_lines: Path, capsys):
        code, out, _ = run(capsys, "fields", "--json", "--db", str(shop_with_lines))
        assert code == 0
        named = {f["name"]: f for f in json.loads(out)}
        lines = pd.DataFrame(line_records(ORDERS))
        lines = lines[~lines["status"].isin(LEFT_OUT)]
        for name, column in (
            ("orders(product)", "product"),
            ("orders(sku)", "sku"),
            ("orders(category)", "category"),
        ):
            entry = named[name]
            assert entry["origin"] == "products"
            grouped = lines.dropna(subset=[column]).groupby(column)
            expected = {
                value: {"buyers": buyers, "orders": orders}
                for value, buyers, orders in zip(
                    grouped.groups,
                    grouped["contact_id"].nunique(),
                    grouped["order"].nunique(),
                    strict=True,
                )
            }
            assert {
                c["value"]: {"buyers": c["buyers"], "orders": c["orders"]} for c in entry["counts"]
            } == expected
            assert entry["values"] == [c["value"] for c in entry["counts"]]
            buyers = [c["buyers"] for c in entry["counts"]]
            assert buyers == sorted(buyers, reverse=True)  # the most bought first
        assert named["orders(category)"]["values"][:2] == ["Beans", "Equipment"]

    def test_table_shows_the_most_bought_and_how_many_more(self, sample_copy: Path, capsys):
        code, out, err = run(capsys, "fields", "--db", str(sample_copy))
        assert code == 0
        assert "Products, SKUs and categories a rule can name" in err
        assert "House Blend\tproduct\t" in out
        assert "HB-12\tSKU\t" in out
        assert "Equipment\tcategory\t" in out
        assert "more products" in err and "--all lists them" in err
        shown = sum(line.split("\t")[1:2] == ["product"] for line in out.splitlines())
        assert shown == 10
        code, out, err = run(capsys, "fields", "--all", "--db", str(sample_copy))
        assert code == 0 and "more products" not in err
        with Workspace.open(sample_copy) as ws:
            every = len(ws.products.names().products)
        assert sum(line.split("\t")[1:2] == ["product"] for line in out.splitlines()) == every

    def test_a_shop_without_lines_has_no_products_group(self, shop: Path, capsys) -> None:
        code, out, err = run(capsys, "fields", "--db", str(shop))
        assert code == 0 and "rule can name" not in err
        code, out, _ = run(capsys, "fields", "--json", "--db", str(shop))
        named = {f["name"]: f for f in json.loads(out)}
        assert named["orders(product)"]["values"] == []
