"""Writing a segment's members from a query, inside the database.

The new members come from a SELECT of contact ids: the query runs once into a temporary
table, then the members who left are deleted and those who joined inserted. Contacts who
stay keep the time they joined. The segment's compact copy of its members (a bitmap, see
``store.member_bitmaps``) is written from the same temporary table.
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
    literal,
    select,
    union,
)

from segdesk.store.member_bitmaps import drop_member_sets, read_ids, write_member_set
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
    members = read_ids(conn, select(new_id))
    write_member_set(conn, segment_id, members)
    scratch.drop(conn)
    return len(members)


def clear_members(conn: Connection, segment_id: int) -> None:
    conn.execute(delete(member).where(member.c.segment_id == segment_id))
    drop_member_sets(conn, [segment_id])


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
