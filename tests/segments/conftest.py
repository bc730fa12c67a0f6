"""A small shop with varied contacts and orders, and independent ways to read it back."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from segdesk.store.tables import FieldDef
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_orders

TODAY = dt.date(2025, 3, 1)
NOW = dt.datetime(2025, 3, 1, 18, 0, tzinfo=dt.UTC)
SQL_LIKE = "x'; drop table contact; --"


def shop_contacts(count: int = 40, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(1, count + 1):
        rows.append(
            {
                "id": i,
                "email": f"person{i}@example.com",
                "external_id": f"C{i:03d}",
                "first_name": f"P{i}",
                "country": rng.choice(["US", "us ", "CA", "DE", None]),
                "city": rng.choice(["Boston", "boston", "Berlin", "", None]),
                "company": SQL_LIKE if i == 3 else rng.choice(["Bakery One", "Acme", None]),
                "attributes": {
                    "plan": rng.choice(["pro", "team", "free"]),
                    "age": rng.randint(18, 70),
                },
            }
        )
    return rows


def shop_orders(seed: int = 7) -> dict[int, list[tuple[dt.datetime, float]]]:
    rng = random.Random(seed + 1)
    orders: dict[int, list[tuple[dt.datetime, float]]] = {}
    for cid in range(1, 41):
        n = rng.choice([0, 0, 1, 2, 3, 5])
        orders[cid] = [
            (
                NOW - dt.timedelta(days=rng.randint(-10, 400), hours=rng.randint(0, 23)),
                round(rng.uniform(5, 200), 2),
            )
            for _ in range(n)
        ]
    return {cid: o for cid, o in orders.items() if o}


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "shop.db")
    with workspace.engine.begin() as conn:
        conn.execute(
            FieldDef.__table__.insert(),
            [
                {"name": "plan", "label": "Plan", "type": "category", "origin": "custom"},
                {"name": "age", "label": "Age", "type": "number", "origin": "custom"},
            ],
        )
    add_contacts(workspace.engine, shop_contacts())
    for cid, orders in shop_orders().items():
        add_orders(workspace.engine, cid, orders)
    yield workspace
    workspace.close()


def members(ws: Workspace, name: str) -> set[int]:
    """A segment's stored members, read with hand-written SQL."""
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.contact_id FROM segment_member m JOIN segment s ON s.id = m.segment_id "
                "WHERE s.name = :name AND s.deleted_at IS NULL"
            ),
            {"name": name},
        )
        return {r[0] for r in rows}


def contacts_frame(ws: Workspace) -> pd.DataFrame:
    with ws.engine.connect() as conn:
        frame = pd.read_sql(
            text("SELECT id, country, city, company, attributes FROM contact"), conn
        )
    frame["plan"] = frame["attributes"].map(lambda a: json.loads(a).get("plan"))
    return frame


def orders_frame(ws: Workspace, today: dt.date = TODAY) -> pd.DataFrame:
    """Orders up to the end of ``today`` (UTC), with their UTC day."""
    with ws.engine.connect() as conn:
        frame = pd.read_sql(
            text("SELECT contact_id, occurred_at, amount FROM event WHERE kind = 'order'"), conn
        )
    frame["day"] = pd.to_datetime(frame["occurred_at"], unit="s").dt.date
    return frame[frame["day"] <= today]
