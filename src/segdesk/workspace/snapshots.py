"""Snapshots and stability (docs/stability.md): take, list, find, load and delete snapshots;
stability of a segment or scheme between two of them; a contact's segments in each; a
subject's sizes over time.

Taking and deleting run in a transaction of their own that takes the write lock; reads never
write. The domain code is imported when used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from pyroaring import BitMap, FrozenBitMap

    from segdesk.analysis.snapshots import SnapshotInfo
    from segdesk.analysis.stability import HistoryEntry, SizeSeries, Stability
    from segdesk.jobs import CancelCheck, Progress


class Snapshots:
    """Snapshots of every active and draft segment, and stability between them."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def take(
        self,
        label: str | None = None,
        *,
        as_of: date | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> SnapshotInfo:
        """A manual snapshot of the members as they stand now, or as they would have been at
        the end of ``as_of``."""
        from segdesk.analysis.snapshots import find_snapshot, take_snapshot, take_snapshot_as_of

        now = datetime.now(UTC)
        with write_connection(self._engine) as conn, conn.begin():
            if as_of is None:
                snapshot_id = take_snapshot(conn, label=label, now=now)
            else:
                snapshot_id = take_snapshot_as_of(
                    conn, as_of, label=label, now=now, progress=progress, cancelled=cancelled
                )
            return find_snapshot(conn, snapshot_id)

    def save(
        self,
        members: Mapping[int, BitMap | FrozenBitMap],
        *,
        kind: str,
        label: str | None = None,
        as_of: date | None = None,
    ) -> SnapshotInfo:
        """Store members computed elsewhere (segment id to contact ids), e.g. as of a date."""
        from segdesk.analysis.snapshots import find_snapshot, save_snapshot

        with write_connection(self._engine) as conn, conn.begin():
            snapshot_id = save_snapshot(conn, members, kind=kind, label=label, as_of=as_of)
            return find_snapshot(conn, snapshot_id)

    def all(self) -> list[SnapshotInfo]:
        """Every snapshot, oldest first."""
        from segdesk.analysis.snapshots import list_snapshots

        with self._engine.connect() as conn:
            return list_snapshots(conn)

    def find(self, ref: str | int) -> SnapshotInfo:
        """The snapshot named by its id, its label or its day."""
        from segdesk.analysis.snapshots import find_snapshot

        with self._engine.connect() as conn:
            return find_snapshot(conn, ref)

    def load(self, ref: str | int) -> dict[int, FrozenBitMap]:
        """A snapshot's members by segment id."""
        from segdesk.analysis.snapshots import find_snapshot, load_snapshot

        with self._engine.connect() as conn:
            return load_snapshot(conn, find_snapshot(conn, ref).id)

    def delete(self, ref: str | int) -> SnapshotInfo:
        """Delete a snapshot and its members; returns what it was."""
        from segdesk.analysis.snapshots import delete_snapshot

        with write_connection(self._engine) as conn, conn.begin():
            return delete_snapshot(conn, ref)

    def stability(self, name: str, start: str | None = None, end: str | None = None) -> Stability:
        """A segment's or a scheme's stability between two snapshots (default: the last two)."""
        from segdesk.analysis.stability import stability_between

        with self._engine.connect() as conn:
            return stability_between(conn, name, start, end)

    def contact_history(self, contact: str) -> list[HistoryEntry]:
        """The segments a contact was in at each snapshot."""
        from segdesk.analysis.stability import contact_history

        with self._engine.connect() as conn:
            return contact_history(conn, contact)

    def sizes(self, name: str) -> SizeSeries:
        """A segment's or scheme's sizes at each snapshot, else at each refresh."""
        from segdesk.analysis.stability import size_over_time

        with self._engine.connect() as conn:
            return size_over_time(conn, name)
