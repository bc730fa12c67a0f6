"""Snapshots: every segment's members frozen at a time, so that stability can be measured
between two times (docs/stability.md).

A snapshot holds the members of every live segment that is active or a draft (retired
segments are left out: they no longer change), one roaring bitmap per segment
(``set_measures.to_bytes``), an empty segment included. Kinds: ``manual`` (taken on demand),
``auto`` (taken by a refresh that changed membership, see :func:`auto_snapshot`) and
``as_of`` (members computed as of a past date, stored by :func:`save_snapshot`).

The SQL on ``snapshot`` and ``snapshot_membership`` lives here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pyroaring import BitMap, FrozenBitMap
from sqlalchemy import Connection, delete, func, select

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.set_measures import Members, from_bytes, to_bytes
from segdesk.errors import NotFoundError, UserError
from segdesk.jobs import CancelCheck, Progress
from segdesk.store.inserted import inserted_id
from segdesk.store.tables import Segment, Snapshot, SnapshotMembership, utcnow

snapshot = Snapshot.__table__
membership = SnapshotMembership.__table__
segment = Segment.__table__

KINDS = ("manual", "auto", "as_of")
SNAPSHOT_STATUSES = ("active", "draft")
"""The segments a snapshot holds: live ones of these statuses."""
PRESENT_KINDS = ("manual", "auto")
"""Snapshots of the members as they stood (an ``as_of`` one was computed for a past date)."""


@dataclass(frozen=True)
class SnapshotInfo:
    """One snapshot as the list shows it: ``people`` counts each person once, whatever the
    number of segments they were in."""

    id: int
    label: str | None
    kind: str
    taken_at: dt.datetime
    as_of: dt.date | None
    segments: int
    people: int

    @property
    def day(self) -> dt.date:
        """The day the members are of: the as-of date, else the day it was taken (UTC)."""
        return self.as_of or self.taken_at.date()

    @property
    def moment(self) -> dt.datetime:
        """When the members are of, for ordering: an as-of snapshot at the start of its day."""
        if self.as_of is not None:
            return dt.datetime.combine(self.as_of, dt.time.min, tzinfo=dt.UTC)
        return self.taken_at

    @property
    def name(self) -> str:
        """Its label, else ``#ID``."""
        return self.label or f"#{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            "taken_at": self.taken_at.isoformat(timespec="seconds"),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "segments": self.segments,
            "people": self.people,
        }


def snapshot_segments(conn: Connection) -> list[int]:
    """The ids of the segments a snapshot of the present holds, in id order."""
    query = (
        select(segment.c.id)
        .where(segment.c.deleted_at.is_(None), segment.c.status.in_(SNAPSHOT_STATUSES))
        .order_by(segment.c.id)
    )
    return list(conn.execute(query).scalars())


