"""The profile on a segment's page: read in a worker while the page works, r jumps to it,
and a snapshot of the section at 80x24 in the 16-colour theme."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from segdesk.tui.app import make_app
from segdesk.tui.screens.fault import FaultScreen
from segdesk.tui.screens.help import HelpScreen
from segdesk.tui.screens.segment import SegmentScreen
from segdesk.tui.themes import ANSI_THEME
from segdesk.tui.widgets.segment_profile import LOADING, SegmentProfileView
from segdesk.workspace.profiles import Profiles
from tests.tui.helpers import plain, settle, wait_until

SAMPLE_DAY = date(2026, 11, 15)
OPEN_VIP = ["s", "slash", *"VIP cust", "enter", "enter"]


@pytest.fixture(autouse=True)
def _sample_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("segdesk.tui.clock.today", lambda: SAMPLE_DAY)


async def open_vip(app: App, pilot: Pilot) -> SegmentScreen:
    await settle(app, pilot)
    await pilot.press(*OPEN_VIP)
    await wait_until(pilot, lambda: isinstance(app.screen, SegmentScreen), "the page is open")
    assert isinstance(app.screen, SegmentScreen)
    return app.screen


async def test_the_page_works_while_the_profile_is_read(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = Profiles.profile

    def slow(self: Profiles, name: str, today: date | None = None):  # type: ignore[no-untyped-def]
        assert release.wait(30)
        return real(self, name, today)

    monkeypatch.setattr(Profiles, "profile", slow)
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_vip(app, pilot)
        view = page.query_one("#profile", SegmentProfileView)
        heading = page.query_one("#heading", Static)
        await wait_until(pilot, lambda: "VIP customers" in plain(heading), "the page is shown")
        assert plain(view).strip() == LOADING  # the page shows while the profile is read
        await pilot.press("r")
        release.set()
        await settle(app, pilot)
        assert view.profile is not None and view.profile.today == SAMPLE_DAY
        text = plain(view)
        assert "This segment" in text and "Everyone" in text
        assert "People" in text and "3,011" in text
        assert "What sets it apart" in text and "Bought Coffee Club Monthly" in text
        title = page.query_one("#profile-title")
        scroll = page.query_one("#page")
        assert scroll.scroll_y == pytest.approx(title.virtual_region.y, abs=1)
        keys = HelpScreen(page).keys
        assert ("r", "Profile beside everyone") in keys


async def test_a_profile_that_fails_says_so(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Profiles, name: str, today: date | None = None):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Profiles, "profile", broken)
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*OPEN_VIP)
        await wait_until(pilot, lambda: isinstance(app.screen, FaultScreen), "the fault shows")
        await settle(app, pilot)
        assert "disk on fire" in app.screen.query_one("#fault-details", TextArea).text
        await pilot.press("escape")
        page = app.screen
        assert isinstance(page, SegmentScreen), app.screen_stack
        view = page.query_one("#profile", SegmentProfileView)
        assert "could not be read" in plain(view)
        assert "VIP customers" in plain(page.query_one("#heading", Static))


def test_profile_section_snapshot_80x24_16_colours(snap_compare, sample_copy: Path) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_vip(pilot.app, pilot)
        await settle(pilot.app, pilot)
        await pilot.press("r")
        await settle(pilot.app, pilot)

    app = make_app(db=str(sample_copy), theme=ANSI_THEME)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
