"""What the segments screen lists: each segment with its owner, next review and size trend,
and the number of contacts the shares are of; and one segment's size history in full.

The trend is the member count at each of the segment's last refreshes (``segment_refresh``),
oldest first, read for every segment in one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from segdesk.segments.lookup import SegmentInfo, aware, find_segment, list_segments, live
from segdesk.store.tables import Contact, Segment, SegmentRefresh

segment = Segment.__table__
refresh = SegmentRefresh.__table__
contact = Contact.__table__

TREND_POINTS = 12
"""Refreshes a list's trend shows, the latest last."""


@dataclass(frozen=True)
class SegmentLine:
    """One segment as the segments screen lists it."""

    info: SegmentInfo
    owner: str | None
    next_review: dt.date | None
    trend: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.info.to_json(),
            "owner": self.owner,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "trend": list(self.trend),
        }


@dataclass(frozen=True)
class SegmentsOverview:
    contacts: int
    """Every contact: what a segment's share is of."""
    segments: tuple[SegmentLine, ...]


@dataclass(frozen=True)
class SizePoint:
    """A segment's size at one refresh, under the version it had then."""

    refreshed_at: dt.datetime
    version: int
    members: int


def segments_overview(conn: Connection, points: int = TREND_POINTS) -> SegmentsOverview:
    """Every live segment, in the list's order (``list_segments``), with its trend."""
    playbook = {
        row.id: (row.owner, row.next_review)
        for row in conn.execute(select(segment.c.id, segment.c.owner, segment.c.next_review))
    }
    trends = _trends(conn, points)
    contacts = conn.execute(select(func.count()).select_from(contact)).scalar_one()
    return SegmentsOverview(
        contacts=contacts,
        segments=tuple(
            SegmentLine(info, *playbook[info.id], tuple(trends.get(info.id, ())))
            for info in list_segments(conn)
        ),
    )


def size_history(conn: Connection, name: str) -> list[SizePoint]:
    """Every recorded size of the segment called ``name``, oldest first."""
    row = find_segment(conn, name)
    rows = conn.execute(
        select(refresh.c.refreshed_at, refresh.c.version, refresh.c.member_count)
        .where(refresh.c.segment_id == row.id)
        .order_by(refresh.c.refreshed_at, refresh.c.id)
    )
    return [SizePoint(aware(when), version, count) for when, version, count in rows]


def _trends(conn: Connection, points: int) -> dict[int, list[int]]:
    """The last ``points`` sizes of each live segment, oldest first."""
    latest_first = (
        func.row_number()
        .over(
            partition_by=refresh.c.segment_id,
            order_by=(refresh.c.refreshed_at.desc(), refresh.c.id.desc()),
        )
        .label("n")
    )
    ranked = (
        select(refresh.c.segment_id, refresh.c.member_count, latest_first)
        .join(segment, segment.c.id == refresh.c.segment_id)
        .where(live())
        .subquery()
    )
    rows = conn.execute(
        select(ranked.c.segment_id, ranked.c.member_count)
        .where(ranked.c.n <= points)
        .order_by(ranked.c.segment_id, ranked.c.n.desc())
    )
    trends: dict[int, list[int]] = {}
    for segment_id, count in rows:
        trends.setdefault(segment_id, []).append(count)
    return trends
