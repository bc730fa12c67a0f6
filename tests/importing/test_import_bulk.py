"""A large import builds some indexes after its rows (``store.deferred_indexes``): the same
database as row by row, undo and idempotency unchanged, and a failure leaves every index.

The bulk path is forced on small files by lowering its thresholds; chunks are small, so that
orders span chunks and the import reads what earlier chunks wrote while indexes are dropped.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from segdesk.ingest import importer
from segdesk.ingest.event_writer import EventWriter
from segdesk.ingest.import_report import ImportReport
from segdesk.store import deferred_indexes
from segdesk.store.deferred_indexes import DeferredIndexes, is_large
from segdesk.workspace import Workspace
from tests.reliability.kills import differences, integrity, snapshot

HEADER = "Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem sku"
PRODUCTS = (("House Blend", "HB-12"), ("Cold Brew Kit", "CB-KIT"), ("Decaf", "DC-12"))


def _orders(first: int, count: int, status: str = "paid") -> str:
    """``count`` orders from #first, of 1 to 3 lines each, 15 customers (new ones too)."""
    rows = [HEADER]
    for n in range(first, first + count):
        email = f"c{n % 15}@example.com"
        for line in range(1 + n % 3):
            product, sku = PRODUCTS[(n + line) % 3]
            head = f"{status},{n % 50 + 1}.50,2024-0{1 + n % 9}-1{n % 10}" if line == 0 else ",,"
            rows.append(f"#{n},{email if line == 0 else ''},{head},{1 + line},{product},{sku}")
    return "\n".join(rows) + "\n"


CONTACTS = "email,first_name,city\n" + "".join(
    f"c{n}@example.com,P{n},Oslo\n" for n in range(0, 30, 2)
)
FIRST = _orders(1000, 40)
NEWER = _orders(1020, 60, status="refunded")
"""Restates half of FIRST's orders (refunded since) and adds 40 more."""


@pytest.fixture
def chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 7)


