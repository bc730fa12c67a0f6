"""Playbooks: read and fill in a segment's playbook, the reviews due, a review done.

Each change runs in a transaction of its own that takes the write lock as it begins; ``today``
defaults to the current date. The domain code is imported when used, as for segments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from segdesk.segments.playbook import Playbook
    from segdesk.segments.reviews import ReviewDue, ReviewRecord


class Playbooks:
    """Segments' playbooks and their reviews, by segment name."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, name: str) -> Playbook:
        """Every playbook field of the segment, and the reviews recorded for it."""
        from segdesk.segments.playbook import read_playbook

        with self._engine.connect() as conn:
            return read_playbook(conn, name)

    def set(self, name: str, values: Mapping[str, object]) -> Playbook:
        """Set fields by name, from text as typed or from values of their types; None or a
        blank value clears a field. Nothing is saved when one value is refused."""
        from segdesk.segments.playbook import read_playbook, update_playbook

        with write_connection(self._engine) as conn, conn.begin():
            update_playbook(conn, name, values, now=datetime.now(UTC))
            return read_playbook(conn, name)

    def clear(self, name: str, fields: Iterable[str]) -> Playbook:
        """Empty the fields named."""
        return self.set(name, dict.fromkeys(fields))

    def reviews(self, days: int = 7, today: date | None = None) -> list[ReviewDue]:
        """Reviews overdue or due within ``days``, the earliest first."""
        from segdesk.segments.reviews import reviews_due

        with self._engine.connect() as conn:
            return reviews_due(conn, today or date.today(), days)

    def review_done(
        self,
        name: str,
        today: date | None = None,
        *,
        by: str | None = None,
        note: str | None = None,
        next_review: date | None = None,
    ) -> ReviewRecord:
        """Record a review done ``today`` and move the next review one cadence on from that
        day (or to ``next_review``); ``by`` defaults to the playbook's owner."""
        from segdesk.segments.reviews import mark_reviewed

        with write_connection(self._engine) as conn, conn.begin():
            return mark_reviewed(
                conn,
                name,
                today=today or date.today(),
                now=datetime.now(UTC),
                by=by,
                note=note,
                next_review=next_review,
            )
