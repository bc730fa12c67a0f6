"""Small, exact test data written straight into a database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from segdesk.store.fields import CORE_FIELD_NAMES
from segdesk.store.search_text import search_text_of
from segdesk.store.tables import Contact, Event, Segment, SegmentMember
from segdesk.workspace import Workspace

WHEN = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def add_contacts(engine: Engine, rows: Iterable[dict[str, Any]]) -> None:
    blank = dict.fromkeys(CORE_FIELD_NAMES)
    full = [
        {
            **blank,
            "consent": "unknown",
            "created_at": WHEN,
            "updated_at": WHEN,
            "attributes": {},
            **r,
            "search_text": search_text_of(r),
        }
        for r in rows
    ]
    with engine.begin() as conn:
        conn.execute(Contact.__table__.insert(), full)


def new_shop(folder: Path, contacts: Iterable[dict[str, Any]]) -> Path:
    """A new store named ``shop.db`` in ``folder``, holding ``contacts``."""
    db = folder / "shop.db"
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, contacts)
    return db


def add_orders(
    engine: Engine, contact_id: int, orders: Iterable[tuple[datetime, float]], kind: str = "order"
) -> None:
    rows = [
        {
            "contact_id": contact_id,
            "kind": kind,
            "occurred_at": when,
            "amount": amount,
            "quantity": 1,
            "ref": f"{kind}-{contact_id}-{i}",
            "dedup_key": f"{kind}-{contact_id}-{i}",
            "attributes": {},
        }
        for i, (when, amount) in enumerate(orders)
    ]
    with engine.begin() as conn:
        conn.execute(Event.__table__.insert(), rows)


def add_segment(engine: Engine, name: str, member_ids: Iterable[int], **fields: Any) -> None:
    with engine.begin() as conn:
        segment_id = conn.execute(
            Segment.__table__.insert(),
            {
                "name": name,
                "kind": "static",
                "status": "active",
                "version": 1,
                "created_at": WHEN,
                "updated_at": WHEN,
                **fields,
            },
        ).inserted_primary_key[0]
        conn.execute(
            SegmentMember.__table__.insert(),
            [
                {"segment_id": segment_id, "contact_id": cid, "joined_at": WHEN}
                for cid in member_ids
            ],
        )


def drop_order_summary(conn: sqlite3.Connection) -> None:
    """Take away what schema 9 adds (``order_summary`` and its triggers), to make an older
    database."""
    for name in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER order_summary_{name}")
    conn.execute("DROP TABLE order_summary")