def _path(bulk: bool, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Force the bulk path (for any import, even one adding nothing) or the row by row path;
    the indexes each import dropped are recorded."""
    monkeypatch.setattr(deferred_indexes, "BULK_MIN_ROWS", 0 if bulk else 10**9)
    monkeypatch.setattr(deferred_indexes, "BULK_SHARE", 0.0)
    dropped: list[list[str]] = []
    build = DeferredIndexes.build

    def recording(self: DeferredIndexes) -> None:
        dropped.append([name for name, _ in self.dropped])
        build(self)

    monkeypatch.setattr(DeferredIndexes, "build", recording)
    return dropped


def _import(ws: Workspace, path: Path, target: str = "events", **options: Any) -> ImportReport:
    shape = ws.imports.inspect(path)
    return ws.imports.run(
        shape,
        ws.imports.suggest_mapping(shape, target),  # type: ignore[arg-type]
        importer.ImportOptions(target=target, **options),  # type: ignore[arg-type]
        rejects=path.with_suffix(".rejects.csv"),
    )


def _files(folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    files = {"contacts": CONTACTS, "first": FIRST, "newer": NEWER}
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return {name: folder / f"{name}.csv" for name in files}


def _indexes(db: Path) -> list[tuple[str, str, str | None]]:
    with closing(sqlite3.connect(db)) as conn:
        query = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        return conn.execute(query).fetchall()


def _all_but_history(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table and the schema, without the imports' own history."""
    content = snapshot(db)
    del content["import_batch"], content["segment_refresh"]
    return content


def _counts(report: ImportReport) -> dict[str, Any]:
    """The report but its batch and decisions (which name the database)."""
    return {k: v for k, v in report.to_json().items() if k not in ("batch_id", "decisions")}


def _build(db: Path, files: dict[str, Path]) -> list[ImportReport]:
    with Workspace.open(db) as ws:
        return [
            _import(ws, files["contacts"], "contacts"),
            _import(ws, files["first"]),
            _import(ws, files["newer"]),
        ]


def test_bulk_and_row_by_row_imports_make_the_same_database(
    chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path / "files")
    fresh = tmp_path / "fresh.db"
    Workspace.open(fresh).close()
    _path(False, monkeypatch)
    by_row = _build(tmp_path / "by_row.db", files)
    dropped = _path(True, monkeypatch)
    bulk = _build(tmp_path / "bulk.db", files)
    assert list(map(_counts, bulk)) == list(map(_counts, by_row))
    assert bulk[2].updated == 20 and bulk[2].inserted == 40
    # the orders imports really dropped the indexes that take new rows at random places
    assert (
        set(dropped[1])
        == set(dropped[2])
        >= {
            "ix_event_contact_kind_time",
            "ix_event_kind_time",
            "ix_order_line_product",
            "ix_order_line_contact_time",
        }
    )
    assert not set(dropped[1]) & {"ix_event_import_batch_id", "ix_order_line_event"}
    assert differences(tmp_path / "bulk.db", tmp_path / "by_row.db", timestamps=False) == []
    assert _indexes(tmp_path / "bulk.db") == _indexes(tmp_path / "by_row.db") == _indexes(fresh)
    assert integrity(tmp_path / "bulk.db") == ["ok"]


def test_undo_after_a_bulk_import_restores_the_database_exactly(
    chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, db = _files(tmp_path / "files"), tmp_path / "shop.db"
    dropped = _path(True, monkeypatch)
    with Workspace.open(db) as ws:
        _import(ws, files["contacts"], "contacts")
        _import(ws, files["first"])
        before = _all_but_history(db)
        newer = _import(ws, files["newer"])
        assert newer.updated == 20 and dropped[-1]
        assert newer.batch_id is not None
        ws.imports.undo(newer.batch_id)
    assert _all_but_history(db) == before


def test_the_same_file_again_on_the_bulk_path_changes_nothing(
    chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, db = _files(tmp_path / "files"), tmp_path / "shop.db"
    dropped = _path(True, monkeypatch)
    with Workspace.open(db) as ws:
        _build(db, files)
        once = _all_but_history(db)
        again = _import(ws, files["newer"])
        dry = _import(ws, files["first"], dry_run=True)
    assert dropped[-1], "the second import of the file went the bulk path too"
    assert (again.inserted, again.updated, again.unchanged + again.merged) == (0, 0, again.read)
    assert dry.inserted == 0
    assert _all_but_history(db) == once


@pytest.mark.parametrize("where", ["writing", "building"])
def test_a_bulk_import_failing_half_way_leaves_the_database_with_its_indexes(
    chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    files, db = _files(tmp_path / "files"), tmp_path / "shop.db"
    _path(True, monkeypatch)
    with Workspace.open(db) as ws:
        _import(ws, files["contacts"], "contacts")
        _import(ws, files["first"])
    before = snapshot(db)
    if where == "writing":
        write, calls = EventWriter.write, []

        def failing(self: EventWriter, records: Any, rejects: Any) -> None:
            calls.append(1)
            if len(calls) == 4:
                raise RuntimeError("the disk is full")
            write(self, records, rejects)

        monkeypatch.setattr(EventWriter, "write", failing)
    else:

        def failing_build(self: DeferredIndexes) -> None:
            _name, sql = self.dropped.pop(0)
            self.conn.exec_driver_sql(sql)  # one index built again, then the failure
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(DeferredIndexes, "build", failing_build)
    with Workspace.open(db) as ws, pytest.raises(RuntimeError, match="the disk is full"):
        _import(ws, files["newer"])
    assert snapshot(db) == before
    assert integrity(db) == ["ok"]


def test_a_small_import_into_a_large_table_keeps_its_indexes(
    chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, db = _files(tmp_path / "files"), tmp_path / "shop.db"
    dropped = _path(False, monkeypatch)
    with Workspace.open(db) as ws:
        _import(ws, files["first"])  # 40 orders stored
        monkeypatch.setattr(deferred_indexes, "BULK_MIN_ROWS", 1)
        monkeypatch.setattr(deferred_indexes, "BULK_SHARE", 0.25)
        (tmp_path / "few.csv").write_text(_orders(2000, 3), encoding="utf-8")
        few = _import(ws, tmp_path / "few.csv")  # 3 orders (6 rows): less than a quarter
        (tmp_path / "many.csv").write_text(_orders(3000, 30), encoding="utf-8")
        _import(ws, tmp_path / "many.csv")  # 30 orders: more than a quarter
    assert few.inserted == 3
    assert dropped[-2] == [] and dropped[-1] != []
    assert not is_large(10_000, 5_000_000)
    assert is_large(2_000_000, 5_000_000) and is_large(60_000, 0)
