"""Snapshots on small generated stores: what they hold, finding and deleting them, and the
automatic snapshot a refresh takes only when membership changed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pyroaring import BitMap

from segdesk.analysis import snapshots as snapshots_module
from segdesk.errors import NotFoundError
from segdesk.workspace import Workspace
from tests.cli_runs import run
from tests.factories import add_contacts, add_segment, new_shop

TODAY = date(2025, 3, 1)


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    """Ten contacts, five in the US; a rule segment "US", a static list and a retired one."""
    db = new_shop(
        tmp_path,
        [
            {"id": i, "email": f"p{i}@example.com", "country": "US" if i <= 5 else "CA"}
            for i in range(1, 11)
        ],
    )
    with Workspace.open(db) as ws:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        add_segment(ws.engine, "List", [2, 4, 6])
        add_segment(ws.engine, "Old", [1], status="retired")
    return db


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as raw:
        return raw.execute(sql).fetchall()


def test_a_snapshot_holds_every_active_and_draft_segment(shop_db: Path) -> None:
    with Workspace.open(shop_db) as ws:
        ws.segments.create("Draft CA", 'country = "CA"', today=TODAY, status="draft")
        taken = ws.snapshots.take(" weekly review ")
        members = ws.snapshots.load(taken.id)
        names = {s.name: s.id for s in ws.segments.all()}
    assert (taken.label, taken.kind, taken.segments, taken.people) == (
        "weekly review",
        "manual",
        3,
        10,
    )
    assert {k: set(v) for k, v in members.items()} == {
        names["US"]: {1, 2, 3, 4, 5},
        names["List"]: {2, 4, 6},
        names["Draft CA"]: {6, 7, 8, 9, 10},
    }
    counts = _rows(shop_db, "SELECT segment_id, member_count FROM snapshot_membership")
    assert sorted(counts) == sorted(
        (names[n], c) for n, c in [("US", 5), ("List", 3), ("Draft CA", 5)]
    )


def test_find_by_id_label_or_day_and_delete_removes_the_members(shop_db: Path) -> None:
    with Workspace.open(shop_db) as ws:
        first = ws.snapshots.take("Start")
        second = ws.snapshots.take()
        past = ws.snapshots.save({1: BitMap([1, 2])}, kind="as_of", as_of=date(2024, 12, 31))
        assert ws.snapshots.find(str(first.id)).id == first.id
        assert ws.snapshots.find(f"#{second.id}").id == second.id
        assert ws.snapshots.find("start").id == first.id
        assert ws.snapshots.find("2024-12-31").id == past.id
        assert [s.id for s in ws.snapshots.all()] == [past.id, first.id, second.id]
        with pytest.raises(NotFoundError):
            ws.snapshots.find("no such label")
        deleted = ws.snapshots.delete("Start")
        assert deleted.id == first.id
        assert [s.id for s in ws.snapshots.all()] == [past.id, second.id]
    left = _rows(shop_db, "SELECT DISTINCT snapshot_id FROM snapshot_membership ORDER BY 1")
    assert left == sorted([(past.id,), (second.id,)])


def _snapshot_ids(db: Path) -> list[tuple[int, str]]:
    return _rows(db, "SELECT id, kind FROM snapshot ORDER BY id")


def test_refresh_snapshots_only_when_membership_changed(shop_db: Path) -> None:
    with Workspace.open(shop_db) as ws:
        assert ws.segments.refresh(today=TODAY).snapshot is None  # nothing changed
        assert _snapshot_ids(shop_db) == []
        add_contacts(ws.engine, [{"id": 11, "email": "p11@example.com", "country": "US"}])
        changed = ws.segments.refresh(today=TODAY)
        assert changed.snapshot is not None
        assert ws.segments.refresh(today=TODAY).snapshot is None  # the same again
        assert ws.segments.refresh("US", today=TODAY).snapshot is None
        members = ws.snapshots.load(changed.snapshot)
        us = next(s.id for s in ws.segments.all() if s.name == "US")
    assert _snapshot_ids(shop_db) == [(changed.snapshot, "auto")]
    assert set(members[us]) == {1, 2, 3, 4, 5, 11}


def test_refresh_compares_with_the_last_snapshot(shop_db: Path) -> None:
    """A change made since the last snapshot (here a contact gone from the US) is taken at
    the next refresh, though that refresh itself changed nothing more."""
    with Workspace.open(shop_db) as ws:
        ws.snapshots.take()
        with ws.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE contact SET country = 'CA' WHERE id = 1")
        ws.segments.refresh("US", today=TODAY)
        assert ws.segments.refresh(today=TODAY).snapshot is None
    assert [kind for _, kind in _snapshot_ids(shop_db)] == ["manual", "auto"]


def test_a_failing_refresh_leaves_no_snapshot(
    shop_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The automatic snapshot is in the refresh's transaction: both land or neither."""

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("disk full")

    with Workspace.open(shop_db) as ws:
        add_contacts(ws.engine, [{"id": 11, "email": "p11@example.com", "country": "US"}])
        monkeypatch.setattr(snapshots_module, "save_snapshot", broken)
        with pytest.raises(RuntimeError):
            ws.segments.refresh(today=TODAY)
        assert next(s.count for s in ws.segments.all() if s.name == "US") == 5
    assert _snapshot_ids(shop_db) == []


def test_an_import_that_changes_membership_takes_a_snapshot(
    shop_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "more.csv"
    source.write_text("email,country\np12@example.com,US\n", encoding="utf-8")
    assert run(capsys, "import", "contacts", source, "--db", shop_db)[0] == 0
    assert [kind for _, kind in _snapshot_ids(shop_db)] == ["auto"]
    source.write_text("email,country\np13@example.com,CA\n", encoding="utf-8")
    assert run(capsys, "import", "contacts", source, "--db", shop_db)[0] == 0
    assert [kind for _, kind in _snapshot_ids(shop_db)] == ["auto"]


def test_save_snapshot_stores_given_members_as_of_a_day(shop_db: Path) -> None:
    now = datetime(2025, 3, 2, tzinfo=UTC)
    with Workspace.open(shop_db) as ws, ws.engine.begin() as conn:
        snapshot_id = snapshots_module.save_snapshot(
            conn, {1: BitMap([3, 1])}, kind="as_of", label="Jan", as_of=date(2025, 1, 31), now=now
        )
        found = snapshots_module.find_snapshot(conn, "jan")
        assert {
            k: set(v) for k, v in snapshots_module.load_snapshot(conn, snapshot_id).items()
        } == {1: {1, 3}}
    assert (found.id, found.kind, found.day, found.people) == (
        snapshot_id,
        "as_of",
        date(2025, 1, 31),
        2,
    )
