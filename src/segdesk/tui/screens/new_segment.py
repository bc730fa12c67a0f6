"""Saving a new segment from the builder: its name, whether it is in use yet, a note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioSet, Static
from textual.worker import Worker, WorkerState

from segdesk.errors import UserError
from segdesk.segments.lookup import SegmentInfo
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.widgets.toggles import RadioButton

if TYPE_CHECKING:
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

STATUSES = (
    ("active", "Active: in use now"),
    ("draft", "Draft: still being worked out"),
)


class NewSegmentScreen(ReportsFailures, ModalScreen[SegmentInfo | None]):
    """Dismisses with the segment saved, or None. A refused name is said here, and the
    dialog stays open to change it."""

    TITLE = "Save the new segment"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="new_segment.back")]

    def __init__(self, rule_text: str) -> None:
        super().__init__()
        self.rule_text = rule_text

    def compose(self) -> ComposeResult:
        with Vertical(id="new-segment", classes="dialog"):
            yield Static(escape(self.rule_text), classes="muted", id="new-rule")
            with Horizontal(classes="editor-row"):
                yield Label("Name", classes="editor-label")
                yield Input(placeholder="e.g. Lapsed regulars", compact=True, id="name")
            yield RadioSet(
                *(
                    RadioButton(label, value=n == 0, id=value)
                    for n, (value, label) in enumerate(STATUSES)
                ),
                id="status",
                compact=True,
            )
            with Horizontal(classes="editor-row"):
                yield Label("Note", classes="editor-label")
                yield Input(placeholder="why it is made (optional)", compact=True, id="note")
            yield Static("", id="save-problem", classes="problem")

    def on_mount(self) -> None:
        dialog = self.query_one("#new-segment")
        dialog.border_title = "Save the new segment"
        dialog.border_subtitle = "enter saves · tab next · ↑↓ and space: status · esc back"
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    def _save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self._problem("Give the segment a name.")
            self.query_one("#name", Input).focus()
            return
        workspace = self.app.workspace
        if workspace is None:
            return
        pressed = self.query_one("#status", RadioSet).pressed_button
        status = pressed.id if pressed is not None and pressed.id else "active"
        note = self.query_one("#note", Input).value.strip() or None
        self._problem("Saving…", problem=False)
        self.run_worker(
            lambda: self._create(workspace, name, status, note),
            thread=True,
            exclusive=True,
            group="new-segment",
            exit_on_error=False,
        )

    def _create(
        self, workspace: Workspace, name: str, status: str, note: str | None
    ) -> SegmentInfo:
        return workspace.segments.create(name, self.rule_text, status=status, reason=note)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "new-segment" and event.state == WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
        super().on_worker_state_changed(event)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if isinstance(error, UserError):
            self._problem(str(error))
            return True
        self._problem("")
        return False

    def _problem(self, text: str, *, problem: bool = True) -> None:
        shown = self.query_one("#save-problem", Static)
        shown.set_class(problem, "problem")
        shown.update(escape(text))
