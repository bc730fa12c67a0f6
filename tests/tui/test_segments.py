"""The segments screen and a segment's page at 80x24, by keys alone, on the sample shop."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Static

from segdesk.jobs import Cancelled
from segdesk.tui.app import make_app
from segdesk.tui.screens.ask_text import AskTextScreen
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.screens.explain import ExplainScreen
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.screens.segment import SegmentScreen
from segdesk.tui.screens.segment_builder import SegmentBuilderScreen
from segdesk.tui.screens.segments import SegmentsScreen
from segdesk.tui.screens.version_diff import VersionDiffScreen
from segdesk.tui.widgets.paged_table import PagedTable
from segdesk.tui.widgets.segment_list import SegmentList
from segdesk.workspace import Workspace
from tests.factories import new_shop
from tests.tui.helpers import Notices, plain, settle, wait_until

SIZE = (80, 24)


async def open_segments(app: App, pilot: Pilot) -> SegmentsScreen:
    await settle(app, pilot)
    await pilot.press("s")
    await settle(app, pilot)
    assert isinstance(app.screen, SegmentsScreen)
    return app.screen


def names(screen: SegmentsScreen) -> list[str]:
    """The rows as shown: segment names, and headings as ``[scheme]``."""
    return [
        r.line.info.name if r.line else f"[{r.scheme}]"
        for r in screen.query_one(SegmentList).rows_shown
    ]


def highlighted(screen: SegmentsScreen) -> str | None:
    row = screen.query_one(SegmentList).current
    return row.line.info.name if row and row.line else None


async def go_to(pilot: Pilot, screen: SegmentsScreen, name: str) -> None:
    """Move the cursor to the top with g, then down with j until ``name`` is highlighted."""
    await pilot.press("g")
    for _ in range(len(names(screen))):
        if highlighted(screen) == name:
            return
        await pilot.press("j")
    assert highlighted(screen) == name


def stored(db: Path) -> dict[str, str]:
    """Each live segment's status, read apart from the app."""
    with Workspace.open(db, mode="read") as ws:
        return {s.name: s.status for s in ws.segments.all()}


