"""Segments: the list, one in full, its members; create, change, pin, refresh and explain.

Each change runs in a transaction of its own that takes the write lock as it begins; ``today``
defaults to the current date. ``segdesk.segments`` is imported when used: the rule parser
would slow the app's start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from segdesk.errors import UserError
from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRecord
    from segdesk.jobs import CancelCheck, Progress
    from segdesk.segments.detail import SegmentDetail
    from segdesk.segments.explain import Explanation
    from segdesk.segments.lookup import SegmentInfo
    from segdesk.segments.pins import Pin
    from segdesk.segments.refresh import RefreshResult


class Segments:
    """Rule segments, static lists and model segments, by name."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # Reading ---------------------------------------------------------------------------

    def out_of_date_since(self) -> str | None:
        """What the segments are out of date since (``import 7``) when a refresh an import
        or undo made due did not happen (the process was killed, or a segment could not be
        computed); None when they are up to date. ``refresh()`` brings them up to date."""
        from segdesk.store.refresh_due import segments_due

        with self._engine.connect() as conn:
            return segments_due(conn)

    def all(self) -> list[SegmentInfo]:
        """Every segment that is not deleted."""
        from segdesk.segments.lookup import list_segments

        with self._engine.connect() as conn:
            return list_segments(conn)

    def detail(self, name: str) -> SegmentDetail:
        """A segment with its rule in text and English, versions, pins and playbook."""
        from segdesk.segments.detail import segment_detail

        with self._engine.connect() as conn:
            return segment_detail(conn, name)

    def members(self, name: str, limit: int | None = None) -> list[ContactRecord]:
        """The members as contact records (as ``contacts.records`` gives them), by id."""
        from segdesk.segments.counting import member_records

        with self._engine.connect() as conn:
            return member_records(conn, name, limit)

    def count_rule(self, rule_text: str, today: date | None = None) -> int:
        """How many contacts a rule finds, without saving anything."""
        from segdesk.segments.counting import count_rule

        with self._engine.connect() as conn:
            return count_rule(conn, rule_text, today or date.today())

    def explain(self, name: str, contact: str, today: date | None = None) -> Explanation:
        """Why a contact (id, email or external id) is or is not in a segment."""
        from segdesk.segments.explain import explain

        with self._engine.connect() as conn:
            return explain(conn, name, contact, today=today or date.today())

    # Changing --------------------------------------------------------------------------

    def create(
        self,
        name: str,
        rule_text: str,
        *,
        static: bool = False,
        today: date | None = None,
        reason: str | None = None,
        status: str = "active",
    ) -> SegmentInfo:
        """A rule segment (members computed now), or with ``static`` a list frozen today."""
        from segdesk.segments.editing import create_segment
        from segdesk.segments.static import create_static_from_rule

        day, now = today or date.today(), datetime.now(UTC)
        with write_connection(self._engine) as conn, conn.begin():
            if static:
                create_static_from_rule(conn, name, rule_text, today=day, now=now, reason=reason)
            else:
                create_segment(
                    conn, name, rule_text, today=day, now=now, reason=reason, status=status
                )
            return _info(conn, name)

    def create_static(
        self,
        name: str,
        *,
        from_segment: str | None = None,
        contacts: list[str] | None = None,
        reason: str | None = None,
    ) -> SegmentInfo:
        """A list frozen from another segment's members or from contacts named one by one."""
        from segdesk.segments.static import create_static_from_contacts, create_static_from_segment

        if (from_segment is None) == (contacts is None):
            raise UserError("make a list from one segment or from contacts")
        now = datetime.now(UTC)
        with write_connection(self._engine) as conn, conn.begin():
            if from_segment is not None:
                create_static_from_segment(conn, name, from_segment, now=now, reason=reason)
            else:
                create_static_from_contacts(conn, name, contacts or [], now=now, reason=reason)
            return _info(conn, name)

    def edit(
        self, name: str, rule_text: str, reason: str, today: date | None = None
    ) -> SegmentInfo:
        """A new version of a rule segment's rule, with the reason for it."""
        from segdesk.segments.editing import edit_segment

        with write_connection(self._engine) as conn, conn.begin():
            edit_segment(
                conn,
                name,
                rule_text,
                reason=reason,
                today=today or date.today(),
                now=datetime.now(UTC),
            )
            return _info(conn, name)

    def rename(self, old: str, new: str) -> SegmentInfo:
        """A new name; rules that name the segment follow."""
        from segdesk.segments.editing import rename_segment

        with write_connection(self._engine) as conn, conn.begin():
            return _info(conn, rename_segment(conn, old, new, now=datetime.now(UTC)))

    def set_status(self, name: str, status: str, today: date | None = None) -> SegmentInfo:
        """Retire, reactivate (``active``) or draft a segment."""
        from segdesk.segments.editing import set_status

        with write_connection(self._engine) as conn, conn.begin():
            set_status(conn, name, status, today=today or date.today(), now=datetime.now(UTC))
            return _info(conn, name)

    def delete(self, name: str) -> str:
        """Soft delete; returns the name the deleted segment is kept under."""
        from segdesk.segments.editing import delete_segment

        with write_connection(self._engine) as conn, conn.begin():
            return delete_segment(conn, name, now=datetime.now(UTC))

    def purge(self, name: str) -> None:
        """Remove a deleted segment and its history for good."""
        from segdesk.segments.editing import purge_segment

        with write_connection(self._engine) as conn, conn.begin():
            purge_segment(conn, name)

    def duplicate(self, name: str, new: str, today: date | None = None) -> SegmentInfo:
        """A copy under a new name: definition, pins and playbook."""
        from segdesk.segments.editing import duplicate_segment

        with write_connection(self._engine) as conn, conn.begin():
            duplicate_segment(conn, name, new, today=today or date.today(), now=datetime.now(UTC))
            return _info(conn, new)

    def pin(self, name: str, contact: str, mode: str, note: str | None = None) -> Pin:
        """Always include or exclude a contact; it takes effect at the next refresh."""
        from segdesk.segments.pins import pin_contact

        with write_connection(self._engine) as conn, conn.begin():
            return pin_contact(conn, name, contact, mode, now=datetime.now(UTC), note=note)

    def unpin(self, name: str, contact: str) -> None:
        """Remove a contact's pin."""
        from segdesk.segments.pins import unpin_contact

        with write_connection(self._engine) as conn, conn.begin():
            unpin_contact(conn, name, contact)

    def refresh(
        self,
        name: str | None = None,
        *,
        today: date | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> RefreshResult:
        """Refresh one segment, or (without a name) the model schemes and then every rule
        segment in dependency order, in one transaction: cancelling changes nothing."""
        from segdesk.segments.refresh import refresh_all, refresh_segment

        day, now = today or date.today(), datetime.now(UTC)
        with write_connection(self._engine) as conn, conn.begin():
            if name is not None:
                return refresh_segment(conn, name, today=day, now=now)
            return refresh_all(conn, today=day, now=now, progress=progress, cancelled=cancelled)


def _info(conn: Connection, name: str) -> SegmentInfo:
    from segdesk.segments.lookup import find_segment, segment_info

    return segment_info(conn, find_segment(conn, name))
