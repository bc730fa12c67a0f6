"""The overlap screen by keys alone at 80x24: open it, move over the matrix, switch the measure,
edit the guardrails, drill down into a pair and save its people in both as a static segment
that `segdesk segment list --json` then lists; snapshots at 80x24 and 120x40."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from segdesk.settings import overlap_guardrails
from segdesk.tui.app import make_app
from segdesk.tui.screens.ask_text import AskTextScreen
from segdesk.tui.screens.overlap import OverlapScreen
from segdesk.tui.screens.overlap_people import OverlapPeopleScreen
from segdesk.tui.widgets.overlap_matrix import OverlapMatrix
from segdesk.tui.widgets.paged_table import PagedTable
from segdesk.workspace import Workspace
from tests.cli_runs import ok_json
from tests.tui.helpers import Notices, plain, settle, wait_until


async def _open(app, pilot) -> OverlapScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("o")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, OverlapScreen)
    await wait_until(pilot, lambda: screen.report is not None, "the matrix is read")
    return screen


def _footer_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.binding.description for b in app.screen.active_bindings.values() if b.enabled]


async def test_move_and_switch_measure(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        matrix = screen.query_one(OverlapMatrix)
        assert matrix.has_focus and matrix.cursor == (0, 1)
        report = screen.report
        assert report is not None
        with Workspace.open(sample_copy, mode="read") as ws:
            assert report.to_json() == ws.overlap.report().to_json()
        names = [s.name for s in report.segments]
        # Down to "VIPs slipping away" (13th) and right to "VIP customers" (12th): the matrix
        # scrolls to keep the cell in view, and the full names of the pair show under it.
        await pilot.press(*["down"] * 12, *["right"] * 10)
        assert matrix.cursor == (12, 11)
        assert (names[12], names[11]) == ("VIPs slipping away", "VIP customers")
        assert matrix.first_column > 0
        pair = plain(screen.query_one("#pair", Static))
        assert "VIPs slipping away (13) and VIP customers (260)" in pair
        assert "13 people in both · 100% of the first are in the second" in pair
        assert "Showing people" in _footer_keys(app)
        await pilot.press("v")
        assert matrix.measure == "share" and "Showing share" in _footer_keys(app)
        assert matrix.cell_text(report.cell(12, 11)) == "100%"
        await pilot.press("v", "v")
        assert matrix.measure == "people"


async def test_guardrails_edited_are_remembered_and_flag_again(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        assert plain(screen.query_one("#flags", Static)).count("too small to act on") == 1
        await pilot.press("g")
        assert isinstance(app.focused, Input) and app.focused.id == "min-size"
        await pilot.press(*"200", "enter")
        await settle(app, pilot)
        await wait_until(
            pilot,
            lambda: screen.report is not None and screen.report.guardrails.min_size == 200,
            "the matrix is read again",
        )
        assert plain(screen.query_one("#flags", Static)).count("too small to act on") == 5
        assert overlap_guardrails() == (200, None)
        assert screen.query_one(OverlapMatrix).has_focus


async def test_drill_down_and_save_people_in_both(sample_copy: Path, capsys) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        screen = await _open(app, pilot)
        report = screen.report
        assert report is not None
        # Row "Gift buyers" (3rd), column "Holiday gift buyers" (4th)
        await pilot.press("down", "down", "right", "right", "enter")
        await settle(app, pilot)
        people = app.screen
        assert isinstance(people, OverlapPeopleScreen)
        await wait_until(pilot, lambda: people.pair is not None, "the pair is counted")
        both = report.pair(2, 3).measures.both
        assert people.counts == {
            "both": both,
            "only_a": report.segments[2].count - both,
            "only_b": report.segments[3].count - both,
        }
        table = people.query_one(PagedTable)
        await wait_until(pilot, lambda: table.total == both, "people in both are listed")
        await pilot.press("3")
        await wait_until(pilot, lambda: table.total == people.counts["only_b"], "only B")
        await pilot.press("left", "left")
        await wait_until(pilot, lambda: table.total == both, "back to both")
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, AskTextScreen)
        await pilot.press("ctrl+u", *"Gift givers", "enter")
        await settle(app, pilot)
        assert app.screen is people
        assert any("Saved “Gift givers”" in n.message for n in notices.shown)
    listed = {s["name"]: s for s in ok_json(capsys, "segment", "list", "--db", sample_copy)}
    assert (listed["Gift givers"]["kind"], listed["Gift givers"]["count"]) == ("static", both)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("overlap", ["o", "down", "down", "right", "right"]),
        ("overlap_people", ["o", "down", "down", "right", "right", "enter"]),
    ],
)
def test_overlap_snapshot(
    snap_compare, sample_copy: Path, name: str, keys: list[str], size: tuple[int, int]
) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        await pilot.press(keys[0])
        await settle(pilot.app, pilot)
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.report is not None, "the matrix is read")
        for key in keys[1:]:
            await pilot.press(key)
        await settle(pilot.app, pilot)

    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
