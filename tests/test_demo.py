"""`segdesk demo` works on a private copy and never touches the bundled sample.db."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from segdesk.demo import fresh_demo_copy
from segdesk.paths import data_dir, sample_db
from segdesk.workspace import Workspace


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_copy_each_time_and_sample_untouched() -> None:
    before = _digest(sample_db())
    copy = fresh_demo_copy()
    assert copy == data_dir() / "demo.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with Workspace.open(copy) as ws:
        contacts = ws.contacts.count_contacts()
        with ws.engine.begin() as conn:
            conn.exec_driver_sql("delete from order_line")
            conn.exec_driver_sql("delete from event")
    assert contacts > 2500

    again = fresh_demo_copy()
    with Workspace.open(again) as ws:
        assert ws.summary().orders > 20_000
    assert _digest(sample_db()) == before
    assert not sample_db().with_name("sample.db-wal").exists()
