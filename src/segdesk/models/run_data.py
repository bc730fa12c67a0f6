"""A model run as values: the summary and the contact lists the CLI prints."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, cast

import pandas as pd
from sqlalchemy import Connection

from segdesk.models import lifecycle, rfm
from segdesk.models.orders import contact_keys
from segdesk.models.runner import LifecycleResult, RfmResult

RFM_CELLS = {name: (tuple(r), tuple(f)) for name, r, f in rfm.GRID_RANGES}
"""RFM segment name → (its R scores, its F scores)."""


@dataclass(frozen=True)
class ModelSegment:
    """One segment of a run with its size and share of all contacts; for RFM also the R and F
    scores of its cells (none for "No purchases"), None for other models."""

    name: str
    size: int
    share: float
    r: tuple[int, ...] | None = None
    f: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "size": self.size, "share": self.share}
        if self.r is not None and self.f is not None:
            out.update(r=list(self.r), f=list(self.f))
        return out


@dataclass(frozen=True)
class ModelSummary:
    """A run: as-of day, whether it was saved, its parameters (RFM: the quantiles and the
    breakpoints; lifecycle: the thresholds) and its segments' sizes."""

    model: Literal["rfm", "lifecycle"]
    as_of: dt.date
    saved: bool
    contacts: int
    with_orders: int
    segments: tuple[ModelSegment, ...]
    quantiles: tuple[float, ...] | None = None
    breakpoints: rfm.Breakpoints | None = None
    thresholds: lifecycle.Thresholds | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "as_of": self.as_of.isoformat(),
            "saved": self.saved,
            "contacts": self.contacts,
            "with_orders": self.with_orders,
        }
        if self.quantiles is not None:
            out["quantiles"] = list(self.quantiles)
        if self.breakpoints is not None:
            out["breakpoints"] = self.breakpoints.to_json()
        if self.thresholds is not None:
            out["thresholds"] = self.thresholds.to_json()
        out["segments"] = [s.to_json() for s in self.segments]
        return out


@dataclass(frozen=True)
class RfmContact:
    """A contact with orders in an RFM run: figures, scores 1-5 and segment."""

    external_id: str | None
    email: str | None
    recency_days: int
    frequency: int
    monetary: float
    r: int
    f: int
    m: int
    segment: str

    def to_json(self) -> dict[str, Any]:
        return _fields(self)


@dataclass(frozen=True)
class LifecycleContact:
    """A contact with orders in a lifecycle run; order days as YYYY-MM-DD."""

    external_id: str | None
    email: str | None
    first_order: str
    last_order: str
    days_since_first: int
    days_since_last: int
    frequency: int
    segment: str

    def to_json(self) -> dict[str, Any]:
        return _fields(self)


def _fields(record: RfmContact | LifecycleContact) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def summary(result: RfmResult | LifecycleResult) -> ModelSummary:
    """The run's summary, segments in the order the scheme lists them."""
    total = sum(result.sizes.values())
    segments: list[ModelSegment] = []
    for name, size in result.sizes.items():
        share = size / total if total else 0.0
        if isinstance(result, RfmResult):
            r_scores, f_scores = RFM_CELLS.get(name, ((), ()))
            segments.append(ModelSegment(name, size, share, r_scores, f_scores))
        else:
            segments.append(ModelSegment(name, size, share))
    as_of, saved, with_orders = result.as_of, result.saved, len(result.contacts)
    if isinstance(result, RfmResult):
        return ModelSummary(
            "rfm",
            as_of,
            saved,
            total,
            with_orders,
            tuple(segments),
            quantiles=rfm.QUANTILES,
            breakpoints=result.breakpoints,
        )
    return ModelSummary(
        "lifecycle", as_of, saved, total, with_orders, tuple(segments), thresholds=result.thresholds
    )


def contact_records(
    conn: Connection, result: RfmResult | LifecycleResult
) -> list[RfmContact] | list[LifecycleContact]:
    """One record per contact with orders, in contact id order, with their identifiers."""
    frame = result.contacts
    keys = contact_keys(conn, frame["contact_id"].to_numpy())
    out = pd.DataFrame(
        {"external_id": keys["external_id"].to_numpy(), "email": keys["email"].to_numpy()}
    )
    if isinstance(result, RfmResult):
        return [RfmContact(**r) for r in _records(out, frame, RfmContact)]
    for day in ("first_order", "last_order"):
        out[day] = frame[day].dt.strftime("%Y-%m-%d").to_numpy()
    return [LifecycleContact(**r) for r in _records(out, frame, LifecycleContact)]


def _records(
    out: pd.DataFrame, frame: pd.DataFrame, kind: type[RfmContact] | type[LifecycleContact]
) -> list[dict[str, Any]]:
    """The columns of ``kind`` as plain values (missing ones None), taken from ``out`` where
    it has them, else from the run's ``frame``."""
    columns = [f.name for f in dataclasses.fields(kind)]
    for column in columns:
        if column not in out:
            out[column] = frame[column].to_numpy()
    out["segment"] = out["segment"].astype(str)
    records = out[columns].astype(object).where(out[columns].notna(), None)
    # pandas-stubs key records by any Hashable; these columns are the names above.
    return cast(list[dict[str, Any]], records.to_dict("records"))
