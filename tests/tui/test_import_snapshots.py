"""Snapshots of each import step at 80x24, on small files with exact content.

Files are typed by name from their own folder, so no temporary path reaches the screen; the
history's times are fixed in the database and shown in UTC.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from segdesk.ingest.importer import ImportOptions
from segdesk.store.tables import ImportBatch
from segdesk.tui.app import make_app
from segdesk.workspace import Workspace
from tests.tui.helpers import settle

SIZE = (80, 24)

CUSTOMERS = (
    "Email,First Name,Last Name,Nickname,Signup,Spent\n"
    "ana@example.com,Ana,Alves,Nan,01/02/2024,12.50\n"
    "ben@example.com,Ben,Berg,Benny,15/03/2024,7.00\n"
    "not-an-email,Cy,Cole,C,01/04/2024,3.25\n"
)
CLEAN = "Email,First Name,City\nana@example.com,Ana,Leeds\ndee@example.com,Dee,York\n"
ORDERS = "Order,Email,Date,Total\n#1,ana@example.com,2024-05-01,20.00\n"

TO_PREVIEW = ["i", *"customers.csv", "enter"]


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "clean.csv").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def with_history(shop: Path, tmp_path: Path) -> Path:
    """Three imports at fixed times, the second undone."""
    with Workspace.open(shop) as ws:
        for name, target in (
            ("clean.csv", "contacts"),
            ("customers.csv", "contacts"),
            ("orders.csv", "events"),
        ):
            shape = ws.imports.inspect(tmp_path / name)
            mapping = ws.imports.suggest_mapping(shape, target)  # type: ignore[arg-type]
            ws.imports.run(shape, mapping, ImportOptions(target), rejects=tmp_path / "r.csv")  # type: ignore[arg-type]
        ws.imports.undo(2)
        table = ImportBatch.__table__
        with ws.engine.begin() as conn:
            for batch_id in (1, 2, 3):
                conn.execute(
                    table.update()
                    .where(table.c.id == batch_id)
                    .values(started_at=datetime(2025, 3, batch_id, 9, 30, tzinfo=UTC))
                )
    return shop


def _run_before(keys: list[str]):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot.app, pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.wait_for_scheduled_animations()

    return run_before


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("file", ["i", *"customers.csv"]),
        ("preview", TO_PREVIEW),
        ("mapping", [*TO_PREVIEW, "ctrl+n", "down", "down", "down", "down"]),
        ("mapping_chooser", [*TO_PREVIEW, "ctrl+n", "down", "down", "down", "enter"]),
        ("options", [*TO_PREVIEW, "ctrl+n", "ctrl+n"]),
        ("dry_run", [*TO_PREVIEW, "ctrl+n", "ctrl+n", "ctrl+n"]),
        ("rejects", [*TO_PREVIEW, "ctrl+n", "ctrl+n", "ctrl+n", "r"]),
        ("final", ["i", *"clean.csv", "enter", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n"]),
    ],
)
def test_wizard_step(snap_compare, shop: Path, name: str, keys: list[str]) -> None:
    assert snap_compare(make_app(db=str(shop)), terminal_size=SIZE, run_before=_run_before(keys))


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("history", ["i", "tab", "y"]),
        ("undo_confirm", ["i", "tab", "y", "u"]),
    ],
)
def test_history(snap_compare, with_history: Path, name: str, keys: list[str]) -> None:
    app = make_app(db=str(with_history))
    assert snap_compare(app, terminal_size=SIZE, run_before=_run_before(keys))
