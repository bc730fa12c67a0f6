"""A small random world in an in-memory SQLite database with the real schema (orders with
their status and lines, events with attributes), and the two ways of asking it who matches a
rule: the compiled SQL and the reference evaluator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, create_engine, delete
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from segdesk.rules import DatabaseSegments, FieldCatalog, Rule, compile_rule, matches
from segdesk.store.tables import Contact, Event, OrderLine, Scheme, Segment, SegmentMember

WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SEGMENT_IDS = {"A": 1, "B": 2, "rfm: Champions": 3, "rfm: At Risk": 4}


def memory_engine() -> Engine:
    """One in-memory database (one shared connection) with every table of the schema."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            Scheme.__table__.insert(),
            {"id": 1, "name": "rfm", "kind": "rfm", "params": {}, "created_at": WHEN},
        )
        conn.execute(
            Segment.__table__.insert(),
            [
                _segment(1, "A", None, None),
                _segment(2, "B", None, None),
                _segment(3, "Champions", 1, "Champions"),
                # Renamed to make way for a user's segment; the model still calls it "At Risk".
                _segment(4, "At Risk (rfm)", 1, "At Risk"),
            ],
        )
    return engine


def _segment(sid: int, name: str, scheme_id: int | None, model_name: str | None) -> dict:
    definition = {"model": "rfm", "model_segment": model_name} if model_name else None
    return {
        "id": sid,
        "name": name,
        "kind": "model" if scheme_id else "static",
        "definition": definition,
        "scheme_id": scheme_id,
        "status": "active",
        "version": 1,
        "created_at": WHEN,
        "updated_at": WHEN,
    }


def load(engine: Engine, world: dict[str, Any]) -> None:
    """Replace the contacts, events and memberships with the world's."""
    with engine.begin() as conn:
        for table in (SegmentMember, OrderLine, Event, Contact):
            conn.execute(delete(table.__table__))
        conn.execute(
            Contact.__table__.insert(),
            [{"consent": "unknown", "updated_at": WHEN, **c} for c in world["contacts"]],
        )
        events, order_lines = [], []
        for event_id, e in enumerate(world["events"], start=1):
            events.append({"id": event_id, **{k: v for k, v in e.items() if k != "lines"}})
            order_lines.extend(
                {
                    "event_id": event_id,
                    "line_no": n,
                    "contact_id": e["contact_id"],
                    "occurred_at": e["occurred_at"],
                    **line,
                }
                for n, line in enumerate(e.get("lines") or [], start=1)
            )
        if events:
            conn.execute(Event.__table__.insert(), events)
        if order_lines:
            conn.execute(OrderLine.__table__.insert(), order_lines)
        rows = [
            {"segment_id": SEGMENT_IDS[name], "contact_id": cid, "joined_at": WHEN}
            for name, ids in world["memberships"].items()
            for cid in ids
        ]
        if rows:
            conn.execute(SegmentMember.__table__.insert(), rows)


def sql_ids(engine: Engine, rule: Rule, catalog: FieldCatalog, today: dt.date) -> set[int]:
    with engine.connect() as conn:
        query = compile_rule(rule, catalog, today, DatabaseSegments(conn))
        return set(conn.execute(query).scalars())


def reference_ids(world: dict[str, Any], rule: Rule, today: dt.date) -> set[int]:
    by_contact: dict[int, list[dict[str, Any]]] = {}
    for e in world["events"]:
        by_contact.setdefault(e["contact_id"], []).append(e)
    return {
        c["id"]
        for c in world["contacts"]
        if matches(rule, c, by_contact.get(c["id"], []), today, world["memberships"])
    }
