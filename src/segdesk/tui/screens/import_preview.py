"""Import, step 2: the first rows as they were read, and how the file was read.

If the columns look wrong, `o` reads the file again with another encoding, delimiter or sheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, get_current_worker

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.importing import ImportDraft, prepare, shorten
from segdesk.tui.screens.import_mapping import MappingScreen
from segdesk.tui.screens.read_options import ReadOptionsScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.tui.widgets.wizard_steps import WizardSteps

if TYPE_CHECKING:
    from segdesk.ingest.sources import ReadOptions
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

ROWS = 20
CELL_WIDTH = 24


class PreviewScreen(ReportsFailures, Screen[None]):
    TITLE = "Import · preview"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="preview.next"),
        Binding("enter", "next", "Next", show=False, priority=True, id="preview.enter"),
        Binding("o", "read_options", "Read options", id="preview.read_options"),
        Binding("escape", "app.pop_screen", "Back", id="preview.back"),
    ]

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft

    def compose(self) -> ComposeResult:
        yield TitleBar("Import")
        yield WizardSteps(2, self.draft.file_name)
        yield Static(id="decisions")
        yield DataTable(id="preview", cursor_type="column", zebra_stripes=True, fixed_columns=1)
        yield Static(id="notes", classes="notes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show()
        self.query_one(DataTable).focus()

    def _show(self) -> None:
        shape = self.draft.shape
        rows = shape.preview(ROWS)
        how = [f"Read as [b]{escape(shape.layout)}[/b]"]
        if shape.encoding is not None:
            how.append(f"encoding [b]{escape(shape.encoding.label)}[/b]")
        count = len(shape.sample)
        how.append(
            f"{count:,} {'row' if count == 1 else 'rows'} in the file"
            if shape.sample_is_whole_file
            else f"first {len(rows)} rows shown"
        )
        self.query_one("#decisions", Static).update(" · ".join(how))
        self.call_after_refresh(self._hint_hidden_columns, how)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Line", key="line")
        for position, name in enumerate(shape.header):
            table.add_column(Text(shorten(name, CELL_WIDTH)), key=str(position))
        for row in rows:
            table.add_row(
                Text(str(row.line), style="dim"),
                *(Text(shorten(v, CELL_WIDTH)) for v in row.values[: shape.width]),
            )
        if shape.width:
            table.move_cursor(column=1, animate=False)
        notes = [*shape.notes]
        if shape.encoding is not None and shape.encoding.hint:
            notes.append(shape.encoding.hint)
        notes += [f"line {row.line}: {row.problem}" for row in rows if row.problem]
        self.query_one("#notes", Static).update(
            "\n".join(f"• {escape(n)}" for n in notes) if notes else ""
        )
        self.query_one("#notes").display = bool(notes)

    def _hint_hidden_columns(self, how: list[str]) -> None:
        table = self.query_one(DataTable)
        if table.virtual_size.width > table.scrollable_content_region.width:
            how = [*how, "← → for more columns"]
            self.query_one("#decisions", Static).update(" · ".join(how))

    def action_next(self) -> None:
        self.app.push_screen(MappingScreen(self.draft))

    def action_read_options(self) -> None:
        self.app.push_screen(ReadOptionsScreen(self.draft.shape, self.draft.read), self._reread)

    def _reread(self, read: ReadOptions | None) -> None:
        workspace = self.app.workspace
        if read is not None and workspace is not None:
            self.query_one("#decisions", Static).update("Reading the file again…")
            self._inspect(workspace, read)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-inspect")
    def _inspect(self, workspace: Workspace, read: ReadOptions) -> None:
        draft = prepare(workspace, self.draft.path, self.draft.target, read)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._reread_done, draft)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        self._show()  # the file as it was read before, and the user is told why not again
        return False

    def _reread_done(self, draft: ImportDraft) -> None:
        self.draft = draft
        self._show()
