"""The overlap screen by keys alone at 80x24: open it, move over the matrix, switch the measure,
edit the guardrails, drill down into a pair and save its people in both as a static segment
that `segdesk segment list --json` then lists, holding exactly the people in both, and that
the profiles table then shows with the figures the workspace computes; snapshots at 80x24 and
120x40, and of the profiles table at 80x24."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from segdesk.analysis.profiles import money, percent
from segdesk.settings import overlap_guardrails
from segdesk.tui.app import make_app
from segdesk.tui.screens.ask_text import AskTextScreen
from segdesk.tui.screens.overlap import OverlapScreen
from segdesk.tui.screens.overlap_people import OverlapPeopleScreen
from segdesk.tui.widgets.overlap_matrix import OverlapMatrix
from segdesk.tui.widgets.paged_table import PagedTable
from segdesk.tui.widgets.profile_table import EVERYONE
from segdesk.workspace import Workspace
from tests.cli_runs import ok_json
from tests.tui.helpers import Notices, plain, settle, wait_until

SAMPLE_DAY = date(2026, 11, 15)


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


def _ids(ws: Workspace, name: str) -> set[int]:
    return {c.id for c in ws.segments.members(name)}


async def test_drill_down_save_people_in_both_and_profile_them(
    sample_copy: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("segdesk.tui.clock.today", lambda: SAMPLE_DAY)
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
        # Back on the matrix, the profiles are worked out again with the new segment in them.
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("p")
        view = screen.profiles
        await wait_until(pilot, lambda: view.profiles is not None, "the profiles are read")
        table = view.query_one(DataTable)
        assert table.has_focus
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        await pilot.press("down")
        apart = plain(view.query_one("#profile-apart", Static))
    listed = {s["name"]: s for s in ok_json(capsys, "segment", "list", "--db", sample_copy)}
    assert (listed["Gift givers"]["kind"], listed["Gift givers"]["count"]) == ("static", both)
    with Workspace.open(sample_copy, mode="read") as ws:
        assert _ids(ws, "Gift givers") == _ids(ws, "Gift buyers") & _ids(ws, "Holiday gift buyers")
        expected = ws.profiles.table(None, SAMPLE_DAY)
    assert rows[0][0] == EVERYONE
    assert [r[0] for r in rows[1:]] == [
        f"{p.scheme}: {p.name}"[:24] if p.scheme else p.name[:24] for p in expected.profiles
    ]
    assert "Gift givers" in [r[0] for r in rows]
    for row, f in zip(
        rows, [expected.everyone, *(p.segment for p in expected.profiles)], strict=True
    ):
        assert row[1:6] == [
            f"{f.size:,}",
            percent(f.share),
            money(f.revenue),
            percent(f.revenue_share),
            money(f.average_order_value),
        ]
    second = expected.profiles[1]
    assert f"{second.name} stands apart by:" in apart
    assert all(s.sentence() in apart for s in second.apart)


@pytest.mark.parametrize(
    ("name", "keys", "size"),
    [
        ("overlap", ["o", "down", "down", "right", "right"], (80, 24)),
        ("overlap", ["o", "down", "down", "right", "right"], (120, 40)),
        ("overlap_people", ["o", "down", "down", "right", "right", "enter"], (80, 24)),
        ("overlap_people", ["o", "down", "down", "right", "right", "enter"], (120, 40)),
        ("overlap_profiles", ["o", "p", "down", "down"], (80, 24)),
    ],
    ids=[
        "overlap-keys0-80x24",
        "overlap-keys0-120x40",
        "overlap_people-keys1-80x24",
        "overlap_people-keys1-120x40",
        "profiles-80x24",
    ],
)
def test_overlap_snapshot(
    snap_compare,
    sample_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    keys: list[str],
    size: tuple[int, int],
) -> None:
    monkeypatch.setattr("segdesk.tui.clock.today", lambda: SAMPLE_DAY)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        await pilot.press(keys[0])
        await settle(pilot.app, pilot)
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.report is not None, "the matrix is read")
        await settle(pilot.app, pilot)  # the profiles too
        for key in keys[1:]:
            await pilot.press(key)
        await settle(pilot.app, pilot)

    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
