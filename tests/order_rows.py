"""Orders with a status and line items, and events with attributes, written straight into the
tables: the rules and models read them without going through an import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import count
from typing import Any

from sqlalchemy import Engine

from segdesk.store.tables import Event, OrderLine

_refs = count(1)


def add_order(
    engine: Engine,
    contact_id: int,
    when: dt.datetime,
    amount: float | None,
    *,
    quantity: float | None = None,
    status: str | None = None,
    lines: Iterable[Mapping[str, Any]] = (),
    attributes: Mapping[str, Any] | None = None,
    kind: str = "order",
) -> int:
    """One event (an order by default) with its lines; each line gives any of product, sku,
    category, quantity, unit_price, line_total. Returns the event's id."""
    ref = f"{kind}-{next(_refs)}"
    with engine.begin() as conn:
        event_id = conn.execute(
            Event.__table__.insert(),
            {
                "contact_id": contact_id,
                "kind": kind,
                "occurred_at": when,
                "amount": amount,
                "quantity": quantity,
                "status": status,
                "ref": ref,
                "dedup_key": ref,
                "attributes": dict(attributes or {}),
            },
        ).inserted_primary_key[0]
        rows = [
            {
                "event_id": event_id,
                "line_no": n,
                "contact_id": contact_id,
                "occurred_at": when,
                "attributes": {},
                **line,
            }
            for n, line in enumerate(lines, start=1)
        ]
        if rows:
            conn.execute(OrderLine.__table__.insert(), rows)
    return int(event_id)
