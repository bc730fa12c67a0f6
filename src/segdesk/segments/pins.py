"""Pins: a person decides that a contact is always in, or always out of, a rule segment.

Membership is the rule's result, plus the include pins, minus the exclude pins; a pin takes
effect at the next refresh. Pins name contacts by id with a foreign key: a contact with pins
cannot be removed (undoing the import that created it is refused until its pins go).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select

from segdesk.errors import NotFoundError, UserError
from segdesk.segments.contact_ref import find_contact
from segdesk.segments.lookup import find_segment
from segdesk.store.tables import Contact, SegmentPin

pin = SegmentPin.__table__
contact = Contact.__table__

MODES = ("include", "exclude")


@dataclass(frozen=True)
class Pin:
    contact_id: int
    email: str | None
    mode: str
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "email": self.email,
            "mode": self.mode,
            "note": self.note,
        }


def pin_contact(
    conn: Connection,
    segment_name: str,
    contact_ref: str | int,
    mode: str,
    *,
    now: dt.datetime,
    note: str | None = None,
) -> Pin:
    """Always include (or exclude) a contact in a rule segment; replaces an earlier pin."""
    if mode not in MODES:
        raise UserError(f'a pin is "include" or "exclude", not "{mode}"')
    row = find_segment(conn, segment_name)
    if row.kind != "rule":
        raise UserError(f'"{row.name}" is a {row.kind} segment; pins apply to rule segments only')
    contact_id = find_contact(conn, contact_ref)
    conn.execute(delete(pin).where(pin.c.segment_id == row.id, pin.c.contact_id == contact_id))
    conn.execute(
        pin.insert(),
        {
            "segment_id": row.id,
            "contact_id": contact_id,
            "mode": mode,
            "note": note,
            "created_at": now,
        },
    )
    return _pins(conn, row.id, contact_id)[0]


def unpin_contact(conn: Connection, segment_name: str, contact_ref: str | int) -> None:
    row = find_segment(conn, segment_name)
    contact_id = find_contact(conn, contact_ref)
    removed = conn.execute(
        delete(pin).where(pin.c.segment_id == row.id, pin.c.contact_id == contact_id)
    ).rowcount
    if not removed:
        raise NotFoundError(f'contact {contact_ref} has no pin in "{row.name}"')


def pins_of(conn: Connection, segment_id: int) -> list[Pin]:
    return _pins(conn, segment_id)


def pin_of(conn: Connection, segment_id: int, contact_id: int) -> Pin | None:
    found = _pins(conn, segment_id, contact_id)
    return found[0] if found else None


def _pins(conn: Connection, segment_id: int, contact_id: int | None = None) -> list[Pin]:
    query = (
        select(pin.c.contact_id, contact.c.email, pin.c.mode, pin.c.note)
        .join(contact, contact.c.id == pin.c.contact_id)
        .where(pin.c.segment_id == segment_id)
        .order_by(pin.c.contact_id)
    )
    if contact_id is not None:
        query = query.where(pin.c.contact_id == contact_id)
    return [Pin(*row) for row in conn.execute(query)]
