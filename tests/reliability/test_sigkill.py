"""SIGKILL while ``segdesk`` writes: the database stays whole (``PRAGMA integrity_check``) and
nothing is half-written. Each command runs as a user runs it, in a process of its own, and is
killed while its transaction is open (see ``kills.py``): during an import, a segment refresh,
and RFM and lifecycle runs that save. Afterwards the database holds either exactly what it
held before (every row of every table) or exactly what a completed run leaves (timestamps
aside); the first kill of each command must land before its commit.

Small sizes by default: a few seconds per kill point. ``pytest --full`` (or ``SEGDESK_FULL=1``)
uses larger data and more kill points. Writing snapshots and exports join this suite when the
application has them.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from segdesk.store.tables import Contact, Event
from segdesk.workspace import Workspace
from tests.importing.test_import_atomic import BULK_DOMAIN, contacts_file, orders_file, stock
from tests.reliability.kills import (
    LOCK_TIMEOUT,
    POLL,
    committed_batches,
    copy_db,
    differences,
    dry_run,
    integrity,
    kill_inside,
    kill_points,
    scaled_sample,
    size,
    snapshot,
    start,
    stop,
    tail,
    write_lock_taken,
)
from tests.sizes import sized

TODAY = "2026-11-20"
"""The day refreshes and model runs evaluate (the sample's orders end before it), so that two
runs of the same command agree."""

SCALE = sized(4, 20)
"""Copies of the sample's people in the database that refreshes and model runs are killed on:
about 12,000 contacts and 90,000 orders, or 60,000 and 460,000."""

KILLS = sized(3, 8)
"""Kill points per command."""

COMMANDS = {
    "segment refresh": ["segment", "refresh", "--json", "--today", TODAY],
    "model rfm --save": ["model", "rfm", "--save", "--as-of", TODAY, "--json"],
    "model lifecycle --save": ["model", "lifecycle", "--save", "--as-of", TODAY, "--json"],
}


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scaled_sample(tmp_path_factory.mktemp("scaled") / "scaled.db", SCALE)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_sigkill_leaves_all_the_old_rows_or_all_the_new(
    scaled: Path, tmp_path: Path, name: str
) -> None:
    command = COMMANDS[name]
    log = tmp_path / "stderr.txt"
    done = copy_db(scaled, tmp_path / "done.db")
    held = dry_run(command, done, log)
    assert integrity(done) == ["ok"]
    assert differences(done, scaled, timestamps=False), f"{name} changed nothing"

    for point, delay in enumerate(kill_points(held, KILLS)):
        db = copy_db(scaled, tmp_path / f"killed-{point}.db")
        status = kill_inside(command, db, delay, log)
        where = f"killed {delay:.2f} s into a transaction of {held:.2f} s"
        assert status in (-signal.SIGKILL, 0), tail(log)
        assert integrity(db) == ["ok"], where
        old, new = differences(db, scaled), differences(db, done, timestamps=False)
        assert not old or not new, f"half-written, {where}: {old} changed, {new} not done"
        if point == 0:  # well before the commit
            assert status == -signal.SIGKILL, f"the command ended first, {where}"
            assert not old, f"{where}, yet {old} changed"
        db.unlink()


# An import --------------------------------------------------------------------------------

IMPORT_ROWS = sized(100_000, 300_000)
"""Rows of the file the import test kills: a few seconds of work, or several."""

IMPORT_WAL_BYTES = 150 * IMPORT_ROWS
"""Less than an import of the file writes to the -wal file before it commits (about 190 bytes
a row); the kill points are spread over it."""

IMPORT_KILLS = sized(2, 6)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return contacts_file(tmp_path_factory.mktemp("import") / "big.csv", IMPORT_ROWS)


@pytest.mark.slow
@pytest.mark.parametrize(
    "wal_bytes", [int(IMPORT_WAL_BYTES * p) for p in kill_points(1.0, IMPORT_KILLS)]
)
def test_sigkill_mid_import_leaves_the_database_unchanged(
    big_file: Path, tmp_path: Path, wal_bytes: int
) -> None:
    db = tmp_path / "shop.db"
    wal = db.with_name(db.name + "-wal")
    stock(db)
    before = snapshot(db)
    log = tmp_path / "stderr.txt"
    rejects = tmp_path / "rejects" / "big-rejects.csv"
    command = ["import", "contacts", str(big_file), "--json", "--rejects", str(rejects)]
    _kill_import_at(command, db, wal_bytes, log)

    # The killed run left its uncommitted pages behind; opening the database discards them.
    assert size(wal) >= wal_bytes
    assert snapshot(db) == before
    assert integrity(db) == ["ok"]
    with Workspace.open(db) as ws:
        assert ws.imports.history() == []
        with ws.engine.connect() as conn:
            stored = conn.execute(select(Contact.__table__).order_by(Contact.id)).all()
            orders = conn.execute(select(Event.__table__).order_by(Event.id)).all()
            from_file = conn.execute(
                select(func.count())
                .select_from(Contact.__table__)
                .where(Contact.__table__.c.email.like(f"%@{BULK_DOMAIN}"))
            ).scalar_one()
        assert [(c.email, c.first_name, c.city) for c in stored] == [
            ("ann@example.com", "Ann", "Paris"),
            ("bob@example.com", "Bob", None),
            (None, "Cy", None),
        ]
        assert [(e.contact_id, e.amount) for e in orders] == [(1, 42.5), (1, 7.0), (2, 19.99)]
        assert from_file == 0
        assert "plan" not in ws.imports.custom_fields()
    assert not rejects.exists()


BULK_ORDERS = 60_000
"""Orders of a file large enough for the bulk path (``store.deferred_indexes``): its indexes
are dropped after the first chunk and built again before the commit."""

BULK_WAL_BYTES = 135 * BULK_ORDERS
"""About what the import writes to the -wal file (rows, then the indexes built again)."""


@pytest.mark.slow
@pytest.mark.parametrize("share", [0.8])
def test_sigkill_mid_bulk_orders_import_leaves_every_index(tmp_path: Path, share: float) -> None:
    db = tmp_path / "shop.db"
    stock(db)
    before = snapshot(db)
    source = orders_file(tmp_path / "orders.csv", BULK_ORDERS)
    rejects = tmp_path / "rejects.csv"
    command = ["import", "events", str(source), "--json", "--rejects", str(rejects)]
    _kill_import_at(command, db, int(BULK_WAL_BYTES * share), tmp_path / "stderr.txt")
    assert snapshot(db) == before  # the schema (every index) and every row
    assert integrity(db) == ["ok"]


def _kill_import_at(command: Sequence[str], db: Path, wal_bytes: int, log: Path) -> None:
    """Kill the import once it has written ``wal_bytes`` to the -wal file, demonstrably
    mid-run: another connection cannot take the write lock, and no import is committed."""
    wal = db.with_name(db.name + "-wal")
    proc = start(command, db, log)
    deadline = time.monotonic() + LOCK_TIMEOUT
    try:
        while not (size(wal) >= wal_bytes and write_lock_taken(db)):
            if proc.poll() is not None:
                pytest.fail(
                    f"the import ended (exit {proc.returncode}) before it could be killed "
                    f"mid-run; -wal at {size(wal):,} bytes (waiting for {wal_bytes:,})\n"
                    f"stderr: {tail(log)}"
                )
            if committed_batches(db):
                pytest.fail("an import batch was committed while the import was still running")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the import was not seen mid-run within {LOCK_TIMEOUT:g} s: -wal at "
                    f"{size(wal):,} bytes (waiting for {wal_bytes:,})\nstderr: {tail(log)}"
                )
            time.sleep(POLL)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        stop(proc)
