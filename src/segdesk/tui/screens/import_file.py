"""Import, step 1: which file, and whether it holds contacts or orders (and other events).

This is the import mode's first screen; the later steps are pushed on top of it, so `escape`
walks back through them to here, and from here home.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Input, RadioSet, Static
from textual.worker import Worker, get_current_worker

from segdesk.errors import UserError
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.importing import TARGETS, ImportDraft, prepare
from segdesk.tui.screens.file_browser import FileBrowser
from segdesk.tui.screens.import_history import HistoryScreen
from segdesk.tui.screens.import_preview import PreviewScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.path_input import PathInput
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.tui.widgets.toggles import RadioButton
from segdesk.tui.widgets.wizard_steps import WizardSteps

if TYPE_CHECKING:
    from segdesk.ingest.history import ImportRun
    from segdesk.ingest.sources import ReadOptions
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

RECENT = 3
NO_HEADER = "ctrl+r: read it without a header row (columns named column 1, column 2, …)"
HINT = (
    "tab or → completes a name · ctrl+o chooses from folders · Enter reads the file\n"
    "CSV, TSV and text tables, Excel (.xlsx, .xls) and OpenDocument (.ods) files"
)


class ImportScreen(ReportsFailures, Screen[None]):
    TITLE = "Import"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="import.next"),
        Binding("ctrl+o", "browse", "Browse", id="import.browse"),
        Binding("y", "history", "History", id="import.history"),
        Binding("ctrl+y", "history_from_path", "History", id="import.history_from_path"),
        Binding("ctrl+r", "read_headerless", "No header row", id="import.no_header"),
        Binding("escape", "back", "Back", id="import.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._offer_headerless = False
        """The file was refused for a first row of data: ctrl+r reads it without a header."""

    def compose(self) -> ComposeResult:
        yield TitleBar("Import")
        yield WizardSteps(1)
        with Vertical(id="file-step", classes="step"):
            yield Static("Which file?", classes="field-label")
            yield PathInput(placeholder="path of the file to import", id="path")
            yield Static("What does it hold?", classes="field-label")
            with RadioSet(id="target"):
                for target, label in TARGETS.items():
                    yield RadioButton(label, value=target == "contacts", id=target)
            yield Static("", id="problem", classes="problem")
            yield Static(HINT, id="hint", classes="muted")
            yield Static("", id="recent")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#problem").display = False
        self.query_one("#path", Input).focus()
        self.watch(self.app, "workspace", self._load_recent, init=True)

    def on_screen_resume(self) -> None:
        # Every visit starts in the path box, so what the user types is never taken as keys.
        self.query_one("#path", Input).focus()
        self._load_recent(self.app.workspace)

    @property
    def target(self) -> str:
        pressed = self.query_one("#target", RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else "contacts"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self.query_one("#path", Input).has_focus
        if action == "history":  # y is a letter of the path while typing one
            return not typing
        if action == "history_from_path":
            return typing
        if action == "read_headerless":
            return self._offer_headerless
        return True

    @on(Input.Submitted, "#path")
    def _submitted(self) -> None:
        self.action_next()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_next(self) -> None:
        self._read(None)

    def action_read_headerless(self) -> None:
        from segdesk.ingest.sources import ReadOptions

        self._read(ReadOptions(header=False))

    def _read(self, read: ReadOptions | None) -> None:
        text = self.query_one("#path", Input).value.strip()
        workspace = self.app.workspace
        if not text:
            self._problem("Type the path of a file, or press ctrl+o to choose one.")
        elif workspace is None:
            self._problem("The database is still opening; try again in a moment.")
        else:
            self._problem("")
            self.query_one("#hint", Static).update(f"Reading {escape(Path(text).name)}…")
            self._inspect(workspace, Path(os.path.expanduser(text)), self.target, read)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-inspect")
    def _inspect(
        self, workspace: Workspace, path: Path, target: str, read: ReadOptions | None
    ) -> None:
        draft = prepare(workspace, path, target, read)
        if not get_current_worker().is_cancelled:  # not replaced by a later Enter
            self.app.call_from_thread(self._open_preview, draft)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group != "import-inspect":
            return False
        # The file's problem goes beside the path the user typed; a fault of ours elsewhere.
        from segdesk.ingest.sources import HeaderLooksLikeData

        user_error = isinstance(error, UserError)
        self._problem(str(error) if user_error else "", isinstance(error, HeaderLooksLikeData))
        return user_error

    def _open_preview(self, draft: ImportDraft) -> None:
        self.query_one("#hint", Static).update(HINT)
        self.app.push_screen(PreviewScreen(draft))

    def _problem(self, text: str, headerless: bool = False) -> None:
        self.query_one("#hint", Static).update(HINT)
        shown = escape(text) + (f"\n{NO_HEADER}" if headerless else "")
        self.query_one("#problem", Static).update(shown)
        self.query_one("#problem").display = bool(text)
        self._offer_headerless = headerless
        self.refresh_bindings()

    def action_browse(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        start = Path(os.path.expanduser(text)) if text else Path.cwd()
        while not start.is_dir() and start != start.parent:
            start = start.parent
        self.app.push_screen(FileBrowser(start), self._browsed)

    def _browsed(self, path: Path | None) -> None:
        if path is not None:
            box = self.query_one("#path", Input)
            box.value = _shown_path(path)
            box.cursor_position = len(box.value)
            box.focus()

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen())

    def action_history_from_path(self) -> None:
        self.action_history()

    def action_back(self) -> None:
        self.app.switch_mode("home")

    def _load_recent(self, workspace: Workspace | None) -> None:
        if workspace is not None:
            self._recent(workspace)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-recent")
    def _recent(self, workspace: Workspace) -> None:
        runs = workspace.imports.history(limit=RECENT)
        self.app.call_from_thread(self._show_recent, runs)

    def _show_recent(self, runs: list[ImportRun]) -> None:
        if not runs:
            text = "No imports yet."
        else:
            lines = [
                f"  {r.id:>3}  {escape(r.file_name)} · {r.target} · {r.read:,} read, "
                f"{r.rejected:,} rejected · {r.status}"
                for r in runs
            ]
            text = (
                "[b]Recent imports[/b] (y, or ctrl+y in the path box, lists them all with undo)\n"
                + "\n".join(lines)
            )
        self.query_one("#recent", Static).update(text)


def _shown_path(path: Path) -> str:
    """A chosen file as the user would type it: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
