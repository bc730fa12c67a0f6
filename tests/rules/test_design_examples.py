"""Every example of DESIGN §5 parses, prints back as written, reads as English, compiles, and
counts on a copy of sample.db what pandas counts independently from the raw tables."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql

from segdesk.rules import (
    DatabaseSegments,
    FieldCatalog,
    compile_rule,
    matches,
    model_key,
    parse,
    to_english,
    to_text,
)
from segdesk.store.database import open_database
from segdesk.store.utc_seconds import from_seconds

TODAY = dt.date(2026, 11, 15)
"""The sample's anchor day (``meta.sample_anchor``)."""

Frames = dict[str, pd.DataFrame]
Expect = Callable[[Frames], "pd.Series[bool]"]


def fold(series: pd.Series) -> pd.Series:
    """Trimmed, lower-cased text; blanks become missing."""
    text = series.astype("string").str.strip(" ").str.lower()
    return text.mask(text == "")


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def per_contact(f: Frames, series: pd.Series, fill: float | None = None) -> pd.Series:
    out = f["contacts"]["id"].map(series)
    return out if fill is None else out.fillna(fill)


def orders(f: Frames, days: int | None = None) -> pd.DataFrame:
    e = f["events"]
    chosen = e[(e["kind"] == "order") & (e["day"] <= TODAY)]
    return chosen if days is None else chosen[chosen["day"] >= days_ago(days)]


EXAMPLES: dict[str, Expect] = {
    'country = "US" and plan in ("pro", "team")': lambda f: (
        (fold(f["contacts"]["country"]) == "us") & fold(f["contacts"]["plan"]).isin(["pro", "team"])
    ),
    'age between 25 and 40 or not (city = "Boston")': lambda f: (
        # not (...) holds where the comparison does not, missing cities included
        f["contacts"]["age"].between(25, 40)
        | ~(fold(f["contacts"]["city"]) == "boston").fillna(False)
    ),
    'email ends with "@example.com"': lambda f: fold(f["contacts"]["email"]).str.endswith(
        "@example.com"
    ),
    'company contains "bakery"': lambda f: fold(f["contacts"]["company"]).str.contains(
        "bakery", regex=False
    ),
    "phone is empty": lambda f: fold(f["contacts"]["phone"]).isna(),
    "signup_date within last 30 days": lambda f: f["contacts"]["signup"].between(
        days_ago(30), TODAY
    ),
    "signup_date before 2024-06-30": lambda f: f["contacts"]["signup"] < dt.date(2024, 6, 30),
    "orders.count >= 3": lambda f: per_contact(f, orders(f).groupby("contact_id").size(), 0) >= 3,
    "orders.count in last 90 days >= 2": lambda f: (
        per_contact(f, orders(f, 90).groupby("contact_id").size(), 0) >= 2
    ),
    "orders.total in last 365 days > 500": lambda f: (
        per_contact(f, orders(f, 365).groupby("contact_id")["amount"].sum(), 0) > 500
    ),
    "orders.last within last 60 days": lambda f: per_contact(
        f, orders(f).groupby("contact_id")["day"].max()
    ).between(days_ago(60), TODAY),
    "orders.avg > 40": lambda f: (
        per_contact(f, orders(f).groupby("contact_id")["amount"].mean()) > 40
    ),
    'in segment "VIP customers"': lambda f: f["contacts"]["id"].isin(f["vip"]["contact_id"]),
    'rfm = "Champions"': lambda f: f["contacts"]["id"].isin(f["champions"]["contact_id"]),
    'events("webinar").count >= 1': lambda f: f["contacts"]["id"].isin(
        f["events"].loc[f["events"]["kind"] == "webinar", "contact_id"]
    ),
}

ENGLISH = {
    'country = "US" and plan in ("pro", "team")': (
        "country is US and coffee club plan is pro or team"
    ),
    'age between 25 and 40 or not (city = "Boston")': (
        "age is between 25 and 40, or city is not Boston"
    ),
    'email ends with "@example.com"': "email ends with “@example.com”",
    'company contains "bakery"': "company contains “bakery”",
    "phone is empty": "has no phone",
    "signup_date within last 30 days": "signed up within the last 30 days",
    "signup_date before 2024-06-30": "signed up before 30 June 2024",
    "orders.count >= 3": "placed at least 3 orders",
    "orders.count in last 90 days >= 2": "placed at least 2 orders in the last 90 days",
    "orders.total in last 365 days > 500": "spent over 500 in the last 365 days",
    "orders.last within last 60 days": "last ordered within the last 60 days",
    "orders.avg > 40": "has an average order value of over 40",
    'in segment "VIP customers"': "is in the segment “VIP customers”",
    'rfm = "Champions"': "is a Champions customer (RFM)",
    'events("webinar").count >= 1': "had at least 1 “webinar” event",
}


