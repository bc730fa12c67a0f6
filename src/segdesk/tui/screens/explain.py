"""Why a contact is, or is not, in a segment: each condition of the rule with the contact's
value and whether it held, then the pin and what else decides (``ws.segments.explain``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.theme_styles import theme_style

if TYPE_CHECKING:
    from segdesk.segments.explain import Check, Explanation
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

GROUPS = {"and": "all of", "or": "any of", "not": "not"}


class ExplainScreen(ReportsFailures, ModalScreen[None]):
    TITLE = "Why a contact is in or out"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [Binding("escape,enter", "dismiss", "Close", id="explain.close")]

    def __init__(self, segment: str, contact: str) -> None:
        """``contact`` as a user names one: an email, an external id or ``id:42``."""
        super().__init__()
        self.segment = segment
        self.contact = contact

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="explain"):
            yield Static("Looking…", id="explanation")

    def on_mount(self) -> None:
        box = self.query_one("#explain")
        box.border_title = "Why"
        box.border_subtitle = "escape closes"
        if self.app.workspace is not None:
            self._load(self.app.workspace)

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def _load(self, workspace: Workspace) -> None:
        found = workspace.segments.explain(self.segment, self.contact)
        self.app.call_from_thread(self._show, found)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        self.query_one("#explanation", Static).update("This contact could not be explained.")
        return False

    def _show(self, found: Explanation) -> None:
        self.query_one("#explanation", Static).update(self.explanation_text(found))

    def explanation_text(self, found: Explanation) -> Text:
        colours = {True: theme_style(self.app, "success"), False: theme_style(self.app, "error")}
        word = "is in" if found.verdict else "is not in"
        text = Text.assemble(
            (found.contact, "bold"), f" {word} “{found.segment}”\n", style=colours[found.verdict]
        )
        if found.rule is not None:
            text.append("\n")
            _checks(text, found.rule, 0, colours)
        for reason in found.reasons:
            text.append(f"\n· {reason}")
        return text


def _checks(text: Text, check: Check, depth: int, colours: dict[bool, Style]) -> None:
    """The rule as a tree, a ✓ or ✗ in colour before each condition and group."""
    text.append("  " * depth)
    text.append("✓ " if check.held else "✗ ", style=colours[check.held] + Style(bold=True))
    if check.kind == "condition":
        text.append(check.text)
        text.append(f"   ({check.value})\n", style="dim")
        return
    text.append(f"{GROUPS[check.kind]}:\n")
    for item in check.items:
        _checks(text, item, depth + 1, colours)
