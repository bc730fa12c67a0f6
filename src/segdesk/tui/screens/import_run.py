"""Import, steps 5 and 6: the dry run, then the import itself, each with progress and cancel.

Both run the whole import in one transaction in a thread; the dry run rolls it back. Cancel
sets a flag the engine checks between chunks of rows; the engine then rolls back and raises
`Cancelled`, and only then does the screen say "cancelled".
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import ProgressBar, Static
from textual.worker import Worker

from segdesk.errors import UserError
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.importing import ImportDraft
from segdesk.tui.job_control import cancel_check, progress_to
from segdesk.tui.messages import DataChanged
from segdesk.tui.screens.import_history import HistoryScreen
from segdesk.tui.screens.rejects import RejectsScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.import_report import ImportReportView
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.tui.widgets.wizard_steps import WizardSteps
from segdesk.workspace.opening import WAITING_LABEL

if TYPE_CHECKING:
    from segdesk.ingest.import_report import ImportReport
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace


class ImportRunScreen(ReportsFailures, Screen[None]):
    TITLE = "Import · dry run and import"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("ctrl+n", "import", "Import", id="run.import"),
        Binding("r", "rejects", "Rejected rows", id="run.rejects"),
        Binding("y", "history", "History", id="run.history"),
        Binding("escape", "cancel", "Cancel", id="run.cancel"),
        Binding("escape", "done", "Done", id="run.done"),
        Binding("escape", "app.pop_screen", "Back", id="run.back"),
        Binding("q", "running_quit", "Quit", show=False, id="run.quit"),
    ]

    def __init__(self, draft: ImportDraft, *, dry_run: bool) -> None:
        super().__init__()
        self.draft = draft
        self.dry_run = dry_run
        self.report: ImportReport | None = None
        self.state = "running"
        self._cancel = threading.Event()
        self._reading = ""
        self._waited = False
        """Whether the last progress report said the run waits for another import."""

    def compose(self) -> ComposeResult:
        yield TitleBar("Import")
        yield WizardSteps(5 if self.dry_run else 6, self.draft.file_name)
        yield Static(id="run-status")
        yield ProgressBar(total=None, show_eta=False, id="progress")
        yield ImportReportView(id="report")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        name = escape(self.draft.file_name)
        what = f"Dry run of {name}" if self.dry_run else f"Importing {name}"
        self._reading = f"{what}: reading every row… escape cancels."
        self._status(self._reading)
        self.query_one(ImportReportView).display = False
        workspace = self.app.workspace
        if workspace is None:
            self._finished("failed", "the database is not open yet")
        else:
            self._run(workspace)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        done = self.state == "done"
        allowed = {
            "cancel": self.state == "running",
            "running_quit": self.state == "running",
            "import": self.dry_run and done,
            "rejects": done and self.report is not None and bool(self.report.rejects_preview),
            "history": done and not self.dry_run,
            "done": done and not self.dry_run,
            "app.pop_screen": self.state != "running" and not (done and not self.dry_run),
        }
        return allowed.get(action, True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-run")
    def _run(self, workspace: Workspace) -> None:
        from segdesk.jobs import Cancelled

        try:
            report = workspace.imports.run(
                self.draft.shape,
                self.draft.mapping,
                self.draft.import_options(dry_run=self.dry_run),
                progress=progress_to(self.app, self._progress),
                cancelled=cancel_check(self._cancel),
            )
        except Cancelled:
            self.app.call_from_thread(self._finished, "cancelled", None)
        else:
            self.app.call_from_thread(self._show_report, report)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        waiting = label.startswith(WAITING_LABEL)
        if waiting or self._waited:
            self._status(
                f"{label[:1].upper()}{label[1:]}… escape cancels." if waiting else self._reading
            )
            self._waited = waiting

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        # Why the import failed goes in its status line: a fault's details in the modal too.
        user_error = isinstance(error, UserError)
        self._finished(
            "failed", str(error) if user_error else "an unexpected fault (see its details)"
        )
        return user_error

    def _finished(self, state: str, message: str | None) -> None:
        self.state = state
        self.query_one(ProgressBar).display = False
        what = "dry run" if self.dry_run else "import"
        if state == "cancelled":
            self._status(f"The {what} was cancelled: nothing was changed. escape goes back.")
        else:
            self._status(
                f"[$error]The {what} failed: {escape(message or '')}[/]\n"
                "Nothing was changed. escape goes back."
            )
        self.refresh_bindings()

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        self.state = "done"
        self.query_one(ProgressBar).display = False
        if self.dry_run:
            self._status("[b]ctrl+n[/b] imports; escape goes back to change the mapping or options")
        else:
            self._status("")
            self.app.post_message(DataChanged())
        self.query_one("#run-status").display = self.dry_run
        view = self.query_one(ImportReportView)
        view.display = True
        view.show(report)
        view.focus()
        self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#run-status", Static).update(text)

    def action_cancel(self) -> None:
        self._cancel.set()
        self._status("Cancelling… the rows read so far are being rolled back.")

    def action_running_quit(self) -> None:
        self.notify("An import is running: escape cancels it first.", severity="warning")

    def action_import(self) -> None:
        self.app.push_screen(ImportRunScreen(self.draft, dry_run=False))

    def action_rejects(self) -> None:
        if self.report is not None:
            self.app.push_screen(RejectsScreen(self.report))

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen())

    def action_done(self) -> None:
        """Back to the first step, for the next file."""
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()
