"""Saving a changed rule: who would join and who would leave, then the reason for it.

The effect on the members comes first, worked out in the database against the current
members; the reason box opens once it is shown, and the reason goes into the new version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from segdesk.errors import UserError
from segdesk.segments.lookup import SegmentInfo
from segdesk.tui.failures import ReportsFailures
from segdesk.wording import count

if TYPE_CHECKING:
    from segdesk.segments.preview import ChangePreview
    from segdesk.tui.app import SegdeskApp

PREVIEW_GROUP = "change-preview"
SAVE_GROUP = "change-save"


class SaveChangesScreen(ReportsFailures, ModalScreen[SegmentInfo | None]):
    """Dismisses with the segment as saved, or None."""

    TITLE = "Save the new rule"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="save_changes.back")]

    def __init__(self, name: str, rule_text: str) -> None:
        super().__init__()
        self.segment_name = name
        self.rule_text = rule_text

    def compose(self) -> ComposeResult:
        with Vertical(id="save-changes", classes="dialog"):
            yield Static(escape(self.rule_text), classes="muted", id="changed-rule")
            yield Static("Working out who would join and who would leave…", id="change-effect")
            with Horizontal(classes="editor-row"):
                yield Label("Reason", classes="editor-label")
                yield Input(
                    placeholder="why the rule changes", compact=True, id="reason", disabled=True
                )
            yield Static("", id="save-problem", classes="problem")

    def on_mount(self) -> None:
        dialog = self.query_one("#save-changes")
        dialog.border_title = f"Save the new rule of “{self.segment_name}”"
        dialog.border_subtitle = "enter saves · esc back"
        workspace = self.app.workspace
        if workspace is not None:
            self.run_worker(
                lambda: workspace.building.preview_change(self.segment_name, self.rule_text),
                thread=True,
                exclusive=True,
                group=PREVIEW_GROUP,
                exit_on_error=False,
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS:
            if worker.group == PREVIEW_GROUP and worker.result is not None:
                self._show_effect(worker.result)
            elif worker.group == SAVE_GROUP:
                self.dismiss(worker.result)
        super().on_worker_state_changed(event)

    def _show_effect(self, preview: ChangePreview) -> None:
        lines = [
            _side("Would join", preview.joining, preview.joining_names),
            _side("Would leave", preview.leaving, preview.leaving_names),
            f"Would stay: {count(preview.staying, 'person', 'people')} · "
            f"members after: {preview.members_after:,}",
        ]
        if not preview.applies_now:
            lines.append("The segment is retired: its members stay until it is reactivated.")
        self.query_one("#change-effect", Static).update("\n".join(lines))
        reason = self.query_one("#reason", Input)
        reason.disabled = False
        reason.focus()

    @on(Input.Submitted, "#reason")
    def _save(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        workspace = self.app.workspace
        if not reason:
            self._problem("Say why the rule changes: the reason is kept with the version.")
            return
        if workspace is None:
            return
        self._problem("")
        self.run_worker(
            lambda: workspace.segments.edit(self.segment_name, self.rule_text, reason),
            thread=True,
            exclusive=True,
            group=SAVE_GROUP,
            exit_on_error=False,
        )

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if not isinstance(error, UserError):
            return False
        if worker.group == PREVIEW_GROUP:
            self.query_one("#change-effect", Static).update("This rule cannot be saved.")
        self._problem(str(error))
        return True

    def _problem(self, text: str) -> None:
        self.query_one("#save-problem", Static).update(escape(text))


def _side(what: str, people: int, names: tuple[str, ...]) -> str:
    shown = f"{what}: [b]{count(people, 'person', 'people')}[/b]"
    if names:
        more = people - len(names)
        listed = ", ".join(escape(n) for n in names) + (f" and {more:,} more" if more > 0 else "")
        shown += f" · {listed}"
    return shown
