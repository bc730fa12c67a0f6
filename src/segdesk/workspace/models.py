"""Models: RFM and lifecycle runs, saved as schemes or looked at as of a past day.

``segdesk.models`` is imported when used: pandas and numpy would slow the app's start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, overload

from sqlalchemy import Connection, Engine

from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from segdesk.jobs import CancelCheck, Progress
    from segdesk.models.lifecycle import Thresholds
    from segdesk.models.run_data import LifecycleContact, ModelSummary, RfmContact
    from segdesk.models.runner import LifecycleResult, RfmResult
    from segdesk.models.views import LifecycleView, RfmGrid


class Models:
    """Putting every contact in one segment of a model."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def run_rfm(
        self,
        as_of: date | None = None,
        *,
        save: bool | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> RfmResult:
        """RFM as of a day (default today). Saves the scheme ``rfm`` when ``save``, which
        defaults to True for today and False for a look back with ``as_of``."""
        from segdesk.models.runner import run_day, run_rfm

        day, keep = run_day(as_of, save)
        with self._connection(keep) as conn, conn.begin():
            return run_rfm(
                conn,
                as_of=day,
                now=datetime.now(UTC),
                save=keep,
                progress=progress,
                cancelled=cancelled,
            )

    def run_lifecycle(
        self,
        as_of: date | None = None,
        thresholds: Thresholds | None = None,
        *,
        save: bool | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> LifecycleResult:
        """Lifecycle stages as of a day (default today) with ``thresholds`` (default: the
        saved scheme's); saved like :meth:`run_rfm`, thresholds included."""
        from segdesk.models.runner import run_day, run_lifecycle, saved_thresholds

        day, keep = run_day(as_of, save)
        with self._connection(keep) as conn, conn.begin():
            limits = thresholds or saved_thresholds(conn)
            return run_lifecycle(
                conn,
                as_of=day,
                thresholds=limits,
                now=datetime.now(UTC),
                save=keep,
                progress=progress,
                cancelled=cancelled,
            )

    def lifecycle_thresholds(self) -> Thresholds:
        """The thresholds the lifecycle scheme was last saved with, else the defaults."""
        from segdesk.models.runner import saved_thresholds

        with self._engine.connect() as conn:
            return saved_thresholds(conn)

    def rfm_grid(
        self,
        result: RfmResult | None = None,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> RfmGrid | None:
        """The RxF grid of ``result``, else of the saved scheme's last run (None before the
        first): people per cell, with the run's breakpoints."""
        from segdesk.models.views import grid_of, saved_grid

        if result is not None:
            return grid_of(result)
        with self._engine.connect() as conn:
            return saved_grid(conn, progress=progress, cancelled=cancelled)

    def lifecycle_view(self) -> LifecycleView:
        """The lifecycle scheme as saved: thresholds, last run's day, stage sizes."""
        from segdesk.models.views import saved_lifecycle

        with self._engine.connect() as conn:
            return saved_lifecycle(conn)

    def summary(self, result: RfmResult | LifecycleResult) -> ModelSummary:
        """A run's as-of day, parameters and segment sizes."""
        from segdesk.models.run_data import summary

        return summary(result)

    @overload
    def contacts(self, result: RfmResult) -> list[RfmContact]: ...

    @overload
    def contacts(self, result: LifecycleResult) -> list[LifecycleContact]: ...

    def contacts(
        self, result: RfmResult | LifecycleResult
    ) -> list[RfmContact] | list[LifecycleContact]:
        """A run's contacts with orders, with their external id and email, in id order."""
        from segdesk.models.run_data import contact_records

        with self._engine.connect() as conn:
            return contact_records(conn, result)

    def _connection(self, write: bool) -> Connection:
        """A writing connection for a run that saves, else a plain one (a look back)."""
        return write_connection(self._engine) if write else self._engine.connect()
