"""Playbook reviews: which are due, marking one done, and the record of those done.

A segment is up for review when it is live, not retired, its playbook is not ``done``, and it
has a next review date; a review is due when that date is within the coming days (7 by
default) or past (overdue). Marking a review done records it (day, who, note, the date it
settled) and moves the next review one cadence on from the day the review was done, not from
the date it was due: a review done late does not leave the next one due at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select, update

from segdesk.errors import UserError
from segdesk.segments.cadence import parse_cadence
from segdesk.segments.lookup import find_segment, live
from segdesk.store.tables import Segment, SegmentReview

segment = Segment.__table__
review_table = SegmentReview.__table__

REVIEW_WINDOW = 7
"""Days ahead in which a review counts as due (the home screen's and `segdesk reviews`')."""
NOTE_LIMIT = 2000


@dataclass(frozen=True)
class ReviewDue:
    """A review due soon or overdue: ``days_left`` is negative when overdue."""

    segment: str
    owner: str | None
    next_review: dt.date
    days_left: int
    cadence: str | None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def when(self) -> str:
        """ "today", "tomorrow", "in 3 days", "1 day late"."""
        days = self.days_left
        if days == 0:
            return "today"
        if days == 1:
            return "tomorrow"
        if days > 0:
            return f"in {days} days"
        return f"{-days} day{'' if days == -1 else 's'} late"

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "owner": self.owner,
            "next_review": self.next_review.isoformat(),
            "days_left": self.days_left,
            "overdue": self.overdue,
            "cadence": self.cadence,
        }


@dataclass(frozen=True)
class ReviewRecord:
    """A review done: the day, the review date it settled, the next one it planned."""

    reviewed_on: dt.date
    due_on: dt.date | None
    next_review: dt.date | None
    reviewed_by: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "reviewed_on": self.reviewed_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "reviewed_by": self.reviewed_by,
            "note": self.note,
        }


def _filled(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), column != "")


def documented() -> ColumnElement[bool]:
    """Live, not retired, with a goal, an owner and a next review date."""
    return and_(
        live(),
        segment.c.status != "retired",
        _filled(segment.c.goal),
        _filled(segment.c.owner),
        segment.c.next_review.is_not(None),
    )


def review_due(today: dt.date, days: int = REVIEW_WINDOW) -> ColumnElement[bool]:
    """Up for review, with the next review on or before ``days`` after ``today``."""
    return and_(
        live(),
        segment.c.status != "retired",
        or_(segment.c.playbook_status.is_(None), segment.c.playbook_status != "done"),
        segment.c.next_review.is_not(None),
        segment.c.next_review <= today + dt.timedelta(days=days),
    )


def reviews_due(conn: Connection, today: dt.date, days: int = REVIEW_WINDOW) -> list[ReviewDue]:
    """Reviews overdue or due within ``days`` of ``today``, the earliest first."""
    rows = conn.execute(
        select(segment.c.name, segment.c.owner, segment.c.next_review, segment.c.review_cadence)
        .where(review_due(today, days))
        .order_by(segment.c.next_review, segment.c.name)
    )
    return [
        ReviewDue(r.name, r.owner, r.next_review, (r.next_review - today).days, r.review_cadence)
        for r in rows
    ]


def mark_reviewed(
    conn: Connection,
    name: str,
    *,
    today: dt.date,
    now: dt.datetime,
    by: str | None = None,
    note: str | None = None,
    next_review: dt.date | None = None,
) -> ReviewRecord:
    """Record a review of ``name`` done on ``today`` and plan the next: ``next_review`` when
    given, else one review cadence after ``today``. ``by`` defaults to the owner."""
    row = find_segment(conn, name)
    if next_review is None:
        if not row.review_cadence:
            raise UserError(
                f'"{row.name}" has no review cadence: set one (weekly, monthly, quarterly...) '
                "or give the next review date"
            )
        next_review = parse_cadence(row.review_cadence).after(today)
    elif next_review <= today:
        raise UserError(f"next_review: {next_review} is not after the review ({today})")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_LIMIT:
        raise UserError(f"note: {len(note):,} characters; at most {NOTE_LIMIT:,}")
    record = ReviewRecord(
        reviewed_on=today,
        due_on=row.next_review,
        next_review=next_review,
        reviewed_by=(by or "").strip() or row.owner,
        note=note,
    )
    conn.execute(review_table.insert(), {"segment_id": row.id, **asdict(record), "created_at": now})
    conn.execute(
        update(segment)
        .where(segment.c.id == row.id)
        .values(next_review=next_review, updated_at=now)
    )
    return record


def review_log(conn: Connection, segment_id: int) -> list[ReviewRecord]:
    """The reviews recorded for a segment, oldest first."""
    rows = conn.execute(
        select(review_table)
        .where(review_table.c.segment_id == segment_id)
        .order_by(review_table.c.reviewed_on, review_table.c.id)
    )
    return [
        ReviewRecord(r.reviewed_on, r.due_on, r.next_review, r.reviewed_by, r.note) for r in rows
    ]
