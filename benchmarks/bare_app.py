"""The smallest Textual app: the yardstick that `startup.py` measures Segment Desk against.

It is started the same way as Segment Desk (same python, same terminal size, same
environment) so that the ratios show what Segment Desk adds on top of Textual itself.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class BareApp(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("Bare app ready")


if __name__ == "__main__":
    BareApp().run()
