"""How to read a file, when the detected encoding, delimiter or sheet is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from segdesk.tui.widgets.toggles import Checkbox

if TYPE_CHECKING:
    from segdesk.ingest.sources import FileShape, ReadOptions

ENCODINGS = ("utf-8", "cp1252", "latin-1", "utf-16", "mac-roman", "cp850")
DELIMITERS = (
    ("comma ,", "comma"),
    ("semicolon ;", "semicolon"),
    ("tab", "tab"),
    ("pipe |", "pipe"),
    ("values separated by spaces or tabs", "whitespace"),
    ("columns aligned with spaces", "aligned"),
)


class ReadOptionsScreen(ModalScreen["ReadOptions | None"]):
    """Dismisses with the chosen `ReadOptions`, or None when closed."""

    TITLE = "How to read the file"

    BINDINGS = [
        Binding("ctrl+n", "apply", "Read again", id="read_options.apply"),
        Binding("escape", "dismiss(None)", "Close", id="read_options.close"),
    ]

    def __init__(self, shape: FileShape, current: ReadOptions | None) -> None:
        super().__init__()
        self.shape = shape
        self.current = current

    def compose(self) -> ComposeResult:
        shape, current = self.shape, self.current
        with Vertical(id="read-options", classes="dialog"):
            with Grid(id="read-grid"):
                if shape.is_spreadsheet:
                    yield Static("Sheet")
                    yield Select(
                        [(name, name) for name in shape.sheets],
                        value=shape.sheet or Select.NULL,
                        allow_blank=False,
                        compact=True,
                        id="sheet",
                    )
                else:
                    detected = shape.encoding.label if shape.encoding else "?"
                    yield Static("Encoding")
                    yield Select(
                        [(name, name) for name in ENCODINGS],
                        prompt=f"as detected ({detected})",
                        value=(current.encoding if current and current.encoding else Select.NULL),
                        compact=True,
                        id="encoding",
                    )
                    yield Static("Delimiter")
                    yield Select(
                        DELIMITERS,
                        prompt=f"as detected ({shape.layout})",
                        value=(current.delimiter if current and current.delimiter else Select.NULL),
                        compact=True,
                        id="delimiter",
                    )
            yield Checkbox(
                "The first row names the columns", shape.has_header, compact=True, id="header"
            )
            with Horizontal(classes="buttons"):
                yield Button("Read again (ctrl+n)", variant="primary", id="apply")
                yield Button("Close (esc)", id="close")

    def on_mount(self) -> None:
        self.query_one("#read-options").border_title = f"How to read {self.shape.path.name}"
        self.query_one(Select).focus()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        from segdesk.ingest.sources import ReadOptions

        def chosen(selector: str) -> str | None:
            found = self.query(selector)
            value = found.first(Select).value if found else Select.NULL
            return None if value == Select.NULL else str(value)

        self.dismiss(
            ReadOptions(
                encoding=chosen("#encoding"),
                delimiter=chosen("#delimiter"),
                sheet=chosen("#sheet"),
                header=self.query_one("#header", Checkbox).value,
            )
        )

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
