"""Home screen alerts: segments that moved sharply since the last snapshot of an earlier day
("Lapsed big spenders grew 38% since last week").

Today's snapshots are passed over: the refresh that changed a segment has just taken one, and
the change is what the alert is for. A segment is named when its size changed by
:data:`SIZE_CHANGE` or more, or else when its similarity to the snapshot (people in both
over people in either) fell below :data:`SIMILARITY`, and it held at least
:data:`MIN_PEOPLE` people at one of the two times, so that small segments do not alarm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.set_measures import change
from segdesk.analysis.snapshots import SNAPSHOT_STATUSES, list_snapshots, load_snapshot
from segdesk.store.tables import Segment

segment = Segment.__table__

SIZE_CHANGE = 0.20
SIMILARITY = 0.70
MIN_PEOPLE = 50
SHOWN = 2
"""Alerts named one by one; the others are counted in one more line."""


@dataclass(frozen=True)
class MovementAlert:
    """One segment that moved, or (``segment`` None) how many more did."""

    segment: str | None
    moved: int
    """People who joined or left it."""
    text: str


def movement_alerts(conn: Connection, today: dt.date) -> list[MovementAlert]:
    """The segments that moved most since the last snapshot of a day before ``today``, the
    largest moves first."""
    earlier = [s for s in list_snapshots(conn, people_of=()) if s.day < today]
    if not earlier:
        return []
    base = earlier[-1]
    rows = conn.execute(
        select(segment.c.id, segment.c.name, segment.c.member_count).where(
            segment.c.deleted_at.is_(None), segment.c.status.in_(SNAPSHOT_STATUSES)
        )
    ).all()
    before = load_snapshot(conn, base.id, [r.id for r in rows])
    held = [r for r in rows if r.id in before]
    names = {r.id: r.name for r in held}
    big = [r.id for r in held if max(len(before[r.id]), r.member_count or 0) >= MIN_PEOPLE]
    since = since_words(base.day, today)
    found: list[tuple[float, MovementAlert]] = []
    for segment_id, members in current_members(conn, big).items():
        moved = change(before[segment_id], members)
        if max(moved.before, moved.after) < MIN_PEOPLE:
            continue
        people = moved.entered + moved.exited
        name = names[segment_id]
        growth = (moved.after - moved.before) / moved.before if moved.before else None
        if growth is None or abs(growth) >= SIZE_CHANGE:
            verb = "appeared" if growth is None else "grew" if growth > 0 else "shrank"
            amount = "" if growth is None else f" {abs(growth):.0%}"
            text = f"{name} {verb}{amount} {since}"
            weight = abs(growth) if growth is not None else 1.0
            found.append((weight, MovementAlert(name, people, text)))
        elif moved.jaccard is not None and moved.jaccard < SIMILARITY:
            text = f"{name} changed {1 - moved.jaccard:.0%} of its people {since}"
            found.append((1 - moved.jaccard, MovementAlert(name, people, text)))
    found.sort(key=lambda pair: (-pair[0], pair[1].text))
    alerts = [alert for _, alert in found]
    if len(alerts) > SHOWN + 1:
        rest = alerts[SHOWN:]
        more = MovementAlert(
            None,
            sum(a.moved for a in rest),
            f"{len(rest)} more segments moved {since} (t: stability)",
        )
        alerts = [*alerts[:SHOWN], more]
    return alerts


def since_words(day: dt.date, today: dt.date) -> str:
    """How long ago ``day`` was, as the end of an alert: "since last week"."""
    days = (today - day).days
    if days <= 1:
        return "since yesterday"
    if days < 7:
        return f"in {days} days"
    if days < 14:
        return "since last week"
    if days < 28:
        return f"in {days // 7} weeks"
    if days < 60:
        return "since last month"
    return f"since {day.isoformat()}"
