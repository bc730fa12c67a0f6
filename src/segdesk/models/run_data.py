"""A model run as plain data: the summary and contact lists the CLI prints as JSON."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection

from segdesk.models import rfm
from segdesk.models.orders import contact_keys
from segdesk.models.runner import LifecycleResult, RfmResult

RFM_CONTACT_COLUMNS = [
    "external_id",
    "email",
    "recency_days",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "segment",
]
LIFECYCLE_CONTACT_COLUMNS = [
    "external_id",
    "email",
    "first_order",
    "last_order",
    "days_since_first",
    "days_since_last",
    "frequency",
    "segment",
]


def summary(result: RfmResult | LifecycleResult) -> dict[str, Any]:
    """The run: as-of date, whether it was saved, its parameters and its segments' sizes."""
    total = sum(result.sizes.values())
    segments: list[dict[str, Any]] = [
        {"name": name, "size": size, "share": size / total if total else 0.0}
        for name, size in result.sizes.items()
    ]
    head: dict[str, Any] = {
        "as_of": result.as_of.isoformat(),
        "saved": result.saved,
        "contacts": total,
        "with_orders": len(result.contacts),
    }
    if isinstance(result, RfmResult):
        cells = {name: (list(r), list(f)) for name, r, f in rfm.GRID_RANGES}
        for entry in segments:
            r_scores, f_scores = cells.get(entry["name"], ([], []))
            entry.update(r=r_scores, f=f_scores)
        return {
            "model": "rfm",
            **head,
            "quantiles": list(rfm.QUANTILES),
            "breakpoints": result.breakpoints.to_json(),
            "segments": segments,
        }
    return {
        "model": "lifecycle",
        **head,
        "thresholds": result.thresholds.to_json(),
        "segments": segments,
    }


def contact_records(conn: Connection, result: RfmResult | LifecycleResult) -> list[dict[str, Any]]:
    """One record per contact with orders, in contact id order, with their identifiers."""
    frame = result.contacts
    keys = contact_keys(conn, frame["contact_id"].to_numpy())
    out = pd.DataFrame(
        {"external_id": keys["external_id"].to_numpy(), "email": keys["email"].to_numpy()}
    )
    if isinstance(result, RfmResult):
        columns = RFM_CONTACT_COLUMNS
    else:
        columns = LIFECYCLE_CONTACT_COLUMNS
        for day in ("first_order", "last_order"):
            out[day] = frame[day].dt.strftime("%Y-%m-%d").to_numpy()
    for column in columns:
        if column not in out:
            out[column] = frame[column].to_numpy()
    out["segment"] = out["segment"].astype(str)
    records = out[columns].astype(object).where(out[columns].notna(), None)
    # pandas-stubs key records by any Hashable; these columns are the names above.
    return cast(list[dict[str, Any]], records.to_dict("records"))
