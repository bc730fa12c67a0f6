"""The line above each import step: where the user is among the steps, and the file."""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

from segdesk.tui.importing import STEPS


class WizardSteps(Static):
    DEFAULT_CSS = """
    WizardSteps {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, step: int, file_name: str = "") -> None:
        super().__init__(id="wizard-steps")
        self.step = step
        self.file_name = file_name

    def on_mount(self) -> None:
        parts = [
            f"[b $accent]{name}[/]" if n == self.step else name
            for n, name in enumerate(STEPS, start=1)
        ]
        line = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} ".join(parts)
        if self.file_name:
            line += f" · [$foreground]{escape(self.file_name)}[/]"
        self.update(line)
