"""Reading contacts: search, pages for the browser, one contact in full, records for JSON.

A contact's order count and total are those of the orders that count (``store.order_status``):
refunded, voided and cancelled orders are listed with the others but left out of the figures,
and counted by status so that the page can say what it left out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select

from segdesk.contact_values import (
    LIST_COLUMNS,
    ContactDetail,
    ContactRecord,
    ContactRow,
    EventLine,
    Membership,
    page_window,
)
from segdesk.store.fields import CORE_FIELD_NAMES
from segdesk.store.order_status import counted
from segdesk.store.search_text import search_words
from segdesk.store.tables import Contact, Event, Segment, SegmentMember

contact = Contact.__table__
event = Event.__table__

DETAIL_EVENT_LIMIT = 200


def search_condition(text: str | None) -> ColumnElement[bool] | None:
    """Every word of ``text`` must appear in the name, email, company, id or city, case and
    accents ignored: each folded word in the stored folded text (see ``store.search_text``)."""
    words = search_words(text)
    if not words:
        return None
    return and_(*(contact.c.search_text.contains(word, autoescape=True) for word in words))


def count_contacts(conn: Connection, search: str | None = None) -> int:
    query = select(func.count()).select_from(contact)
    condition = search_condition(search)
    if condition is not None:
        query = query.where(condition)
    return conn.execute(query).scalar_one()


def contacts_page(
    conn: Connection, offset: int, limit: int, search: str | None = None, total: int | None = None
) -> list[ContactRow]:
    """Rows ``offset`` to ``offset + limit`` of the browser, in id order (see `page_window`)."""
    descending, skip, take = page_window(offset, limit, total)
    order = contact.c.id.desc() if descending else contact.c.id
    query = select(*(contact.c[c] for c in LIST_COLUMNS)).order_by(order)
    condition = search_condition(search)
    if condition is not None:
        query = query.where(condition)
    rows = [ContactRow(*row) for row in conn.execute(query.offset(skip).limit(take))]
    return rows[::-1] if descending else rows


def contact_records(
    conn: Connection, search: str | None = None, limit: int | None = None
) -> list[ContactRecord]:
    """Contacts with every field, in id order (custom fields by their own names)."""
    query = select(contact).order_by(contact.c.id)
    condition = search_condition(search)
    if condition is not None:
        query = query.where(condition)
    if limit is not None:
        query = query.limit(limit)
    return [contact_record(row._mapping) for row in conn.execute(query)]


def contact_record(row: Any) -> ContactRecord:
    """A ``contact`` row (its mapping) as a record."""
    return ContactRecord(
        id=row["id"],
        fields={name: row[name] for name in CORE_FIELD_NAMES},
        attributes=dict(row["attributes"] or {}),
    )


def contact_detail(conn: Connection, contact_id: int) -> ContactDetail | None:
    row = conn.execute(select(contact).where(contact.c.id == contact_id)).first()
    if row is None:
        return None
    mapping = row._mapping
    fields = {name: mapping[name] for name in CORE_FIELD_NAMES}
    events = [
        EventLine(*r)
        for r in conn.execute(
            select(event.c.occurred_at, event.c.kind, event.c.amount, event.c.quantity, event.c.ref)
            .where(event.c.contact_id == contact_id)
            .order_by(event.c.occurred_at.desc(), event.c.id.desc())
            .limit(DETAIL_EVENT_LIMIT)
        )
    ]
    orders = and_(event.c.contact_id == contact_id, event.c.kind == "order")
    keep = counted(event.c.status)
    totals = conn.execute(
        select(
            func.count(),
            func.count().filter(orders & keep),
            func.coalesce(func.sum(event.c.amount).filter(orders & keep), 0.0),
        ).where(event.c.contact_id == contact_id)
    ).one()
    left_out = conn.execute(
        select(event.c.status, func.count())
        .where(orders, ~keep)
        .group_by(event.c.status)
        .order_by(func.count().desc(), event.c.status)
    ).all()
    return ContactDetail(
        id=contact_id,
        fields=fields,
        attributes=dict(mapping["attributes"] or {}),
        events=events,
        event_count=totals[0],
        order_count=totals[1],
        order_total=float(totals[2]),
        segments=_memberships(conn, contact_id),
        orders_left_out=dict(left_out),
    )


def _memberships(conn: Connection, contact_id: int) -> list[Membership]:
    seg = Segment.__table__
    member = SegmentMember.__table__
    rows = conn.execute(
        select(seg.c.name, seg.c.status)
        .join(member, member.c.segment_id == seg.c.id)
        .where(member.c.contact_id == contact_id, seg.c.deleted_at.is_(None))
        .order_by(seg.c.name)
    )
    return [Membership(*r) for r in rows]
