"""Stability between snapshots (DESIGN §8): per segment kept, joined, left, similarity and
retention; for a scheme the transition matrix with "none"; for one contact its segments in
each snapshot. The measures are ``set_measures.change`` over the stored sets.

A subject is a scheme by its name (``rfm``, ``lifecycle``: a scheme's name wins over a
segment of the same name) or one segment by name. A scheme's segments are its live ones, in
priority order; a segment a snapshot does not hold counts as empty there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from pyroaring import BitMap
from sqlalchemy import Connection, func, select

from segdesk.analysis.set_measures import Change, Members, change
from segdesk.analysis.snapshots import (
    SnapshotInfo,
    find_snapshot,
    list_snapshots,
    load_snapshot,
    snapshot_sizes,
)
from segdesk.errors import UserError
from segdesk.segments.lookup import find_segment, live, qualified_name
from segdesk.store.tables import Scheme, Segment

segment = Segment.__table__
scheme = Scheme.__table__

NONE = "none"
"""The row and column of people in no segment of the scheme at that time."""


@dataclass(frozen=True)
class Subject:
    """What stability is asked of: one segment, or the segments of a scheme."""

    name: str
    scheme: str | None
    """The scheme's name when the subject is a whole scheme."""
    segments: tuple[tuple[int, str], ...]
    """(segment id, name), in the scheme's priority order."""

    @property
    def ids(self) -> list[int]:
        return [segment_id for segment_id, _ in self.segments]

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.segments]


@dataclass(frozen=True)
class SegmentStability:
    """One segment's size at each time and how it changed from each time to the next."""

    name: str
    sizes: tuple[int, ...]
    changes: tuple[Change, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "size": list(self.sizes),
            "retained": [c.retained for c in self.changes],
            "entered": [c.entered for c in self.changes],
            "exited": [c.exited for c in self.changes],
            "jaccard": [c.jaccard for c in self.changes],
            "retention": [c.retention for c in self.changes],
        }


@dataclass(frozen=True)
class Transition:
    """People in segment ``source`` the first time and in ``target`` the second."""

    source: str
    target: str
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "count": self.count}


@dataclass(frozen=True)
class Stability:
    """Stability of a subject over a series of times (two snapshots, or a backtest's dates);
    the transitions go from the first time to the last, for a scheme only."""

    subject: str
    scheme: str | None
    dates: tuple[dt.date, ...]
    segments: tuple[SegmentStability, ...]
    transitions: tuple[Transition, ...]
    snapshots: tuple[SnapshotInfo, ...] = ()

    @property
    def names(self) -> list[str]:
        """The matrix's rows and columns: the scheme's segments, then "none"."""
        return [s.name for s in self.segments] + [NONE]

    def matrix(self) -> list[list[int]]:
        """The transitions as rows (the first time) by columns (the last time)."""
        index = {name: i for i, name in enumerate(self.names)}
        cells = [[0] * len(index) for _ in index]
        for t in self.transitions:
            cells[index[t.source]][index[t.target]] = t.count
        return cells

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "scheme": self.scheme,
            "dates": [d.isoformat() for d in self.dates],
            "snapshots": [s.to_json() for s in self.snapshots],
            "segments": {s.name: s.to_json() for s in self.segments},
            "transitions": [t.to_json() for t in self.transitions],
        }


def find_subject(conn: Connection, name: str) -> Subject:
    """A scheme called ``name`` (ignoring case), else the segment called ``name``."""
    wanted = name.strip().casefold()
    found = conn.execute(
        select(scheme.c.id, scheme.c.name).where(func.lower(scheme.c.name) == wanted)
    ).first()
    if found is not None and wanted:
        rows = conn.execute(
            select(segment.c.id, segment.c.name)
            .where(live(), segment.c.scheme_id == found.id)
            .order_by(segment.c.priority, segment.c.id)
        ).all()
        return Subject(found.name, found.name, tuple((r.id, r.name) for r in rows))
    row = find_segment(conn, name)
    return Subject(row.name, None, ((row.id, row.name),))


def measure_series(
    subject: Subject,
    dates: Sequence[dt.date],
    series: Sequence[Mapping[int, Members]],
    snapshots: Sequence[SnapshotInfo] = (),
) -> Stability:
    """The stability of ``subject`` over ``series`` (each time's members by segment id, a
    missing segment empty), one entry of ``dates`` per time."""
    if len(series) != len(dates):
        raise ValueError("one date per time")
    empty = BitMap()
    measured = []
    for segment_id, name in subject.segments:
        sets = [members.get(segment_id, empty) for members in series]
        measured.append(
            SegmentStability(
                name,
                tuple(len(s) for s in sets),
                tuple(change(a, b) for a, b in pairwise(sets)),
            )
        )
    moves: tuple[Transition, ...] = ()
    if subject.scheme is not None and len(series) >= 2:
        moves = tuple(transitions(subject, series[0], series[-1]))
    return Stability(
        subject.name, subject.scheme, tuple(dates), tuple(measured), moves, tuple(snapshots)
    )


