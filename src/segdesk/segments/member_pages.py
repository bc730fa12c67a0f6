"""A segment's members as pages of the contacts list, searched as the contacts are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select

from segdesk.contact_values import LIST_COLUMNS, ContactRow, page_window
from segdesk.contacts import search_condition
from segdesk.store.tables import Contact, SegmentMember

contact = Contact.__table__
member = SegmentMember.__table__


def count_members(conn: Connection, segment_id: int, search: str | None = None) -> int:
    query = _members(select(func.count()).select_from(contact), segment_id, search)
    found: int = conn.execute(query).scalar_one()
    return found


def members_page(
    conn: Connection,
    segment_id: int,
    offset: int,
    limit: int,
    search: str | None = None,
    total: int | None = None,
) -> list[ContactRow]:
    """Members ``offset`` to ``offset + limit``, in id order (see ``page_window``)."""
    descending, skip, take = page_window(offset, limit, total)
    query = _members(select(*(contact.c[c] for c in LIST_COLUMNS)), segment_id, search)
    query = query.order_by(contact.c.id.desc() if descending else contact.c.id)
    rows = [ContactRow(*row) for row in conn.execute(query.offset(skip).limit(take))]
    return rows[::-1] if descending else rows


def _members(query: Select[Any], segment_id: int, search: str | None) -> Select[Any]:
    query = query.join(member, member.c.contact_id == contact.c.id).where(
        member.c.segment_id == segment_id
    )
    condition = search_condition(search)
    return query.where(condition) if condition is not None else query
