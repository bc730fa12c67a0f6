"""An import lands whole or not at all: failing half-way or cancelled, it leaves the database
exactly as it was (every row of every table), and the database stays usable. Killed with
SIGKILL, the same: ``tests/reliability/test_sigkill.py``."""

from __future__ import annotations

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
from tests.reliability.kills import integrity, snapshot

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
