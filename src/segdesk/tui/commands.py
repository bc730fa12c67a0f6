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


class BuilderProvider(Provider):
    """The rule builder: a new segment, or the rule of a rule segment to change."""

    async def startup(self) -> None:
        import asyncio

        workspace = getattr(self.app, "workspace", None)
        self._names: list[str] = []
        if workspace is not None:
            found = await asyncio.to_thread(workspace.segments.all)
            self._names = [s.name for s in found if s.kind == "rule"]

    def _open(self, name: str | None) -> None:
        from segdesk.tui.screens.segment_builder import SegmentBuilderScreen

        self.app.push_screen(SegmentBuilderScreen(name))

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        new = ("New segment", partial(self._open, None), "Build a segment's rule, by keys")
        edits = [
            (f"Edit segment “{name}”", partial(self._open, name), "Change its rule in the builder")
            for name in self._names
        ]
        return [new, *edits]

    async def discover(self) -> Hits:
        name, callback, help_text = self._commands()[0]
        yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
