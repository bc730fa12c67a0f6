"""Profiles and the scheme check: each segment beside everyone, and whether a scheme's
segments leave anyone out or claim anyone twice.

``segdesk.analysis.profiles`` and ``segdesk.analysis.scheme_check`` hold the queries; this
facade opens the connection. ``today`` defaults to the current date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.jobs import CancelCheck, Progress

if TYPE_CHECKING:
    from segdesk.analysis.profiles import ProfileTable, SegmentProfile
    from segdesk.analysis.scheme_check import HistoryReader, SchemeCheck
    from segdesk.jobs import CancelCheck, Progress


class Profiles:
    """Reading only; nothing here writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def profile(self, name: str, today: date | None = None) -> SegmentProfile:
        """The segment called ``name`` beside everyone, with the values that set it apart."""
        return self.table([name], today).profiles[0]

    def table(
        self,
        names: Sequence[str] | None = None,
        today: date | None = None,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ProfileTable:
        """Several segments' profiles read together (default: every active segment), for
        the overlap screen's profiles table and the playbooks. Progress counts the queries;
        a cancel stops between two."""
        from segdesk.analysis.profiles import named_profiles

        with self._engine.connect() as conn:
            return named_profiles(
                conn, names, today or date.today(), progress=progress, cancelled=cancelled
            )

    def check_scheme(
        self,
        name: str,
        *,
        past: bool = True,
        today: date | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> SchemeCheck:
        """Gaps, double claims and empty segments of the scheme ``name`` (``rfm``,
        ``lifecycle``...); with ``past``, also the segments never reached on any month end
        of the order history up to ``today``, a backtest-sized job when some segment is
        empty now (progress counts the month ends; a cancel stops between two)."""
        from segdesk.analysis.scheme_check import check_scheme

        with self._engine.connect() as conn:
            history = _history(past, today, progress, cancelled)
            return check_scheme(conn, name, history=history)

    def check_group(
        self,
        names: Sequence[str],
        *,
        past: bool = True,
        today: date | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> SchemeCheck:
        """The same check of segments the user groups as one scheme, by name."""
        from segdesk.analysis.scheme_check import check_group

        with self._engine.connect() as conn:
            history = _history(past, today, progress, cancelled)
            return check_group(conn, names, history=history)


def _history(
    past: bool, today: date | None, progress: Progress | None, cancelled: CancelCheck | None
) -> HistoryReader | None:
    from segdesk.analysis.scheme_history import month_end_reader

    if not past:
        return None
    return month_end_reader(today or date.today(), progress=progress, cancelled=cancelled)
