"""Writing a segment's members from a query, inside the database.

The new members come from a SELECT of contact ids and never pass through Python: the query
runs once into a temporary table, then the members who left are deleted and those who
joined inserted. Contacts who stay keep the time they joined.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    delete,
    func,
    literal,
    select,
    union,
)

from segdesk.store.tables import Contact, SegmentMember, SegmentPin

contact = Contact.__table__
member = SegmentMember.__table__
pin = SegmentPin.__table__

scratch = Table(
    "segment_refresh_ids",
    MetaData(),
    Column("contact_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)
"""The new members of the segment being written, for the length of one statement group."""


def with_pins(rule_ids: Select[Any], segment_id: int) -> Select[Any]:
    """The rule's contacts, plus the segment's include pins, minus its exclude pins."""
    excluded = select(pin.c.contact_id).where(
        pin.c.segment_id == segment_id, pin.c.mode == "exclude"
    )
    included = select(pin.c.contact_id.label("id")).where(
        pin.c.segment_id == segment_id,
        pin.c.mode == "include",
        pin.c.contact_id.in_(select(contact.c.id)),
    )
    combined = union(rule_ids, included).subquery()
    column = combined.c[0]
    return select(column).where(column.not_in(excluded))


def replace_members(conn: Connection, segment_id: int, ids: Select[Any], now: dt.datetime) -> int:
    """Make the segment's members exactly the contacts ``ids`` selects; returns the count.

    The query runs once, into a temporary table of the connection (standard SQL, so the same
    on PostgreSQL), and the members are brought to it from there."""
    scratch.create(conn)
    conn.execute(scratch.insert().from_select(["contact_id"], ids))
    new_id = scratch.c.contact_id
    conn.execute(
        delete(member).where(
            member.c.segment_id == segment_id, member.c.contact_id.not_in(select(new_id))
        )
    )
    already = (
        select(member.c.contact_id)
        .where(member.c.segment_id == segment_id, member.c.contact_id == new_id)
        .exists()
    )
    conn.execute(
        member.insert().from_select(
            ["segment_id", "contact_id", "joined_at"],
            select(literal(segment_id), new_id, literal(now, member.c.joined_at.type)).where(
                ~already
            ),
        )
    )
    scratch.drop(conn)
    return count_members(conn, segment_id)


def clear_members(conn: Connection, segment_id: int) -> None:
    conn.execute(delete(member).where(member.c.segment_id == segment_id))


def count_members(conn: Connection, segment_id: int) -> int:
    return conn.execute(
        select(func.count()).select_from(member).where(member.c.segment_id == segment_id)
    ).scalar_one()


def member_ids(segment_id: int) -> Select[Any]:
    """The segment's current members as a SELECT of contact ids."""
    return select(member.c.contact_id).where(member.c.segment_id == segment_id)


def is_member(conn: Connection, segment_id: int, contact_id: int) -> bool:
    return (
        conn.execute(
            select(member.c.contact_id).where(
                and_(member.c.segment_id == segment_id, member.c.contact_id == contact_id)
            )
        ).first()
        is not None
    )
