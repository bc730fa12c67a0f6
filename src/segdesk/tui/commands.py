"""Command palette entries: every screen, and what can be done from anywhere."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.theme import ThemeProvider

from segdesk.tui.screen_registry import SCREENS


class ScreensProvider(Provider):
    """Go to a screen by name."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        return [
            (f"Go to {entry.title}", partial(app.switch_mode, entry.mode), entry.help)
            for entry in SCREENS
        ]

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    callback,  # type: ignore[arg-type]
                    help=help_text,
                )


class ThemesProvider(ThemeProvider):
    """The palette's theme list with ours (shipped and the user's) first, Textual's after.

    Textual lists every theme by name, which puts its twenty built-ins before ours.
    """

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        app = self.app
        available = app.available_themes
        own = [name for name in getattr(app, "own_themes", ()) if name in available]
        others = sorted(name for name in available if name not in own)

        def use(name: str) -> None:
            app.theme = name

        return [(name, partial(use, name)) for name in own + others]
