"""Rules on what was bought count, on a copy of sample.db, what pandas counts from the raw
orders and lines; the shipped product segments hold exactly those people."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from segdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 15)
"""The sample's anchor day (``meta.sample_anchor``)."""

LEFT_OUT = ("refunded", "voided", "cancelled")


class Shop:
    """The sample's orders (with their status) and lines, read with plain SQL."""

    def __init__(self, path: Path) -> None:
        with sqlite3.connect(path) as conn:
            self.contacts = pd.read_sql("SELECT id FROM contact", conn)["id"]
            self.orders = pd.read_sql(
                "SELECT id, contact_id, occurred_at, amount, status FROM event "
                "WHERE kind = 'order'",
                conn,
            )
            self.lines = pd.read_sql(
                "SELECT event_id, contact_id, occurred_at, product, sku, category, line_total "
                "FROM order_line",
                conn,
            )
        for frame in (self.orders, self.lines):
            frame["day"] = pd.to_datetime(frame["occurred_at"], unit="s").dt.date
        counted = self.orders.loc[~self.orders["status"].isin(LEFT_OUT), "id"]
        self.counted_lines = self.lines[self.lines["event_id"].isin(counted)]

    def matching(
        self, where: Callable[[pd.DataFrame], pd.Series], days: int | None = None
    ) -> pd.DataFrame:
        lines = self.counted_lines[where(self.counted_lines)]
        if days is not None:
            lines = lines[lines["day"] >= TODAY - dt.timedelta(days=days)]
        return lines

    def who(self, mask: pd.Series) -> set[int]:
        return set(mask[mask].index)

    def per_contact(self, values: pd.Series, fill: float | None = None) -> pd.Series:
        out = pd.Series(self.contacts.values, index=self.contacts.values).map(values)
        return out if fill is None else out.fillna(fill)


def fold(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().str.lower()


def buyers(lines: pd.DataFrame) -> set[int]:
    return set(lines["contact_id"].astype(int))


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SAMPLE_DB

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    path.write_bytes(SAMPLE_DB.read_bytes())
    return path


@pytest.fixture(scope="module")
def shop(copy: Path) -> Shop:
    return Shop(copy)


@pytest.fixture(scope="module")
def ws(copy: Path) -> Iterator[Workspace]:
    with Workspace.open(copy, mode="read") as workspace:
        yield workspace


def everyone(shop: Shop) -> set[int]:
    return set(shop.contacts.astype(int))


EXPECTED: dict[str, Callable[[Shop], set[int]]] = {
    'orders(product = "Cold Brew Kit").count >= 1': lambda s: buyers(
        s.matching(lambda x: fold(x["product"]) == "cold brew kit")
    ),
    'orders(category = "Equipment").total in last 365 days > 100': lambda s: s.who(
        s.per_contact(
            s.matching(lambda x: fold(x["category"]) == "equipment", 365)
            .groupby("contact_id")["line_total"]
            .sum(),
            0,
        )
        > 100
    ),
    'not orders(product contains "filter").count >= 1': lambda s: (
        everyone(s)
        - buyers(s.matching(lambda x: fold(x["product"]).str.contains("filter", regex=False)))
    ),
    'orders(sku in ("HB-12", "HB-32")).last within last 60 days': lambda s: buyers(
        s.matching(lambda x: fold(x["sku"]).isin(["hb-12", "hb-32"]), 60)
    ),
    'orders(status = "refunded").count >= 1': lambda s: set(
        s.orders.loc[s.orders["status"] == "refunded", "contact_id"].astype(int)
    ),
}


@pytest.mark.parametrize("rule", list(EXPECTED))
def test_product_rule_counts_what_pandas_counts(rule: str, shop: Shop, ws: Workspace) -> None:
    expected = EXPECTED[rule](shop)
    assert 0 < len(expected) < len(shop.contacts), "the rule should split the contacts"
    assert ws.segments.count_rule(rule, today=TODAY) == len(expected)


def test_the_shipped_product_segments_hold_what_pandas_finds(shop: Shop, copy: Path) -> None:
    equipment = buyers(shop.matching(lambda x: fold(x["category"]) == "equipment"))
    recent_beans = buyers(shop.matching(lambda x: fold(x["category"]) == "beans", 90))
    expected = {
        "Equipment buyers without beans in 90 days": equipment - recent_beans,
        "Tried decaf": buyers(
            shop.matching(lambda x: fold(x["product"]).str.contains("decaf", regex=False))
        ),
        "Gift buyers": buyers(shop.matching(lambda x: fold(x["category"]) == "gifts")),
    }
    with sqlite3.connect(copy) as conn:
        for name, people in expected.items():
            members = {
                row[0]
                for row in conn.execute(
                    "SELECT contact_id FROM segment_member JOIN segment "
                    "ON segment.id = segment_id WHERE name = ?",
                    (name,),
                )
            }
            assert 30 <= len(people) <= 500, name
            assert members == people, name
