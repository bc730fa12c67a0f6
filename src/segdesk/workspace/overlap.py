"""Overlap: how the segments overlap, with flags and coverage, and the drill-down from a pair
of segments to its people, which can be saved as a static segment.

``segdesk.analysis.overlap`` and ``segdesk.analysis.overlap_people`` hold the work; this
facade opens the connection (and, to save, a write transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from segdesk.analysis.overlap import OverlapReport
    from segdesk.analysis.overlap_people import PairNames, Part
    from segdesk.contact_values import ContactRow
    from segdesk.jobs import CancelCheck, Progress
    from segdesk.segments.lookup import SegmentInfo


class Overlap:
    """Reading how segments overlap; only :meth:`save_people` writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def report(
        self,
        names: Sequence[str] | None = None,
        *,
        min_size: int | None = None,
        max_segments: int | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> OverlapReport:
        """Every pair of the named segments (default: every active segment outside a scheme;
        a scheme's name stands for its segments), the flags and the coverage. ``min_size``
        defaults to the larger of 50 people and 1% of contacts, ``max_segments`` to 8."""
        from segdesk.analysis.overlap import overlap_report

        with self._engine.connect() as conn:
            return overlap_report(
                conn,
                names,
                min_size=min_size,
                max_segments=max_segments,
                progress=progress,
                cancelled=cancelled,
            )

    def pair(self, a: str, b: str) -> PairNames:
        """Two segments by name, for the drill-down (NotFoundError for either unknown)."""
        from segdesk.analysis.overlap_people import find_pair

        with self._engine.connect() as conn:
            return find_pair(conn, a, b)

    def count_people(self, pair: PairNames, part: Part) -> int:
        """How many people are in both (``both``), in A only (``only_a``) or B only."""
        from segdesk.analysis.overlap_people import count_part

        with self._engine.connect() as conn:
            return count_part(conn, pair, part)

    def people_page(
        self, pair: PairNames, part: Part, offset: int, limit: int, total: int | None = None
    ) -> list[ContactRow]:
        """Those people as rows of the contacts list, in id order."""
        from segdesk.analysis.overlap_people import part_page

        with self._engine.connect() as conn:
            return part_page(conn, pair, part, offset, limit, total)

    def save_people(self, pair: PairNames, part: Part, name: str) -> SegmentInfo:
        """Save those people as a static segment called ``name``."""
        from segdesk.analysis.overlap_people import save_part
        from segdesk.segments.lookup import find_segment, segment_info

        with write_connection(self._engine) as conn, conn.begin():
            save_part(conn, name, pair, part, now=datetime.now(UTC))
            return segment_info(conn, find_segment(conn, name.strip()))
