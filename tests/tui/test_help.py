"""`?` names the screen whose keys it lists in the words of its title, never a class name."""

from __future__ import annotations

import pkgutil
from importlib import import_module
from pathlib import Path

from textual.screen import Screen

from segdesk.tui import screens
from segdesk.tui.app import make_app
from segdesk.tui.screen_registry import SCREENS
from segdesk.tui.screens.help import HelpScreen, screen_title
from segdesk.tui.screens.segment_builder import SegmentBuilderScreen
from tests.tui.helpers import settle, wait_until


def _screen_classes() -> list[type[Screen]]:
    """Every screen class defined in ``segdesk.tui.screens``."""
    found = []
    for info in pkgutil.iter_modules(screens.__path__):
        module = import_module(f"{screens.__name__}.{info.name}")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Screen)
            and value.__module__ == module.__name__
        ]
    return found


def test_every_screen_has_a_title_in_words() -> None:
    registered = {entry.screen for entry in SCREENS}
    classes = _screen_classes()
    assert len(classes) >= 28
    for cls in classes:
        where = f"{cls.__module__}:{cls.__name__}"
        assert "TITLE" in vars(cls) or where in registered, f"{where} has no TITLE"
        title = vars(cls).get("TITLE") or ""
        assert "Screen" not in title and title != cls.__name__, where


def test_a_screen_without_a_title_is_named_by_its_class_in_words() -> None:
    class OrderNotesScreen(Screen[None]):
        pass

    assert screen_title(OrderNotesScreen()) == "Order notes"


async def test_help_on_the_builder_says_segment_builder(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, SegmentBuilderScreen), "the builder opens"
        )
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.query_one("#help").border_title == "Keys · Segment builder"
