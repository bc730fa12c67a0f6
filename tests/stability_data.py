"""sample.db with two snapshots and a change between them, for the stability tests: a
snapshot "start", 40 people of RFM's "No purchases" buying, people moving to Portland, and a
refresh 45 days after the sample's last day, which takes the automatic snapshot. The two
snapshots are dated at fixed times after the sample's year of monthly ones, so that they are
the last two and what the screens show does not move with the clock."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from segdesk.paths import sample_db
from segdesk.workspace import Workspace
from tests.factories import add_orders

ANCHOR = date(2026, 11, 15)
"""The sample's last day of history."""
NO_PURCHASES = 11
"""The id of RFM's "No purchases" in sample.db."""
TAKEN = ("2026-11-16 09:00:00.000000", "2026-11-30 09:00:00.000000")
"""After the sample's monthly snapshots (the last as of 2026-10-31) and before any day the
tests run: a snapshot taken by a test comes last."""


@dataclass(frozen=True)
class ChangedSample:
    db: Path
    start: int
    """The manual snapshot taken before the change."""
    auto: int
    """The snapshot the refresh took."""


def changed_sample(folder: Path) -> ChangedSample:
    db = folder / "sample.db"
    shutil.copyfile(sample_db(), db)
    with Workspace.open(db) as ws:
        start = ws.snapshots.take("start").id
        with ws.engine.connect() as conn:
            buyers = conn.exec_driver_sql(
                "SELECT contact_id FROM segment_member WHERE segment_id = ? "
                "ORDER BY contact_id LIMIT 40",
                (NO_PURCHASES,),
            ).scalars()
            never = list(buyers)
        for i, contact_id in enumerate(never):
            when = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=i % 10)
            add_orders(ws.engine, contact_id, [(when, 40.0 + i)])
        with ws.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE contact SET city = 'Portland' WHERE id % 17 = 0")
        auto = ws.segments.refresh(today=ANCHOR + timedelta(days=45)).snapshot
    assert auto is not None
    with closing(sqlite3.connect(db)) as raw, raw:  # closed: copies of the file hold it all
        for snapshot_id, taken in zip((start, auto), TAKEN, strict=True):
            raw.execute("UPDATE snapshot SET taken_at = ? WHERE id = ?", (taken, snapshot_id))
    return ChangedSample(db, start, auto)
