"""Static segments: a frozen list of contacts that a refresh leaves as it is.

A list is made from a rule (its members on the day it is made), from another segment's
current members, from contacts named by id, email or external id, or from a SELECT of contact
ids (the overlap drill-down saves the people in both of two segments, or in one only). The
definition records where it came from: ``{"static": {"from": "rule", "as_of": "2025-03-01"}}``
(with the rule's text in ``rule_text``), ``{"from": "segment", "segment": name}``,
``{"from": "list"}`` or ``{"from": "overlap", "a": name, "b": name, "people": "both"}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Select, select, update

from segdesk.errors import UserError
from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule, parse, to_text
from segdesk.segments.contact_ref import find_contacts
from segdesk.segments.editing import add_version, insert_segment
from segdesk.segments.lookup import check_name_free, find_segment
from segdesk.segments.members import member_ids, replace_members
from segdesk.store.segment_sizes import record_sizes
from segdesk.store.tables import Contact, Segment
from segdesk.store.value_lists import among

segment = Segment.__table__
contact = Contact.__table__


def create_static_from_rule(
    conn: Connection,
    name: str,
    rule_text: str,
    *,
    today: dt.date,
    now: dt.datetime,
    reason: str | None = None,
) -> int:
    """A list of the contacts the rule finds today, frozen."""
    name = check_name_free(conn, name)
    catalog = FieldCatalog.from_connection(conn)
    rule = parse(rule_text, catalog)
    query = compile_rule(rule, catalog, today, DatabaseSegments(conn))
    source = {"from": "rule", "as_of": today.isoformat()}
    return _create(conn, name, query, source, to_text(rule), reason, now)


def create_static_from_segment(
    conn: Connection, name: str, source_name: str, *, now: dt.datetime, reason: str | None = None
) -> int:
    """A list of another segment's current members, frozen."""
    name = check_name_free(conn, name)
    source = find_segment(conn, source_name)
    return _create(
        conn,
        name,
        member_ids(source.id),
        {"from": "segment", "segment": source.name},
        None,
        reason,
        now,
    )


def create_static_from_contacts(
    conn: Connection,
    name: str,
    contacts: Iterable[str | int],
    *,
    now: dt.datetime,
    reason: str | None = None,
) -> int:
    """A list of the contacts named by id, email or external id; every one must exist."""
    name = check_name_free(conn, name)
    ids = sorted(set(find_contacts(conn, contacts)))
    if not ids:
        raise UserError("name at least one contact for the list")
    query = select(contact.c.id).where(among(conn, contact.c.id, ids))
    return _create(conn, name, query, {"from": "list"}, None, reason, now)


def create_static_from_query(
    conn: Connection,
    name: str,
    members: Select[Any],
    source: dict[str, Any],
    *,
    now: dt.datetime,
    reason: str | None = None,
) -> int:
    """A list of the contacts a SELECT of contact ids gives now, frozen; ``source`` says
    where they came from (``{"from": "overlap", ...}`` for a drill-down of two segments)."""
    name = check_name_free(conn, name)
    return _create(conn, name, members, source, None, reason, now)


def _create(
    conn: Connection,
    name: str,
    members: Select[Any],
    source: dict[str, Any],
    rule_text: str | None,
    reason: str | None,
    now: dt.datetime,
) -> int:
    definition = {"static": source}
    segment_id = insert_segment(
        conn, name, "static", now, definition=definition, rule_text=rule_text, status="active"
    )
    add_version(conn, segment_id, 1, definition, rule_text, reason or "created", now)
    count = replace_members(conn, segment_id, members, now)
    conn.execute(
        update(segment)
        .where(segment.c.id == segment_id)
        .values(member_count=count, refreshed_at=now)
    )
    record_sizes(conn, [segment_id], now)
    return segment_id
