"""An import lands whole or not at all: killed, failing half-way or cancelled, it leaves the
database exactly as it was (every row of every table), and the database stays usable."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from segdesk.ingest import importer
from segdesk.ingest.contact_writer import ContactWriter
from segdesk.ingest.event_writer import EventWriter
from segdesk.ingest.import_report import ImportReport
from segdesk.ingest.importer import ImportOptions
from segdesk.jobs import Cancelled
from segdesk.store.tables import Contact, Event
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_orders

SEGDESK = Path(sys.executable).with_name("segdesk")

KNOWN_CONTACTS = [
    {
        "email": "ann@example.com",
        "external_id": "C-0001",
        "first_name": "Ann",
        "last_name": "Lee",
        "city": "Paris",
        "consent": "subscribed",
        "attributes": {"tier": "gold"},
    },
    {
        "email": "bob@example.com",
        "external_id": "C-0002",
        "first_name": "Bob",
        "company": "Acme",
        "attributes": {},
    },
    {"external_id": "C-0003", "first_name": "Cy", "phone": "+33 6 00 00 00 03"},
]

BULK_DOMAIN = "bulk.example"
"""Every contact a test file brings (besides the known ones) has an address at this domain."""

KILL_CONTACTS = 300_000
"""Rows of the file the SIGKILL test imports: several seconds of work on a small machine."""

KILL_WAL_BYTES = 8 << 20
"""The import counts as mid-run once it has written this much to the -wal file, uncommitted
(the whole run writes about 50 MB there)."""

KILL_TIMEOUT = 15.0

SMALL_CHUNK = 100
SMALL_FILE_ROWS = 1000
"""In-process tests import 1,000 rows in chunks of 100: ten chunks, in a fraction of a second."""


# Helpers ------------------------------------------------------------------------------------


def stock(db: Path) -> None:
    """A database with three known contacts and a few orders of the first two."""
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, KNOWN_CONTACTS)
        add_orders(
            ws.engine,
            1,
            [
                (datetime(2024, 5, 1, 9, tzinfo=UTC), 42.5),
                (datetime(2024, 6, 2, 18, tzinfo=UTC), 7.0),
            ],
        )
        add_orders(ws.engine, 2, [(datetime(2024, 7, 3, 12, tzinfo=UTC), 19.99)])


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The schema, then every row of every table in rowid order, read with plain sqlite3."""
    conn = sqlite3.connect(db)
    try:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        content: dict[str, list[tuple[Any, ...]]] = {"sqlite_master": schema}
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            content[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        return content
    finally:
        conn.close()


def integrity(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def contacts_file(path: Path, rows: int, *, broken_at: int | None = None) -> Path:
    """``rows`` contacts: the known Ann and Bob again (renamed), an invalid address (a rejected
    row), then new people at ``BULK_DOMAIN``; with ``broken_at``, a quote opened on that data
    row is never closed, which the reader only finds when it gets there."""
    lines = [
        "email,first_name,last_name,customer_id,city,plan",
        "ann@example.com,Annie,Leigh,C-0001,Lyon,platinum",
        "BOB@example.com,Robert,,C-0002,Berlin,free",
        "not an address,Nobody,,,,",
    ]
    for i in range(len(lines) - 1, rows):
        quote = '"' if i == broken_at else ""
        lines.append(f"p{i}@{BULK_DOMAIN},{quote}P{i},Person,B-{i:07d},Oslo,free")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def orders_file(path: Path, rows: int, *, broken_at: int | None = None) -> Path:
    """``rows`` orders of Ann, Bob and new people (whom the import would create)."""
    lines = ["email,order_id,date,amount,quantity", "not an address,X-0,2024-01-01,1.00,1"]
    owners = ("ann@example.com", "bob@example.com", f"new1@{BULK_DOMAIN}", f"new2@{BULK_DOMAIN}")
    for i in range(len(lines) - 1, rows):
        quote = '"' if i == broken_at else ""
        lines.append(f"{owners[i % 4]},{quote}O-{i:06d},2024-02-{1 + i % 28:02d},{i % 90}.25,1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_lock_taken(db: Path) -> bool:
    """Whether another connection holds SQLite's write lock (asked without waiting)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def committed_batches(db: Path) -> int:
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM import_batch").fetchone()[0]
    finally:
        conn.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _tail(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return text[-2000:] or "(nothing)"


# Killed with SIGKILL ------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_database_unchanged(tmp_path: Path) -> None:
    assert SEGDESK.exists(), f"no segdesk console script beside {sys.executable}"
    db = tmp_path / "shop.db"
    wal = db.with_name(db.name + "-wal")
    stock(db)
    before = snapshot(db)
    big = contacts_file(tmp_path / "big.csv", KILL_CONTACTS)
    out, err = tmp_path / "import.out", tmp_path / "import.err"
    rejects = tmp_path / "rejects" / "big-rejects.csv"

    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [
                str(SEGDESK),
                "import",
                "contacts",
                str(big),
                "--db",
                str(db),
                "--json",
                "--rejects",
                str(rejects),
            ],
            stdout=stdout,
            stderr=stderr,
        )
    try:
        # Mid-run, demonstrably: megabytes of the import are in the -wal file, another
        # connection cannot take the write lock, and no import is committed yet.
        deadline = time.monotonic() + KILL_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"the import ended (exit {proc.returncode}) before it could be killed "
                    f"mid-run; -wal at {_size(wal):,} bytes\nstderr: {_tail(err)}"
                )
            if committed_batches(db):
                pytest.fail("an import batch was committed while the import was still running")
            if _size(wal) >= KILL_WAL_BYTES and write_lock_taken(db):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the import was not seen mid-run within {KILL_TIMEOUT:g} s: -wal at "
                    f"{_size(wal):,} bytes (waiting for {KILL_WAL_BYTES:,})\n"
                    f"stderr: {_tail(err)}"
                )
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    # The killed run left its uncommitted pages behind; opening the database discards them.
    assert _size(wal) >= KILL_WAL_BYTES
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


# Failing half-way or cancelled, in process ---------------------------------------------------


@pytest.fixture
def stocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", SMALL_CHUNK)
    db = tmp_path / "shop.db"
    stock(db)
    with Workspace.open(db) as ws:
        yield ws, db


FILES: dict[str, Callable[..., Path]] = {"contacts": contacts_file, "events": orders_file}
WRITERS: dict[str, type[ContactWriter] | type[EventWriter]] = {
    "contacts": ContactWriter,
    "events": EventWriter,
}


def _import(ws: Workspace, path: Path, target: str, rejects: Path, **kwargs: Any) -> ImportReport:
    shape = ws.imports.inspect(path)
    mapping = ws.imports.suggest_mapping(shape, target)  # type: ignore[arg-type]
    return ws.imports.run(
        shape,
        mapping,
        ImportOptions(target=target),
        rejects=rejects,
        **kwargs,  # type: ignore[arg-type]
    )


def _rejects_left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _unchanged_and_usable(ws: Workspace, db: Path, target: str, before: dict, tmp: Path) -> None:
    """Nothing of the run is left, not even its rejects file, and the next import works."""
    assert snapshot(db) == before
    assert integrity(db) == ["ok"]
    assert ws.imports.history() == []
    assert _rejects_left(tmp / "rejects") == []
    again = _import(
        ws, FILES[target](tmp / f"again-{target}.csv", 20), target, tmp / "rejects" / "again.csv"
    )
    assert (again.read, again.rejected, again.inserted + again.updated) == (20, 1, 19)
    assert [run.id for run in ws.imports.history()] == [again.batch_id]


@pytest.mark.parametrize("target", ["contacts", "events"])
def test_writer_failing_on_the_third_chunk_changes_nothing(
    stocked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    ws, db = stocked
    before = snapshot(db)
    writer = WRITERS[target]
    original = writer.write
    inside: list[int] = []

    def failing_write(self, records, rejects) -> None:  # type: ignore[no-untyped-def]
        original(self, records, rejects)
        table = Contact.__table__ if target == "contacts" else Event.__table__
        inside.append(self.conn.execute(select(func.count()).select_from(table)).scalar_one())
        if len(inside) == 3:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(writer, "write", failing_write)
    path = FILES[target](tmp_path / f"{target}.csv", SMALL_FILE_ROWS)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _import(ws, path, target, tmp_path / "rejects" / f"{target}.csv")
    # Three chunks really were written inside the transaction before it failed.
    known = len(before["contact" if target == "contacts" else "event"])
    assert len(inside) == 3
    assert inside[2] >= known + 2 * SMALL_CHUNK
    monkeypatch.setattr(writer, "write", original)
    _unchanged_and_usable(ws, db, target, before, tmp_path)


@pytest.mark.parametrize("target", ["contacts", "events"])
def test_a_file_broken_near_its_end_changes_nothing(stocked, tmp_path: Path, target: str) -> None:
    ws, db = stocked
    before = snapshot(db)
    path = FILES[target](tmp_path / f"{target}.csv", SMALL_FILE_ROWS, broken_at=950)
    with pytest.raises(Exception, match="never closed"):
        _import(ws, path, target, tmp_path / "rejects" / f"{target}.csv")
    _unchanged_and_usable(ws, db, target, before, tmp_path)


@pytest.mark.parametrize("target", ["contacts", "events"])
def test_cancelled_import_raises_and_changes_nothing(stocked, tmp_path: Path, target: str) -> None:
    ws, db = stocked
    before = snapshot(db)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 4  # four chunks go in, then the user cancels

    path = FILES[target](tmp_path / f"{target}.csv", SMALL_FILE_ROWS)
    with pytest.raises(Cancelled):
        _import(ws, path, target, tmp_path / "rejects" / f"{target}.csv", cancelled=cancelled)
    assert len(asked) == 5
    _unchanged_and_usable(ws, db, target, before, tmp_path)
