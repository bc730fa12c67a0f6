"""Stability screen by keys alone at 80x24: figures as the workspace computes them, choosing
a segment, taking, deleting and choosing snapshots, sizes from refreshes without snapshots,
the backtest form (a bad date refused in a sentence, then a run whose figures are the
workspace's); and snapshots of the screen at 80x24 and 120x40, one with a backtest's result."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, ProgressBar, Select, Static

from segdesk.tui.app import make_app
from segdesk.tui.messages import DataChanged
from segdesk.tui.screens.stability import StabilityScreen
from segdesk.workspace import Workspace
from tests.stability_data import ChangedSample, changed_sample
from tests.tui.helpers import Notices, plain, settle, wait_until

SAMPLE_DAY = date(2026, 11, 15)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> ChangedSample:
    return changed_sample(tmp_path_factory.mktemp("stability-screen"))


@pytest.fixture
def changed(template: ChangedSample, tmp_path: Path) -> Path:
    db = tmp_path / "sample.db"
    shutil.copyfile(template.db, db)
    return db


async def _open(app, pilot) -> StabilityScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("t")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, StabilityScreen)
    await wait_until(pilot, lambda: screen.subject is not None, "a subject is chosen")
    await settle(app, pilot)
    return screen


def _rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_t_shows_the_first_scheme_as_the_workspace_measures_it(changed: Path) -> None:
    with Workspace.open(changed, mode="read") as ws:
        expected = ws.snapshots.stability("lifecycle")
    app = make_app(db=str(changed))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        assert screen.subject == "lifecycle"
        rows = _rows(screen.query_one("#changes", DataTable))
        assert [r[0] for r in rows] == [s.name for s in expected.segments]
        for row, s in zip(rows, expected.segments, strict=True):
            step = s.changes[0]
            assert row[1:6] == [
                f"{n:,}"
                for n in (step.before, step.after, step.retained, step.entered, step.exited)
            ]
        moves = _rows(screen.query_one("#moves", DataTable))
        matrix = expected.matrix()
        assert [r[1:] for r in moves] == [[f"{n:,}" if n else "·" for n in row] for row in matrix]
        assert "oldest first" in plain(screen.query_one("#chart", Static))


async def test_choosing_a_segment_by_keys_shows_it_alone_and_backtests_it(
    changed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("segdesk.tui.clock.today", lambda: SAMPLE_DAY)
    notices = Notices()
    app = make_app(db=str(changed))
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        screen = await _open(app, pilot)
        choose = screen.query_one("#subject", Select)
        assert choose.has_focus
        options = [value for _, value in choose._options if isinstance(value, str)]
        await pilot.press("enter", *["down"] * options.index("VIP customers"), "enter")
        await wait_until(pilot, lambda: screen.subject == "VIP customers", "VIP is chosen")
        await settle(app, pilot)
        rows = _rows(screen.query_one("#changes", DataTable))
        assert [r[0] for r in rows] == ["VIP customers"]
        assert not screen.query_one("#moves", DataTable).display
        # The backtest follows the segment chosen, over the last year of orders.
        panel = screen.backtest
        assert panel.query_one("#backtest-subject", Select).value == "VIP customers"
        start = panel.query_one("#backtest-from", Input)
        assert (start.value, panel.query_one("#backtest-to", Input).value) == (
            "2025-11-15",
            "2026-11-14",
        )
        start.focus()
        await pilot.press("end", "ctrl+u", *"2025-13-01", "enter")
        status = panel.query_one("#backtest-status", Static)
        assert "From: a date as YYYY-MM-DD" in plain(status) and not panel.running
        await pilot.press("ctrl+u", *"2025-11-15", "escape", "r")
        await wait_until(pilot, lambda: panel.result is not None, "the backtest has run")
        await settle(app, pilot)
        bar = panel.query_one(ProgressBar)
        assert not panel.running and bar.progress == bar.total == 12
        steps = _rows(panel.query_one("#backtest-steps", DataTable))
        notes = plain(panel.query_one("#backtest-notes", Static))
        assert not notices.errors()
    with Workspace.open(changed, mode="read") as ws:
        result = ws.backtests.run(
            "VIP customers", date(2025, 11, 15), date(2026, 11, 14), today=SAMPLE_DAY
        )
    assert panel.result == result
    series = result.segments[0]
    assert [r[:2] for r in steps] == [
        [str(d), f"{n:,}"] for d, n in zip(result.dates, series.sizes, strict=True)
    ]
    assert [r[2:5] for r in steps[1:]] == [
        [f"{c.retained:,}", f"{c.entered:,}", f"{c.exited:,}"] for c in series.changes
    ]
    assert "use today's values on every date" in notes
    assert f"about {series.average_days:,.0f} days" in notes


MONTHLY = [f"month {n} of 12" for n in range(1, 13)]
"""The labels of sample.db's own snapshots, oldest first."""


