"""A backtest's figures as the text its tables show, one way for the CLI and the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segdesk.analysis.backtest import Backtest, SegmentSeries

DASH = "—"


def date_rows(result: Backtest) -> list[list[str]]:
    """One segment's figures by date: people, then kept, joined, left and similarity since
    the date before (dashes on the first)."""
    series = result.segments[0]
    rows = [[str(result.dates[0]), f"{series.sizes[0]:,}", DASH, DASH, DASH, DASH]]
    for day, size, c in zip(result.dates[1:], series.sizes[1:], series.changes, strict=True):
        rows.append(
            [
                str(day),
                f"{size:,}",
                f"{c.retained:,}",
                f"{c.entered:,}",
                f"{c.exited:,}",
                share(c.jaccard),
            ]
        )
    return rows


def step_averages(series: SegmentSeries) -> list[str]:
    """A scheme's segment: average kept, joined, left and similarity per step, then the days
    people stay in it."""
    changes = series.changes
    similar = [c.jaccard for c in changes if c.jaccard is not None]
    return [
        _mean([c.retained for c in changes]),
        _mean([c.entered for c in changes]),
        _mean([c.exited for c in changes]),
        share(sum(similar) / len(similar)) if similar else DASH,
        DASH if series.average_days is None else f"{series.average_days:,.0f}",
    ]


def time_in_segment(days: float | None) -> str:
    return "nobody was in it" if days is None else f"about {days:,.0f} days"


def share(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


def _mean(values: list[int]) -> str:
    return f"{sum(values) / len(values):,.0f}" if values else DASH
