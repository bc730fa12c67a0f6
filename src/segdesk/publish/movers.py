"""Movers: who joined a segment, or left it, since a day or a snapshot.

Who joined since a day is in ``segment_member.joined_at``. Who left needs the members the
segment had then, which only a snapshot keeps: the one named, or the newest taken at or
before the day, read through the snapshot module (``analysis.snapshots``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from pyroaring import BitMap
from sqlalchemy import Connection, select

from segdesk.analysis.set_measures import Members
from segdesk.analysis.snapshots import find_snapshot, list_snapshots, load_snapshot
from segdesk.errors import NotFoundError, UserError
from segdesk.store.tables import SegmentMember

member = SegmentMember.__table__

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Since:
    """A ``--joined-since`` or ``--left-since`` value: a day, or a snapshot by id or label."""

    text: str
    day: date | None = None

    @classmethod
    def parse(cls, text: str) -> Since:
        value = text.strip()
        if not value:
            raise UserError("a day (YYYY-MM-DD) or a snapshot's id or label is needed")
        if _DAY.fullmatch(value):
            try:
                return cls(value, date.fromisoformat(value))
            except ValueError:
                raise UserError(f"{value!r} is not a day (YYYY-MM-DD)") from None
        return cls(value)


@dataclass(frozen=True)
class PastMembers:
    """A segment's members in one snapshot."""

    snapshot_id: int
    taken_on: date
    members: Members


def past_members(
    conn: Connection, segment_id: int, *, snapshot_ref: str | None = None, on: date | None = None
) -> PastMembers | None:
    """The segment's members in the snapshot named by id or label, or in the newest snapshot
    of ``on`` or before; None when there is no such snapshot. A snapshot that does not hold
    the segment (taken before it existed) holds it empty."""
    if snapshot_ref is not None:
        ref = snapshot_ref.strip()
        try:
            chosen = find_snapshot(conn, ref)
        except NotFoundError:
            raise UserError(f'there is no snapshot with the id or label "{ref}"') from None
    else:
        assert on is not None
        earlier = [s for s in list_snapshots(conn, people_of=()) if s.day <= on]
        if not earlier:
            return None
        chosen = max(earlier, key=lambda s: (s.day, s.moment, s.id))
    held = load_snapshot(conn, chosen.id, [segment_id])
    return PastMembers(chosen.id, chosen.day, held.get(segment_id, BitMap()))


def joined_since(conn: Connection, segment_id: int, current: Members, since: Since) -> BitMap:
    """Current members who joined since the day (by ``joined_at``) or the snapshot."""
    if since.day is not None:
        start = datetime.combine(since.day, time(), tzinfo=UTC)
        rows = conn.execute(
            select(member.c.contact_id).where(
                member.c.segment_id == segment_id, member.c.joined_at >= start
            )
        )
        return BitMap(r[0] for r in rows)
    past = past_members(conn, segment_id, snapshot_ref=since.text)
    assert past is not None
    return BitMap(current) - BitMap(past.members)


def left_since(
    conn: Connection, segment_id: int, current: Members, since: Since, segment_name: str
) -> BitMap:
    """People in the segment at the snapshot (named, or the newest at or before the day) who
    are not in it now."""
    past = past_members(
        conn, segment_id, snapshot_ref=None if since.day else since.text, on=since.day
    )
    if past is None:
        raise UserError(
            f'who left "{segment_name}" since {since.text} needs a snapshot taken on or '
            "before that day, and there is none: take snapshots (segdesk snapshot) to "
            "see who leaves from then on"
        )
    return BitMap(past.members) - BitMap(current)
