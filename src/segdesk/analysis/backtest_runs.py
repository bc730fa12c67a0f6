"""Kept backtests: the latest run of each segment or scheme at each cadence, summed up so that
its playbook can show it (docs/backtest.md, "Kept for the playbook").

A run is kept as its dates, each segment's sizes, its mean similarity and retention between
consecutive dates and its average time in the segment: figures over people, never a person.
Keeping a run replaces the one kept before for the same subject and cadence. The SQL on
``backtest_run`` lives here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select

from segdesk.analysis.backtest import Backtest, SegmentSeries
from segdesk.analysis.stability import Subject, find_subject
from segdesk.store.tables import BacktestRun, Scheme

run_table = BacktestRun.__table__
scheme = Scheme.__table__


@dataclass(frozen=True)
class SeriesSummary:
    """One segment over a kept backtest's dates."""

    segment_id: int
    name: str
    sizes: tuple[int, ...]
    mean_similarity: float | None
    """The mean of the similarities between consecutive dates that have one."""
    mean_retention: float | None
    average_days: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "segment_id": self.segment_id,
            "name": self.name,
            "sizes": list(self.sizes),
            "mean_similarity": self.mean_similarity,
            "mean_retention": self.mean_retention,
            "average_days": self.average_days,
        }


@dataclass(frozen=True)
class KeptBacktest:
    """The latest backtest of a subject at one cadence, as it was kept."""

    subject: str
    scheme: str | None
    cadence: str
    start: dt.date
    end: dt.date
    run_at: dt.datetime
    dates: tuple[dt.date, ...]
    segments: tuple[SeriesSummary, ...]

    def of_segment(self, segment_id: int) -> SeriesSummary | None:
        return next((s for s in self.segments if s.segment_id == segment_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "scheme": self.scheme,
            "cadence": self.cadence,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "run_at": self.run_at.isoformat(timespec="seconds"),
            "dates": [d.isoformat() for d in self.dates],
            "segments": [s.to_json() for s in self.segments],
        }


def mean(values: Sequence[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return sum(found) / len(found) if found else None


def summarise(series: SegmentSeries, segment_id: int) -> SeriesSummary:
    return SeriesSummary(
        segment_id,
        series.name,
        series.sizes,
        mean([c.jaccard for c in series.changes]),
        mean([c.retention for c in series.changes]),
        series.average_days,
    )


def keep_backtest(
    conn: Connection,
    backtest: Backtest,
    subject: Subject,
    start: dt.date,
    end: dt.date,
    *,
    now: dt.datetime,
) -> KeptBacktest:
    """Keep ``backtest`` of ``subject`` (the subject it was run for), replacing the run kept
    before for the same subject and cadence; in the caller's transaction."""
    ids = dict(zip(subject.names, subject.ids, strict=True))
    kept = KeptBacktest(
        subject=backtest.subject,
        scheme=backtest.scheme,
        cadence=backtest.cadence,
        start=start,
        end=end,
        run_at=now,
        dates=backtest.dates,
        segments=tuple(summarise(s, ids[s.name]) for s in backtest.segments if s.name in ids),
    )
    scheme_id = _scheme_id(conn, subject.scheme) if subject.scheme is not None else None
    segment_id = None if scheme_id is not None else subject.ids[0]
    conn.execute(
        delete(run_table).where(
            run_table.c.cadence == backtest.cadence,
            run_table.c.scheme_id.is_(None)
            if scheme_id is None
            else run_table.c.scheme_id == scheme_id,
            run_table.c.segment_id.is_(None)
            if segment_id is None
            else run_table.c.segment_id == segment_id,
        )
    )
    conn.execute(
        run_table.insert().values(
            segment_id=segment_id,
            scheme_id=scheme_id,
            subject=backtest.subject,
            cadence=backtest.cadence,
            start_date=start,
            end_date=end,
            run_at=now,
            summary={
                "dates": [d.isoformat() for d in kept.dates],
                "segments": [s.to_json() for s in kept.segments],
            },
        )
    )
    return kept


def latest_backtests(conn: Connection, name: str) -> list[KeptBacktest]:
    """The kept runs of the scheme or segment called ``name`` (one per cadence), the latest
    first."""
    subject = find_subject(conn, name)
    if subject.scheme is not None:
        where = run_table.c.scheme_id == _scheme_id(conn, subject.scheme)
    else:
        where = run_table.c.segment_id == subject.ids[0]
    return _read(conn, where)


def backtests_of_segment(conn: Connection, segment_id: int) -> list[KeptBacktest]:
    """The kept runs that followed the segment: its own, and its scheme's; the latest first."""
    runs = _read(conn, None)
    return [r for r in runs if r.of_segment(segment_id) is not None]


def _read(conn: Connection, where: Any) -> list[KeptBacktest]:
    query = (
        select(run_table, scheme.c.name.label("scheme_name"))
        .select_from(run_table.outerjoin(scheme, scheme.c.id == run_table.c.scheme_id))
        .order_by(run_table.c.run_at.desc(), run_table.c.id.desc())
    )
    if where is not None:
        query = query.where(where)
    return [_kept(row) for row in conn.execute(query)]


def _kept(row: Any) -> KeptBacktest:
    summary = dict(row.summary or {})
    run_at = row.run_at if row.run_at.tzinfo else row.run_at.replace(tzinfo=dt.UTC)
    return KeptBacktest(
        subject=row.subject,
        scheme=row.scheme_name,
        cadence=row.cadence,
        start=row.start_date,
        end=row.end_date,
        run_at=run_at,
        dates=tuple(dt.date.fromisoformat(d) for d in summary.get("dates", [])),
        segments=tuple(
            SeriesSummary(
                int(s["segment_id"]),
                str(s["name"]),
                tuple(int(n) for n in s["sizes"]),
                s.get("mean_similarity"),
                s.get("mean_retention"),
                s.get("average_days"),
            )
            for s in summary.get("segments", [])
        ),
    )


def _scheme_id(conn: Connection, name: str) -> int:
    found: int = conn.execute(
        select(scheme.c.id).where(func.lower(scheme.c.name) == name.casefold())
    ).scalar_one()
    return found
