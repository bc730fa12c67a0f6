"""The models as they were computed before they read the orders as columns: the figures
grouped per contact by SQL, read through SQLAlchemy rows, the order times parsed by pandas.
Kept here only, as the reference the fast path must equal exactly (test_fast_models.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, literal_column, select

from segdesk.models import lifecycle, rfm
from segdesk.models.orders import MONEY_DECIMALS, day_end
from segdesk.store.order_status import counted
from segdesk.store.tables import Contact, Event

contact = Contact.__table__
event = Event.__table__


@dataclass(frozen=True)
class SlowRun:
    """Every contact id, ascending, with its segment code; the per-contact frame of the
    contacts with orders; the RFM breakpoints (None for lifecycle)."""

    ids: np.ndarray
    codes: np.ndarray
    contacts: pd.DataFrame
    breakpoints: rfm.Breakpoints | None


def order_figures(conn: Connection, as_of: dt.date) -> pd.DataFrame:
    who = (event.c.contact_id + literal_column("0")).label("contact_id")
    query = (
        select(
            who,
            func.min(event.c.occurred_at),
            func.max(event.c.occurred_at),
            func.count(),
            func.coalesce(func.sum(event.c.amount), 0.0),
        )
        .where(
            event.c.kind == "order",
            event.c.occurred_at < day_end(as_of),
            counted(event.c.status),
        )
        .group_by(who)
        .order_by(who)
    )
    ids, first, last, frequency, monetary = _columns(conn.execute(query).all(), 5)
    return pd.DataFrame(
        {
            "contact_id": np.array(ids, dtype=np.int64),
            "first_order": utc_days(pd.Series(first, dtype=object)),
            "last_order": utc_days(pd.Series(last, dtype=object)),
            "frequency": np.array(frequency, dtype=np.int64),
            "monetary": np.array(monetary, dtype=float).round(MONEY_DECIMALS),
        }
    )


def _columns(rows: Sequence[Sequence[Any]], count: int) -> list[tuple[Any, ...]]:
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(count)]


def utc_days(values: pd.Series) -> pd.Series:
    """The UTC day of each stored time (aware UTC datetimes), by pandas."""
    if values.empty:
        return pd.Series(values, dtype="datetime64[ns]")
    times = pd.to_datetime(values, utc=True)
    return times.dt.tz_localize(None).dt.floor("D")


def days_before(as_of: dt.date, days: pd.Series) -> np.ndarray:
    return (pd.Timestamp(as_of) - days).dt.days.to_numpy(dtype=np.int64)


def contact_ids(conn: Connection) -> np.ndarray:
    ids = conn.execute(select(contact.c.id).order_by(contact.c.id)).scalars().all()
    return np.fromiter(ids, dtype=np.int64, count=len(ids))


def slow_rfm(conn: Connection, as_of: dt.date) -> SlowRun:
    figures = order_figures(conn, as_of)
    recency = days_before(as_of, figures["last_order"])
    scores, points = rfm.score(
        recency, figures["frequency"].to_numpy(), figures["monetary"].to_numpy()
    )
    contacts = pd.DataFrame(
        {
            "contact_id": figures["contact_id"].to_numpy(),
            "last_order": figures["last_order"].to_numpy(),
            "recency_days": recency,
            "frequency": figures["frequency"].to_numpy(),
            "monetary": figures["monetary"].to_numpy(),
            "r": scores["r"].to_numpy(),
            "f": scores["f"].to_numpy(),
            "m": scores["m"].to_numpy(),
            "segment": scores["segment"].array,
        }
    )
    ids, codes = _everyone(conn, contacts, rfm.NO_PURCHASES_CODE)
    return SlowRun(ids, codes, contacts, points)


def slow_lifecycle(conn: Connection, as_of: dt.date, limits: lifecycle.Thresholds) -> SlowRun:
    figures = order_figures(conn, as_of)
    since_first = days_before(as_of, figures["first_order"])
    since_last = days_before(as_of, figures["last_order"])
    contacts = pd.DataFrame(
        {
            "contact_id": figures["contact_id"].to_numpy(),
            "first_order": figures["first_order"].to_numpy(),
            "last_order": figures["last_order"].to_numpy(),
            "days_since_first": since_first,
            "days_since_last": since_last,
            "frequency": figures["frequency"].to_numpy(),
            "segment": lifecycle.stages(since_first, since_last, limits),
        }
    )
    ids, codes = _everyone(conn, contacts, lifecycle.NEVER_CODE)
    return SlowRun(ids, codes, contacts, None)


def _everyone(
    conn: Connection, contacts: pd.DataFrame, no_orders_code: int
) -> tuple[np.ndarray, np.ndarray]:
    everyone = contact_ids(conn)
    codes = np.full(len(everyone), no_orders_code, dtype=np.int8)
    with_orders = contacts["contact_id"].to_numpy()
    codes[np.searchsorted(everyone, with_orders)] = contacts["segment"].cat.codes.to_numpy()
    return everyone, codes
