"""Every screen a single key reaches: one entry gives its key, its mode, its palette command
and its line in the help.

The app's `MODES` and `BINDINGS` and the palette's "Go to …" commands are made from `SCREENS`,
so a new screen is one more entry here. A screen's module is imported when the screen is first
shown, not when the app starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    key: str
    mode: str
    title: str
    screen: str
    """Where the screen class is, as ``module:Class``."""
    help: str
    """What the screen is for, in the command palette."""

    @property
    def binding_id(self) -> str:
        """The key's binding id, for `App.set_keymap`."""
        return f"app.{self.mode}"

    def binding(self) -> Binding:
        return Binding(self.key, f"switch_mode('{self.mode}')", self.title, id=self.binding_id)

    def make(self) -> Screen:
        """A new instance of the screen, its module imported on the first call."""
        module, name = self.screen.split(":")
        screen_class: Callable[[], Screen] = getattr(import_module(module), name)
        return screen_class()


SCREENS = (
    ScreenEntry(
        "h",
        "home",
        "Home",
        "segdesk.tui.screens.home:HomeScreen",
        "The workflow with live figures and alerts",
    ),
    ScreenEntry(
        "c",
        "contacts",
        "Contacts",
        "segdesk.tui.screens.contacts:ContactsScreen",
        "Browse and search everyone",
    ),
    ScreenEntry(
        "i",
        "import",
        "Import",
        "segdesk.tui.screens.import_file:ImportScreen",
        "Import contacts or orders from a file; the import history and undo",
    ),
    ScreenEntry(
        "s",
        "segments",
        "Segments",
        "segdesk.tui.screens.segments:SegmentsScreen",
        "Every segment: open, build, document, rename, retire and refresh them",
    ),
    ScreenEntry(
        "m",
        "models",
        "Models",
        "segdesk.tui.screens.models:ModelsScreen",
        "Run RFM and lifecycle; the RxF grid and the lifecycle thresholds",
    ),
    ScreenEntry(
        "o",
        "overlap",
        "Overlap",
        "segdesk.tui.screens.overlap:OverlapScreen",
        "How segments overlap: people in both, similarity, flags and size guardrails",
    ),
    ScreenEntry(
        "t",
        "stability",
        "Stability",
        "segdesk.tui.screens.stability:StabilityScreen",
        "Snapshots, and how a segment or scheme changed between two: kept, joined, left",
    ),
    ScreenEntry(
        "x",
        "export",
        "Export",
        "segdesk.tui.screens.export:ExportScreen",
        "Write segments' contacts to a file for a spreadsheet, Mailchimp or HubSpot; the log",
    ),
)


def modes() -> dict[str, str | Callable[[], Screen]]:
    """`App.MODES`: each mode's screen, made when the mode is first entered."""
    return {entry.mode: entry.make for entry in SCREENS}


def bindings() -> list[Binding]:
    """The app's keys to the screens, in the order of `SCREENS` (the footer's order)."""
    return [entry.binding() for entry in SCREENS]


def title_of(screen: Screen) -> str | None:
    """The registered title of ``screen`` when it is the screen of a mode."""
    name = f"{type(screen).__module__}:{type(screen).__name__}"
    return next((entry.title for entry in SCREENS if entry.screen == name), None)
