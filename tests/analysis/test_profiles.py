"""Every profile figure held to pandas over the same contacts, orders and lines, on the sample
shop and on a generated one; refunded, voided and cancelled orders left out."""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segdesk.analysis.profiles import (
    MAX_VALUES,
    MIN_LIFT,
    MIN_PEOPLE,
    Figures,
    ProfileTable,
    median_of_counts,
)
from segdesk.jobs import Cancelled
from segdesk.paths import sample_db
from segdesk.workspace import Workspace
from tests.analysis import generated_shop
from tests.factories import new_shop
from tests.order_lines import Item, Order, add_orders_with_lines

LEFT_OUT = ("refunded", "voided", "cancelled")
CORE = ("country", "region", "city", "source", "consent")
SAMPLE_DAY = date(2026, 11, 15)


@dataclass(frozen=True)
class Shop:
    db: Path
    today: date


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    return Shop(generated_shop.build(tmp_path_factory.mktemp("shop")), generated_shop.TODAY)


@pytest.fixture(scope="module", params=["sample", "generated"])
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Shop:
    if request.param == "generated":
        generated: Shop = request.getfixturevalue("generated")
        return generated
    copy = tmp_path_factory.mktemp("sample") / "sample.db"
    shutil.copyfile(sample_db(), copy)
    return Shop(copy, SAMPLE_DAY)


@pytest.fixture(scope="module")
def found(shop: Shop) -> ProfileTable:
    with Workspace.open(shop.db, mode="read") as ws:
        return ws.profiles.table(None, shop.today)


class Reference:
    """The same figures from the raw tables with pandas."""

    def __init__(self, db: Path, today: date) -> None:
        with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as raw:
            self.contacts = pd.read_sql("SELECT * FROM contact", raw).set_index("id")
            events = pd.read_sql(
                "SELECT contact_id, kind, occurred_at, amount, status FROM event", raw
            )
            lines = pd.read_sql(
                "SELECT l.contact_id, l.product, l.sku, e.occurred_at, e.status "
                "FROM order_line l JOIN event e ON e.id = l.event_id",
                raw,
            )
            self.members = pd.read_sql("SELECT segment_id, contact_id FROM segment_member", raw)
            self.fields = pd.read_sql("SELECT name, type, origin FROM field", raw)
        end = pd.Timestamp(today + timedelta(days=1))
        orders = events[
            (events.kind == "order")
            & ~events.status.isin(LEFT_OUT)
            & (pd.to_datetime(events.occurred_at, unit="s") < end)
        ].copy()
        orders["day"] = pd.to_datetime(orders.occurred_at, unit="s").dt.normalize()
        orders["amount"] = orders.amount.fillna(0.0)  # an order without an amount adds 0
        per = orders.groupby("contact_id").agg(
            orders=("day", "size"), revenue=("amount", "sum"), last=("day", "max")
        )
        per["days"] = (pd.Timestamp(today) - per["last"]).dt.days
        self.per_contact = per
        bought = lines[
            ~lines.status.isin(LEFT_OUT) & (pd.to_datetime(lines.occurred_at, unit="s") < end)
        ]
        names = bought["product"].fillna(bought["sku"]).fillna("(no name)")
        self.bought = pd.DataFrame(
            {"contact_id": bought.contact_id, "value": names}
        ).drop_duplicates()
        self.counted = {
            **self._category_values(),
            "product": self.bought.set_index("contact_id")["value"],
        }
        self.everyone_counts = {name: v.value_counts() for name, v in self.counted.items()}

    def _category_values(self) -> dict[str, pd.Series]:
        """Field → each contact's value as a profile names it (blank values dropped)."""
        attributes = self.contacts.attributes.map(lambda a: json.loads(a) if a else {})
        found = {}
        for name in CORE:
            found[name] = self.contacts[name]
        for row in self.fields.itertuples():
            if row.origin != "custom" or row.type not in ("text", "category", "bool"):
                continue
            raw = attributes.map(lambda a, n=row.name: a.get(n))
            if row.type == "text" and raw.dropna().nunique() > MAX_VALUES:
                continue
            if row.type == "bool":
                raw = raw.map(lambda v: None if v is None else ("yes" if v else "no"))
            found[row.name] = raw
        return {
            name: values.dropna().map(lambda v: str(v).strip()).loc[lambda s: s != ""]
            for name, values in found.items()
        }

    def ids(self, segment_id: int) -> pd.Index:
        return pd.Index(self.members.contact_id[self.members.segment_id == segment_id])

    def figures(self, ids: pd.Index, everyone: pd.Index) -> dict[str, Any]:
        per = self.per_contact[self.per_contact.index.isin(ids)]
        consent = self.contacts.consent[self.contacts.index.isin(ids)]
        orders, revenue = int(per.orders.sum()), float(per.revenue.sum())
        all_revenue = float(self.per_contact[self.per_contact.index.isin(everyone)].revenue.sum())
        median = per.days.median()
        return {
            "size": len(ids),
            "share": len(ids) / len(everyone) if len(everyone) else None,
            "buyers": len(per),
            "without_orders": len(ids) - len(per),
            "orders": orders,
            "revenue": round(revenue, 2),
            "revenue_share": revenue / all_revenue if all_revenue else None,
            "average_order_value": revenue / orders if orders else None,
            "orders_per_person": orders / len(ids) if len(ids) else None,
            "median_days_since_last_order": None if pd.isna(median) else float(median),
            "consent": {
                "subscribed": int((consent == "subscribed").sum()),
                "unsubscribed": int((consent == "unsubscribed").sum()),
                "unknown": int((~consent.isin(["subscribed", "unsubscribed"])).sum()),
            },
        }

    def apart(self, ids: pd.Index, everyone: pd.Index) -> list[tuple[str, str, int, int]]:
        size, all_size = len(ids), len(everyone)
        kept = []
        for name, values in self.counted.items():
            mine = values[values.index.isin(ids)].value_counts()
            every = self.everyone_counts[name]
            for value, n in mine.items():
                all_n = int(every[value])
                share, all_share = n / size, all_n / all_size
                if n >= MIN_PEOPLE and share / all_share >= MIN_LIFT:
                    excess = n - size * all_share
                    kept.append((-excess, -share / all_share, name, str(value), int(n), all_n))
        return [(name, value, n, all_n) for *_, name, value, n, all_n in sorted(kept)[:10]]


