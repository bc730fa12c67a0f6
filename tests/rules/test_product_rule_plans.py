"""Product conditions read the order lines through their indexes, never by a scan of every
line: each compiled query's plan (EXPLAIN QUERY PLAN) is checked on a database with the real
schema, fresh and migrated alike."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine

from segdesk.rules import FieldCatalog, compile_rule, parse
from segdesk.store.database import open_database
from segdesk.store.tables import Event, OrderLine
from tests.factories import add_contacts

TODAY = dt.date(2025, 3, 15)
CATALOG = FieldCatalog.from_types({})


FIRST_RELEASE = Path(__file__).parents[1] / "fixtures" / "schema_v1.sql"


@pytest.fixture(params=["new", "migrated"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """A new database, or one of the first release brought forward by the migrations."""
    db = tmp_path / "plans.db"
    if request.param == "migrated":
        with closing(sqlite3.connect(db)) as conn:
            conn.executescript(FIRST_RELEASE.read_text(encoding="utf-8"))
        db.chmod(0o600)
    engine = open_database(db)
    yield engine
    engine.dispose()


def plan(engine: Engine, text: str) -> list[str]:
    query = compile_rule(parse(text, CATALOG), CATALOG, TODAY)
    with engine.connect() as conn:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ('orders(product = "Cold Brew Kit").count >= 1', "ix_order_line_product"),
        ('orders(product in ("Cold Brew Kit", "Decaf")).count >= 1', "ix_order_line_product"),
        ('not orders(product = "Decaf").count in last 90 days >= 1', "ix_order_line_product"),
        ('orders(category = "Equipment").total in last 365 days > 100', "ix_order_line_category"),
        ('orders(sku in ("HB-12", "HB-32")).last within last 60 days', "ix_order_line_sku"),
        ('orders(product = "Kit" and status = "refunded").count >= 1', "ix_order_line_product"),
    ],
)
def test_an_equality_on_a_product_reads_its_index(engine: Engine, text: str, index: str) -> None:
    steps = plan(engine, text)
    assert any(s.startswith(f"SEARCH order_line USING INDEX {index} (<expr>=?") for s in steps), (
        steps
    )
    assert not any(s.startswith("SCAN order_line") for s in steps), steps
    # The order is read by its key, for its status, not by a scan of the orders.
    assert not any(s.startswith("SCAN event") for s in steps), steps


@pytest.mark.parametrize(
    "text",
    [
        'orders(product = "Cold Brew Kit").count >= 1',
        'orders(category = "Equipment").total in last 365 days > 100',
        'orders(sku in ("HB-12", "HB-32")).last within last 60 days',
        "orders.count >= 2",
    ],
)
def test_a_lone_pass_gives_its_contacts_without_looking_each_up(engine: Engine, text: str):
    """Lines and orders name existing contacts: reading ``contact`` again for each would
    only add time (a third of the query for the SKU rule on a large shop)."""
    steps = plan(engine, text)
    assert not any(" contact " in f" {s} " for s in steps), steps


def test_a_rule_holding_without_orders_still_reads_every_contact(engine: Engine) -> None:
    steps = plan(engine, 'not orders(product = "Decaf").count >= 1')
    assert any(s.startswith("SCAN contact") for s in steps), steps


def test_a_lone_pass_gives_each_contact_once_as_id(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "lines.db")
    add_contacts(engine, [{"id": 1}, {"id": 2}])
    at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for event_id, contact_id in ((1, 1), (2, 1), (3, 2)):
            conn.execute(
                Event.__table__.insert(),
                {"id": event_id, "contact_id": contact_id, "occurred_at": at, "amount": 5.0}
                | {"dedup_key": f"o{event_id}", "attributes": {}},
            )
            conn.execute(
                OrderLine.__table__.insert(),
                [
                    {"event_id": event_id, "line_no": n, "contact_id": contact_id}
                    | {"occurred_at": at, "product": "Kit", "attributes": {}}
                    for n in (1, 2)
                ],
            )
    for text in ('orders(product = "Kit").count >= 1', 'orders(product = "Kit").count >= 2'):
        query = compile_rule(parse(text, CATALOG), CATALOG, TODAY)
        assert list(query.selected_columns.keys()) == ["id"]
        with engine.connect() as conn:
            found = sorted(conn.execute(query).scalars())
        assert found == ([1, 2] if text.endswith(">= 1") else [1])
    engine.dispose()
