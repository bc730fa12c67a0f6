"""The demo database: rebuilt row for row from its seed, in step with the committed file, and
shaped like a real small business so that demos and later features have something to show."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from segdesk.segments.lookup import qualified_name
from segdesk.store.tables import (
    Contact,
    Event,
    FieldDef,
    Meta,
    ModelRun,
    OrderLine,
    Scheme,
    Segment,
    SegmentMember,
    SegmentPin,
    SegmentRefresh,
    SegmentReview,
    SegmentVersion,
)
from segdesk.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "build_sample_db.py"
TABLES = {
    "contact": (Contact, ("id",)),
    "event": (Event, ("id",)),
    "order_line": (OrderLine, ("id",)),
    "field": (FieldDef, ("id",)),
    "meta": (Meta, ("key",)),
    "scheme": (Scheme, ("id",)),
    "model_run": (ModelRun, ("id",)),
    "segment": (Segment, ("id",)),
    "segment_version": (SegmentVersion, ("id",)),
    "segment_member": (SegmentMember, ("segment_id", "contact_id")),
    "segment_pin": (SegmentPin, ("segment_id", "contact_id")),
    "segment_refresh": (SegmentRefresh, ("id",)),
    "segment_review": (SegmentReview, ("id",)),
}

Rows = dict[str, list[dict[str, Any]]]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_sample_db", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_tables(path: Path) -> Rows:
    """Every row of the tables the script fills, opened read-only so nothing is written."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            return {
                name: [
                    dict(row._mapping)
                    for row in conn.execute(
                        select(model.__table__).order_by(*(model.__table__.c[k] for k in keys))
                    )
                ]
                for name, (model, keys) in TABLES.items()
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script()


