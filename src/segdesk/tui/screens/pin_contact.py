"""Pin a contact: always in, or always out of, a rule segment, with a note saying why."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioSet, Static

from segdesk.tui.widgets.toggles import RadioButton


@dataclass(frozen=True)
class PinRequest:
    contact: str
    mode: str
    """``include`` or ``exclude``."""
    note: str | None


class PinScreen(ModalScreen[PinRequest | None]):
    TITLE = "Pin a contact"

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="pin.cancel")]

    def __init__(self, segment: str) -> None:
        super().__init__()
        self.segment = segment

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pin"):
            yield Static("Contact (email, external id, or id:42)", classes="field-label")
            yield Input(id="pin-contact")
            with RadioSet(id="pin-mode"):
                yield RadioButton("Always in", value=True, id="include")
                yield RadioButton("Always out", id="exclude")
            yield Static("Why (optional)", classes="field-label")
            yield Input(id="pin-note")
            yield Static("enter pins · tab moves · escape cancels", classes="muted")

    def on_mount(self) -> None:
        box = self.query_one("#pin")
        box.border_title = f"Pin a contact in “{self.segment}”"
        self.query_one("#pin-contact").focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        contact = self.query_one("#pin-contact", Input).value.strip()
        if not contact:
            self.query_one("#pin-contact").focus()
            return
        pressed = self.query_one("#pin-mode", RadioSet).pressed_button
        mode = pressed.id if pressed is not None and pressed.id else "include"
        note = self.query_one("#pin-note", Input).value.strip() or None
        self.dismiss(PinRequest(contact, mode, note))
