"""Where to write a playbook, and as what: a path (completed like a shell's) and Markdown or a
page to print (HTML). The two follow each other: choosing a format changes the name's ending,
and typing .md or .html chooses the format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioSet, Static

from segdesk.tui.widgets.path_input import PathInput
from segdesk.tui.widgets.toggles import RadioButton

FORMATS = {"md": "Markdown (.md)", "html": "A page to print or mail (.html)"}
ENDINGS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class WriteRequest:
    path: Path
    format: str
    replace: bool = False
    """The user agreed to replace a file already there."""


class WritePlaybookScreen(ModalScreen[WriteRequest | None]):
    """Dismisses with the path and format chosen, or None when the user goes back."""

    TITLE = "Write the playbook"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="write_playbook.cancel")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.playbook_of = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="write-playbook"):
            yield Static("File (in the current folder unless you give a path):")
            yield PathInput(_default_name(self.playbook_of, "md"), id="path")
            with RadioSet(id="format"):
                for fmt, label in FORMATS.items():
                    yield RadioButton(label, value=fmt == "md", id=fmt)
            yield Static("", id="write-problem", classes="problem")
            yield Static("enter writes · tab moves · escape cancels", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#write-playbook").border_title = "Write the playbook"
        self.query_one("#write-problem").display = False
        self.query_one("#path", Input).focus()

    @property
    def format(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else "md"

    @on(RadioSet.Changed, "#format")
    def _format_chosen(self) -> None:
        box = self.query_one("#path", Input)
        path = Path(box.value.strip())
        if ENDINGS.get(path.suffix.lower()) not in (None, self.format):
            box.value = str(path.with_suffix(f".{self.format}"))

    @on(Input.Changed, "#path")
    def _path_typed(self, event: Input.Changed) -> None:
        fmt = ENDINGS.get(Path(event.value.strip()).suffix.lower())
        if fmt is not None and fmt != self.format:
            self.query_one(f"#{fmt}", RadioButton).value = True

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        problem = self.query_one("#write-problem", Static)
        if not text:
            problem.update("Type the path of the file to write.")
            problem.display = True
            return
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / _default_name(self.playbook_of, self.format)
        self.dismiss(WriteRequest(path.absolute(), self.format))


def _default_name(name: str, fmt: str) -> str:
    """A name such as vip-customers-playbook.md, for the current folder."""
    from segdesk.publish.playbook import default_file_name

    return default_file_name(name, "html" if fmt == "html" else "md")
