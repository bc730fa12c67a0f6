"""The demo database: a fresh private copy of the bundled sample.db for every `segdesk demo`,
its dates moved so that the shop's history ends yesterday (see store/time_shift.py)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from segdesk.errors import UserError
from segdesk.paths import data_dir, sample_db
from segdesk.store.files import create_private_file
from segdesk.store.time_shift import move_dates


def fresh_demo_copy(target: Path | None = None, today: date | None = None) -> Path:
    """Copy sample.db to ``target`` (default: demo.db in the data folder), replacing it, and
    move its dates so that its anchor day (the sample's "today") is ``today``."""
    source = sample_db()
    if not source.is_file():
        raise UserError(f"the sample database is missing: {source}")
    target = target or data_dir() / "demo.db"
    for stale in (target, *(target.with_name(target.name + s) for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    create_private_file(target)
    # Read-only URI: the bundled file is never opened for writing.
    with (
        closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        anchor = dst.execute("SELECT value FROM meta WHERE key = 'sample_anchor'").fetchone()
        if anchor is not None:
            move_dates(dst, ((today or date.today()) - date.fromisoformat(anchor[0])).days)
    return target
