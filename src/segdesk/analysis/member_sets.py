"""Segments' current members as compact sets, read in one query."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

from pyroaring import BitMap
from sqlalchemy import Connection, select

from segdesk.store.tables import SegmentMember

member = SegmentMember.__table__


def current_members(
    conn: Connection, segment_ids: Sequence[int] | None = None
) -> dict[int, BitMap]:
    """Each segment's members as a bitmap of contact ids; every asked segment is a key,
    an empty one included (``None``: every segment with a member)."""
    query = select(member.c.segment_id, member.c.contact_id).order_by(member.c.segment_id)
    if segment_ids is not None:
        query = query.where(member.c.segment_id.in_(list(segment_ids)))
    found = {
        segment_id: BitMap(row[1] for row in rows)
        for segment_id, rows in groupby(conn.execute(query), key=itemgetter(0))
    }
    if segment_ids is None:
        return found
    return {segment_id: found.get(segment_id, BitMap()) for segment_id in segment_ids}
