"""The export screen by keys alone at 80x24 on a small shop: tick a segment, choose a format,
see who goes in and who is left out, write, see the file and its log row; a cancelled export
leaves no file; a segment's page opens the screen with that segment ticked, and `b` there
previews the segment's playbook. Snapshots at 80x24
and 120x40."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import DataTable, Static

from segdesk.tui.app import make_app
from segdesk.tui.screens import export as export_screen
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.screens.export import ExportScreen
from segdesk.tui.screens.playbook_preview import PlaybookPreviewScreen
from segdesk.tui.screens.segment import SegmentScreen
from segdesk.tui.widgets.toggles import CheckList
from segdesk.workspace import Workspace
from tests.publish.shop import make_shop
from tests.tui.helpers import TIMEOUT, settle, wait_until


def _summary(screen: ExportScreen) -> str:
    return Content.from_markup(str(screen.query_one("#export-summary", Static).content)).plain


async def _open(app, pilot) -> ExportScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("x")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    await wait_until(pilot, lambda: screen.segments is not None, "the segments are listed")
    return screen


async def _counted(pilot, screen: ExportScreen, said: str) -> None:  # type: ignore[no-untyped-def]
    await wait_until(
        pilot,
        lambda: screen.planned is not None and said in _summary(screen),
        f"the summary says {said!r} (it says {_summary(screen)!r})",
    )


HOLD = threading.Event()
"""Set: the next export waits at its first cancel check until the screen cancels it."""


def _held(stop: threading.Event):  # type: ignore[no-untyped-def]
    return lambda: stop.wait(TIMEOUT) if HOLD.is_set() else stop.is_set()


async def test_choose_count_write_cancel_and_open_from_a_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_shop(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    monkeypatch.setattr(export_screen, "cancel_check", _held)
    monkeypatch.setattr(export_screen, "PLAN_DELAY", 0.01)
    HOLD.clear()
    app = make_app(db=str(db))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        assert screen.segments == ["Club", "Team"]
        assert "Tick a segment" in _summary(screen)
        await pilot.press("space")  # Club: Ann, Bob, Cy (unsubscribed), Dee
        await _counted(pilot, screen, "3 people go into Club.csv · left out: 1 unsubscribed")
        # Mailchimp needs an email: Bob has none.
        await pilot.press("tab", "down", "enter")
        await _counted(
            pilot,
            screen,
            "2 people go into Club.csv · left out: 1 unsubscribed, 1 without an email address",
        )
        await pilot.press("f2")
        await wait_until(pilot, lambda: screen.report is not None, "the list is written")
        assert "Wrote 2 people to" in _summary(screen)
        with (out / "Club.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][:2] == ["Email Address", "First Name"]
        assert sorted(r[0] for r in rows[1:]) == ["ann@example.com", "dee@example.com"]
        log = screen.query_one("#log", DataTable)
        await wait_until(pilot, lambda: log.row_count == 1, "the log lists the export")
        assert [str(c) for c in log.get_row_at(0)[1:5]] == [
            "Club",
            "Mailchimp CSV",
            "2",
            "1 unsubscribed, 1 without an email address",
        ]

        # Excel: the file's name follows the format; escape cancels while it is written.
        await pilot.press("down", "down", "enter")
        await _counted(pilot, screen, "3 people go into Club.xlsx")
        HOLD.set()
        await pilot.press("f2")
        await wait_until(pilot, lambda: screen.writing, "the export runs")
        assert "Cancel" in [b.binding.description for b in screen.active_bindings.values()]
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.writing, "the export stops")
        assert "Cancelled: no file was written." in _summary(screen)
        assert sorted(p.name for p in out.iterdir()) == ["Club.csv"]
        HOLD.clear()

        # Writing Club.csv again asks first.
        await pilot.press("up", "up", "enter")
        await _counted(pilot, screen, "go into Club.csv")
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen and not screen.writing

        # From Team's page, x opens the screen with Team ticked; escape goes back to it.
        page = SegmentScreen("Team")
        await app.push_screen(page)
        await wait_until(pilot, lambda: page.page is not None, "Team's page is read")
        await pilot.press("x")
        chosen = app.screen
        assert isinstance(chosen, ExportScreen)
        await wait_until(pilot, lambda: chosen.segments is not None, "the segments are listed")
        assert chosen.query_one(CheckList).selected == ["Team"]
        await _counted(pilot, chosen, "3 people go into Team.csv")
        # b previews the playbook of the segment under the cursor; Team has no scheme, so B
        # (a scheme's playbook) stays off.
        assert chosen.check_action("scheme_playbook", ()) is False
        await pilot.press("j", "b")  # j moves as the arrows do
        preview = app.screen
        assert isinstance(preview, PlaybookPreviewScreen) and preview.playbook_of == "Team"
        await wait_until(pilot, lambda: preview.markdown is not None, "the playbook is read")
        assert "# Team" in preview.markdown
        await pilot.press("escape")
        assert app.screen is chosen
        await pilot.press("escape")
        assert app.screen is page
    with Workspace.open(db, mode="read") as ws:
        (entry,) = ws.exports.log()
    assert (entry.format, entry.rows, entry.path) == ("mailchimp", 2, str(out / "Club.csv"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_export_snapshot(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    db = make_shop(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(export_screen.secrets, "randbelow", lambda _n: 7)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = await _open(pilot.app, pilot)
        await pilot.press("space")
        await _counted(pilot, screen, "go into Club.csv")

    app = make_app(db=str(db))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
