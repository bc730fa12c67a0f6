"""The import history: what each run did, the mapping to reuse for a file shape, and undo.

Undo removes the contacts an import created and the events it added, and gives the contacts it
changed their previous values back. It refuses, with the reason, when later work depends on
what it would remove (orders a later import added to a contact this one created).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, bindparam, delete, func, select

from segdesk.errors import NotFoundError, UserError
from segdesk.ingest.contact_writer import STORED_FIELDS
from segdesk.ingest.mapping import Mapping
from segdesk.store.engine import write_connection
from segdesk.store.refresh_due import mark_segments_due
from segdesk.store.tables import (
    Contact,
    Event,
    ImportBatch,
    ImportChange,
    Segment,
    SegmentMember,
    SegmentPin,
)

batch_table = ImportBatch.__table__
contact = Contact.__table__
event = Event.__table__
change = ImportChange.__table__


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
            "rejected": self.rejected,
            "contacts_created": self.contacts_created,
            "kind": self.event_kind,
        }


@dataclass(frozen=True)
class UndoReport:
    batch_id: int
    contacts_removed: int
    contacts_restored: int
    events_removed: int
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
    ).order_by(b.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [ImportRun(*row) for row in conn.execute(query)]


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
        batch = conn.execute(select(batch_table).where(batch_table.c.id == batch_id)).first()
        if batch is None:
            raise NotFoundError(f"no import with id {batch_id}")
        if batch.status == "undone":
            raise UserError(f"import {batch_id} is undone already")
        if batch.status != "done":
            raise UserError(f"import {batch_id} cannot be undone: it did not finish")
        _refuse_if_depended_on(conn, batch_id)
        events_removed = conn.execute(
            delete(event).where(event.c.import_batch_id == batch_id)
        ).rowcount
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
    return UndoReport(batch_id, removed, restored, events_removed)


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


def _refuse_if_depended_on(conn: Connection, batch_id: int) -> None:
    created = select(contact.c.id).where(contact.c.import_batch_id == batch_id)
    later = conn.execute(
        select(event.c.import_batch_id, func.count())
        .where(event.c.contact_id.in_(created), event.c.import_batch_id != batch_id)
        .group_by(event.c.import_batch_id)
    ).all()
    if later:
        which = ", ".join(f"import {b}" for b, _ in later if b is not None) or "events"
        raise UserError(
            f"import {batch_id} created contacts that {which} added events to; undo that first"
        )
    pinned = conn.execute(
        select(func.count())
        .select_from(SegmentPin.__table__)
        .where(SegmentPin.__table__.c.contact_id.in_(created))
    ).scalar_one()
    if pinned:
        raise UserError(
            f"import {batch_id} created contacts that {pinned} segment pins name; "
            "remove those pins first"
        )


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
                "attributes": bindparam("v_attributes", type_=contact.c.attributes.type),
            }
        ),
        params,
    )
    return len(rows)
