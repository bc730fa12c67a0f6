"""The one-line bar at the top of every screen: product, database, where you are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.widgets import Static

if TYPE_CHECKING:
    from segdesk.tui.app import SegdeskApp


class TitleBar(Static):
    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    def __init__(self, where: str) -> None:
        super().__init__(id="title-bar")
        self.where = where

    def on_mount(self) -> None:
        # The app may be opened on another database (the demo from an empty home).
        self.watch(self.app, "workspace", self._show, init=True)

    def _show(self) -> None:
        self.update(f"[b]Segment Desk[/b] · {self.app.db_label} · {self.where}")