@pytest.fixture(scope="module")
def reference(shop: Shop) -> Reference:
    return Reference(shop.db, shop.today)


def flat(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with the consent mix beside them (``approx`` compares one level)."""
    consent = {f"consent_{k}": v for k, v in figures["consent"].items()}
    return {**{k: v for k, v in figures.items() if k != "consent"}, **consent}


def as_json(figures: Figures) -> dict[str, Any]:
    return flat(figures.to_json())


def test_everyone_equals_pandas(found: ProfileTable, reference: Reference) -> None:
    everyone = pd.Index(reference.contacts.index)
    assert as_json(found.everyone) == pytest.approx(flat(reference.figures(everyone, everyone)))


def test_every_segment_equals_pandas(found: ProfileTable, reference: Reference) -> None:
    everyone = pd.Index(reference.contacts.index)
    assert len(found.profiles) >= 5
    for profile in found.profiles:
        ids = reference.ids(profile.segment_id)
        expected = reference.figures(ids, everyone)
        assert as_json(profile.segment) == pytest.approx(flat(expected)), profile.name


def test_what_sets_each_segment_apart_equals_pandas(
    found: ProfileTable, reference: Reference
) -> None:
    everyone = pd.Index(reference.contacts.index)
    some = 0
    for profile in found.profiles:
        expected = reference.apart(reference.ids(profile.segment_id), everyone)
        shown = [(s.field, s.value, s.count, s.everyone_count) for s in profile.apart]
        assert shown == expected, profile.name
        some += bool(shown)
        for s in profile.apart:
            assert s.lift == pytest.approx(s.share / s.everyone_share)
    assert some >= 2


def test_generated_leanings_show_and_long_text_fields_do_not(generated: Shop) -> None:
    with Workspace.open(generated.db, mode="read") as ws:
        table = ws.profiles.table(["Mostly Germans", "Kit buyers", "Nobody"], generated.today)
    germans, kit, nobody = table.profiles
    assert ("country", "DE") in [(s.field, s.value) for s in germans.apart]
    assert ("product", "Cold Brew Kit") in [(s.field, s.value) for s in kit.apart]
    fields = {s.field for p in table.profiles for s in p.apart}
    assert not fields & {"note", "age"}  # a text field of one value each, a number
    assert nobody.segment.size == 0 and nobody.apart == []
    assert nobody.segment.median_days_since_last_order is None
    assert nobody.segment.average_order_value is None


def test_refunded_voided_and_cancelled_orders_are_left_out(tmp_path: Path) -> None:
    db = new_shop(tmp_path, [{"email": f"p{i}@example.com"} for i in range(1, 8)])
    when = datetime(2025, 3, 1, 10, tzinfo=UTC)
    kit, cup = Item("Kit", "K", None, 1, 40.0), Item("Cup", "C", None, 1, 5.0)
    orders = [Order(i, when, [cup]) for i in range(1, 8)]
    orders += [
        Order(1, when + timedelta(days=5), [kit], status)
        for status in ("refunded", "voided", "cancelled")
    ]
    with Workspace.open(db) as ws:
        add_orders_with_lines(ws.engine, orders)
        profile = ws.profiles.table(None, date(2025, 3, 31)).everyone
    assert (profile.orders, profile.revenue, profile.buyers) == (7, 35.0, 7)
    assert profile.median_days_since_last_order == 30
    with Workspace.open(db) as ws:
        from tests.factories import add_segment

        add_segment(ws.engine, "All", range(1, 8))
        apart = ws.profiles.profile("All", date(2025, 3, 31)).apart
    assert apart == []  # the kit was only in orders left out: nobody bought it


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 5)), max_size=12))
def test_median_of_counts_is_the_median(pairs: list[tuple[int, int]]) -> None:
    values = [v for v, n in pairs for _ in range(n)]
    assert median_of_counts(pairs) == (statistics.median(values) if values else None)


def test_progress_counts_every_query_and_a_cancel_stops(generated: Shop) -> None:
    reports: list[tuple[int, int]] = []
    with Workspace.open(generated.db, mode="read") as ws:
        table = ws.profiles.table(
            None,
            generated.today,
            progress=lambda done, total, _label: reports.append((done, total)),
        )
        assert table == ws.profiles.table(None, generated.today)
        with pytest.raises(Cancelled):
            ws.profiles.table(None, generated.today, cancelled=lambda: True)
    total = reports[-1][1]
    assert reports == [(done, total) for done in range(1, total + 1)] and total >= 7
