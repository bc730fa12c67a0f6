"""Models screen by keys alone: the RxF grid, running RFM and lifecycle, editing the
lifecycle thresholds, cancelling a run; and snapshots of the grid at 80x24 and 120x40."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.models.lifecycle import Thresholds
from segdesk.tui.app import make_app
from segdesk.tui.screens.models import ModelsScreen
from segdesk.tui.widgets.rfm_grid import RfmGridView, score_ranges
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.workspace import Workspace
from segdesk.workspace.models import Models
from tests.tui.helpers import Notices, plain, settle, wait_until

ANCHOR = dt.date(2026, 11, 15)


def _stored_sizes(db: Path, scheme: str) -> dict[str, int]:
    with Workspace.open(db, mode="read") as ws:
        return {s.name: s.count or 0 for s in ws.segments.all() if s.scheme == scheme}


def _shown(view: RfmGridView) -> str:
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    console.print(view.render())
    return console.export_text()


async def _open_models(app, pilot) -> ModelsScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("m")
    await settle(app, pilot)
    assert isinstance(app.screen, ModelsScreen)
    return app.screen


async def test_m_opens_the_rfm_grid_and_the_arrows_walk_it(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_models(app, pilot)
        grid_view = screen.query_one(RfmGridView)
        assert grid_view.has_focus
        grid = grid_view.grid
        assert grid is not None and grid.as_of == ANCHOR
        assert grid.sizes() == _stored_sizes(sample_copy, "rfm")
        assert grid.breakpoints.recency == (13.0, 62.0, 246.8, 546.0)
        await pilot.press("j", "left")
        assert grid_view.cursor == (4, 4)
        detail = _shown(grid_view)
        assert f"R 4 · F 4   Loyal Customers   {grid.people(4, 4):,} people" in detail
        points = plain(screen.query_one("#rfm-points", Static))
        assert "13, 62, 246.8, 546" in points and "33.00, 64.00, 138.00, 473.70" in points


async def test_the_grid_reads_by_keys_from_the_palette(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"models", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ModelsScreen)


async def test_r_runs_rfm_for_today_and_shows_its_grid(sample_copy: Path) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        screen = await _open_models(app, pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.running is None, "the run ends")
        await settle(app, pilot)
        grid = screen.query_one(RfmGridView).grid
        assert grid is not None and grid.as_of == dt.date.today()
        assert "RFM run for today and saved." in [n.message for n in notices.shown]
    assert grid.sizes() == _stored_sizes(sample_copy, "rfm")
    with Workspace.open(sample_copy, mode="read") as ws:
        saved = ws.models.rfm_grid()
    assert saved is not None
    assert replace(saved, ran_at=None) == grid  # the saved run scores the same cells


async def test_thresholds_edited_in_the_form_are_checked_saved_and_run(
    sample_copy: Path,
) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_models(app, pilot)
        await pilot.press("t")
        assert screen.focused is screen.query_one("#new_days", Input)
        await pilot.press("tab", "5")  # active 5 days: fewer than new (30)
        error = screen.query_one("#life-error", Static)
        assert "must not exceed active days (5)" in plain(error)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.running is None
        assert _stored_sizes(sample_copy, "lifecycle")["New"] == 134  # nothing ran
        await pilot.press("backspace", *"120", "shift+tab", *"14", "enter")
        await wait_until(pilot, lambda: screen.running is None, "the run ends")
        await settle(app, pilot)
        assert plain(error).strip() == ""
        status = plain(screen.query_one("#life-status", Static))
    with Workspace.open(sample_copy, mode="read") as ws:
        assert ws.models.lifecycle_thresholds() == Thresholds(14, 120, 365)
        view = ws.models.lifecycle_view()
    assert view.as_of == dt.date.today()
    assert view.sizes == _stored_sizes(sample_copy, "lifecycle")
    assert f"As of {dt.date.today()}: New {view.sizes['New']:,}" in status


async def test_escape_cancels_a_run_and_nothing_is_saved(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless_run(
        self: Models,
        as_of: dt.date | None = None,
        *,
        save: bool | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> None:
        job = Job(progress, cancelled, total=3)
        job.step("orders read")
        while True:  # until the screen asks to stop
            job.check()

    monkeypatch.setattr(Models, "run_rfm", endless_run)
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        screen = await _open_models(app, pilot)
        await pilot.press("r")
        assert screen.running == "rfm"
        assert screen.query_one("#job").display
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.running is None, "the run stops")
        await settle(app, pilot)
        assert isinstance(app.screen, ModelsScreen)  # escape cancelled, did not go back
        assert "RFM run cancelled: nothing was changed." in [n.message for n in notices.shown]
        assert screen.query_one(RfmGridView).grid.as_of == ANCHOR  # type: ignore[union-attr]


def test_score_ranges_name_each_group_of_whole_numbers() -> None:
    assert score_ranges((12.0, 68.0, 250.0, 544.2), 0) == [
        "0-12",
        "13-68",
        "69-250",
        "251-544",
        "545+",
    ]
    assert score_ranges((1.0, 1.0, 3.0, 10.0), 1) == ["1", "none", "2-3", "4-10", "11+"]
    assert score_ranges((), 1) == ["—"] * 5


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_grid_snapshot(snap_compare, sample_copy: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        await pilot.press("m")
        await settle(pilot.app, pilot)
        await pilot.press("j", "left")

    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_b_and_shift_b_preview_the_scheme_playbooks_and_a_page_shows_its_holdout(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets._footer import FooterKey

    from segdesk.publish.lists import ListOptions
    from segdesk.tui.screens.playbook_preview import PlaybookPreviewScreen
    from segdesk.tui.screens.segment import SegmentScreen
    from segdesk.tui.widgets.footer import Footer
    from segdesk.workspace.playbook_exports import PlaybookExports

    # The scheme playbooks themselves are tested without the app (tests/publish): here a
    # stand-in says which one the preview asked for, and draws at once.
    monkeypatch.setattr(PlaybookExports, "render", lambda _self, name, fmt="md": f"# {name}\n")

    with Workspace.open(sample_copy, mode="write") as ws:
        options = ListOptions(holdout_share=0.2, seed=1)
        ws.exports.write_list(["VIP customers"], tmp_path / "vip.csv", options)
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_models(app, pilot)
        await wait_until(pilot, lambda: screen.schemes == {"rfm", "lifecycle"}, "both read")
        await settle(app, pilot)
        keys = list(screen.query_one(Footer).query(FooterKey))
        assert all(k.region.right <= 80 for k in keys)  # the footer fits 80 columns
        assert "RFM playbook" in {k.description for k in keys}
        assert "b and B show the RFM and lifecycle playbooks" in plain(screen.query_one(".hint"))
        for key, scheme, title in (("b", "rfm", "RFM"), ("B", "lifecycle", "Lifecycle")):
            await pilot.press(key)
            await settle(app, pilot)
            preview = app.screen
            assert isinstance(preview, PlaybookPreviewScreen)
            assert preview.markdown == f"# {scheme}\n"
            assert preview.query_one(TitleBar).where == f"Playbook of {title}"
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen is screen

        app.push_screen(SegmentScreen("VIP customers"))
        await settle(app, pilot)
        page = app.screen
        shown = page.query_one("#holdout", Static)
        await wait_until(pilot, lambda: shown.display, "test against control is shown")
        text = plain(shown)
        assert "Sent (test)" in text and "Held back (control)" in text
        assert page.query_one("#holdout-title").display
