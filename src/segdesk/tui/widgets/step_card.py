"""One step of the workflow on the home screen: a titled box with a few figures."""

from __future__ import annotations

from textual.widgets import Static


class StepCard(Static):
    def __init__(self, title: str, *, id: str) -> None:
        super().__init__("…", id=id)
        self.border_title = title

    def show(self, *lines: str) -> None:
        self.update("\n".join(lines))