def save_snapshot(
    conn: Connection,
    members: Mapping[int, Members],
    *,
    kind: str,
    label: str | None = None,
    as_of: dt.date | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Store ``members`` (segment id to contact ids) as one snapshot; returns its id.

    The one way a snapshot is written: the as-of evaluation stores its result with it too.
    Runs in the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown snapshot kind {kind!r}")
    label = label.strip() if label and label.strip() else None
    snapshot_id = inserted_id(
        conn.execute(
            snapshot.insert().values(label=label, kind=kind, taken_at=now or utcnow(), as_of=as_of)
        )
    )
    rows = [
        {
            "snapshot_id": snapshot_id,
            "segment_id": segment_id,
            "member_count": len(ids),
            "members": to_bytes(ids),
        }
        for segment_id, ids in members.items()
    ]
    if rows:
        conn.execute(membership.insert(), rows)
    return snapshot_id


def take_snapshot(
    conn: Connection, *, label: str | None = None, now: dt.datetime | None = None
) -> int:
    """A manual snapshot of every active and draft segment as it stands; returns its id."""
    members = current_members(conn, snapshot_segments(conn))
    return save_snapshot(conn, members, kind="manual", label=label, now=now)


def take_snapshot_as_of(
    conn: Connection,
    day: dt.date,
    *,
    label: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> int:
    """A snapshot (kind ``as_of``) of every active and draft segment as it would have been at
    the end of ``day``, worked out from the order history (analysis/as_of.py); its id."""
    from segdesk.analysis.as_of import members_as_of

    if day > (now or utcnow()).date():
        raise UserError(f"--as-of {day.isoformat()} is after today: a snapshot looks back")
    members = members_as_of(
        conn, day, snapshot_segments(conn), progress=progress, cancelled=cancelled
    )
    return save_snapshot(conn, members, kind="as_of", label=label, as_of=day, now=now)


def refresh_baseline(conn: Connection) -> dict[int, BitMap] | None:
    """Read as a refresh begins: the members as they stand when no snapshot of the present
    exists yet (the refresh is then compared with them), else None (it is compared with the
    last snapshot, which costs nothing now)."""
    if _last_present(conn) is not None:
        return None
    return current_members(conn, snapshot_segments(conn))


def auto_snapshot(
    conn: Connection, *, now: dt.datetime, baseline: Mapping[int, Members] | None = None
) -> int | None:
    """As a refresh ends: a snapshot of kind ``auto`` when the members of some active or
    draft segment differ from the last snapshot of the present (manual or auto), a segment
    new since it counting as a change; before any such snapshot, when they differ from
    ``baseline`` (:func:`refresh_baseline`). Else nothing: identical snapshots do not pile
    up. Returns the new snapshot's id, or None. Runs in the refresh's transaction."""
    ids = snapshot_segments(conn)
    if not ids:
        return None
    now_members = current_members(conn, ids)
    last = _last_present(conn)
    before = load_snapshot(conn, last) if last is not None else baseline or {}
    if all(before.get(i) == members for i, members in now_members.items()):
        return None
    return save_snapshot(conn, now_members, kind="auto", now=now)


def _last_present(conn: Connection) -> int | None:
    query = (
        select(snapshot.c.id)
        .where(snapshot.c.kind.in_(PRESENT_KINDS))
        .order_by(snapshot.c.taken_at.desc(), snapshot.c.id.desc())
        .limit(1)
    )
    found: int | None = conn.execute(query).scalar_one_or_none()
    return found


def load_snapshot(
    conn: Connection, snapshot_id: int, segment_ids: list[int] | None = None
) -> dict[int, FrozenBitMap]:
    """The members of each segment in the snapshot (or of those of ``segment_ids`` that it
    holds), by segment id."""
    query = select(membership.c.segment_id, membership.c.members).where(
        membership.c.snapshot_id == snapshot_id
    )
    if segment_ids is not None:
        query = query.where(membership.c.segment_id.in_(segment_ids))
    return {segment_id: from_bytes(data) for segment_id, data in conn.execute(query)}


def snapshot_sizes(conn: Connection, segment_ids: list[int]) -> dict[int, dict[int, int]]:
    """Each snapshot's member count of each of ``segment_ids`` it holds, by snapshot id, read
    without loading the members."""
    rows = conn.execute(
        select(membership.c.snapshot_id, membership.c.segment_id, membership.c.member_count).where(
            membership.c.segment_id.in_(segment_ids)
        )
    )
    sizes: dict[int, dict[int, int]] = {}
    for snapshot_id, segment_id, count in rows:
        sizes.setdefault(snapshot_id, {})[segment_id] = count
    return sizes


def list_snapshots(
    conn: Connection, *, people_of: Collection[int] | None = None
) -> list[SnapshotInfo]:
    """Every snapshot, oldest first (as-of snapshots by their date). Counting the people
    reads a snapshot's sets: done for those of ``people_of`` (None: all), the others
    counted 0, for the lookups that only need the list."""
    rows = conn.execute(select(snapshot).order_by(snapshot.c.id)).all()
    segments: dict[int, int] = dict(
        conn.execute(
            select(membership.c.snapshot_id, func.count()).group_by(membership.c.snapshot_id)
        ).all()
    )
    query = select(membership.c.snapshot_id, membership.c.members)
    if people_of is not None:
        query = query.where(membership.c.snapshot_id.in_(list(people_of)))
    people: dict[int, BitMap] = {}
    for snapshot_id, data in conn.execute(query):
        people.setdefault(snapshot_id, BitMap()).update(from_bytes(data))
    found = [
        SnapshotInfo(
            id=row.id,
            label=row.label,
            kind=row.kind,
            taken_at=_aware(row.taken_at),
            as_of=row.as_of,
            segments=segments.get(row.id, 0),
            people=len(people.get(row.id, ())),
        )
        for row in rows
    ]
    return sorted(found, key=lambda s: (s.moment, s.id))


def find_snapshot(conn: Connection, ref: str | int) -> SnapshotInfo:
    """The snapshot ``ref`` names: its id (``12`` or ``#12``), else its label (ignoring case;
    the latest of that label), else a day ``YYYY-MM-DD`` (the latest of that day)."""
    found = _find(list_snapshots(conn, people_of=()), ref)
    return next(s for s in list_snapshots(conn, people_of=[found.id]) if s.id == found.id)


def _find(every: list[SnapshotInfo], ref: str | int) -> SnapshotInfo:
    text = str(ref).strip()
    number = text.removeprefix("#")
    if number.isdigit():
        for found in every:
            if found.id == int(number):
                return found
    wanted = text.casefold()
    labelled = [s for s in every if s.label and s.label.casefold() == wanted]
    if labelled:
        return labelled[-1]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    of_day = [s for s in every if s.day == day]
    if of_day:
        return of_day[-1]
    if not text:
        raise UserError("name a snapshot by its id, its label or its day (YYYY-MM-DD)")
    raise NotFoundError(f'there is no snapshot with the id, label or day "{text}"')


def delete_snapshot(conn: Connection, ref: str | int) -> SnapshotInfo:
    """Delete a snapshot and its members; returns what it was."""
    found = find_snapshot(conn, ref)
    conn.execute(delete(membership).where(membership.c.snapshot_id == found.id))
    conn.execute(delete(snapshot).where(snapshot.c.id == found.id))
    return found


def _aware(when: dt.datetime) -> dt.datetime:
    """Stored times come back naive; they are UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
