"""The footer's keys never run under the "^p palette" hint: it goes when they need its room."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from segdesk.tui.app import make_app
from segdesk.tui.screens.contacts import ContactsScreen
from segdesk.tui.widgets.footer import Footer
from tests.tui.helpers import settle, wait_until


def _footer(app: App) -> tuple[list[FooterKey], FooterKey | None]:
    """The footer's keys as laid out, and its palette hint when shown."""
    keys = list(app.screen.query_one(Footer).query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    return [k for k in keys if not k.has_class("-command-palette")], next(iter(palette), None)


def _keys_fit(app: App) -> bool:
    """Every key shows whole, left of the palette hint when there is one."""
    keys, palette = _footer(app)
    end = palette.region.x if palette else app.screen.query_one(Footer).region.right
    return bool(keys) and all(k.region.right <= end for k in keys)


async def _contacts_with_a_search(app: App, pilot: Pilot) -> None:
    """The contacts screen with a search applied and the list focused: its most keys."""
    await settle(app, pilot)
    await pilot.press("c")
    await settle(app, pilot)
    assert isinstance(app.screen, ContactsScreen)
    await pilot.press("slash", *"ana", "enter")
    search = app.screen.query_one("#search", Input)
    await wait_until(pilot, lambda: "clear_search" in _actions(app), "a search is applied")
    assert not search.has_focus
    await settle(app, pilot)


def _actions(app: App) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values()}


async def test_at_80_columns_the_busiest_footer_drops_the_palette_hint(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert _keys_fit(app)  # home: with six screens' keys, the hint gives way too
        await _contacts_with_a_search(app, pilot)
        keys, palette = _footer(app)
        assert "Clear search" in [k.description for k in keys]
        assert palette is None
        assert _keys_fit(app)


async def test_a_wide_terminal_keeps_the_palette_hint(shop: Path) -> None:
    app = make_app(db=str(shop))
    # 132 columns, the classic wide terminal: the contacts' keys and all eight screens' fit
    # beside the hint.
    async with app.run_test(size=(132, 24)) as pilot:
        await _contacts_with_a_search(app, pilot)
        assert _footer(app)[1] is not None
        assert _keys_fit(app)
