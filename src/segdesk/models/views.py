"""The saved schemes as the app shows them: RFM as its 5x5 RxF grid with the breakpoints of
its last run, lifecycle with its thresholds and stage sizes.

The grid counts people per cell, which the saved scheme does not keep (it stores a segment
per name, and a name covers several cells). The cells are scored again from the orders up to
the last run's as-of day with that run's stored breakpoints: a score depends on nothing but
the value and the breakpoints, so this gives the run's cells as long as the orders up to that
day are the ones it read (an import refreshes the schemes, so they are).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Row, select

from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.models import lifecycle, rfm
from segdesk.models.orders import buyers_as_of, read_orders
from segdesk.models.runner import LIFECYCLE, RFM, RfmResult
from segdesk.store.tables import ModelRun, Scheme, Segment

scheme = Scheme.__table__
segment = Segment.__table__
run_table = ModelRun.__table__

SCORES = (5, 4, 3, 2, 1)
"""R scores top to bottom and F scores right to left: the best cell is the top right."""


@dataclass(frozen=True)
class RfmGrid:
    """One RFM run as a grid: ``cells[r - 1][f - 1]`` people scored R ``r`` and F ``f``."""

    as_of: dt.date
    ran_at: dt.datetime | None
    breakpoints: rfm.Breakpoints
    cells: tuple[tuple[int, ...], ...]
    contacts: int
    no_purchases: int

    def people(self, r: int, f: int) -> int:
        return self.cells[r - 1][f - 1]

    @property
    def with_orders(self) -> int:
        return sum(map(sum, self.cells))

    def sizes(self) -> dict[str, int]:
        """People per RFM name, in the scheme's order, "No purchases" last."""
        sizes = dict.fromkeys(rfm.SEGMENT_NAMES, 0)
        for r in SCORES:
            for f in SCORES:
                sizes[name_of(r, f)] += self.people(r, f)
        sizes[rfm.NO_PURCHASES] = self.no_purchases
        return sizes


@dataclass(frozen=True)
class LifecycleView:
    """The lifecycle scheme as saved: its thresholds, its last run's day and its stage sizes
    (all zero, and ``as_of`` None, before the first run)."""

    as_of: dt.date | None
    ran_at: dt.datetime | None
    thresholds: lifecycle.Thresholds
    sizes: dict[str, int]


def name_of(r: int, f: int) -> str:
    """The RFM name of cell (r, f)."""
    return rfm.SEGMENT_NAMES[rfm.GRID_CODES[r, f]]


def grid_of(result: RfmResult, ran_at: dt.datetime | None = None) -> RfmGrid:
    """The grid of a run just made."""
    frame = result.contacts
    contacts = sum(result.sizes.values())
    return RfmGrid(
        result.as_of,
        ran_at,
        result.breakpoints,
        _cells(frame["r"].to_numpy(), frame["f"].to_numpy()),
        contacts,
        contacts - len(frame),
    )


def saved_grid(
    conn: Connection, *, progress: Progress | None = None, cancelled: CancelCheck | None = None
) -> RfmGrid | None:
    """The grid of the saved RFM scheme's last run; None before the first."""
    job = Job(progress, cancelled, total=2)
    run = _last_run(conn, RFM)
    if run is None:
        return None
    stored = run.breakpoints or {}
    points = rfm.Breakpoints(
        *(tuple(float(v) for v in stored.get(k, ())) for k in ("recency", "frequency", "monetary"))
    )
    orders = read_orders(conn, run.as_of)
    job.step("orders read")
    buyers = buyers_as_of(orders, run.as_of)
    r = 5 - rfm.groups_above(buyers.days_since_last, points.recency)
    f = 1 + rfm.groups_above(buyers.frequency, points.frequency)
    cells = _cells(r, f)
    job.step("scored")
    contacts = len(orders.contacts)
    return RfmGrid(
        run.as_of, _utc(run.ran_at), points, cells, contacts, contacts - len(buyers.positions)
    )


def saved_lifecycle(conn: Connection) -> LifecycleView:
    """The lifecycle scheme's thresholds and stage sizes as saved."""
    row = conn.execute(
        select(scheme.c.id, scheme.c.params).where(
            scheme.c.name == LIFECYCLE, scheme.c.kind == LIFECYCLE
        )
    ).first()
    sizes = dict.fromkeys(lifecycle.STAGES, 0)
    if row is None:
        return LifecycleView(None, None, lifecycle.Thresholds(), sizes)
    members = conn.execute(
        select(segment.c.name, segment.c.definition, segment.c.member_count).where(
            segment.c.scheme_id == row.id, segment.c.deleted_at.is_(None)
        )
    ).all()
    for member in members:
        stage = (member.definition or {}).get("model_segment", member.name)
        if stage in sizes:
            sizes[stage] = member.member_count or 0
    run = _last_run(conn, LIFECYCLE)
    return LifecycleView(
        run.as_of if run is not None else None,
        _utc(run.ran_at) if run is not None else None,
        lifecycle.Thresholds.from_json(row.params),
        sizes,
    )


def _last_run(conn: Connection, kind: str) -> Row[Any, Any, Any] | None:
    """The last stored run of the scheme of that kind (and name), or None."""
    return conn.execute(
        select(run_table.c.as_of, run_table.c.breakpoints, run_table.c.ran_at)
        .join(scheme, scheme.c.id == run_table.c.scheme_id)
        .where(scheme.c.name == kind, scheme.c.kind == kind)
        .order_by(run_table.c.id.desc())
        .limit(1)
    ).first()


def _cells(r: np.ndarray, f: np.ndarray) -> tuple[tuple[int, ...], ...]:
    counts = np.bincount(
        (np.asarray(r, dtype=np.int64) - 1) * 5 + np.asarray(f, dtype=np.int64) - 1, minlength=25
    )
    return tuple(tuple(int(c) for c in counts[row * 5 : row * 5 + 5]) for row in range(5))


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """Stored times come back naive; they are UTC."""
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when
