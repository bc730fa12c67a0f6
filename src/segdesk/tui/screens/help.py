"""`?`: the keys of the screen underneath, with what each does, and a tour of the workflow."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.table import Table
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from segdesk.tui.screen_registry import title_of
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.tour import tour

if TYPE_CHECKING:
    from segdesk.tui.app import SegdeskApp


class HelpScreen(ModalScreen[None]):
    TITLE = "Keys"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.keys = _bindings(screen)
        self.where = screen_title(screen)
        self.tour_first = isinstance(screen, HomeScreen)
        """Home, where a first start lands, shows the tour above its keys; other screens
        below theirs."""

    def compose(self) -> ComposeResult:
        # A busy screen's keys run past 24 lines: the box scrolls rather than cut them off.
        with VerticalScroll(id="help") as help_box:
            help_box.border_title = f"Keys · {self.where}"
            help_box.border_subtitle = "escape closes · ctrl+p lists every command"
            keys = Static(_grid(self.keys), id="keys")
            if not self.tour_first:
                yield keys
            yield Static("The workflow", classes="section-title")
            yield Static(_grid(tour(self.app)), id="tour")
            if self.tour_first:
                yield Static("The keys of this screen", classes="section-title")
                yield keys


def _grid(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for row in rows:
        table.add_row(*row)
    return table


def screen_title(screen: Screen) -> str:
    """The screen's name as its user knows it: its entry in the registry, else its ``TITLE``,
    else its class name in words ("SegmentBuilderScreen" → "Segment builder")."""
    found = title_of(screen) or screen.title
    if found:
        return found
    words = re.findall(r"[A-Z][a-z]*|[a-z]+", type(screen).__name__.removesuffix("Screen"))
    return " ".join(words).capitalize() or "Screen"


def _bindings(screen: Screen) -> list[tuple[str, str]]:
    """Segment Desk's bindings active on ``screen`` (focused widget, screen, app).

    Textual's own scrolling and editing keys are left out: they are the same everywhere.
    """
    seen: dict[str, tuple[str, str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or not binding.description or not active.enabled:
            continue
        shown = binding.key_display or screen.app.get_key_display(binding)
        if binding.action in seen:
            previous = seen[binding.action]
            seen[binding.action] = (f"{previous[0]}, {shown}", previous[1])
        else:
            seen[binding.action] = (shown, binding.description)
    return [*seen.values(), ("ctrl+p", "Command palette: every screen and command")]