def _segment_members(path: Path, sql: str) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute(sql)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Frames]:
    """A copy of sample.db, whose "VIP customers" and RFM "Champions" segments the references
    to segments name; their members are read with plain SQL."""
    from tests.conftest import SAMPLE_DB

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    path.write_bytes(SAMPLE_DB.read_bytes())
    engine = open_database(path)
    vip = _segment_members(
        path,
        "SELECT contact_id FROM segment_member JOIN segment "
        "ON segment.id = segment_id WHERE name = 'VIP customers'",
    )
    champions = _segment_members(
        path,
        "SELECT contact_id FROM segment_member JOIN segment ON segment.id = segment_id "
        "JOIN scheme ON scheme.id = scheme_id WHERE scheme.kind = 'rfm' "
        "AND json_extract(definition, '$.model_segment') = 'Champions'",
    )
    assert len(vip) > 100 and len(champions) > 100
    with sqlite3.connect(path) as conn:
        contacts = pd.read_sql("SELECT * FROM contact", conn)
        events = pd.read_sql(
            "SELECT contact_id, kind, occurred_at, amount FROM event "
            "WHERE status IS NULL OR status NOT IN ('refunded', 'voided', 'cancelled')",
            conn,
        )
        vip_frame = pd.DataFrame({"contact_id": vip})
        champions_frame = pd.DataFrame({"contact_id": champions})
    attributes = pd.json_normalize(contacts["attributes"].map(json.loads).tolist())
    contacts = pd.concat([contacts.drop(columns=["attributes"]), attributes], axis=1)
    contacts["signup"] = pd.to_datetime(contacts["signup_date"]).dt.date
    events["day"] = pd.to_datetime(events["occurred_at"], unit="s").dt.date
    frames = {
        "contacts": contacts,
        "events": events,
        "vip": vip_frame,
        "champions": champions_frame,
    }
    yield engine, frames
    engine.dispose()


@pytest.fixture(scope="module")
def catalog(sample: tuple[Engine, Frames]) -> FieldCatalog:
    with sample[0].connect() as conn:
        return FieldCatalog.from_connection(conn)


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_example_prints_back_as_written(text: str, catalog: FieldCatalog) -> None:
    rule = parse(text, catalog)
    assert to_text(rule) == text
    assert parse(to_text(rule), catalog) == rule


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_example_reads_as_english(text: str, catalog: FieldCatalog) -> None:
    assert to_english(parse(text, catalog), catalog) == ENGLISH[text]


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_example_counts_what_pandas_counts(
    text: str, sample: tuple[Engine, Frames], catalog: FieldCatalog
) -> None:
    engine, frames = sample
    with engine.connect() as conn:
        query = compile_rule(parse(text, catalog), catalog, TODAY, DatabaseSegments(conn))
        found = set(conn.execute(query).scalars())
    wanted = EXAMPLES[text](frames).fillna(False).astype(bool)
    expected = set(frames["contacts"].loc[wanted, "id"].astype(int))
    assert found == expected
    assert 0 < len(found) < len(frames["contacts"]), "the example should split the contacts"


def test_examples_agree_with_the_reference_evaluator(
    sample: tuple[Engine, Frames], catalog: FieldCatalog
) -> None:
    engine, frames = sample
    raw = frames["contacts"]
    with engine.connect() as conn:
        people = [dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM contact")]
        history = [dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM event")]
        segments = DatabaseSegments(conn)
        by_contact: dict[int, list[dict]] = {}
        for e in history:
            e["occurred_at"] = from_seconds(e["occurred_at"])
            by_contact.setdefault(e["contact_id"], []).append(e)
        for person in people:
            person["attributes"] = json.loads(person["attributes"])
        memberships = {
            "VIP customers": set(frames["vip"]["contact_id"]),
            model_key("rfm", "Champions"): set(frames["champions"]["contact_id"]),
        }
        for text in EXAMPLES:
            rule = parse(text, catalog)
            found = set(conn.execute(compile_rule(rule, catalog, TODAY, segments)).scalars())
            reference = {
                p["id"]
                for p in people
                if matches(rule, p, by_contact.get(p["id"], []), TODAY, memberships)
            }
            assert found == reference, text
    assert len(people) == len(raw)


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_example_compiles_for_postgresql(text: str, catalog: FieldCatalog) -> None:
    class Ids:
        def segment_id(self, name: str) -> int:
            return 1

        def model_segment_id(self, model: str, name: str) -> int:
            return 2

    query = compile_rule(parse(text, catalog), catalog, TODAY, Ids())
    sql = str(query.compile(dialect=postgresql.dialect()))
    assert "JSON_EXTRACT" not in sql.upper()
    # contact ids: from contact, or straight from a lone pass over orders or events, or
    # from the order summary
    assert list(query.selected_columns.keys()) == ["id"]
    assert (
        sql.startswith(("SELECT contact.id", "SELECT DISTINCT event.contact_id AS id"))
        or (sql.startswith("SELECT event.contact_id AS id") and "GROUP BY event.contact_id" in sql)
        or (sql.startswith("SELECT summed.contact_id AS id") and "FROM order_summary" in sql)
    )


def test_the_shipped_vip_segment_holds_its_rule_and_its_pin(sample: tuple[Engine, Frames]) -> None:
    """sample.db's "VIP customers" (orders.total in last 365 days > 500 and trade_account =
    false, one contact pinned in) against pandas over the raw tables."""
    engine, frames = sample
    contacts = frames["contacts"]
    spent = per_contact(frames, orders(frames, 365).groupby("contact_id")["amount"].sum(), 0)
    by_rule = set(contacts.loc[(spent > 500) & (contacts["trade_account"] == False), "id"])  # noqa: E712
    with engine.connect() as conn:
        pinned = set(
            conn.exec_driver_sql(
                "SELECT contact_id FROM segment_pin JOIN segment ON segment.id = segment_id "
                "WHERE name = 'VIP customers' AND mode = 'include'"
            ).scalars()
        )
    assert len(pinned) == 1 and not pinned & by_rule
    assert set(frames["vip"]["contact_id"]) == by_rule | pinned