async def test_take_choose_and_delete_snapshots(template: ChangedSample, changed: Path) -> None:
    notices = Notices()
    app = make_app(db=str(changed))
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("n", "ctrl+u", *"Friday", "enter")
        await settle(app, pilot)
        await wait_until(pilot, lambda: len(screen.snapshots) == 15, "the snapshot is listed")
        assert screen.snapshots[-1].label == "Friday"
        listed = screen.query_one("#snapshots", DataTable)
        listed.focus()
        await pilot.press("j", "j", "a")  # newest first: Friday, the refresh's, "start"
        await settle(app, pilot)
        pair = plain(screen.query_one("#pair", Static))
        assert f"From snapshot #{template.start} “start”" in pair and "“Friday”" in pair
        await pilot.press("k", "k", "d", "n")  # Friday, kept
        await settle(app, pilot)
        assert len(screen.snapshots) == 15
        await pilot.press("d", "y")
        await settle(app, pilot)
        await wait_until(pilot, lambda: len(screen.snapshots) == 14, "the snapshot is gone")
        assert not notices.errors()
    with Workspace.open(changed, mode="read") as ws:
        assert [s.label for s in ws.snapshots.all()] == [*MONTHLY, "start", None]


async def test_the_samples_year_then_without_snapshots_the_refreshes(sample_copy: Path) -> None:
    """sample.db as shipped: the last two of its month-end snapshots compared, sizes over
    the year. Its snapshots deleted (as from the command line), the sizes come from the
    segments' refreshes."""
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        assert [s.label for s in screen.snapshots] == MONTHLY
        assert "At each of the last 12 snapshots" in plain(screen.query_one("#chart", Static))
        pair = plain(screen.query_one("#pair", Static))
        assert "“month 11 of 12” (30 Sep 2026)" in pair and "“month 12 of 12” (31 Oct 2026)" in pair
        assert screen.query_one("#changes", DataTable).display

        workspace = app.workspace
        assert workspace is not None
        for snapshot in screen.snapshots:
            workspace.snapshots.delete(snapshot.id)
        app.post_message(DataChanged())
        await pilot.press("escape", "t")
        await wait_until(pilot, lambda: not screen.snapshots, "the snapshots are read again")
        await settle(app, pilot)
        assert "no snapshot holds it yet" in plain(screen.query_one("#chart", Static))
        assert "needs two snapshots" in plain(screen.query_one("#pair", Static))
        assert not screen.query_one("#changes", DataTable).display


@pytest.mark.parametrize(
    ("size", "end"),
    [((80, 24), False), ((80, 24), True), ((120, 40), False)],
    ids=["80x24", "80x24_end", "120x40"],
)
def test_stability_screen(
    snap_compare,
    template: ChangedSample,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    end: bool,
) -> None:
    """``end``: the lifecycle's backtest, run by r, at the end of the page."""
    monkeypatch.setattr("segdesk.tui.clock.today", lambda: SAMPLE_DAY)
    db = tmp_path / "sample.db"
    shutil.copyfile(template.db, db)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = await _open(pilot.app, pilot)
        if end:
            await pilot.press("r")
            await wait_until(pilot, lambda: screen.backtest.result is not None, "a backtest")
            await settle(pilot.app, pilot)
            screen.query_one("#stability-page").scroll_end(animate=False)
        await settle(pilot.app, pilot)
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(make_app(db=str(db)), terminal_size=size, run_before=run_before)
