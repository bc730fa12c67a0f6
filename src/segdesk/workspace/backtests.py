"""Backtests: a segment or a scheme as of each date of a weekly or monthly series.

``segdesk.analysis.backtest`` holds the work (pandas loads with it); this facade opens the
connection.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.store.engine import is_read_only, write_connection

if TYPE_CHECKING:
    from segdesk.analysis.backtest import Backtest, Cadence, Subject
    from segdesk.analysis.backtest_runs import KeptBacktest
    from segdesk.jobs import CancelCheck, Progress


class Backtests:
    """Evaluating definitions as of past dates. A run is kept (the latest per subject and
    cadence, for the playbook) when the database is open for writing."""

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
        keep: bool = True,
    ) -> Backtest:
        """The segment or scheme ``name`` (``rfm``, ``lifecycle``) as of each month end or
        Sunday from ``start`` to ``end``: sizes, kept / joined / left and similarity
        between consecutive dates, average time in a segment, a scheme's moves. Progress
        counts dates; a cancel stops between two (and nothing is kept).

        With ``keep`` (and a database open for writing) the run replaces the one kept for
        the same subject and cadence, in a short transaction after the reading."""
        from segdesk.analysis.backtest import run_backtest

        with self._engine.connect() as conn:
            result = run_backtest(
                conn,
                name,
                start,
                end,
                cadence,
                today=today or date.today(),
                progress=progress,
                cancelled=cancelled,
            )
        if keep and not is_read_only(self._engine):
            from segdesk.analysis.backtest import find_subject
            from segdesk.analysis.backtest_runs import keep_backtest

            with write_connection(self._engine) as conn, conn.begin():
                subject = find_subject(conn, name)
                keep_backtest(conn, result, subject, start, end, now=datetime.now(UTC))
        return result

    def latest(self, name: str) -> list[KeptBacktest]:
        """The kept runs of the segment or scheme ``name``, one per cadence, the latest
        first; empty when none was kept."""
        from segdesk.analysis.backtest_runs import latest_backtests

        with self._engine.connect() as conn:
            return latest_backtests(conn, name)

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
