"""The export log (``export_log``): one row per file written, for `segdesk exports` and the
export screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from segdesk.store.tables import ExportLog

export_log = ExportLog.__table__


def record_export(
    conn: Connection,
    *,
    what: str,
    fmt: str,
    path: Path,
    rows: int,
    now: dt.datetime,
    segment_id: int | None = None,
    excluded_unsubscribed: int = 0,
    options: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        export_log.insert().values(
            what=what,
            format=fmt,
            path=str(path),
            rows=rows,
            segment_id=segment_id,
            excluded_unsubscribed=excluded_unsubscribed,
            options=options,
            created_at=now,
        )
    )