async def test_list_groups_schemes_hides_retired_and_shows_trends(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        shown = names(screen)
        assert shown[0] == "Coffee Club members"
        assert "[lifecycle]" in shown and "[rfm]" in shown
        rfm = shown.index("[rfm]")
        assert "Champions" in shown[rfm:] and "Champions" not in shown[:rfm]
        assert "Summer cold brew promo" not in shown
        status = plain(screen.query_one("#status", Static))
        assert "1 retired hidden (R)" in status
        await pilot.press("R")
        assert "Summer cold brew promo" in names(screen)
        row = next(r for r in screen.query_one(SegmentList).rows_shown if r.line)
        assert len(row.line.trend) == 12  # type: ignore[union-attr]


async def test_filter_as_you_type_then_clear_and_go_back(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        await pilot.press("slash", *"vip")
        assert names(screen) == ["VIP customers", "VIPs slipping away"]
        await pilot.press("enter")
        assert screen.query_one(SegmentList).has_focus
        await pilot.press("escape")  # clears the filter
        assert screen.query_one("#filter", Input).value == ""
        assert len(names(screen)) > 20
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_sort_by_people_then_next_review_and_fold_a_scheme(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        await pilot.press("S")
        assert screen.sort == "people"
        lines = [r.line for r in screen.query_one(SegmentList).rows_shown if r.line]
        own = [s.info.count for s in lines if s.info.scheme is None]
        assert own == sorted(own, reverse=True)
        assert "sorted by people" in plain(screen.query_one("#status", Static))
        await pilot.press("S")
        assert screen.sort == "review"
        await pilot.press("S")
        assert screen.sort == "name"
        shown = names(screen)
        for _ in range(shown.index("[rfm]")):
            await pilot.press("j")
        await pilot.press("enter")
        assert "Champions" not in names(screen)
        await pilot.press("enter")
        assert "Champions" in names(screen)


async def test_page_shows_rule_versions_and_a_diff(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        await go_to(pilot, screen, "VIP customers")
        await pilot.press("enter")
        await settle(app, pilot)
        page = app.screen
        assert isinstance(page, SegmentScreen)
        assert "VIP customers" in plain(page.query_one("#heading", Static))
        rule = plain(page.query_one("#rule", Static))
        assert "orders.total in last 365 days > 500" in rule and "In words:" in rule
        assert "Trend" in plain(page.query_one("#figures", Static))
        await pilot.press("v", "enter")  # the newest version, against the one before
        await settle(app, pilot)
        diff = app.screen
        assert isinstance(diff, VersionDiffScreen)
        text = plain(diff.query_one("#diff", Static))
        assert "- orders.total > 1000" in text
        assert "+ and trade_account is false" in text
        assert "116 → 260 (+144)" in text
        await pilot.press("right_square_bracket")  # from version 2 as well
        await settle(app, pilot)
        assert (diff.old, diff.new) == (2, 2)
        assert "the same version on both sides" in plain(diff.query_one("#diff", Static))
        await pilot.press("escape")
        assert app.screen is page


async def test_enter_on_a_member_says_why(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        await pilot.press("slash", *"VIP cust", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SegmentScreen)
        await pilot.press("m")
        members = app.screen.query_one("#members", PagedTable)
        await wait_until(pilot, lambda: members.row_at(0) is not None, "members are shown")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExplainScreen)
        text = plain(app.screen.query_one("#explanation", Static))
        assert "is in “VIP customers”" in text
        assert "✓ all of:" in text and "trade_account is false" in text
        await pilot.press("escape")
        assert isinstance(app.screen, SegmentScreen)
        assert screen is not app.screen


async def test_pin_a_contact_out_then_unpin(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await open_segments(app, pilot)
        await pilot.press("slash", *"VIP cust", "enter", "enter")
        await settle(app, pilot)
        await pilot.press("p", *"test@example.com", "tab", "down", "space", "tab", *"staff")
        await pilot.press("enter")

        def pinned() -> tuple[str, str | None] | None:
            with Workspace.open(sample_copy, mode="read") as ws:
                pins = ws.segments.detail("VIP customers").pins
            return next(((p.mode, p.note) for p in pins if p.email == "test@example.com"), None)

        await wait_until(pilot, lambda: pinned() is not None, "the pin is saved")
        assert pinned() == ("exclude", "staff")
        await settle(app, pilot)
        await pilot.press("tab")  # from the page to the pins
        assert app.screen.query_one("#pins").has_focus
        await pilot.press("u")

        def unpinned() -> bool:
            with Workspace.open(sample_copy, mode="read") as ws:
                pins = ws.segments.detail("VIP customers").pins
            return "test@example.com" not in [p.email for p in pins]

        await wait_until(pilot, unpinned, "the pin is removed")


async def test_rename_retire_and_delete_ask_first(sample_copy: Path) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await open_segments(app, pilot)
        await go_to(pilot, screen, "Trade accounts")
        await pilot.press("r")
        assert isinstance(app.screen, AskTextScreen)
        await pilot.press("ctrl+u", *"Wholesale", "enter")
        await settle(app, pilot)
        assert "Wholesale" in stored(sample_copy) and "Trade accounts" not in stored(sample_copy)
        assert highlighted(screen) == "Wholesale"  # the cursor stays on it

        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert stored(sample_copy)["Wholesale"] == "retired"
        assert "Wholesale" not in names(screen)

        await go_to(pilot, screen, "VIP customers")
        await pilot.press("delete")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert any('rule of "VIPs slipping away" names it' in e for e in notices.errors())

        await go_to(pilot, screen, "Office coffee prospects")
        await pilot.press("delete")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = plain(app.screen.query_one("#question", Static))
        assert "No rule names it" in question and "108 people leave it" in question
        await pilot.press("n")
        assert "Office coffee prospects" in stored(sample_copy)
        await pilot.press("delete")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "Office coffee prospects" not in stored(sample_copy)
        assert "Office coffee prospects" not in names(screen)


async def test_refresh_all_shows_its_progress(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports: list[tuple[int, int]] = []
    show = SegmentsScreen._progress

    def record(self: SegmentsScreen, done: int, total: int, label: str) -> None:
        reports.append((done, total))
        show(self, done, total, label)

    monkeypatch.setattr(SegmentsScreen, "_progress", record)
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await open_segments(app, pilot)
        await pilot.press("F")
        await wait_until(pilot, lambda: not screen.refreshing, "the refresh ends")
        await settle(app, pilot)
        assert reports and reports[-1][0] == reports[-1][1] == 2 + 15  # two schemes, 15 rules
        assert any(n.message == "Refreshed 31 segments." for n in notices.shown)
        assert not screen.query_one("#progress").display


async def test_escape_cancels_a_refresh(sample_copy: Path) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await open_segments(app, pilot)
        assert app.workspace is not None
        stopped: list[bool] = []

        def slow_refresh(name=None, *, progress, cancelled, **_kw):  # type: ignore[no-untyped-def]
            for done in range(1, 400):
                if cancelled():
                    stopped.append(True)
                    raise Cancelled
                progress(done, 400, f"step {done}")
                time.sleep(0.01)
            raise AssertionError("the refresh was not cancelled")

        app.workspace.segments.refresh = slow_refresh  # type: ignore[method-assign]
        await pilot.press("F")
        await wait_until(
            pilot,
            lambda: "Refreshed" in plain(screen.query_one("#run-status", Static)),
            "progress shows",
        )
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.display and bar.total == 400
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.refreshing, "the refresh stops")
        assert stopped == [True]
        assert any("cancelled: nothing was changed" in n.message for n in notices.shown)
        assert isinstance(app.screen, SegmentsScreen)  # escape cancelled, it did not go back


async def test_enter_on_the_home_table_opens_the_segment(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SegmentScreen)
        assert app.screen.segment_name == "Coffee Club members"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_help_lists_every_key_of_the_list(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await open_segments(app, pilot)
        await pilot.press("question_mark")
        keys = dict(app.screen.keys)  # type: ignore[attr-defined]
        for key in ("n", "e", "d", "D", "r", "a", "del", "f", "F", "S", "R", "/"):
            assert key in keys, key


async def test_a_segment_saved_in_the_builder_gets_the_cursor(tmp_path: Path) -> None:
    shop = new_shop(tmp_path, [{"id": 1, "email": "ana@example.com", "country": "US"}])
    with Workspace.open(shop) as ws:
        for name in ("Alpha", "Beta", "Gamma"):
            ws.segments.create(name, "country = 'US'")
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        assert highlighted(screen) == "Alpha"
        await pilot.press("n")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, SegmentBuilderScreen) and app.screen.catalog is not None,
            "the builder is ready",
        )
        builder = app.screen
        await pilot.press("tab", *"country = 'US'")
        await wait_until(pilot, lambda: builder.rule is not None, "the text is read")
        await pilot.press("ctrl+o", *"Zeta", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "back on the list")
        await settle(app, pilot)
        assert highlighted(screen) == "Zeta"
        assert "Zeta" in plain(screen.query_one("#status", Static))


async def test_a_scheme_segment_whose_name_another_scheme_shares_opens(sample_copy: Path) -> None:
    """Lifecycle's "At risk" and RFM's "At Risk": Enter opens the one under the cursor."""
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_segments(app, pilot)
        await pilot.press("slash", *"at risk", "enter")
        rows = [r for r in screen.query_one(SegmentList).rows_shown if r.line]
        assert {(r.line.info.scheme, r.line.info.name) for r in rows if r.line} >= {
            ("lifecycle", "At risk"),
            ("rfm", "At Risk"),
        }
        await go_to(pilot, screen, "At risk")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SegmentScreen), "the page opens")
        page = app.screen
        assert isinstance(page, SegmentScreen)
        await wait_until(pilot, lambda: page.page is not None, "the page is read")
        assert page.page is not None
        assert (page.page.detail.info.scheme, page.page.detail.info.name) == (
            "lifecycle",
            "At risk",
        )
