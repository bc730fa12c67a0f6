"""Radio buttons and check boxes tell on from off by their glyph, in the 16-colour theme too."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from textual import widgets

import segdesk.tui.screens
from segdesk.tui.app import make_app
from segdesk.tui.importing import prepare
from segdesk.tui.screens.read_options import ReadOptionsScreen
from segdesk.tui.widgets import toggles
from tests.tui.helpers import settle

SIZE = (80, 24)


def _shown(button: widgets.RadioButton | widgets.Checkbox) -> str:
    return button.render().plain.strip()


def test_every_screen_uses_the_glyph_toggles() -> None:
    for info in pkgutil.iter_modules(segdesk.tui.screens.__path__):
        module = importlib.import_module(f"segdesk.tui.screens.{info.name}")
        assert getattr(module, "RadioButton", toggles.RadioButton) is toggles.RadioButton
        assert getattr(module, "Checkbox", toggles.Checkbox) is toggles.Checkbox


async def test_radio_buttons_show_which_is_chosen(shop: Path) -> None:
    app = make_app(db=str(shop), theme="segdesk-ansi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        contacts, events = app.screen.query(widgets.RadioButton)
        assert (_shown(contacts), _shown(events)) == ("(•) Contacts", "( ) Orders or other events")
        await pilot.press("tab", "right", "enter")
        assert (_shown(contacts), _shown(events)) == ("( ) Contacts", "(•) Orders or other events")


async def test_a_check_box_shows_whether_it_is_ticked(tmp_path: Path, shop: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,name\nana@example.com,Ana\n", encoding="utf-8")
    app = make_app(db=str(shop), theme="segdesk-ansi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.workspace is not None
        shape = prepare(app.workspace, path, "contacts").shape
        await app.push_screen(ReadOptionsScreen(shape, None))
        header = app.screen.query_one("#header", widgets.Checkbox)
        assert _shown(header) == "[x] The first row names the columns"
        header.focus()
        await pilot.press("space")
        assert _shown(header) == "[ ] The first row names the columns"
