"""A one-line question: a new name for a segment, a copy's name."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AskTextScreen(ModalScreen[str | None]):
    """Dismisses with the text typed (stripped), or None when the user goes back."""

    TITLE = "Question"

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="ask.cancel")]

    def __init__(
        self, title: str, question: str, value: str = "", *, placeholder: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ask"):
            yield Static(self.question, id="ask-question")
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield Static("enter saves · escape cancels", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#ask").border_title = self.title_text

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
