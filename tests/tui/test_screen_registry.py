"""The screen registry is the one list of screens: keys, modes, palette and help follow it."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from segdesk.tui.app import SegdeskApp, make_app
from segdesk.tui.commands import ScreensProvider
from segdesk.tui.screen_registry import SCREENS
from tests.tui.helpers import settle


def test_every_entry_makes_its_screen_and_names_are_unique() -> None:
    for field in ("key", "mode", "title"):
        values = [getattr(entry, field) for entry in SCREENS]
        assert len(values) == len(set(values)), field
    for entry in SCREENS:
        screen = entry.make()
        assert isinstance(screen, Screen)
        assert type(screen).__name__ == entry.screen.split(":")[1]


def test_app_modes_and_keys_come_from_the_registry() -> None:
    assert list(SegdeskApp.MODES) == [entry.mode for entry in SCREENS]
    keys = {b.id: (b.key, b.action, b.description) for b in SegdeskApp.BINDINGS}  # type: ignore[union-attr]
    for entry in SCREENS:
        assert keys[entry.binding_id] == (entry.key, f"switch_mode('{entry.mode}')", entry.title)
    assert [b.id for b in SegdeskApp.BINDINGS] == [  # type: ignore[union-attr]
        "app.home",
        "app.contacts",
        "app.import",
        "app.segments",
        "app.models",
        "app.overlap",
        "app.stability",
        "app.export",
        "app.help",
        "app.quit",
    ]


async def test_palette_reaches_every_registered_screen(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        hits = [hit async for hit in ScreensProvider(app.screen).discover()]
        assert {str(hit.display): hit.help for hit in hits} == {
            f"Go to {entry.title}": entry.help for entry in SCREENS
        }
        for entry, hit in zip(SCREENS, hits, strict=True):
            hit.command()
            await settle(app, pilot)
            assert app.current_mode == entry.mode
            assert type(app.screen).__name__ == entry.screen.split(":")[1]
