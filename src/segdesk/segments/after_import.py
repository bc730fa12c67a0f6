"""Segments follow the data: after an import or an undo has committed, the model schemes and
rule segments are refreshed in a transaction of their own. The import or undo recorded the
refresh as due (``store.refresh_due``) and the refresh clears it, so that a process killed
between the two leaves the database saying so.

A segment that can no longer be computed (a field it uses is gone) leaves the change of data
standing; the report says why the segments were not refreshed. Without schemes or rule
segments this is one small query, asked before the rule language is loaded, so that imports
into a database without segments stay as fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import Engine

from segdesk.errors import UserError
from segdesk.ingest.history import UndoReport
from segdesk.ingest.import_report import ImportReport
from segdesk.store.engine import write_connection
from segdesk.store.refresh_due import has_dynamic_segments, segments_due
from segdesk.wording import count


@dataclass
class RefreshedImportReport(ImportReport):
    """An :class:`ImportReport` that also says how many segments were refreshed after it."""

    segments_refreshed: int = 0

    @classmethod
    def of(cls, report: ImportReport, segments_refreshed: int) -> RefreshedImportReport:
        values = {f.name: getattr(report, f.name) for f in fields(report)}
        return cls(**values, segments_refreshed=segments_refreshed)

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "segments_refreshed": self.segments_refreshed}


def refresh_after_import(
    engine: Engine, report: ImportReport, *, today: dt.date, now: dt.datetime
) -> RefreshedImportReport:
    """Refresh after an import that has landed; a failure is named in the report's
    decisions."""
    refreshed, failed = _follow_data(engine, today=today, now=now)
    if failed is not None:
        report.decisions.append(f"segments were not refreshed: {failed}")
    elif refreshed:
        report.decisions.append(f"{count(refreshed, 'segment')} brought up to date")
    return RefreshedImportReport.of(report, refreshed)


def refresh_after_undo(
    engine: Engine, result: UndoReport, *, today: dt.date, now: dt.datetime
) -> UndoReport:
    """Refresh after an undo that has committed; the result says how it went."""
    refreshed, failed = _follow_data(engine, today=today, now=now)
    return replace(result, segments_refreshed=refreshed, segments_problem=failed)


def _follow_data(engine: Engine, *, today: dt.date, now: dt.datetime) -> tuple[int, str | None]:
    """How many segments were refreshed, and why not if one can no longer be computed."""
    with engine.connect() as conn:
        if not has_dynamic_segments(conn) and segments_due(conn) is None:
            return 0, None
    from segdesk.segments.refresh import refresh_all

    try:
        with write_connection(engine) as conn, conn.begin():
            return refresh_all(conn, today=today, now=now).refreshed, None
    except UserError as exc:
        return 0, str(exc)
