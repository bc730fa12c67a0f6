"""Backtests: a segment or a scheme as of each date of a weekly or monthly series.

``segdesk.analysis.backtest`` holds the work (pandas loads with it); this facade opens the
connection.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from segdesk.analysis.backtest import Backtest, Cadence, Subject
    from segdesk.jobs import CancelCheck, Progress


class Backtests:
    """Evaluating definitions as of past dates; nothing here writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def run(
        self,
        name: str,
        start: date,
        end: date,
        cadence: Cadence = "monthly",
        *,
        today: date | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> Backtest:
        """The segment or scheme ``name`` (``rfm``, ``lifecycle``) as of each month end or
        Sunday from ``start`` to ``end``: sizes, kept / joined / left and similarity
        between consecutive dates, average time in a segment, a scheme's moves. Progress
        counts dates; a cancel stops between two."""
        from segdesk.analysis.backtest import run_backtest

        with self._engine.connect() as conn:
            return run_backtest(
                conn,
                name,
                start,
                end,
                cadence,
                today=today or date.today(),
                progress=progress,
                cancelled=cancelled,
            )

    def subject(self, name: str) -> Subject:
        """The scheme (``rfm``, ``lifecycle``) or segment called ``name``, with the segments
        a backtest of it follows; NotFoundError when there is none."""
        from segdesk.analysis.backtest import find_subject

        with self._engine.connect() as conn:
            return find_subject(conn, name)

    def last_year(self, *, today: date | None = None) -> tuple[date, date]:
        """The dates a backtest starts from before the user types any: the last 12 months
        of the order history (``analysis.order_history.last_year``)."""
        from segdesk.analysis.order_history import last_year, order_days

        with self._engine.connect() as conn:
            return last_year(order_days(conn), today or date.today())

    def dates(
        self, start: date, end: date, cadence: Cadence = "monthly", *, today: date | None = None
    ) -> list[date]:
        """The month ends or Sundays a backtest from ``start`` to ``end`` takes; UserError,
        with the reason, for a series that cannot make one."""
        from segdesk.analysis.backtest import checked_dates

        return checked_dates(start, end, cadence, today or date.today())
