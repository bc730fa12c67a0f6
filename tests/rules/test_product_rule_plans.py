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
