"""Text boxes at 80x24: a screen with one starts in it on every visit, the one-letter keys never
act while it has focus, and escape does what the footer says it does."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from segdesk.tui.app import make_app
from segdesk.tui.importing import prepare
from segdesk.tui.screens.contacts import ContactsScreen
from segdesk.tui.screens.field_chooser import FieldChooser
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.screens.import_file import ImportScreen
from segdesk.tui.screens.import_options import OptionsScreen
from tests.tui.helpers import settle, wait_until

SIZE = (80, 24)
LETTERS = "chiqy?/"
"""Every one-letter key of the app and its screens, and the two signs."""


def _escape_says(app: App) -> str:
    """What the footer says escape does on the screen shown."""
    return app.screen.active_bindings["escape"].binding.description


async def _types_into(app: App, pilot: Pilot, box: Input) -> None:
    """Letters typed while ``box`` has focus land in it and move nowhere."""
    screen = app.screen
    assert box.has_focus
    before = box.value
    await pilot.press("end", *LETTERS)  # after what the box holds, which focus selects
    await settle(app, pilot)
    assert app.is_running and app.screen is screen
    assert box.value == before + LETTERS


async def test_the_path_box_has_focus_on_every_visit_and_escape_goes_back(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert _escape_says(app) == "Back"
        await pilot.press("escape")  # from the path box, as the footer says
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportScreen)
        await _types_into(app, pilot, app.screen.query_one("#path", Input))

        await pilot.press("tab")  # to the choice of contacts or orders, then home and back
        assert not app.screen.query_one("#path", Input).has_focus
        await pilot.press("h", "i")
        await settle(app, pilot)
        assert app.screen.query_one("#path", Input).has_focus


async def test_the_search_box_keeps_letters_and_escape_says_what_it_does(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactsScreen)
        screen = app.screen
        assert _escape_says(app) == "Back"
        await pilot.press("slash")
        search = screen.query_one("#search", Input)
        assert _escape_says(app) == "Leave search"
        assert "slash" not in app.screen.active_bindings  # / types a slash here
        await _types_into(app, pilot, search)
        await pilot.press("escape")
        assert not search.has_focus
        await wait_until(pilot, lambda: _escape_says(app) == "Clear search", "it offers to clear")
        await pilot.press("escape")
        await wait_until(pilot, lambda: _escape_says(app) == "Back", "the search is cleared")
        assert search.value == ""
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text("Email,Date,Total\nana@example.com,2024-05-01,9.50\n", encoding="utf-8")
    return path


async def test_the_kind_box_of_an_orders_import_keeps_letters(shop: Path, orders: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert app.workspace is not None
        await app.push_screen(OptionsScreen(prepare(app.workspace, orders, "events")))
        box = app.screen.query_one("#kind", Input)
        box.focus()
        await settle(app, pilot)
        await _types_into(app, pilot, box)
        assert _escape_says(app) == "Back"


async def test_the_custom_field_name_box_keeps_letters(shop: Path, orders: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.workspace is not None
        draft = prepare(app.workspace, orders, "contacts")
        column = draft.mapping.column("Total")
        await app.push_screen(FieldChooser(column, "contacts", {}, ["9.50"], "total"))
        box = app.screen.query_one("#custom-name", Input)
        box.focus()
        await settle(app, pilot)
        await _types_into(app, pilot, box)
        assert _escape_says(app) == "Close"
