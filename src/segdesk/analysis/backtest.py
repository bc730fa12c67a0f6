"""Backtest: a segment or a whole scheme evaluated as of each date of a weekly or monthly
series (:mod:`segdesk.analysis.as_of`), with the stability measures of DESIGN §8 between
consecutive dates (docs/backtest.md).

Dates are the month ends (monthly) or the Sundays, the ends of ISO weeks (weekly), from
the first date to the last one inclusive. The measures between dates come from
:func:`segdesk.analysis.set_measures.change`; each list of them has one entry fewer than the
dates: entry ``i`` is from ``dates[i]`` to ``dates[i + 1]``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pyroaring import BitMap
from sqlalchemy import Connection

from segdesk.analysis.as_of import SegmentsAsOf
from segdesk.analysis.set_measures import Change, change
from segdesk.analysis.stability import Subject
from segdesk.analysis.stability import find_subject as stability_subject
from segdesk.errors import NotFoundError, UserError
from segdesk.jobs import CancelCheck, Job, Progress

Cadence = Literal["monthly", "weekly"]
CADENCES: tuple[Cadence, ...] = ("monthly", "weekly")
NONE = "none"
"""In a scheme's transitions: in none of its segments."""
SUNDAY = 6


@dataclass(frozen=True)
class SegmentSeries:
    """One segment over the dates: its size on each, and how it changed between each two."""

    name: str
    sizes: tuple[int, ...]
    changes: tuple[Change, ...]
    """``changes[i]``: from ``dates[i]`` to ``dates[i + 1]``."""
    average_days: float | None
    """Average time in the segment, in days; see :func:`average_days`."""

    def to_json(self) -> dict[str, Any]:
        return {
            "size": list(self.sizes),
            "retained": [c.retained for c in self.changes],
            "entered": [c.entered for c in self.changes],
            "exited": [c.exited for c in self.changes],
            "jaccard": [c.jaccard for c in self.changes],
            "retention": [c.retention for c in self.changes],
            "average_days": self.average_days,
        }


@dataclass(frozen=True)
class Move:
    """People in ``source`` on ``dates[step]`` and in ``target`` on ``dates[step + 1]``
    (either may be "none", in no segment of the scheme)."""

    step: int
    source: str
    target: str
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "from": self.source, "to": self.target, "count": self.count}


@dataclass(frozen=True)
class Backtest:
    """A backtest's figures. Only two dates' sets are held at a time, so a long weekly
    series over a million contacts stays small; the sets of one date come from
    :func:`segdesk.analysis.as_of.members_as_of`."""

    subject: str
    scheme: str | None
    cadence: Cadence
    dates: tuple[dt.date, ...]
    segments: tuple[SegmentSeries, ...]
    transitions: tuple[Move, ...]
    """For a scheme, every non-zero move between consecutive dates, staying put included;
    empty for one segment."""
    notes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "scheme": self.scheme,
            "cadence": self.cadence,
            "dates": [d.isoformat() for d in self.dates],
            "segments": {s.name: s.to_json() for s in self.segments},
            "transitions": [m.to_json() for m in self.transitions],
            "notes": list(self.notes),
        }


def series_dates(start: dt.date, end: dt.date, cadence: Cadence) -> list[dt.date]:
    """The month ends or Sundays from ``start`` to ``end``, both included."""
    dates = []
    day = _first_date(start, cadence)
    while day <= end:
        dates.append(day)
        day = next_date(day, cadence)
    return dates


def next_date(day: dt.date, cadence: Cadence) -> dt.date:
    """The date of the series after ``day`` (itself a date of the series)."""
    if cadence == "weekly":
        return day + dt.timedelta(days=7)
    following = day + dt.timedelta(days=1)
    return _month_end(following.year, following.month)


def find_subject(conn: Connection, name: str) -> Subject:
    """The scheme (``rfm``, ``lifecycle``) or segment called ``name``, as stability finds it,
    with a backtest's errors: NotFoundError naming both kinds, UserError for a scheme that
    has no segments to follow."""
    try:
        subject = stability_subject(conn, name)
    except NotFoundError:
        raise NotFoundError(f'there is no segment or scheme called "{name}"') from None
    if not subject.segments:
        raise UserError(f'the scheme "{subject.name}" has no segments')
    return subject


