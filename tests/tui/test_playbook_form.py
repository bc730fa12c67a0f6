"""The playbook form at 80x24, by keys alone: reached from a segment's page, filled in and
saved, then read back on the page and in `segment show`, its review marked done from the
page; dates checked as typed, leaving with
changes asks first, a review done moves the next review; the home screen lists the reviews
due."""

from __future__ import annotations

import contextlib
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from segdesk.segments.cadence import parse_cadence
from segdesk.tui.app import make_app
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.screens.playbook_form import PlaybookFormScreen
from segdesk.tui.screens.segment import SegmentScreen
from segdesk.tui.screens.segments import SegmentsScreen
from segdesk.workspace import Workspace
from tests.cli_runs import ok_json
from tests.factories import new_shop
from tests.tui.helpers import Notices, plain, settle, wait_until

SIZE = (80, 24)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = new_shop(tmp_path, [{"id": 1, "email": "ana@example.com", "country": "US"}])
    with Workspace.open(path) as ws:
        ws.segments.create("Regulars", "country = 'US'")
        ws.segments.create("Lapsed", "country = 'CA'")
    return path


async def open_form(app: App, pilot: Pilot, name: str) -> PlaybookFormScreen:
    await settle(app, pilot)
    app.push_screen(PlaybookFormScreen(name))
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, PlaybookFormScreen)
    await wait_until(pilot, lambda: screen.loaded is not None, "the playbook is read")
    return screen


async def type_in(pilot: Pilot, text: str) -> None:
    """Type ``text``, new lines as enter."""
    for i, line in enumerate(text.split("\n")):
        if i:
            await pilot.press("enter")
        await pilot.press(*line)


async def test_fill_a_playbook_by_keys_and_find_it_in_segment_show(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(app, pilot, "Regulars")
        assert screen.query_one("#goal", TextArea).has_focus
        await type_in(pilot, "Win back 60 regulars in 8 weeks")
        await pilot.press("tab")
        await type_in(pilot, "60 orders")
        await pilot.press("tab")
        await type_in(pilot, "2027-01-31")
        await pilot.press("tab")
        await type_in(pilot, "Ana")
        await pilot.press("tab", "enter", "down", "down", "down", "enter")  # monthly
        await pilot.press("tab")
        await type_in(pilot, "2026-12-01")
        await pilot.press("tab", "enter", "down", "down", "enter")  # active
        await pilot.press("tab")
        await type_in(pilot, "Leo (cafés)\nMia")
        await pilot.press("tab", "tab", "tab")  # data sources, use cases
        await type_in(pilot, "email\nSMS")
        await pilot.press("tab", "tab")  # message and tone
        await type_in(pilot, "Free shipping")
        await pilot.press("tab", "tab")  # next actions
        await type_in(pilot, "Repeat purchase rate >= 25%\nAverage order: $40")
        assert screen.changed
        await pilot.press("f2")
        await settle(app, pilot)
        assert not isinstance(app.screen, PlaybookFormScreen)
    with Workspace.open(shop, mode="read") as ws:
        shown = ws.segments.detail("Regulars").to_json()["playbook"]
    assert shown == {
        "goal": "Win back 60 regulars in 8 weeks",
        "target": "60 orders",
        "deadline": "2027-01-31",
        "owner": "Ana",
        "stakeholders": ["Leo (cafés)", "Mia"],
        "channels": ["email", "SMS"],
        "offer": "Free shipping",
        "kpis": [
            {"name": "Repeat purchase rate", "target": ">= 25%"},
            {"name": "Average order", "target": "$40"},
        ],
        "review_cadence": "monthly",
        "next_review": "2026-12-01",
        "playbook_status": "active",
    }


async def _page_to_form(app: App, pilot: Pilot) -> None:
    """From a segment's page, d opens its playbook, read and ready to type in."""
    assert isinstance(app.screen, SegmentScreen)
    await pilot.press("d")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, PlaybookFormScreen)
    await wait_until(pilot, lambda: form.loaded is not None, "the playbook is read")


async def _back_to_page(app: App, pilot: Pilot) -> dict[str, str]:
    """The page the form returns to, once it has read the segment again: its playbook as
    shown, label → value."""
    await settle(app, pilot)
    page = app.screen
    assert isinstance(page, SegmentScreen)
    lines = plain(page.query_one("#playbook", Static)).splitlines()
    return dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in lines if line.strip())


