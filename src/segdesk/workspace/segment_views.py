"""What the segments screen, a segment's page and ``segment versions`` read beyond
``ws.segments``: the list with trends, a segment's size history, versions and the difference
between two, what depends on a segment, and its members page by page.

Nothing here writes. The domain code is imported when used, as in ``ws.segments``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRow
    from segdesk.segments.dependencies import Dependencies
    from segdesk.segments.overview import SegmentsOverview, SizePoint
    from segdesk.segments.versions import VersionDiff, VersionEntry


class SegmentViews:
    """Reading segments for the screens and the versions command."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def overview(self) -> SegmentsOverview:
        """Every segment with its owner, next review and size trend, and the contact count."""
        from segdesk.segments.overview import segments_overview

        with self._engine.connect() as conn:
            return segments_overview(conn)

    def size_history(self, name: str) -> list[SizePoint]:
        """Every recorded size of a segment, oldest first."""
        from segdesk.segments.overview import size_history

        with self._engine.connect() as conn:
            return size_history(conn, name)

    def versions(self, name: str) -> list[VersionEntry]:
        """Every version, oldest first, with its member count when one was recorded."""
        from segdesk.segments.versions import segment_versions

        with self._engine.connect() as conn:
            return segment_versions(conn, name)

    def diff(self, name: str, old: int, new: int) -> VersionDiff:
        """The rule and member count of version ``old`` against version ``new``."""
        from segdesk.segments.versions import diff_versions

        with self._engine.connect() as conn:
            return diff_versions(conn, name, old, new)

    def dependencies(self, name: str) -> Dependencies:
        """Members, rule segments that name it, pins and scheme: what a delete would touch."""
        from segdesk.segments.dependencies import dependencies

        with self._engine.connect() as conn:
            return dependencies(conn, name)

    def count_members(self, segment_id: int, search: str | None = None) -> int:
        from segdesk.segments.member_pages import count_members

        with self._engine.connect() as conn:
            return count_members(conn, segment_id, search)

    def members_page(
        self,
        segment_id: int,
        offset: int,
        limit: int,
        search: str | None = None,
        total: int | None = None,
    ) -> list[ContactRow]:
        """Members as rows of the contacts list; ``total`` lets pages near the end load fast."""
        from segdesk.segments.member_pages import members_page

        with self._engine.connect() as conn:
            return members_page(conn, segment_id, offset, limit, search, total)
