"""A newer export of the same shop: orders stored before take the file's status, total,
quantity and lines (a refund since shows); the same file again changes nothing; undoing the
newer import gives every order its values and lines back exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from segdesk.errors import UserError
from segdesk.ingest import importer
from segdesk.tui.screens.import_history import describe, undo_question
from segdesk.workspace import Workspace
from tests.importing.test_import_chunks import SMALL_CHUNK
from tests.importing.test_import_order_lines import _o, lines, orders, state

HEADER = "Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem sku"

FIRST = (
    f"{HEADER}\n"
    "#1001,fay@example.com,paid,54.20,2024-06-30,2,House Blend,HB-12\n"
    "#1001,fay@example.com,,,,1,Cold Brew Kit,CB-KIT\n"
    "#1002,gus@example.com,paid,13.00,2024-07-01,1,Decaf,DC-12\n"
    "#1003,fay@example.com,pending,26.00,2024-07-02,2,House Blend,HB-12\n"
    "#1004,hal@example.com,paid,6.00,2024-07-03,1,Paper Filters,PF-100\n"
)

NEWER = (
    f"{HEADER}\n"
    # refunded since
    "#1001,fay@example.com,refunded,54.20,2024-06-30,2,House Blend,HB-12\n"
    "#1001,fay@example.com,,,,1,Cold Brew Kit,CB-KIT\n"
    # a line added, the total with it
    "#1002,gus@example.com,paid,19.00,2024-07-01,1,Decaf,DC-12\n"
    "#1002,gus@example.com,,,,1,Paper Filters,PF-100\n"
    # paid since, its line's quantity down, and the lines in another order
    "#1004,hal@example.com,paid,6.00,2024-07-03,1,Paper Filters,PF-100\n"
    "#1003,fay@example.com,paid,13.00,2024-07-02,1,House Blend,HB-12\n"
    "#1005,ivy@example.com,paid,29.00,2024-07-04,1,House Blend 32,HB-32\n"
)


def _import(ws: Workspace, path: Path, **options: Any) -> Any:
    shape = ws.imports.inspect(path)
    return ws.imports.run(
        shape,
        ws.imports.suggest_mapping(shape, "events"),
        importer.ImportOptions(target="events", **options),
        rejects=path.with_suffix(".rejects.csv"),
    )


def test_a_refund_since_a_new_line_and_a_new_status_are_applied(ws, write) -> None:
    first = _import(ws, write("orders_export.csv", FIRST))
    newer = _import(ws, write("orders_export (1).csv", NEWER))
    assert newer.balanced
    counts = (newer.read, newer.inserted, newer.updated, newer.unchanged, newer.merged)
    assert counts == (7, 1, 3, 1, 2)
    assert (newer.lines, newer.quality.repeated_refs) == (4, 2)
    assert orders(ws) == [
        _o("#1001", "fay@example.com", "2024-06-30T00:00", 54.2, 3.0, "refunded"),
        _o("#1002", "gus@example.com", "2024-07-01T00:00", 19.0, 2.0, "paid"),
        _o("#1003", "fay@example.com", "2024-07-02T00:00", 13.0, 1.0, "paid"),
        _o("#1004", "hal@example.com", "2024-07-03T00:00", 6.0, 1.0, "paid"),
        _o("#1005", "ivy@example.com", "2024-07-04T00:00", 29.0, 1.0, "paid"),
    ]
    assert lines(ws) == [
        ("#1001", 1, "House Blend", "HB-12", None, 2.0, None, None),
        ("#1001", 2, "Cold Brew Kit", "CB-KIT", None, 1.0, None, None),
        ("#1002", 1, "Decaf", "DC-12", None, 1.0, None, None),
        ("#1002", 2, "Paper Filters", "PF-100", None, 1.0, None, None),
        ("#1003", 1, "House Blend", "HB-12", None, 1.0, None, None),
        ("#1004", 1, "Paper Filters", "PF-100", None, 1.0, None, None),
        ("#1005", 1, "House Blend 32", "HB-32", None, 1.0, None, None),
    ]
    [latest, earlier] = ws.imports.history()
    assert (latest.updated, latest.merged, earlier.id) == (3, 2, first.batch_id)
    assert latest.to_json()["updated"] == 3
    assert "1 new order (4 line items), 2 more rows of them, 3 updated, 1 already there" in (
        describe(latest)
    )
    assert "gives the 3 orders it updated their previous values back" in undo_question(latest)


def test_the_same_newer_file_again_is_unchanged_everywhere(ws, write, tmp_path) -> None:
    _import(ws, write("a.csv", FIRST))
    path = write("b.csv", NEWER)
    _import(ws, path)
    stored = state(tmp_path / "shop.db")
    again = _import(ws, path)
    assert (again.read, again.unchanged, again.inserted, again.updated, again.lines) == (
        7,
        7,
        0,
        0,
        0,
    )
    assert state(tmp_path / "shop.db") == stored


def test_undo_of_the_newer_import_gives_every_order_back_exactly(ws, write, tmp_path) -> None:
    first = _import(ws, write("a.csv", FIRST))
    before = state(tmp_path / "shop.db")
    newer = _import(ws, write("b.csv", NEWER))
    assert state(tmp_path / "shop.db") != before
    # the order an undo of the first import would remove was updated since: newer first
    with pytest.raises(UserError, match=rf"import {newer.batch_id} \(b.csv\) updated orders"):
        ws.imports.undo(first.batch_id)
    undone = ws.imports.undo(newer.batch_id)
    assert (undone.events_removed, undone.orders_restored) == (1, 3)
    assert state(tmp_path / "shop.db") == before
    ws.imports.undo(first.batch_id)


def test_a_later_update_of_the_same_order_must_be_undone_first(ws, write, tmp_path) -> None:
    _import(ws, write("a.csv", FIRST))
    middle = _import(ws, write("b.csv", NEWER))
    after_middle = state(tmp_path / "shop.db")
    latest = _import(ws, write("c.csv", NEWER.replace("paid,19.00", "cancelled,19.00")))
    assert (latest.updated, latest.merged, latest.unchanged) == (1, 1, 5)
    refusal = ws.imports.undo_refusal(middle.batch_id)
    assert refusal is not None and f"undo import {latest.batch_id} first" in refusal
    ws.imports.undo(latest.batch_id)
    assert state(tmp_path / "shop.db") == after_middle


def test_a_dry_run_reports_the_updates_and_writes_nothing(ws, write, tmp_path) -> None:
    _import(ws, write("a.csv", FIRST))
    before = state(tmp_path / "shop.db")
    report = _import(ws, write("b.csv", NEWER), dry_run=True)
    assert (report.updated, report.inserted, report.unchanged) == (3, 1, 1)
    assert state(tmp_path / "shop.db") == before


def test_orders_split_across_chunks_are_compared_whole(ws, write, tmp_path, monkeypatch) -> None:
    """An order's rows far apart, in several chunks: compared once all are read."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", SMALL_CHUNK)

    def export(refunded: set[int]) -> str:
        rows = ["Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name"]
        late: list[str] = []
        for n in range(1, 121):
            status = "refunded" if n in refunded else "paid"
            rows.append(f"#{n},c{n % 7}@example.com,{status},{n}.00,2024-01-01,1,A{n}")
            (late if n % 3 == 0 else rows).append(f"#{n},c{n % 7}@example.com,,,,2,B{n}")
        return "\n".join([*rows, *late]) + "\n"

    _import(ws, write("a.csv", export(set())))
    before = state(tmp_path / "shop.db")
    newer = _import(ws, write("b.csv", export({3, 50, 120})))
    assert (newer.read, newer.updated, newer.merged, newer.unchanged) == (240, 3, 3, 234)
    refunded = [o["ref"] for o in orders(ws) if o["status"] == "refunded"]
    assert refunded == ["#3", "#50", "#120"]
    assert [line[:3] for line in lines(ws) if line[0] == "#3"] == [("#3", 1, "A3"), ("#3", 2, "B3")]
    ws.imports.undo(newer.batch_id)
    assert state(tmp_path / "shop.db") == before