@pytest.fixture(scope="module")
def built(script: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    script.build(path)
    return path


@pytest.fixture(scope="module")
def rows(built: Path) -> Rows:
    return read_tables(built)


@pytest.fixture(scope="module")
def anchor(script: ModuleType) -> date:
    return script.ANCHOR


@pytest.fixture(scope="module")
def anchor_start(anchor: date) -> datetime:
    """The first moment of the anchor day: the demo's history ends before it."""
    return datetime.combine(anchor, datetime.min.time(), UTC)


@pytest.fixture(scope="module")
def orders(rows: Rows) -> list[dict[str, Any]]:
    return [e for e in rows["event"] if e["kind"] == "order"]


@pytest.fixture(scope="module")
def orders_per_contact(orders: list[dict[str, Any]]) -> Counter[int]:
    return Counter(o["contact_id"] for o in orders)


def signup(contact: dict[str, Any]) -> date:
    return date.fromisoformat(contact["attributes"]["signup_date"])


class TestReproducible:
    def test_rebuild_replaces_a_file_with_the_same_rows(
        self, script: ModuleType, built: Path, rows: Rows, tmp_path: Path
    ) -> None:
        path = tmp_path / "sample.db"
        path.write_bytes(b"an older file that must be replaced")
        script.build(path)
        assert read_tables(path) == rows
        assert path.read_bytes() == built.read_bytes()  # so a rebuild leaves git clean
        assert [p.name for p in tmp_path.iterdir()] == ["sample.db"]

    def test_committed_file_matches_the_script(self, script: ModuleType, rows: Rows) -> None:
        committed = script.DEFAULT_PATH
        assert committed.exists(), "sample.db is missing: run python scripts/build_sample_db.py"
        assert read_tables(committed) == rows, (
            "sample.db is out of date: run python scripts/build_sample_db.py"
        )

    def test_anchor_is_stored(self, rows: Rows, anchor: date) -> None:
        meta = {r["key"]: r["value"] for r in rows["meta"]}
        assert meta["sample_anchor"] == anchor.isoformat() == "2026-11-15"


class TestContacts:
    def test_about_three_thousand(self, rows: Rows) -> None:
        assert 2_900 <= len(rows["contact"]) <= 3_100

    def test_consent_mix(self, rows: Rows) -> None:
        consent = Counter(c["consent"] for c in rows["contact"])
        total = len(rows["contact"])
        assert 0.65 <= consent["subscribed"] / total <= 0.85
        assert 0.05 <= consent["unsubscribed"] / total <= 0.15
        assert consent["unknown"] > 0

    def test_some_without_email_and_the_rest_normalised(self, rows: Rows) -> None:
        emails = [c["email"] for c in rows["contact"]]
        missing = emails.count(None)
        assert 0.01 <= missing / len(emails) <= 0.05
        assert all(e == e.strip().lower() and "@" in e for e in emails if e is not None)

    def test_identifiers_stay_text(self, rows: Rows) -> None:
        contacts = rows["contact"]
        assert contacts[0]["external_id"] == "C000001"
        assert all(c["external_id"] == f"C{c['id']:06d}" for c in contacts)
        us_codes = [c["postal_code"] for c in contacts if c["country"] == "US" and c["postal_code"]]
        assert all(re.fullmatch(r"\d{5}", code) for code in us_codes)
        assert sum(code.startswith("0") for code in us_codes) >= 20
        phones = [c["phone"] for c in contacts if c["phone"]]
        assert phones and all(p.startswith("+") for p in phones)

    def test_gaps_and_near_duplicates_for_quality_checks(self, rows: Rows) -> None:
        contacts = rows["contact"]
        assert sum(c["city"] is None for c in contacts) > 10
        names = Counter(
            (c["first_name"].strip().lower(), c["last_name"].strip().lower()) for c in contacts
        )
        assert 3 <= sum(n > 1 for n in names.values()) <= 20

    def test_several_countries_and_business_contacts(self, rows: Rows) -> None:
        countries = Counter(c["country"] for c in rows["contact"])
        assert {"US", "CA", "GB", "DE", "FR", "NL", "AU"} <= set(countries)
        assert sum(c["company"] is not None for c in rows["contact"]) > 100

    def test_created_at_is_the_signup(self, rows: Rows, anchor_start: datetime) -> None:
        for c in rows["contact"]:
            assert c["created_at"].date() == signup(c)
            assert c["created_at"] <= c["updated_at"] < anchor_start


class TestCustomFields:
    EXPECTED = {
        "signup_date": "date",
        "age": "number",
        "plan": "category",
        "loyalty_points": "number",
        "preferred_store": "category",
        "trade_account": "bool",
    }

    def test_registered_with_their_types(self, rows: Rows) -> None:
        custom = {f["name"]: f["type"] for f in rows["field"] if f["origin"] == "custom"}
        assert custom == self.EXPECTED
        assert all(f["created_at"].tzinfo is not None for f in rows["field"])

    def test_values_match_their_types(self, rows: Rows, script: ModuleType) -> None:
        checks = {
            "signup_date": lambda v: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)),
            "age": lambda v: type(v) is int and 18 <= v <= 90,
            "plan": lambda v: v in script.PLANS,
            "loyalty_points": lambda v: type(v) is int and v >= 0,
            "preferred_store": lambda v: v in (*script.STORES, script.ONLINE),
            "trade_account": lambda v: type(v) is bool,
        }
        seen: Counter[str] = Counter()
        for c in rows["contact"]:
            for name, value in c["attributes"].items():
                assert checks[name](value), (c["id"], name, value)
                seen[name] += 1
        total = len(rows["contact"])
        assert seen["signup_date"] == seen["trade_account"] == total
        assert 0 < seen["age"] < total

    def test_signups_spread_over_three_years_growing(self, rows: Rows, anchor: date) -> None:
        ages = [(anchor - signup(c)).days for c in rows["contact"]]
        assert all(1 <= days <= 3 * 365 for days in ages)
        first_year = sum(days > 2 * 365 for days in ages)
        last_year = sum(days <= 365 for days in ages)
        assert last_year > 1.2 * first_year
        assert sum(days <= 30 for days in ages) >= 30


