"""The import history: what each run did, the mapping to reuse for a file shape, and undo.

Undo removes the contacts an import created and the events it added with their order lines, and
gives the contacts and orders it changed their previous values back (an order its lines too,
under their own ids). It refuses, with the reason, when later work depends on what it would
remove or give back (orders a later import added to a contact this one created, or updated
after this one added or updated them); the reason can be asked for first (``undo_refusal``),
so that nobody confirms an undo that cannot be done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
)

from segdesk.errors import NotFoundError, UserError
from segdesk.ingest.contact_writer import STORED_FIELDS
from segdesk.ingest.mapping.columns import Mapping
from segdesk.ingest.order_rows import ORDER_UPDATED
from segdesk.store.deferred_indexes import is_large
from segdesk.store.engine import write_connection
from segdesk.store.member_bitmaps import write_member_sets_from_rows
from segdesk.store.order_summary import refilled_after
from segdesk.store.refresh_due import mark_segments_due
from segdesk.store.search_text import search_text_of
from segdesk.store.tables import (
    Contact,
    Event,
    ImportBatch,
    ImportChange,
    OrderLine,
    Segment,
    SegmentMember,
    SegmentPin,
)
from segdesk.store.value_lists import among

batch_table = ImportBatch.__table__
contact = Contact.__table__
event = Event.__table__
change = ImportChange.__table__
order_line = OrderLine.__table__

RESTORED_CHUNK = 2000
"""Updated orders an undo gives back together."""


@dataclass(frozen=True)
class ImportRun:
    """One line of the import history."""

    id: int
    target: str
    file_name: str
    started_at: dt.datetime
    status: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    contacts_created: int
    event_kind: str | None
    changed: int
    """Contacts stored before the import that it changed (and an undo gives back)."""
    quality: dict[str, Any] | None = None

    @property
    def lines(self) -> int:
        """Order lines the import stored (kept with its findings: lines are not rows)."""
        return int((self.quality or {}).get("lines", 0))

    @property
    def merged(self) -> int:
        """Rows merged into an earlier row of the same file: those the other counts leave."""
        return self.read - self.inserted - self.updated - self.unchanged - self.rejected

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "file": self.file_name,
            "started_at": self.started_at.isoformat(),
            "status": self.status,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "rejected": self.rejected,
            "contacts_created": self.contacts_created,
            "lines": self.lines,
            "kind": self.event_kind,
        }


@dataclass(frozen=True)
class UndoReport:
    batch_id: int
    contacts_removed: int
    contacts_restored: int
    events_removed: int
    orders_restored: int = 0
    """Orders stored before the import that it updated, given their values and lines back."""
    segments_refreshed: int = 0
    """Segments brought up to date after the undo (see ``segments.after_import``)."""
    segments_problem: str | None = None
    """Why they were not, when a segment could not be computed; the undo stands."""

    def to_json(self) -> dict[str, int | str | None]:
        return {
            "batch_id": self.batch_id,
            "contacts_removed": self.contacts_removed,
            "contacts_restored": self.contacts_restored,
            "events_removed": self.events_removed,
            "orders_restored": self.orders_restored,
            "segments_refreshed": self.segments_refreshed,
            "segments_problem": self.segments_problem,
        }


def list_runs(conn: Connection, limit: int | None = None) -> list[ImportRun]:
    b = batch_table.c
    query = select(
        b.id,
        b.target,
        b.file_name,
        b.started_at,
        b.status,
        b.read,
        b.inserted,
        b.updated,
        b.unchanged,
        b.rejected,
        b.contacts_created,
        b.event_kind,
        b.quality,
        select(func.count())
        .where(change.c.import_batch_id == b.id, change.c.action == "updated")
        .correlate(batch_table)
        .scalar_subquery()
        .label("changed"),
    ).order_by(b.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [ImportRun(**row._asdict()) for row in conn.execute(query)]


def remembered_mapping(conn: Connection, signature: str, target: str) -> Mapping | None:
    """The mapping of the latest import of a file of the same shape, if there was one."""
    rows = conn.execute(
        select(batch_table.c.mapping, batch_table.c.options)
        .where(batch_table.c.target == target, batch_table.c.status.in_(("done", "undone")))
        .order_by(batch_table.c.id.desc())
    )
    for mapping, options in rows:
        if (options or {}).get("signature") == signature and mapping:
            try:
                return Mapping.from_json(mapping)
            except UserError:
                return None
    return None


def undo(engine: Engine, batch_id: int) -> UndoReport:
    with write_connection(engine) as conn, conn.begin():
        refusal = undo_refusal(conn, batch_id)
        if refusal is not None:
            raise UserError(refusal)
        added = select(event.c.id).where(event.c.import_batch_id == batch_id)
        with refilled_after(conn, _large(conn, batch_id)):
            conn.execute(delete(order_line).where(order_line.c.event_id.in_(added)))
            events_removed = conn.execute(
                delete(event).where(event.c.import_batch_id == batch_id)
            ).rowcount
            orders_restored = _restore_orders(conn, batch_id)
        restored = _restore_changed(conn, batch_id)
        _leave_segments(conn, select(contact.c.id).where(contact.c.import_batch_id == batch_id))
        conn.execute(delete(change).where(change.c.import_batch_id == batch_id))
        removed = conn.execute(
            delete(contact).where(contact.c.import_batch_id == batch_id)
        ).rowcount
        conn.execute(
            batch_table.update()
            .where(batch_table.c.id == batch_id)
            .values(status="undone", undone_at=dt.datetime.now(dt.UTC))
        )
        mark_segments_due(conn, f"the undo of import {batch_id}")
    return UndoReport(batch_id, removed, restored, events_removed, orders_restored)


def _large(conn: Connection, batch_id: int) -> bool:
    """Whether the undo writes enough orders to fill the order summary again at the end
    rather than row by row (the rule of ``store.deferred_indexes``)."""
    batch = batch_table.c
    written = conn.execute(
        select(batch.inserted + batch.updated).where(batch.id == batch_id)
    ).scalar_one()
    stored = conn.execute(select(func.max(event.c.id))).scalar() or 0
    return is_large(int(written or 0), int(stored))


def _leave_segments(conn: Connection, contact_ids: Select[Any]) -> None:
    """The contacts leave every segment, and the sizes stored with those segments follow (a
    static list is never recomputed, so its size would stay wrong otherwise)."""
    members, segment = SegmentMember.__table__, Segment.__table__
    affected = [
        segment_id
        for (segment_id,) in conn.execute(
            select(members.c.segment_id).distinct().where(members.c.contact_id.in_(contact_ids))
        )
    ]
    if not affected:
        return
    conn.execute(delete(members).where(members.c.contact_id.in_(contact_ids)))
    size = select(func.count()).where(members.c.segment_id == segment.c.id).scalar_subquery()
    conn.execute(segment.update().where(segment.c.id.in_(affected)).values(member_count=size))
    write_member_sets_from_rows(conn, affected)


def undo_refusal(conn: Connection, batch_id: int) -> str | None:
    """Why the import cannot be undone, in words for the user; None when it can.

    ``NotFoundError`` when there is no such import.
    """
    batch = conn.execute(select(batch_table.c.status).where(batch_table.c.id == batch_id)).first()
    if batch is None:
        raise NotFoundError(f"no import with id {batch_id}")
    if batch.status == "undone":
        return f"import {batch_id} is undone already"
    if batch.status != "done":
        return f"import {batch_id} cannot be undone: it did not finish"
    blocker = blocking_import(conn, batch_id)
    updater = updating_import(conn, batch_id)
    if blocker is not None or updater is not None:
        later = max(n for n in (blocker, updater) if n is not None)
        name = conn.execute(
            select(batch_table.c.file_name).where(batch_table.c.id == later)
        ).scalar_one()
        did = (
            "added events to contacts it created"
            if later == blocker
            else "updated orders it added or updated"
        )
        return (
            f"import {batch_id} cannot be undone yet: import {later} ({name}) {did}; "
            f"undo import {later} first"
        )
    pinned = conn.execute(
        select(func.count())
        .select_from(SegmentPin.__table__)
        .where(SegmentPin.__table__.c.contact_id.in_(_created(batch_id)))
    ).scalar_one()
    if pinned:
        pins = "segment pin names" if pinned == 1 else "segment pins name"
        return f"import {batch_id} created contacts that {pinned} {pins}; remove those pins first"
    return None


def blocking_import(conn: Connection, batch_id: int) -> int | None:
    """The import to undo before this one: the latest that added events to a contact this one
    created (undoing this one would take their contact away); None when there is none."""
    return conn.execute(
        select(func.max(event.c.import_batch_id)).where(
            event.c.contact_id.in_(_created(batch_id)), event.c.import_batch_id != batch_id
        )
    ).scalar()


def updating_import(conn: Connection, batch_id: int) -> int | None:
    """The latest later import that updated an order this one added or updated (undoing this
    one would take away or overwrite what that one changed); None when there is none."""
    updated = change.c.before["event_id"].as_integer()
    mine = select(updated).where(
        change.c.import_batch_id == batch_id, change.c.action == ORDER_UPDATED
    )
    return conn.execute(
        select(func.max(change.c.import_batch_id))
        .select_from(change.join(event, event.c.id == updated))
        .where(
            change.c.action == ORDER_UPDATED,
            change.c.import_batch_id > batch_id,
            or_(event.c.import_batch_id == batch_id, event.c.id.in_(mine)),
        )
    ).scalar()


def _created(batch_id: int) -> Select[Any]:
    return select(contact.c.id).where(contact.c.import_batch_id == batch_id)


def _restore_orders(conn: Connection, batch_id: int) -> int:
    """Orders the import updated get their values back, and the lines it replaced, under their
    own ids (the import gave the new lines ids above them: see ``order_rows``)."""
    restored = 0
    for befores in _order_befores(conn, batch_id):
        ids = [before["event_id"] for before in befores if before["lines"] is not None]
        if ids:
            conn.execute(delete(order_line).where(among(conn, order_line.c.event_id, ids)))
        conn.execute(
            event.update()
            .where(event.c.id == bindparam("v_id"))
            .values(
                amount=bindparam("v_amount"),
                quantity=bindparam("v_quantity"),
                status=bindparam("v_status"),
            ),
            [
                {
                    "v_id": before["event_id"],
                    "v_amount": before["amount"],
                    "v_quantity": before["quantity"],
                    "v_status": before["status"],
                }
                for before in befores
            ],
        )
        lines = [
            {**line, "occurred_at": dt.datetime.fromisoformat(line["occurred_at"])}
            for before in befores
            for line in before["lines"] or ()
        ]
        if lines:
            conn.execute(order_line.insert(), lines)
        restored += len(befores)
    return restored


def _order_befores(conn: Connection, batch_id: int) -> Iterator[list[dict[str, Any]]]:
    """The orders' values before the import, a chunk at a time."""
    last = 0
    while True:
        rows = conn.execute(
            select(change.c.id, change.c.before)
            .where(
                change.c.import_batch_id == batch_id,
                change.c.action == ORDER_UPDATED,
                change.c.id > last,
            )
            .order_by(change.c.id)
            .limit(RESTORED_CHUNK)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        yield [before for _, before in rows]


def _restore_changed(conn: Connection, batch_id: int) -> int:
    rows = conn.execute(
        select(change.c.contact_id, change.c.before).where(
            and_(change.c.import_batch_id == batch_id, change.c.action == "updated")
        )
    ).all()
    if not rows:
        return 0
    params = [
        {
            **{f"v_{name}": (before or {}).get(name) for name in STORED_FIELDS},
            "v_search_text": search_text_of(before or {}),
            "v_attributes": (before or {}).get("attributes") or {},
            "v_id": contact_id,
        }
        for contact_id, before in rows
    ]
    conn.execute(
        contact.update()
        .where(contact.c.id == bindparam("v_id"))
        .values(
            {
                **{name: bindparam(f"v_{name}") for name in STORED_FIELDS},
                "search_text": bindparam("v_search_text"),
                "attributes": bindparam("v_attributes", type_=contact.c.attributes.type),
            }
        ),
        params,
    )
    return len(rows)
