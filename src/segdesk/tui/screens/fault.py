"""A fault of ours: what failed and where, for the user to read, copy and send us.

A user's own mistakes never come here: they get a notice in plain words (`tui/failures.py`).
"""

from __future__ import annotations

import traceback

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

EXPLANATION = (
    "This is a fault in Segment Desk, not something you did. The details below say where it "
    "happened; press c to copy them into a bug report."
)


def fault_details(error: BaseException) -> str:
    """The exception in one line, then its traceback."""
    summary = "".join(traceback.format_exception_only(error)).strip()
    return f"{summary}\n\n" + "".join(traceback.format_exception(error)).rstrip()


class FaultScreen(ModalScreen[None]):
    TITLE = "Something went wrong"

    BINDINGS = [
        Binding("c", "copy", "Copy details", id="fault.copy"),
        Binding("escape,enter", "dismiss", "Close", id="fault.close"),
    ]

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error
        self.details = fault_details(error)

    def compose(self) -> ComposeResult:
        with Vertical(id="fault"):
            yield Static(EXPLANATION, id="fault-explanation", markup=False)
            yield TextArea(self.details, read_only=True, soft_wrap=True, id="fault-details")

    def on_mount(self) -> None:
        box = self.query_one("#fault")
        box.border_title = "Something went wrong"
        box.border_subtitle = "c copies the details · escape closes"
        self.query_one(TextArea).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.details)
        self.notify("The details are copied.", timeout=3)
