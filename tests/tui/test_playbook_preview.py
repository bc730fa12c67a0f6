"""The playbook preview, from a segment's page at 80x24 by keys alone: b shows the playbook
as it would be exported, it scrolls, and w writes it where the user says, as Markdown or as
a page to print; snapshots at 80x24 and 120x40."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input

from segdesk.tui.app import make_app
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.screens.playbook_preview import PlaybookPreviewScreen
from segdesk.tui.screens.segment import SegmentScreen
from segdesk.tui.screens.write_playbook import WritePlaybookScreen
from segdesk.tui.widgets.toggles import RadioButton
from tests.tui.helpers import Notices, settle, wait_until

VIP = "VIP customers"


async def open_preview(app: App, pilot: Pilot, segment: str = VIP) -> PlaybookPreviewScreen:
    await settle(app, pilot)
    app.push_screen(SegmentScreen(segment))
    await settle(app, pilot)
    page = app.screen
    await wait_until(pilot, lambda: getattr(page, "page", None) is not None, "the page is read")
    await pilot.press("b")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, PlaybookPreviewScreen)
    await wait_until(pilot, lambda: screen.markdown is not None, "the playbook is shown")
    await settle(app, pilot)
    return screen


async def test_preview_scrolls_and_writes_html(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        screen = await open_preview(app, pilot)
        assert screen.markdown is not None and "## Purpose and goal" in screen.markdown
        view = screen.query_one("#preview", VerticalScroll)
        assert view.max_scroll_y > 0
        await pilot.press("pagedown", "j")
        await settle(app, pilot)
        assert view.scroll_y > 0

        await pilot.press("w")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, WritePlaybookScreen)
        box = dialog.query_one("#path", Input)
        assert box.value == "vip-customers-playbook.md"  # in the current folder
        dialog.query_one("#html", RadioButton).value = True  # the format changes the ending
        await settle(app, pilot)
        assert box.value == "vip-customers-playbook.html"
        await pilot.press("enter")
        await settle(app, pilot)
        target = tmp_path / "vip-customers-playbook.html"
        await wait_until(pilot, target.exists, "the playbook is written")
        await settle(app, pilot)
        assert app.screen is screen
        assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert any("Wrote the playbook as a page to print" in n.message for n in notices.shown)

        # Again to the same file: asked first; typing .md picks Markdown.
        await pilot.press("w")
        await settle(app, pilot)
        box = app.screen.query_one("#path", Input)
        box.value = "vip-customers-playbook.html"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("w")
        await settle(app, pilot)
        app.screen.query_one("#path", Input).value = "plan.md"
        await settle(app, pilot)
        assert app.screen.query_one("#md", RadioButton).value
        await pilot.press("enter")
        await wait_until(pilot, (tmp_path / "plan.md").exists, "the Markdown is written")
        await settle(app, pilot)
        assert (tmp_path / "plan.md").read_text(encoding="utf-8") == screen.markdown
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SegmentScreen)
    assert not notices.errors()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_playbook_preview(snap_compare, sample_copy: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_preview(pilot.app, pilot)

    assert snap_compare(make_app(db=str(sample_copy)), terminal_size=size, run_before=run_before)
