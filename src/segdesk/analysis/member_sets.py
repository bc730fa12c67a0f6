"""Segments' current members as compact sets: each segment's stored bitmap where it is in step
with the segment (``store.member_bitmaps``), its ``segment_member`` rows otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

from pyroaring import BitMap
from sqlalchemy import Connection, select

from segdesk.store.member_bitmaps import stored_member_sets
from segdesk.store.tables import SegmentMember

member = SegmentMember.__table__


def current_members(
    conn: Connection, segment_ids: Sequence[int] | None = None
) -> dict[int, BitMap]:
    """Each segment's members as a bitmap of contact ids; every asked segment is a key,
    an empty one included (``None``: every segment with a member)."""
    if segment_ids is None:
        with_members = select(member.c.segment_id).distinct().order_by(member.c.segment_id)
        wanted = list(conn.execute(with_members).scalars())
    else:
        wanted = list(segment_ids)
    found = stored_member_sets(conn, wanted)
    missing = [segment_id for segment_id in wanted if segment_id not in found]
    if missing:
        found.update(_from_rows(conn, missing))
    return {segment_id: found.get(segment_id, BitMap()) for segment_id in wanted}


def _from_rows(conn: Connection, segment_ids: Sequence[int]) -> dict[int, BitMap]:
    query = (
        select(member.c.segment_id, member.c.contact_id)
        .where(member.c.segment_id.in_(list(segment_ids)))
        .order_by(member.c.segment_id)
    )
    return {
        segment_id: BitMap(row[1] for row in rows)
        for segment_id, rows in groupby(conn.execute(query), key=itemgetter(0))
    }
