"""Running the RFM and lifecycle models over a database, and refreshing their schemes.

A run reads every contact and their orders up to the end of the as-of day, puts each contact
in exactly one segment (those without orders in "No purchases" / "Never purchased") and,
when asked to save, stores the result as the scheme ``rfm`` or ``lifecycle``
(``models.schemes``), which rules then name as ``rfm = "Champions"``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from segdesk.errors import NotFoundError, UserError
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.models import lifecycle, rfm
from segdesk.models.orders import Buyers, Orders, buyers_as_of, day_dates, read_orders
from segdesk.models.schemes import save_assignment
from segdesk.store.tables import Scheme, Segment

RFM, LIFECYCLE = "rfm", "lifecycle"
REFRESHABLE_KINDS = (RFM, LIFECYCLE)
"""Kinds of scheme that :func:`refresh_scheme` can run again."""

STEPS = 3
"""A run's progress counts its steps: read the orders, compute, save (or count)."""


@dataclass(frozen=True)
class RfmResult:
    """One RFM run. ``contacts`` has a row per contact with orders: contact_id,
    last_order, recency_days, frequency, monetary, r, f, m, segment."""

    as_of: dt.date
    sizes: dict[str, int]
    contacts: pd.DataFrame
    breakpoints: rfm.Breakpoints
    saved: bool


@dataclass(frozen=True)
class LifecycleResult:
    """One lifecycle run. ``contacts`` has a row per contact with orders: contact_id,
    first_order, last_order, days_since_first, days_since_last, frequency, segment."""

    as_of: dt.date
    sizes: dict[str, int]
    contacts: pd.DataFrame
    thresholds: lifecycle.Thresholds
    saved: bool


