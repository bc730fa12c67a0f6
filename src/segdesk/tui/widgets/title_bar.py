"""The one-line bar at the top of every screen: product, database, where you are."""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    def __init__(self, where: str) -> None:
        super().__init__(id="title-bar")
        self.where = where

    def on_mount(self) -> None:
        self.update(self._text())
        self.watch(self.app, "workspace", lambda _ws: self.update(self._text()), init=False)

    def _text(self) -> str:
        workspace = getattr(self.app, "workspace", None)
        db = workspace.label if workspace is not None else "opening…"
        return f"[b]Segment Desk[/b] · {db} · {self.where}"
