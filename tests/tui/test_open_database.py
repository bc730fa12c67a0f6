"""The app and its database: it asks before making a new one, refuses a missing folder,
finishes a refresh an import left due, and shows an import waiting for another one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from segdesk.tui.app import make_app
from segdesk.tui.importing import prepare
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.screens.import_run import ImportRunScreen
from segdesk.workspace import Workspace
from tests.faults import (
    CY_ORDERS,
    import_holding_the_lock,
    killed_before_refresh,
    people_file,
    repeat_buyers_shop,
    segments_due,
)
from tests.reliability.kills import committed_batches
from tests.tui.helpers import plain, settle

SIZE = (80, 24)


async def test_it_asks_before_making_a_database_and_quitting_makes_none(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    app = make_app(db=str(db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = plain(app.screen.query_one("#question", Static))
        assert f"There is no database at {db}." in " ".join(question.split())
        assert app.workspace is None
        await pilot.press("n")
        await settle(app, pilot)
    assert app.return_code == 2
    assert list(tmp_path.iterdir()) == []


async def test_saying_yes_makes_it(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    app = make_app(db=str(db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.workspace is not None
        assert "This database is empty" in plain(app.screen.query_one("#next", Static))
    assert db.is_file()
    assert oct(db.stat().st_mode & 0o777) == "0o600"


async def test_a_missing_folder_is_refused_without_asking(tmp_path: Path) -> None:
    app = make_app(db=str(tmp_path / "no" / "such" / "x.db"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
    assert app.return_code == 2
    assert not (tmp_path / "no").exists()


async def test_a_due_refresh_is_finished_with_a_notice(tmp_path: Path) -> None:
    db = repeat_buyers_shop(tmp_path / "shop.db")
    orders = tmp_path / "orders.csv"
    orders.write_text(CY_ORDERS)
    killed_before_refresh("import", "events", str(orders), "--db", str(db))
    assert segments_due(db) == "import 1"
    app = make_app(db=str(db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        notices = [str(n.message) for n in app._notifications]
        assert "Segments were out of date since import 1: 1 segment updated." in notices
    assert segments_due(db) is None


async def test_an_import_waiting_for_another_says_so_and_can_be_cancelled(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shop.db"
    Workspace.open(db).close()
    app = make_app(db=str(db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.workspace is not None
        draft = prepare(app.workspace, people_file(tmp_path / "more.csv", 400, 3), "contacts")
        with import_holding_the_lock(db, tmp_path):
            await app.push_screen(ImportRunScreen(draft, dry_run=False))
            status = app.screen.query_one("#run-status", Static)
            for _ in range(100):
                await pilot.pause(0.1)
                if "Waiting for another import to finish" in plain(status):
                    break
            assert "escape cancels" in plain(status)
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen.state == "cancelled"  # type: ignore[attr-defined]
    assert committed_batches(db) == 1  # the held import, let go on the way out