def transitions(
    subject: Subject, before: Mapping[int, Members], after: Mapping[int, Members]
) -> list[Transition]:
    """Every cell of the transition matrix but none to none: for each segment of the first
    time (and "none") and each of the second (and "none"), the people in both. "None" holds
    the people in some segment of the scheme at one time and in none at the other, so a
    row adds up to its segment's size (the scheme's segments exclude each other)."""
    empty = BitMap()
    first = [(name, before.get(i, empty)) for i, name in subject.segments]
    second = [(name, after.get(i, empty)) for i, name in subject.segments]
    in_first = BitMap.union(empty, *(s for _, s in first))
    in_second = BitMap.union(empty, *(s for _, s in second))
    everyone = in_first | in_second
    first.append((NONE, everyone - in_first))
    second.append((NONE, everyone - in_second))
    return [
        Transition(source, target, a.intersection_cardinality(b))
        for source, a in first
        for target, b in second
        if not (source == NONE and target == NONE)
    ]


def stability_between(
    conn: Connection, name: str, start: str | None = None, end: str | None = None
) -> Stability:
    """Stability of a segment or scheme between two snapshots, named by id, label or day;
    by default the last two (with only ``end``: the one before it; with only ``start``: the
    last one)."""
    subject = find_subject(conn, name)
    first, last = pick_pair(conn, start, end)
    series = [load_snapshot(conn, s.id, subject.ids) for s in (first, last)]
    return measure_series(subject, [first.day, last.day], series, [first, last])


def pick_pair(
    conn: Connection, start: str | None, end: str | None
) -> tuple[SnapshotInfo, SnapshotInfo]:
    """The two snapshots to compare; a plain message when there are not two."""
    every = list_snapshots(conn, people_of=())
    if start is None and end is None:
        if len(every) < 2:
            raise UserError(
                f"stability needs two snapshots and there {_are(len(every))}: take one with "
                "`segdesk snapshot`, change or refresh the data, then take another"
            )
        return _counted(conn, every[-2], every[-1])
    last = find_snapshot(conn, end) if end is not None else every[-1]
    if start is not None:
        first = find_snapshot(conn, start)
    else:
        earlier = [s for s in every if (s.moment, s.id) < (last.moment, last.id)]
        if not earlier:
            raise UserError(f"there is no snapshot before {last.name} to compare it with")
        first = earlier[-1]
    if first.id == last.id:
        raise UserError(f"choose two different snapshots (both are {first.name})")
    return _counted(conn, first, last)


def _counted(
    conn: Connection, first: SnapshotInfo, last: SnapshotInfo
) -> tuple[SnapshotInfo, SnapshotInfo]:
    """The two snapshots with their people counted."""
    found = {s.id: s for s in list_snapshots(conn, people_of=[first.id, last.id])}
    return found[first.id], found[last.id]


def _are(n: int) -> str:
    return "is none" if n == 0 else "is only one" if n == 1 else f"are {n}"


@dataclass(frozen=True)
class SizePoint:
    """A segment's size at one time: a snapshot's, or a refresh's when there are none."""

    when: dt.datetime
    size: int


@dataclass(frozen=True)
class SizeSeries:
    """Each segment of a subject with its sizes over time, and where they come from."""

    source: str
    """``snapshots`` or ``refreshes``."""
    segments: tuple[tuple[str, tuple[SizePoint, ...]], ...]


def size_over_time(conn: Connection, name: str) -> SizeSeries:
    """Sizes at each snapshot, read without loading the sets; a segment with none falls back
    to the sizes its refreshes recorded (``segment_refresh``)."""
    subject = find_subject(conn, name)
    sizes = snapshot_sizes(conn, subject.ids)
    every = [s for s in list_snapshots(conn, people_of=()) if s.id in sizes]
    if every:
        return SizeSeries(
            "snapshots",
            tuple(
                (name, tuple(SizePoint(s.moment, sizes[s.id].get(i, 0)) for s in every))
                for i, name in subject.segments
            ),
        )
    from segdesk.segments.overview import size_history

    return SizeSeries(
        "refreshes",
        tuple(
            (
                name,
                tuple(
                    SizePoint(p.refreshed_at, p.members)
                    for p in size_history(conn, _by_id(conn, i))
                ),
            )
            for i, name in subject.segments
        ),
    )


def _by_id(conn: Connection, segment_id: int) -> str:
    """The name that finds the segment, qualified by its scheme where that is needed."""
    row = conn.execute(
        select(segment.c.name, scheme.c.name.label("scheme_name"))
        .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
        .where(segment.c.id == segment_id)
    ).one()
    return qualified_name(row.scheme_name, row.name)


@dataclass(frozen=True)
class HistoryEntry:
    """The segments one contact was in at one snapshot."""

    snapshot: SnapshotInfo
    segments: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {**self.snapshot.to_json(), "contact_segments": list(self.segments)}


def contact_history(conn: Connection, contact: str) -> list[HistoryEntry]:
    """The segments a contact (email, external id or id) was in at each snapshot, oldest
    first; scheme segments named with their scheme ("rfm: Champions")."""
    from segdesk.segments.contact_ref import find_contact

    contact_id = find_contact(conn, contact)
    names = {
        row.id: qualified_name(row.scheme_name, row.name)
        for row in conn.execute(
            select(segment.c.id, segment.c.name, scheme.c.name.label("scheme_name")).select_from(
                segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id)
            )
        )
    }
    history = []
    for found in list_snapshots(conn):
        members = load_snapshot(conn, found.id)
        held = sorted(i for i, ids in members.items() if contact_id in ids)
        history.append(HistoryEntry(found, tuple(names.get(i, f"#{i}") for i in held)))
    return history
