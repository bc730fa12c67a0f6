"""Contacts screen at 80x24: paging, cursor, search, opening a contact."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from segdesk.contact_values import ContactDetail
from segdesk.tui.app import make_app
from segdesk.tui.screens.contact import ContactScreen, events_title
from segdesk.tui.screens.contacts import ContactsScreen
from segdesk.tui.widgets.paged_table import PAGE_SIZE, PagedTable
from segdesk.workspace import Workspace
from tests.factories import add_orders, add_segment, new_shop
from tests.tui.helpers import plain, settle, wait_until

COUNT = PAGE_SIZE * 3 + 17


@pytest.fixture
def pages_of_people(tmp_path: Path) -> Path:
    """Three pages of contacts and a bit, every tenth a Baker; the first has an order."""
    from datetime import datetime

    db = new_shop(
        tmp_path,
        [
            {
                "email": f"person{i:04d}@example.com",
                "first_name": f"First{i:04d}",
                "last_name": "Baker" if i % 10 == 0 else "Smith",
                "attributes": {"plan": "pro"} if i == 0 else {},
            }
            for i in range(COUNT)
        ],
    )
    with Workspace.open(db) as ws:
        add_orders(ws.engine, 1, [(datetime(2025, 5, 1, tzinfo=UTC), 42.0)])
        add_segment(ws.engine, "Regulars", [1])
    return db


async def _open_contacts(app, pilot) -> PagedTable:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("c")
    await settle(app, pilot)
    assert isinstance(app.screen, ContactsScreen)
    return app.screen.query_one(PagedTable)


def _status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#status", Static).render())


async def test_rows_page_in_and_cursor_reaches_the_end(pages_of_people: Path) -> None:
    app = make_app(db=str(pages_of_people))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open_contacts(app, pilot)
        assert table.total == COUNT
        assert f"{COUNT:,} contacts" in _status(app)
        assert table.row_at(0).email == "person0000@example.com"
        assert table.row_at(PAGE_SIZE * 3) is None  # never fetched: only visible pages load
        await pilot.press("G")
        await settle(app, pilot)
        assert table.cursor == COUNT - 1
        assert table.row_at(COUNT - 1).email == f"person{COUNT - 1:04d}@example.com"
        await pilot.press("k", "k", "j")
        assert table.cursor == COUNT - 2
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("pagedown")
        assert table.cursor > 10


async def test_search_narrows_and_escape_clears(pages_of_people: Path) -> None:
    app = make_app(db=str(pages_of_people))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _open_contacts(app, pilot)
        await pilot.press("slash")
        assert app.screen.query_one("#search", Input).has_focus
        await pilot.press(*"baker")
        await wait_until(
            pilot,
            lambda: table.search == "baker" and table.row_at(1) is not None,
            "the search's first rows are shown",
        )
        expected = len(range(0, COUNT, 10))
        assert table.total == expected
        said = f"{expected} contacts matching “baker”"
        await wait_until(pilot, lambda: said in _status(app), "the status counts the matches")
        assert table.row_at(1).first_name == "First0010"
        await pilot.press("enter")
        assert table.has_focus
        await pilot.press("escape")  # clears the search
        await wait_until(pilot, lambda: table.search == "", "the search is cleared")
        assert table.total == COUNT
        await wait_until(
            pilot, lambda: f"{COUNT:,} contacts ·" in _status(app), "the status counts everyone"
        )


async def test_enter_opens_a_contact(pages_of_people: Path) -> None:
    app = make_app(db=str(pages_of_people))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_contacts(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactScreen)

        def shown(selector: str) -> str:
            return plain(app.screen.query_one(selector, Static))

        assert shown("#heading").strip() == "First0000 Baker"
        assert "1 order, 42.00 in total" in shown("#events-title")
        assert "2025-05-01  order   42.00    1  order-1-0" in shown("#events")
        assert shown("#segments").strip() == "Regulars"
        assert "plan  pro" in shown("#attributes")
        assert "person0000@example.com" in shown("#fields")
        await pilot.press("escape")
        assert isinstance(app.screen, ContactsScreen)


def test_the_orders_line_says_what_it_left_out() -> None:
    def detail(left_out: dict[str, int], events: int = 0) -> ContactDetail:
        return ContactDetail(1, {}, {}, [], events, 12, 840.0, orders_left_out=left_out)

    assert events_title(detail({})) == "Orders and events · 12 orders, 840.00 in total"
    assert events_title(detail({"refunded": 1})) == (
        "Orders and events · 12 orders, 840.00 in total · 1 refunded left out"
    )
    assert events_title(detail({"refunded": 2, "cancelled": 1}, events=300)) == (
        "Orders and events · 12 orders, 840.00 in total · 2 refunded, 1 cancelled left out"
        " · latest 0 of 300 shown"
    )


@pytest.fixture
def many_orders(tmp_path: Path) -> Path:
    """One contact with 120 orders, in an active and a retired segment."""
    from datetime import datetime, timedelta

    db = new_shop(tmp_path, [{"email": "busy@example.com", "first_name": "Busy"}])
    first = datetime(2024, 1, 1, tzinfo=UTC)
    with Workspace.open(db) as ws:
        add_orders(ws.engine, 1, [(first + timedelta(days=i), 10.0 + i) for i in range(120)])
        add_segment(ws.engine, "Regulars", [1])
        add_segment(ws.engine, "Summer cold brew promo", [1], status="retired")
    return db


async def _open_first_contact(app, pilot) -> ContactScreen:  # type: ignore[no-untyped-def]
    await _open_contacts(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ContactScreen)
    return app.screen


@pytest.mark.parametrize("key", ["end", "G"])
async def test_end_reaches_the_oldest_order(many_orders: Path, key: str) -> None:
    app = make_app(db=str(many_orders))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_first_contact(app, pilot)
        detail = screen.query_one("#detail")
        events = screen.query_one("#events", Static)
        assert "2024-01-01" in plain(events)  # the oldest order is there...
        await pilot.press(key)
        await settle(app, pilot)
        # ...and End shows it: every line of the orders is inside the visible part.
        assert events.size.height == 1 + 120
        assert events.region.bottom <= detail.region.bottom
        assert detail.scroll_y == detail.max_scroll_y > 0
        await pilot.press("g")
        assert detail.scroll_y == 0


async def test_retired_segments_are_marked(many_orders: Path) -> None:
    app = make_app(db=str(many_orders))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_first_contact(app, pilot)
        shown = plain(screen.query_one("#segments", Static)).strip()
        assert shown == "Regulars, Summer cold brew promo (retired)"


async def test_an_empty_database_says_how_to_import(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Workspace.open(db).close()
    app = make_app(db=str(db))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_contacts(app, pilot)
        await wait_until(pilot, lambda: "No contacts" in _status(app), "the count is shown")
        assert _status(app) == "No contacts yet: press i to import a file of them."
        await pilot.press("i")
        assert app.current_mode == "import"
