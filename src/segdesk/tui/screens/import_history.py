"""Every import so far, newest first; `u` undoes one after asking (or says first why it cannot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from segdesk.errors import UserError
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.importing import shorten
from segdesk.tui.job_control import show_if_latest
from segdesk.tui.messages import DataChanged
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.wording import count, undo_summary

if TYPE_CHECKING:
    from segdesk.ingest.history import ImportRun, UndoReport
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

COLUMNS = (("Id", 4), ("When", 16), ("File", 22), ("What", 8), ("Status", 7), ("Read", 7))


def what(run: ImportRun, n: int = 2) -> str:
    """``contacts``, or the kind of events: ``orders`` (``order`` when ``n`` is 1)."""
    noun = "contact" if run.target == "contacts" else run.event_kind or "event"
    return noun if n == 1 else noun + "s"


def describe(run: ImportRun) -> str:
    """The counts of one import in a sentence."""
    if run.target == "contacts":
        merged = f", {run.merged:,} merged" if run.merged else ""
        counts = (
            f"{run.inserted:,} new, {run.updated:,} updated, {run.unchanged:,} unchanged"
            f"{merged}, {run.rejected:,} rejected"
        )
    else:
        merged = f", {run.merged:,} more rows of them" if run.merged else ""
        lines = f" ({count(run.lines, 'line item')})" if run.lines else ""
        updated = f"{run.updated:,} updated, " if run.updated else ""
        counts = (
            f"{run.inserted:,} new {what(run, run.inserted)}{lines}{merged}, {updated}"
            f"{run.unchanged:,} already there, {run.rejected:,} rejected, "
            f"{count(run.contacts_created, 'new contact')}"
        )
    return f"{count(run.read, 'row')} read: {counts}"


def undo_question(run: ImportRun) -> str:
    if run.target == "contacts":
        effect = f"It removes the {count(run.inserted, 'contact')} it added"
        if run.changed:
            effect += (
                f" and gives the {count(run.changed, 'contact')} it changed their "
                "previous values back"
            )
    else:
        effect = f"It removes the {run.inserted:,} {what(run, run.inserted)} it added"
        if run.contacts_created:
            effect += f" and the {count(run.contacts_created, 'contact')} it created"
        if run.updated:
            effect += (
                f", and gives the {run.updated:,} {what(run, run.updated)} it updated their "
                "previous values back"
            )
    return f"Undo import {run.id} of {escape(run.file_name)}?\n{effect}."


class HistoryScreen(ReportsFailures, Screen[None]):
    TITLE = "Import history"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("u", "undo", "Undo import", id="history.undo"),
        Binding("escape", "app.pop_screen", "Back", id="history.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[ImportRun] = []
        self.undoing: int | None = None
        """The import being undone, if one is."""

    def compose(self) -> ComposeResult:
        yield TitleBar("Import history")
        yield DataTable(id="history", cursor_type="row")
        yield Static(id="run-detail")
        yield Static(id="undo-result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title, width in COLUMNS:
            table.add_column(title, width=width)
        table.focus()
        self._reload()

    def _reload(self) -> None:
        workspace = self.app.workspace
        if workspace is not None:
            self._load(workspace)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-history")
    def _load(self, workspace: Workspace) -> None:
        runs = workspace.imports.history()
        show_if_latest(self.app, self._show, runs)

    def _show(self, runs: list[ImportRun]) -> None:
        self.runs = runs
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for run in runs:
            table.add_row(
                Text(str(run.id), justify="right"),
                run.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                Text(shorten(run.file_name, COLUMNS[2][1])),
                what(run),
                run.status,
                Text(f"{run.read:,}", justify="right"),
            )
        if runs:
            table.move_cursor(row=min(row, len(runs) - 1), animate=False)
        else:
            self.query_one("#run-detail", Static).update("No imports yet.")
        self._detail()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _detail(self) -> None:
        run = self._current()
        if run is not None:
            self.query_one("#run-detail", Static).update(
                f"[b]Import {run.id}[/b] · {escape(run.file_name)} · {run.status}\n{describe(run)}"
            )
        self.refresh_bindings()

    def _current(self) -> ImportRun | None:
        row = self.query_one(DataTable).cursor_row
        return self.runs[row] if 0 <= row < len(self.runs) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            run = self._current()
            return self.undoing is None and run is not None and run.status == "done"
        return True

    def action_undo(self) -> None:
        run = self._current()
        workspace = self.app.workspace
        if run is not None and workspace is not None:
            self._ask(workspace, run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-undo")
    def _ask(self, workspace: Workspace, run: ImportRun) -> None:
        """Ask to confirm the undo, unless it cannot be done: then say why straight away."""
        refusal = workspace.imports.undo_refusal(run.id)
        if refusal is not None:
            self.app.call_from_thread(self._cannot, refusal)
            return
        self.app.call_from_thread(
            self.app.push_screen,
            ConfirmScreen("Undo import", undo_question(run), "Undo import"),
            lambda yes: self._confirmed(run, yes),
        )

    def _confirmed(self, run: ImportRun, yes: bool | None) -> None:
        workspace = self.app.workspace
        if yes and workspace is not None:
            self.undoing = run.id
            self.refresh_bindings()
            self._result(f"Undoing import {run.id}…")
            self._undo(workspace, run.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-undo")
    def _undo(self, workspace: Workspace, batch_id: int) -> None:
        result = workspace.imports.undo(batch_id)
        self.app.call_from_thread(self._undone, result)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group == "import-undo":
            # A refusal stays on screen beside the history, as well as in the notice.
            self._result(
                f"[$error]Import {self.undoing} was not undone: {escape(str(error))}[/]"
                if isinstance(error, UserError)
                else ""
            )
            self.undoing = None
            self.refresh_bindings()
        return False

    def _undone(self, result: UndoReport) -> None:
        self.undoing = None
        message = undo_summary(result)
        self._result(message)
        self.notify(message)
        self.app.post_message(DataChanged())
        self._reload()

    def _cannot(self, reason: str) -> None:
        said = reason[:1].upper() + reason[1:] + "."
        self._result(f"[$error]{escape(said)}[/]")
        self.notify(said, severity="error", timeout=8)

    def _result(self, text: str) -> None:
        self.query_one("#undo-result", Static).update(text)
