"""RFM: recency, frequency and monetary value, scored 1-5 and named by the RxF grid.

Breakpoints are the 20th, 40th, 60th and 80th percentiles of the contacts with orders, by
linear interpolation between order statistics (numpy's and pandas' default method). Each
breakpoint closes a group from above: a value equal to a breakpoint belongs to the group
below it. So frequency and monetary score 1 + the number of breakpoints strictly below the
value, and recency (fewer days is better) scores 5 - the number of breakpoints strictly below
the days. A score depends on nothing but the value and the breakpoints, so equal values always
share a score. The names follow the widely used RxF grid; every one of the 25 cells has exactly
one name (docs/models.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

QUANTILES = (0.2, 0.4, 0.6, 0.8)
NO_PURCHASES = "No purchases"

GRID_RANGES: tuple[tuple[str, range, range], ...] = (
    ("Champions", range(5, 6), range(4, 6)),
    ("Loyal Customers", range(3, 5), range(4, 6)),
    ("Potential Loyalist", range(4, 6), range(2, 4)),
    ("New Customers", range(5, 6), range(1, 2)),
    ("Promising", range(4, 5), range(1, 2)),
    ("Need Attention", range(3, 4), range(3, 4)),
    ("About To Sleep", range(3, 4), range(1, 3)),
    ("Can't Lose Them", range(1, 3), range(5, 6)),
    ("At Risk", range(1, 3), range(3, 5)),
    ("Hibernating", range(1, 3), range(1, 3)),
)
"""(name, R scores, F scores), in the order (priority) the scheme lists its segments."""

SEGMENT_NAMES: tuple[str, ...] = (*(name for name, _, _ in GRID_RANGES), NO_PURCHASES)
NO_PURCHASES_CODE = SEGMENT_NAMES.index(NO_PURCHASES)


def grid_codes() -> np.ndarray:
    """A 6x6 array: ``[r, f]`` is the index in SEGMENT_NAMES of cell (r, f); row and column 0
    are unused (-1). Fails if a cell is named twice or not at all."""
    codes = np.full((6, 6), -1, dtype=np.int8)
    for code, (name, r_scores, f_scores) in enumerate(GRID_RANGES):
        for r in r_scores:
            for f in f_scores:
                if codes[r, f] != -1:
                    raise ValueError(f"RxF cell {(r, f)} is named twice, the second {name}")
                codes[r, f] = code
    if (codes[1:, 1:] == -1).any():
        raise ValueError("some RxF cell has no name")
    return codes


GRID_CODES = grid_codes()


@dataclass(frozen=True)
class Breakpoints:
    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]

    def to_json(self) -> dict[str, list[float]]:
        return {
            "recency": list(self.recency),
            "frequency": list(self.frequency),
            "monetary": list(self.monetary),
        }


BREAKPOINT_DECIMALS = 9


def breakpoints(values: np.ndarray) -> tuple[float, ...]:
    """The quintile breakpoints of ``values``; none for no values.

    Interpolation leaves float noise (``544.2000000000003`` for 544.2), which would print badly
    and could put a value that lies on a breakpoint above it; rounding to 9 decimal places
    removes the noise and keeps every real digit of money and day counts."""
    if len(values) == 0:
        return ()
    quantiles = np.quantile(values.astype(float), QUANTILES)
    return tuple(round(float(v), BREAKPOINT_DECIMALS) for v in quantiles)


def groups_above(values: np.ndarray, points: tuple[float, ...]) -> np.ndarray:
    """How many breakpoints lie strictly below each value (0-4)."""
    return np.searchsorted(np.asarray(points, dtype=float), values, side="left")


def score(
    recency_days: np.ndarray, frequency: np.ndarray, monetary: np.ndarray
) -> tuple[pd.DataFrame, Breakpoints]:
    """Scores r, f, m and the segment (a categorical of SEGMENT_NAMES) of each contact."""
    points = Breakpoints(breakpoints(recency_days), breakpoints(frequency), breakpoints(monetary))
    r = (5 - groups_above(recency_days, points.recency)).astype(np.int8)
    f = (1 + groups_above(frequency, points.frequency)).astype(np.int8)
    m = (1 + groups_above(monetary, points.monetary)).astype(np.int8)
    codes = GRID_CODES[r, f]
    segment = pd.Categorical.from_codes(codes, categories=pd.Index(SEGMENT_NAMES))
    return pd.DataFrame({"r": r, "f": f, "m": m, "segment": segment}), points