def run_rfm(
    conn: Connection,
    *,
    as_of: dt.date,
    now: dt.datetime,
    save: bool = True,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> RfmResult:
    """Score every contact with orders up to ``as_of``; save the scheme ``rfm`` if asked."""
    return _run_rfm(conn, RFM, as_of, now, save, Job(progress, cancelled, total=STEPS))


def run_lifecycle(
    conn: Connection,
    *,
    as_of: dt.date,
    thresholds: lifecycle.Thresholds,
    now: dt.datetime,
    save: bool = True,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> LifecycleResult:
    """Stage every contact as of ``as_of``; save the scheme ``lifecycle`` if asked."""
    return _run_lifecycle(
        conn, LIFECYCLE, as_of, thresholds, now, save, Job(progress, cancelled, total=STEPS)
    )


def refresh_scheme(
    conn: Connection, scheme_id: int, *, today: dt.date, now: dt.datetime
) -> dict[str, int]:
    """Run a saved RFM or lifecycle scheme again as of ``today``, with its stored parameters,
    and save it. Returns each of its segments' stored name → size."""
    table = Scheme.__table__
    row = conn.execute(
        select(table.c.name, table.c.kind, table.c.params).where(table.c.id == scheme_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no scheme with id {scheme_id}")
    job = Job(total=STEPS)
    if row.kind == RFM:
        sizes = _run_rfm(conn, row.name, today, now, True, job).sizes
    elif row.kind == LIFECYCLE:
        limits = lifecycle.Thresholds.from_json(row.params)
        sizes = _run_lifecycle(conn, row.name, today, limits, now, True, job).sizes
    else:
        raise UserError(f'the scheme "{row.name}" ({row.kind}) cannot be refreshed from orders')
    return _stored_names(conn, scheme_id, sizes)


def run_day(as_of: dt.date | None, save: bool | None) -> tuple[dt.date, bool]:
    """The day a run looks at and whether it saves. A run for today saves its scheme, so that
    its segments follow the data; a look back (``as_of`` given) saves only when asked."""
    if as_of is None:
        return dt.date.today(), True if save is None else save
    return as_of, bool(save)


def saved_thresholds(conn: Connection) -> lifecycle.Thresholds:
    """The lifecycle scheme's stored thresholds, else the defaults."""
    table = Scheme.__table__
    params = conn.execute(
        select(table.c.params).where(table.c.name == LIFECYCLE, table.c.kind == LIFECYCLE)
    ).scalar_one_or_none()
    return lifecycle.Thresholds.from_json(params)


def _run_rfm(
    conn: Connection, name: str, as_of: dt.date, now: dt.datetime, save: bool, job: Job
) -> RfmResult:
    orders = read_orders(conn, as_of)
    job.step()
    buyers = buyers_as_of(orders, as_of)
    recency = buyers.days_since_last
    scores, points = rfm.score(recency, buyers.frequency, buyers.monetary)
    contacts = pd.DataFrame(
        {
            "contact_id": orders.contacts[buyers.positions],
            "last_order": day_dates(buyers.last),
            "recency_days": recency,
            "frequency": buyers.frequency,
            "monetary": buyers.monetary,
            "r": scores["r"].to_numpy(),
            "f": scores["f"].to_numpy(),
            "m": scores["m"].to_numpy(),
            "segment": scores["segment"].array,
        }
    )
    job.step()
    codes = _everyone(orders, buyers, scores["segment"].cat.codes, rfm.NO_PURCHASES_CODE)
    params: dict[str, Any] = {"quantiles": list(rfm.QUANTILES)}
    sizes = _save_or_count(
        conn,
        name,
        RFM,
        rfm.SEGMENT_NAMES,
        orders.contacts,
        codes,
        params,
        points.to_json(),
        as_of,
        now,
        save,
        job,
    )
    return RfmResult(as_of, sizes, contacts, points, save)


def _run_lifecycle(
    conn: Connection,
    name: str,
    as_of: dt.date,
    limits: lifecycle.Thresholds,
    now: dt.datetime,
    save: bool,
    job: Job,
) -> LifecycleResult:
    orders = read_orders(conn, as_of)
    job.step()
    buyers = buyers_as_of(orders, as_of)
    since_first, since_last = buyers.days_since_first, buyers.days_since_last
    stages = lifecycle.stages(since_first, since_last, limits)
    contacts = pd.DataFrame(
        {
            "contact_id": orders.contacts[buyers.positions],
            "first_order": day_dates(buyers.first),
            "last_order": day_dates(buyers.last),
            "days_since_first": since_first,
            "days_since_last": since_last,
            "frequency": buyers.frequency,
            "segment": stages,
        }
    )
    job.step()
    codes = _everyone(orders, buyers, stages.codes, lifecycle.NEVER_CODE)
    sizes = _save_or_count(
        conn,
        name,
        LIFECYCLE,
        lifecycle.STAGES,
        orders.contacts,
        codes,
        limits.to_json(),
        {},
        as_of,
        now,
        save,
        job,
    )
    return LifecycleResult(as_of, sizes, contacts, limits, save)


def _everyone(orders: Orders, buyers: Buyers, codes: Any, no_orders_code: int) -> np.ndarray:
    """The segment code of every contact of ``orders``, in their order: the buyers' ``codes``,
    ``no_orders_code`` for the others."""
    everyone = np.full(len(orders.contacts), no_orders_code, dtype=np.int8)
    everyone[buyers.positions] = np.asarray(codes)
    return everyone


def _save_or_count(
    conn: Connection,
    name: str,
    kind: str,
    names: tuple[str, ...],
    ids: np.ndarray,
    codes: np.ndarray,
    params: dict[str, Any],
    breakpoints: dict[str, Any],
    as_of: dt.date,
    now: dt.datetime,
    save: bool,
    job: Job,
) -> dict[str, int]:
    if not save:
        job.step()
        sizes = np.bincount(codes, minlength=len(names))
        return {n: int(size) for n, size in zip(names, sizes, strict=True)}
    sizes_by_name = save_assignment(
        conn,
        name,
        kind,
        names,
        ids,
        codes,
        params=params,
        breakpoints=breakpoints,
        as_of=as_of,
        now=now,
    )
    job.step()
    return sizes_by_name


def _stored_names(conn: Connection, scheme_id: int, sizes: dict[str, int]) -> dict[str, int]:
    """Sizes keyed by the segments' stored names ("Champions (rfm)" where renamed)."""
    table = Segment.__table__
    rows = conn.execute(
        select(table.c.name, table.c.definition).where(table.c.scheme_id == scheme_id)
    ).all()
    stored = {(r.definition or {}).get("model_segment", r.name): r.name for r in rows}
    return {stored.get(n, n): size for n, size in sizes.items()}