async def test_document_from_the_segment_page_then_mark_the_review_done(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The app takes sys.stdout and sys.stderr while it runs; the command gets pytest's back.
    outputs = sys.stdout, sys.stderr

    def shown_by_the_command_line() -> Any:
        with contextlib.redirect_stdout(outputs[0]), contextlib.redirect_stderr(outputs[1]):
            return ok_json(capsys, "segment", "show", "Regulars", "--db", shop)["playbook"]

    today = date.today()
    review = (today + timedelta(days=10)).isoformat()
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SegmentsScreen)
        await pilot.press("slash", *"Regulars", "enter", "enter")
        await settle(app, pilot)
        page = app.screen
        assert isinstance(page, SegmentScreen) and page.segment_name == "Regulars"
        assert not page.query_one("#playbook").display  # nothing written yet

        await _page_to_form(app, pilot)
        await type_in(pilot, "Win back 20 by March")
        await pilot.press("tab", "tab", "tab")  # target, deadline, owner
        await type_in(pilot, "Ana")
        await pilot.press("tab", "enter", "down", "down", "down", "enter")  # monthly
        await pilot.press("tab")
        await type_in(pilot, review)
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # status … use cases, channels
        await type_in(pilot, "email\nSMS")
        await pilot.press("tab", "tab", "tab", "tab")  # message, offer, next actions, KPIs
        await type_in(pilot, "Orders >= 20")
        await pilot.press("f2")
        shown = await _back_to_page(app, pilot)
        assert app.screen is page
        assert shown == {
            "Goal": "Win back 20 by March",
            "Owner": "Ana",
            "Channels": "email; SMS",
            "KPIs": "Orders · >= 20",
            "Review cadence": "monthly",
            "Next review": review,
        }
        assert shown_by_the_command_line() == {
            "goal": "Win back 20 by March",
            "owner": "Ana",
            "channels": ["email", "SMS"],
            "kpis": [{"name": "Orders", "target": ">= 20"}],
            "review_cadence": "monthly",
            "next_review": review,
        }

        assert page.active_bindings["f3"].binding.description == "Review done"
        await pilot.press("f3")  # the review is done today, from the page
        shown = await _back_to_page(app, pilot)
        following = parse_cadence("monthly").after(today).isoformat()
        assert shown["Next review"] == following
        assert shown_by_the_command_line()["next_review"] == following


async def test_dates_and_kpis_are_checked_as_typed(shop: Path) -> None:
    notices = Notices()
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        screen = await open_form(app, pilot, "Regulars")
        screen.query_one("#next_review", Input).focus()
        await type_in(pilot, "2026-13-01")
        problem = screen.query_one("#next_review-problem", Static)
        assert problem.display and "not a day of the calendar" in plain(problem)
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await type_in(pilot, "12-01")
        assert not problem.display
        screen.query_one("#kpis", TextArea).focus()
        await type_in(pilot, "Revenue")
        kpi_problem = screen.query_one("#kpis-problem", Static)
        assert '"Revenue" needs a name and a target' in plain(kpi_problem)
        await pilot.press("f2")
        await settle(app, pilot)
        assert app.screen is screen  # refused: nothing saved, the form stays
        assert notices.errors() and notices.errors()[-1].startswith("KPIs with targets")
        assert screen.query_one("#kpis", TextArea).has_focus
    with Workspace.open(shop, mode="read") as ws:
        assert ws.playbooks.get("Regulars").next_review is None


async def test_escape_asks_before_dropping_changes(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(app, pilot, "Regulars")
        await type_in(pilot, "Grow")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is screen and screen.query_one("#goal", TextArea).text == "Grow"
        await pilot.press("escape")
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        screen = await open_form(app, pilot, "Regulars")
        await pilot.press("escape")  # nothing changed: leaves at once
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    with Workspace.open(shop, mode="read") as ws:
        assert ws.playbooks.get("Regulars").goal is None


async def test_review_done_moves_the_next_review(shop: Path) -> None:
    today = date.today()
    with Workspace.open(shop) as ws:
        ws.playbooks.set(
            "Lapsed",
            {"goal": "g", "owner": "Leo", "review_cadence": "weekly", "next_review": today},
        )
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(app, pilot, "Lapsed")
        await type_in(pilot, "Call them ")
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen is screen
        following = (today + timedelta(weeks=1)).isoformat()
        assert screen.query_one("#next_review", Input).value == following
        assert not screen.changed
        assert f"{today.isoformat()}  Leo" in plain(screen.query_one("#reviews-done", Static))
    with Workspace.open(shop, mode="read") as ws:
        playbook = ws.playbooks.get("Lapsed")
    assert playbook.goal == "Call them g"
    assert [r.reviewed_on for r in playbook.reviews] == [today]


async def test_home_lists_reviews_due_and_overdue(shop: Path) -> None:
    today = date.today()
    with Workspace.open(shop) as ws:
        ws.playbooks.set("Lapsed", {"owner": "Leo", "next_review": today - timedelta(days=2)})
        ws.playbooks.set("Regulars", {"next_review": today + timedelta(days=3)})
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#reviews", Static)
        lines = [line.rstrip() for line in str(panel.render()).splitlines()]
        assert [line.split()[:3] for line in lines] == [
            ["Reviews", "Lapsed", "Leo"],
            ["Regulars", "no", "owner"],
        ]
        assert lines[0].endswith("2 days late") and lines[1].endswith("in 3 days")
        assert panel.region.height == 2


async def test_home_without_reviews_shows_no_panel(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one("#reviews", Static).display
