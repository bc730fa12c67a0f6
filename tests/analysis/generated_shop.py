"""A small random shop for the profile and scheme-check tests: contacts with category-like
fields and custom attributes, orders of every status (some after the day the tests count
to), order lines, and static segments with a lean (mostly Germans, mostly buyers of one
product) so that something sets them apart."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert

from segdesk.store.tables import Event, FieldDef, OrderLine, SegmentMember
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_segment

TODAY = date(2025, 6, 30)
CONTACTS = 300
STATUSES = (
    "paid",
    "paid",
    "paid",
    None,
    "pending",
    "partially refunded",
    "refunded",
    "voided",
    "cancelled",
)
PRODUCTS = ("House Blend", "Cold Brew Kit", "Decaf", "Grinder", "Filters", "Gift Card", None)
"""``None``: a line with a SKU only."""
PLACES = (
    ("DE", "Berlin", "Berlin"),
    ("DE", "Hamburg", "Hamburg"),
    ("US", "Portland", "OR"),
    ("US", "Seattle", "WA"),
    ("US", "Austin", "TX"),
    ("FR", "Paris", "Île-de-France"),
    ("NL", "Utrecht", "Utrecht"),
    (None, None, None),
)
CUSTOM_FIELDS = (
    ("plan", "category"),
    ("trade", "bool"),
    ("tier", "text"),
    ("note", "text"),
    ("age", "number"),
)
SEGMENTS = ("Mostly Germans", "Kit buyers", "Random", "Everyone odd", "Nobody")


def build(folder: Path, seed: int = 12) -> Path:
    """The shop as ``shop.db`` in ``folder``: contacts 1..CONTACTS and SEGMENTS."""
    rng = random.Random(seed)
    db = folder / "shop.db"
    contacts = []
    for i in range(1, CONTACTS + 1):
        country, city, region = rng.choice(PLACES)
        contacts.append(
            {
                "email": f"p{i}@example.com",
                "first_name": f"Person{i}",
                "country": country,
                "city": city,
                "region": region,
                "source": rng.choice(("web", "shop", "event", "import", None)),
                "consent": rng.choice(("subscribed", "subscribed", "unsubscribed", "unknown")),
                "attributes": {
                    "plan": rng.choice(("free", "pro", "team")),
                    "trade": rng.random() < 0.2,
                    "tier": rng.choice(("gold", "silver", "bronze", " gold ")),
                    "note": f"note {i}",
                    "age": rng.randint(18, 80),
                }
                if rng.random() < 0.9
                else {},
            }
        )
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, contacts)
        with ws.engine.begin() as conn:
            conn.execute(
                insert(FieldDef.__table__),
                [{"name": n, "label": n, "type": t, "origin": "custom"} for n, t in CUSTOM_FIELDS],
            )
            kit_buyers = _orders(conn, rng)
        germans = [i for i, c in enumerate(contacts, 1) if c["country"] == "DE"]
        others = [i for i in range(1, CONTACTS + 1) if i not in germans]
        add_segment(ws.engine, "Mostly Germans", [*germans, *rng.sample(others, 20)])
        kit = sorted(kit_buyers)
        no_kit = [i for i in range(1, CONTACTS + 1) if i not in kit_buyers]
        add_segment(ws.engine, "Kit buyers", [*kit[: len(kit) * 3 // 4], *rng.sample(no_kit, 10)])
        add_segment(ws.engine, "Random", rng.sample(range(1, CONTACTS + 1), 90))
        add_segment(ws.engine, "Everyone odd", range(1, CONTACTS + 1, 2))
        add_segment(ws.engine, "Nobody", [1])
        with ws.engine.begin() as conn:  # a segment with no members
            conn.execute(delete(SegmentMember.__table__).where(SegmentMember.segment_id == 5))
    return db


def _orders(conn, rng: random.Random) -> set[int]:  # type: ignore[no-untyped-def]
    """Up to 8 orders for most contacts, with lines; the contacts who bought the kit in an
    order that counts."""
    start = datetime(2023, 1, 1, 9, 0, tzinfo=UTC)
    kit_buyers = set()
    number = 0
    for contact_id in range(1, CONTACTS + 1):
        for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8))):
            number += 1
            # A few orders fall after TODAY: the profile as of TODAY leaves them out.
            when = start + timedelta(days=rng.randint(0, 930), hours=rng.randint(0, 14))
            status = rng.choice(STATUSES)
            items = rng.sample(PRODUCTS, rng.randint(0, 3))
            lines = [
                {
                    "line_no": n,
                    "contact_id": contact_id,
                    "occurred_at": when,
                    "product": product,
                    "sku": f"SKU-{product or 'X'}",
                    "quantity": 1,
                    "unit_price": 10.0 + n,
                    "line_total": 10.0 + n,
                    "attributes": {},
                }
                for n, product in enumerate(items, 1)
            ]
            event_id = conn.execute(
                insert(Event.__table__),
                {
                    "contact_id": contact_id,
                    "kind": "order",
                    "occurred_at": when,
                    "amount": None if rng.random() < 0.05 else round(rng.uniform(5, 300), 2),
                    "status": status,
                    "ref": f"o{number}",
                    "dedup_key": f"o{number}",
                    "attributes": {},
                },
            ).inserted_primary_key[0]
            if lines:
                conn.execute(
                    insert(OrderLine.__table__), [{"event_id": event_id, **x} for x in lines]
                )
            counted = status not in ("refunded", "voided", "cancelled")
            if counted and when.date() <= TODAY and "Cold Brew Kit" in items:
                kit_buyers.add(contact_id)
    # Another kind of event: never an order.
    conn.execute(
        insert(Event.__table__),
        {
            "contact_id": 1,
            "kind": "webinar",
            "occurred_at": start,
            "amount": 999.0,
            "ref": "w1",
            "dedup_key": "w1",
            "attributes": {},
        },
    )
    return kit_buyers