def run_backtest(
    conn: Connection,
    name: str,
    start: dt.date,
    end: dt.date,
    cadence: Cadence,
    *,
    today: dt.date,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> Backtest:
    """Backtest the segment or scheme ``name`` on the dates of ``cadence`` from ``start`` to
    ``end`` (at most ``today``). Progress counts dates; a cancel stops between two."""
    dates = checked_dates(start, end, cadence, today)
    subject = find_subject(conn, name)
    job = Job(progress, cancelled, total=len(dates))
    sizes: dict[str, list[int]] = {n: [] for n in subject.names}
    changes: dict[str, list[Change]] = {n: [] for n in subject.names}
    moves: list[Move] = []
    before: dict[str, BitMap] = {}
    with SegmentsAsOf(conn, subject.ids, until=dates[-1]) as segments:
        notes = segments.plan.notes
        job.check()
        for step, day in enumerate(dates):
            found = segments.members(day)
            after = {n: found[i] for i, n in subject.segments}
            for n in subject.names:
                sizes[n].append(len(after[n]))
                if step:
                    changes[n].append(change(before[n], after[n]))
            if step and subject.scheme:
                moves.extend(transitions(step - 1, subject.names, before, after))
            before = after  # only two dates' sets are ever held
            job.step(day.isoformat())
    following = [*dates[1:], next_date(dates[-1], cadence)]
    periods = [(b - a).days for a, b in zip(dates, following, strict=True)]
    return Backtest(
        subject=subject.name,
        scheme=subject.scheme,
        cadence=cadence,
        dates=tuple(dates),
        segments=tuple(
            SegmentSeries(
                n,
                tuple(sizes[n]),
                tuple(changes[n]),
                average_days(sizes[n], [c.entered for c in changes[n]], periods),
            )
            for n in subject.names
        ),
        transitions=tuple(moves),
        notes=notes,
    )


def checked_dates(start: dt.date, end: dt.date, cadence: Cadence, today: dt.date) -> list[dt.date]:
    """The series, refused with a one-line reason when it cannot make a backtest."""
    if start > end:
        raise UserError(f"the backtest starts on {start}, after it ends on {end}")
    if end > today:
        raise UserError(f"the backtest ends on {end}, after today ({today}): no orders yet")
    dates = series_dates(start, end, cadence)
    if len(dates) < 2:
        unit = "month end" if cadence == "monthly" else "Sunday"
        raise UserError(
            f"from {start} to {end} there {'is' if dates else 'are'} {len(dates) or 'no'} "
            f"{unit}{'' if len(dates) == 1 else 's'}: a backtest needs at least two dates"
        )
    return dates


def average_days(
    sizes: Sequence[int], entered: Sequence[int], periods: Sequence[int]
) -> float | None:
    """The mean length, in days, of the runs of consecutive dates people spend in a segment.

    Each date someone is in the segment counts for the days until the next date of the
    series (after the last date: until the date the series would take next). A run is
    counted from its first date, so runs already going on the first date and runs still
    going on the last count only what the series sees: for them the figure is a lower
    bound. Runs are those present on the first date plus one for each joining; the total of
    their lengths is the sum over dates of size times period, so no one is followed alone.
    ``None`` when nobody is ever in it."""
    runs = (sizes[0] if sizes else 0) + sum(entered)
    if runs == 0:
        return None
    return sum(size * days for size, days in zip(sizes, periods, strict=True)) / runs


def transitions(
    step: int, names: Sequence[str], before: dict[str, BitMap], after: dict[str, BitMap]
) -> list[Move]:
    """A scheme's moves from one date (``before``) to the next, "none" included (people in
    none of its segments on one of the two dates; none to none is left out). The segments
    of a scheme do not overlap, so each person moves once."""
    moves = []
    into = {target: len(after[target]) for target in names}
    for source in names:
        left = len(before[source])
        for target in names:
            count = before[source].intersection_cardinality(after[target])
            left -= count
            into[target] -= count
            if count:
                moves.append(Move(step, source, target, count))
        if left:
            moves.append(Move(step, source, NONE, left))
    moves.extend(Move(step, NONE, t, count) for t, count in into.items() if count)
    return moves


def _first_date(start: dt.date, cadence: Cadence) -> dt.date:
    if cadence == "weekly":
        return start + dt.timedelta(days=(SUNDAY - start.weekday()) % 7)
    return _month_end(start.year, start.month)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
