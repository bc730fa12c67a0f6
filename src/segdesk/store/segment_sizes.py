"""Each refresh's member count, written beside the segment's own ``member_count``.

Rule segments (``segments.refresh``), static lists (``segments.static``, copies) and model
segments (``models.schemes``) all record here, so both areas call this store function rather
than owning the table. The row copies the segment's version and count as they stand in the
caller's transaction: call it after ``member_count`` is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import Connection, literal, select

from segdesk.store.tables import Segment, SegmentRefresh

segment = Segment.__table__
refresh = SegmentRefresh.__table__


def record_sizes(conn: Connection, segment_ids: Collection[int], now: dt.datetime) -> None:
    """One row per segment in ``segment_ids``: its version and member count, at ``now``."""
    if not segment_ids:
        return
    conn.execute(
        refresh.insert().from_select(
            ["segment_id", "version", "member_count", "refreshed_at"],
            select(
                segment.c.id,
                segment.c.version,
                segment.c.member_count,
                literal(now, refresh.c.refreshed_at.type),
            ).where(segment.c.id.in_(list(segment_ids)), segment.c.member_count.is_not(None)),
        )
    )
