"""Each segment's compact copy of its members (``segment_member_set``) stays equal to its rows
through every change of members, and a copy out of step is not trusted."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from pyroaring import BitMap
from sqlalchemy import text

from segdesk.analysis.member_sets import current_members
from segdesk.ingest.importer import ImportOptions
from segdesk.store.database import open_database
from segdesk.workspace import Workspace
from tests.factories import drop_order_summary
from tests.segments.conftest import TODAY


def copies(ws: Workspace) -> dict[int, set[int]]:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT segment_id, member_count, members FROM segment_member_set")
        )
        found = {}
        for segment_id, count, data in rows:
            members = set(BitMap.deserialize(data))
            assert len(members) == count
            found[segment_id] = members
        return found


def rows(ws: Workspace) -> dict[int, set[int]]:
    """Every live segment's member rows, empty ones included."""
    with ws.engine.connect() as conn:
        found: dict[int, set[int]] = {
            segment_id: set()
            for (segment_id,) in conn.execute(
                text("SELECT id FROM segment WHERE deleted_at IS NULL AND member_count IS NOT NULL")
            )
        }
        for segment_id, contact_id in conn.execute(
            text("SELECT segment_id, contact_id FROM segment_member")
        ):
            found.setdefault(segment_id, set()).add(contact_id)
        return found


def in_step(ws: Workspace) -> None:
    """Every segment with members (or a size) has a copy, and each copy equals its rows;
    only a deleted segment's copy may be gone."""
    found, expected = copies(ws), rows(ws)
    assert {k: found.get(k) for k in expected} == expected
    assert set(found) <= set(expected)


def test_every_change_of_members_writes_the_copy(ws: Workspace, tmp_path: Path) -> None:
    ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
    ws.segments.create("Pros", 'plan = "pro"', today=TODAY)
    ws.segments.create("Frozen", 'plan = "team"', static=True, today=TODAY)
    in_step(ws)
    ws.segments.edit("Buyers", "orders.count >= 2", "repeat buyers", today=TODAY)
    ws.segments.pin("Pros", "person1@example.com", "include")
    ws.segments.refresh(today=TODAY)
    in_step(ws)
    ws.segments.duplicate("Pros", "Pros copy", today=TODAY)
    ws.segments.create_static("Frozen buyers", from_segment="Buyers")
    ws.models.run_rfm(TODAY)
    ws.models.run_lifecycle(TODAY)
    in_step(ws)
    ws.segments.delete("Pros copy")
    in_step(ws)
    ws.segments.purge("Pros copy")
    in_step(ws)

    csv = tmp_path / "more.csv"
    csv.write_text("email,plan\nnew1@example.com,pro\nnew2@example.com,pro\n", encoding="utf-8")
    shape = ws.imports.inspect(csv)
    mapping = ws.imports.suggest_mapping(shape, "contacts")
    report = ws.imports.run(shape, mapping, ImportOptions(target="contacts"))
    assert ws.segments.detail("Pros").info.count == len(rows(ws)[_id(ws, "Pros")])
    in_step(ws)
    ws.imports.undo(report.batch_id)
    in_step(ws)


def _id(ws: Workspace, name: str) -> int:
    return ws.segments.detail(name).info.id


def test_a_copy_out_of_step_is_not_read(ws: Workspace) -> None:
    """A copy whose size is not the segment's (a writer outside the store left it behind)
    gives way to the rows."""
    ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
    buyers = _id(ws, "Buyers")
    with ws.engine.begin() as conn:
        conn.execute(text("DELETE FROM segment_member WHERE contact_id = 5 OR contact_id = 6"))
        conn.execute(
            text("UPDATE segment SET member_count = member_count - 2 WHERE id = :id"),
            {"id": buyers},
        )
    with ws.engine.connect() as conn:
        found = current_members(conn, [buyers])
    assert set(found[buyers]) == rows(ws)[buyers]


def test_migration_7_fills_a_copy_for_every_segment(ws: Workspace) -> None:
    """A schema 6 database (no copies) gets one copy per live segment, equal to its rows."""
    ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
    ws.segments.create("Nobody", "orders.count >= 1000", today=TODAY)
    ws.models.run_rfm(TODAY)
    expected = copies(ws)
    db = Path(ws.engine.url.database or "")
    ws.close()
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DROP TABLE segment_member_set")
        conn.execute("DROP TABLE backtest_run")
        drop_order_summary(conn)
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    open_database(db, mode="write").dispose()
    with Workspace.open(db, mode="read") as again:
        assert copies(again) == expected
        in_step(again)
