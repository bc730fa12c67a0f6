"""Counting a rule without saving it, and reading a segment's members as contact records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from segdesk.contact_values import ContactRecord
from segdesk.contacts import contact_record
from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule, parse
from segdesk.segments.lookup import find_segment
from segdesk.store.tables import Contact, SegmentMember

contact = Contact.__table__
member = SegmentMember.__table__


def count_rule(conn: Connection, rule_text: str, today: dt.date) -> int:
    """How many contacts ``rule_text`` finds on ``today``."""
    catalog = FieldCatalog.from_connection(conn)
    query = compile_rule(parse(rule_text, catalog), catalog, today, DatabaseSegments(conn))
    return conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def member_records(conn: Connection, name: str, limit: int | None = None) -> list[ContactRecord]:
    """A segment's current members, in id order, as records (see ``contacts.contact_records``)."""
    row = find_segment(conn, name)
    query = (
        select(contact)
        .join(member, member.c.contact_id == contact.c.id)
        .where(member.c.segment_id == row.id)
        .order_by(contact.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [contact_record(r._mapping) for r in conn.execute(query)]
