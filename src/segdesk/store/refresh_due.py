"""A refresh of the segments that a change of data made due, recorded with that change.

An import or an undo commits, then the segments are refreshed in a transaction of their own
(``segments.after_import``). A process killed between the two would leave the segments stale
with nothing to say so; so the change writes the ``segments_due`` row of ``meta`` in its own
transaction (only when there are segments to refresh), and the refresh's transaction deletes
it. Whoever opens the database next finds it: a writer finishes the refresh, a reader says
the segments are out of date.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from segdesk.store.tables import Meta, Scheme, Segment

SEGMENTS_DUE_KEY = "segments_due"

meta = Meta.__table__


def has_dynamic_segments(conn: Connection) -> bool:
    """Whether a refresh would do anything: a scheme, or a live rule segment."""
    segment, scheme = Segment.__table__, Scheme.__table__
    rule_segment = select(segment.c.id).where(
        segment.c.kind == "rule", segment.c.deleted_at.is_(None)
    )
    found: bool = conn.execute(
        select(rule_segment.exists() | select(scheme.c.id).exists())
    ).scalar_one()
    return found


def mark_segments_due(conn: Connection, cause: str) -> None:
    """Record, in the caller's transaction, that ``cause`` (``import 7``) calls for a refresh;
    the earliest cause not yet refreshed is kept. Nothing when no segment would change."""
    if segments_due(conn) is None and has_dynamic_segments(conn):
        conn.execute(meta.insert().values(key=SEGMENTS_DUE_KEY, value=cause))


def segments_due(conn: Connection) -> str | None:
    """What the segments are out of date since (``import 7``), or None when they are not."""
    value: str | None = conn.execute(
        select(meta.c.value).where(meta.c.key == SEGMENTS_DUE_KEY)
    ).scalar_one_or_none()
    return value


def clear_segments_due(conn: Connection) -> None:
    """The segments are up to date, as of the caller's transaction."""
    conn.execute(meta.delete().where(meta.c.key == SEGMENTS_DUE_KEY))