class TestOrders:
    def test_at_least_twenty_thousand(self, orders: list[dict[str, Any]]) -> None:
        assert len(orders) >= 20_000

    def test_never_before_signup_nor_after_anchor(
        self, rows: Rows, orders: list[dict[str, Any]], anchor_start: datetime
    ) -> None:
        signups = {c["id"]: signup(c) for c in rows["contact"]}
        early = [o["ref"] for o in orders if o["occurred_at"].date() < signups[o["contact_id"]]]
        late = [o["ref"] for o in orders if o["occurred_at"] >= anchor_start]
        assert early == [] and late == []

    def test_one_time_buyers_and_never_buyers(
        self, rows: Rows, orders_per_contact: Counter[int]
    ) -> None:
        buyers = len(orders_per_contact)
        one_time = sum(n == 1 for n in orders_per_contact.values())
        assert 0.30 <= one_time / buyers <= 0.60
        assert 0.10 <= 1 - buyers / len(rows["contact"]) <= 0.20
        assert max(orders_per_contact.values()) >= 30  # a loyal core

    def test_some_lapsed_customers(self, orders: list[dict[str, Any]], anchor: date) -> None:
        last: dict[int, date] = {}
        for o in orders:
            last[o["contact_id"]] = max(
                last.get(o["contact_id"], date.min), o["occurred_at"].date()
            )
        lapsed = [cid for cid, day in last.items() if anchor - day > timedelta(days=365)]
        assert len(lapsed) >= 100

    def test_december_peak_and_summer_dip(self, orders: list[dict[str, Any]]) -> None:
        months = Counter((o["occurred_at"].year, o["occurred_at"].month) for o in orders)
        for year in (2024, 2025):
            assert months[year, 12] > 1.3 * months[year, 7]
            assert months[year, 12] == max(months[year, m] for m in range(1, 13))

    def test_amounts_refs_and_quantities(self, orders: list[dict[str, Any]]) -> None:
        amounts = sorted(o["amount"] for o in orders)
        assert all(a > 0 and round(a, 2) == a for a in amounts)
        assert 15 <= amounts[len(amounts) // 2] <= 60
        assert amounts[-1] > 1_000  # a few big trade orders
        refs = [o["ref"] for o in orders]
        assert len(set(refs)) == len(refs)
        assert all(
            re.fullmatch(r"NW-\d{6}", r) and o["dedup_key"] == r
            for r, o in zip(refs, orders, strict=True)
        )
        assert all(o["quantity"] >= 1 and o["quantity"] == int(o["quantity"]) for o in orders)


LEFT_OUT = {"refunded", "voided", "cancelled"}


@pytest.fixture(scope="module")
def counted_lines(rows: Rows, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines of the orders that count: refunded, voided and cancelled ones left out."""
    counted = {o["id"] for o in orders if o["status"] not in LEFT_OUT}
    return [line for line in rows["order_line"] if line["event_id"] in counted]


class TestLines:
    """Orders carry what was bought, from the roaster's catalogue."""

    def test_every_order_is_the_sum_of_its_lines(
        self, rows: Rows, orders: list[dict[str, Any]]
    ) -> None:
        lines: dict[int, list[dict[str, Any]]] = {}
        for line in rows["order_line"]:
            lines.setdefault(line["event_id"], []).append(line)
        assert set(lines) == {o["id"] for o in orders}
        for o in orders:
            mine = lines[o["id"]]
            assert [line["line_no"] for line in mine] == list(range(1, len(mine) + 1))
            assert all(
                line["contact_id"] == o["contact_id"] and line["occurred_at"] == o["occurred_at"]
                for line in mine
            )
            assert all(
                line["line_total"] == round(line["quantity"] * line["unit_price"], 2)
                for line in mine
            )
            assert o["amount"] == round(sum(line["line_total"] for line in mine), 2)
            assert o["quantity"] == sum(line["quantity"] for line in mine)

    def test_catalogue_with_categories_and_sizes(self, rows: Rows) -> None:
        lines = rows["order_line"]
        categories = {line["category"] for line in lines}
        assert categories == {"Beans", "Subscriptions", "Equipment", "Gifts", "Café"}
        skus: dict[str, set[str]] = {}
        for line in lines:
            skus.setdefault(line["product"], set()).add(line["sku"])
        assert {"HB-12", "HB-32"} <= skus["House Blend"]  # one product, two sizes
        for name in (
            "Ethiopia Yirgacheffe",
            "Colombia Huila",
            "Decaf Swiss Water",
            "Coffee Club Monthly",
            "Cold Brew Kit",
            "V60 Dripper",
            "Paper Filters 100",
            "Burr Grinder",
            "Gift Card",
            "Tasting Box",
        ):
            assert name in skus, name

    def test_statuses(self, orders: list[dict[str, Any]]) -> None:
        statuses = Counter(o["status"] for o in orders)
        share = {status: n / len(orders) for status, n in statuses.items()}
        assert share["paid"] > 0.9
        assert 0.01 <= share["refunded"] <= 0.04
        assert 0.005 <= share["partially refunded"] <= 0.03
        assert 0.005 <= share["cancelled"] <= 0.03
        assert set(statuses) <= {"paid", "pending", *LEFT_OUT, "partially refunded"}

    def test_baskets_a_shop_would_see(self, counted_lines: list[dict[str, Any]]) -> None:
        """Dripper buyers come back for filters; gifts are bought for the holidays."""
        bought: dict[str, set[int]] = {}
        for line in counted_lines:
            bought.setdefault(line["product"], set()).add(line["contact_id"])
        drippers = bought["V60 Dripper"]
        assert len(drippers & bought["Paper Filters 100"]) > 0.6 * len(drippers)
        gifts = [line for line in counted_lines if line["category"] == "Gifts"]
        holidays = [line for line in gifts if line["occurred_at"].month in (11, 12)]
        assert len(holidays) > 0.6 * len(gifts)

    def test_product_segments_have_sensible_sizes(
        self, counted_lines: list[dict[str, Any]], anchor_start: datetime
    ) -> None:
        """The shipped segments on products ("Equipment buyers without beans in 90 days",
        "Tried decaf", "Gift buyers") each hold tens to a few hundred people."""

        def buyers(lines: list[dict[str, Any]]) -> set[int]:
            return {line["contact_id"] for line in lines}

        recent = anchor_start - timedelta(days=90)
        equipment = buyers([x for x in counted_lines if x["category"] == "Equipment"])
        recent_beans = buyers(
            [x for x in counted_lines if x["category"] == "Beans" and x["occurred_at"] >= recent]
        )
        decaf = buyers([x for x in counted_lines if "decaf" in x["product"].lower()])
        gifts = buyers([x for x in counted_lines if x["category"] == "Gifts"])
        for size in (len(equipment - recent_beans), len(decaf), len(gifts)):
            assert 30 <= size <= 500


def test_other_events_for_rules_beyond_orders(rows: Rows) -> None:
    kinds = Counter(e["kind"] for e in rows["event"])
    assert kinds["webinar"] >= 100 and kinds["event_attended"] >= 100
    attendees = {e["contact_id"] for e in rows["event"] if e["kind"] == "webinar"}
    assert len(attendees) >= 100


class TestSegments:
    """What a shop keeps: the two model schemes and rule segments with a history."""

    def test_rfm_and_lifecycle_schemes(self, rows: Rows, anchor: date) -> None:
        assert {(s["name"], s["kind"]) for s in rows["scheme"]} == {
            ("rfm", "rfm"),
            ("lifecycle", "lifecycle"),
        }
        assert max(r["as_of"] for r in rows["model_run"]) == anchor
        models = [s for s in rows["segment"] if s["kind"] == "model"]
        assert len(models) == 11 + 5  # ten RFM names and No purchases; five stages

    def test_at_least_six_rule_segments_with_members(self, rows: Rows) -> None:
        rules = [s for s in rows["segment"] if s["kind"] == "rule" and s["status"] == "active"]
        assert len(rules) >= 6
        assert {
            "VIP customers",
            "Lapsed big spenders",
            "New this month",
            "Local customers",
            "Newsletter-only",
        } <= {s["name"] for s in rules}
        contacts = len(rows["contact"])
        members = Counter(m["segment_id"] for m in rows["segment_member"])
        for s in rules:
            assert 0 < s["member_count"] == members[s["id"]] < contacts / 2, s["name"]

    def test_a_draft_a_retired_rule_and_a_static_list(self, rows: Rows) -> None:
        kinds = Counter((s["kind"], s["status"]) for s in rows["segment"])
        assert kinds["rule", "draft"] == 1
        assert kinds["rule", "retired"] == 1
        assert kinds["static", "active"] == 1

    def test_edits_are_versions_with_reasons(self, rows: Rows) -> None:
        vip = next(s for s in rows["segment"] if s["name"] == "VIP customers")
        versions = [v for v in rows["segment_version"] if v["segment_id"] == vip["id"]]
        assert [v["version"] for v in versions] == [1, 2] == [1, vip["version"]]
        assert versions[0]["reason"] == "created" and "trade" in versions[1]["reason"]
        assert versions[1]["rule_text"] == vip["rule_text"]

    def test_pins_with_notes(self, rows: Rows) -> None:
        pins = rows["segment_pin"]
        assert {p["mode"] for p in pins} == {"include", "exclude"}
        assert all(p["note"] for p in pins)
        members = {(m["segment_id"], m["contact_id"]) for m in rows["segment_member"]}
        for p in pins:
            assert ((p["segment_id"], p["contact_id"]) in members) == (p["mode"] == "include")

    def test_up_to_date_on_the_anchor(self, rows: Rows, anchor_start: datetime) -> None:
        live = [s for s in rows["segment"] if s["status"] != "retired" and s["kind"] == "rule"]
        assert {s["refreshed_at"].date() for s in live} == {anchor_start.date()}
        assert all(s["created_at"] < anchor_start for s in rows["segment"])

    def test_weekly_refreshes_give_each_segment_a_size_history(
        self, rows: Rows, anchor_start: datetime
    ) -> None:
        by_name = {s["name"]: s for s in rows["segment"]}
        history: dict[int, list[dict[str, Any]]] = {}
        for r in rows["segment_refresh"]:
            history.setdefault(r["segment_id"], []).append(r)
        for name in ("Coffee Club members", "Champions", "Active"):
            points = history[by_name[name]["id"]]
            assert len(points) >= 12, name
            assert points[-1]["member_count"] == by_name[name]["member_count"]
            assert points[-1]["refreshed_at"] == anchor_start
        vip = by_name["VIP customers"]
        # Refreshes before the rule of version 2 was saved ran version 1; none ran before it.
        assert {r["version"] for r in history[vip["id"]]} == {1, 2}
        assert len({r["member_count"] for r in history[by_name["New this month"]["id"]]}) > 1


class TestPlaybooks:
    """Playbooks that read like the shop's own, with reviews due in the demo's first week."""

    def test_at_least_six_documented(self, built: Path) -> None:
        with Workspace.open(built, mode="read") as ws:
            names = [qualified_name(s.scheme, s.name) for s in ws.segments.all()]
            playbooks = [ws.playbooks.get(name) for name in names]
        documented = [p for p in playbooks if p.documented]
        assert len(documented) >= 6
        assert {"VIP customers", "Champions", "At Risk"} <= {p.segment for p in documented}
        for p in documented:
            assert p.goal and re.search(r"\d", p.goal), p.segment  # a number to aim at
            assert p.deadline and p.channels and p.offer and p.review_cadence, p.segment
            assert len(p.kpis) >= 2 and all(k.target for k in p.kpis), p.segment

    def test_two_reviews_due_in_the_first_week_and_one_overdue(
        self, built: Path, anchor: date
    ) -> None:
        with Workspace.open(built, mode="read") as ws:
            due = ws.playbooks.reviews(7, anchor)
            recorded = ws.playbooks.get("rfm: At Risk").reviews
        assert [(r.segment, r.days_left) for r in due] == [
            ("At Risk", -2),
            ("VIP customers", 2),
            ("Lapsed big spenders", 5),
        ]
        assert [r.next_review for r in recorded][-1] == anchor - timedelta(days=2)
