"""Home screen alerts: segments that moved sharply since the last snapshot of an earlier day
("Lapsed big spenders grew 38% since last week").

Today's snapshots are passed over: the refresh that changed a segment has just taken one, and
the change is what the alert is for. A segment is named when its size changed by
:data:`SIZE_CHANGE` or more, or else when its similarity to the snapshot (people in both
over people in either) fell below :data:`SIMILARITY`, and it held at least
:data:`MIN_PEOPLE` people at one of the two times, so that small segments do not alarm.

An alert is news: a segment that moves this much at every step by its nature ("New this
month", lifecycle's "New", which change their people every month) is not named for doing
it again. With :data:`MIN_HISTORY` steps or more between its earlier snapshots (the last
:data:`HISTORY_STEPS`), a move is named only when it is sharper than every one of them: a
larger change of size, or a lower similarity, than the segment ever showed there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import Connection, select

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.set_measures import Change, Members, change
from segdesk.analysis.snapshots import (
    SNAPSHOT_STATUSES,
    SnapshotInfo,
    list_snapshots,
    load_snapshot,
)
from segdesk.store.tables import Segment

segment = Segment.__table__

SIZE_CHANGE = 0.20
SIMILARITY = 0.70
MIN_PEOPLE = 50
HISTORY_STEPS = 12
"""Earlier steps between snapshots that a move is weighed against."""
MIN_HISTORY = 3
"""Steps a segment needs before its history is weighed; with fewer, the thresholds alone."""
SHOWN = 2
"""Alerts named one by one; the others are counted in one more line."""


@dataclass(frozen=True)
class MovementAlert:
    """One segment that moved, or (``segment`` None) how many more did."""

    segment: str | None
    moved: int
    """People who joined or left it."""
    text: str
    segments: int = 1
    """The segments the line stands for: one, or those counted in the last line."""


@dataclass(frozen=True)
class Usual:
    """The sharpest moves of a segment between its earlier snapshots."""

    steps: int
    growth: float
    """The largest change of size, as a share of the size before (0 without one)."""
    similarity: float
    """The lowest similarity (1 without one)."""

    @property
    def known(self) -> bool:
        return self.steps >= MIN_HISTORY


def usual_moves(
    snapshots: Sequence[Mapping[int, Members]], segment_ids: Sequence[int]
) -> dict[int, Usual]:
    """Each segment's sharpest moves between consecutive ``snapshots`` (oldest first), over
    the steps where both hold it."""
    found = {}
    for segment_id in segment_ids:
        steps, growth, similarity = 0, 0.0, 1.0
        for before, after in pairwise(snapshots):
            if segment_id not in before or segment_id not in after:
                continue
            moved = change(before[segment_id], after[segment_id])
            steps += 1
            if moved.before:
                growth = max(growth, abs(moved.after - moved.before) / moved.before)
            if moved.jaccard is not None:
                similarity = min(similarity, moved.jaccard)
        found[segment_id] = Usual(steps, growth, similarity)
    return found


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
    moves: dict[int, Change] = {}
    for segment_id, members in current_members(conn, big).items():
        moved = change(before[segment_id], members)
        if max(moved.before, moved.after) >= MIN_PEOPLE and (
            _size_news(moved, None) or _people_news(moved, None)
        ):
            moves[segment_id] = moved
    # Only the segments past the thresholds are weighed against their history, which is read
    # for them alone: a shop where nothing moved reads no more than the last snapshot.
    usual = usual_moves(_history(conn, earlier, before, list(moves)), list(moves))
    since = since_words(base.day, today)
    found: list[tuple[float, MovementAlert]] = []
    for segment_id, moved in moves.items():
        people = moved.entered + moved.exited
        name = names[segment_id]
        growth = _growth(moved)
        mine = usual[segment_id] if usual[segment_id].known else None
        if _size_news(moved, mine):
            verb = "appeared" if growth is None else "grew" if growth > 0 else "shrank"
            amount = "" if growth is None else f" {abs(growth):.0%}"
            text = f"{name} {verb}{amount} {since}"
            weight = abs(growth) if growth is not None else 1.0
            found.append((weight, MovementAlert(name, people, text)))
        elif moved.jaccard is not None and _people_news(moved, mine):
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
            len(rest),
        )
        alerts = [*alerts[:SHOWN], more]
    return alerts


def _growth(moved: Change) -> float | None:
    return (moved.after - moved.before) / moved.before if moved.before else None


def _size_news(moved: Change, usual: Usual | None) -> bool:
    """Appeared, or its size changed past the threshold and (with a known history) more
    than it ever did."""
    growth = _growth(moved)
    if growth is None:
        return True
    return abs(growth) >= SIZE_CHANGE and (usual is None or abs(growth) > usual.growth)


def _people_news(moved: Change, usual: Usual | None) -> bool:
    """Its similarity fell below the threshold and (with a known history) below any it
    showed."""
    return (
        moved.jaccard is not None
        and moved.jaccard < SIMILARITY
        and (usual is None or moved.jaccard < usual.similarity)
    )


def _history(
    conn: Connection,
    earlier: list[SnapshotInfo],
    before: Mapping[int, Members],
    segment_ids: list[int],
) -> list[Mapping[int, Members]]:
    """The segments' members in the last snapshots up to the last of ``earlier``
    (``before``, read already), enough for :data:`HISTORY_STEPS` steps, oldest first."""
    if not segment_ids:
        return []
    older = earlier[-HISTORY_STEPS - 1 : -1]
    return [*(load_snapshot(conn, s.id, segment_ids) for s in older), before]


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
