"""The rows an import rejected, with their line numbers and reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static

from segdesk.tui.importing import home_relative, shorten
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.import_report import values_text
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.wording import count

if TYPE_CHECKING:
    from segdesk.ingest.import_report import ImportReport


class RejectsScreen(Screen[None]):
    TITLE = "Rejected rows"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="rejects.back")]

    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield TitleBar("Import · rejected rows")
        yield Static(id="rejects-summary")
        yield DataTable(id="rejects", cursor_type="row", zebra_stripes=True)
        yield Static(id="reject-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        report = self.report
        shown = len(report.rejects_preview)
        were = "was" if report.rejected == 1 else "were"
        summary = f"{count(report.rejected, 'row')} of {escape(report.file_name)} {were} rejected"
        if shown < report.rejected:
            summary += f"; the first {shown:,} are shown"
        if report.rejects_file is not None:
            where = escape(home_relative(report.rejects_file))
            summary += f". {'It is' if report.rejected == 1 else 'All are'} saved in {where}"
        self.query_one("#rejects-summary", Static).update(summary + ".")
        table = self.query_one(DataTable)
        table.add_column("Line", key="line")
        table.add_column("Reason", key="reason", width=34)
        table.add_column("Values", key="values")
        for reject in report.rejects_preview:
            table.add_row(
                Text(str(reject.line), justify="right"),
                Text(shorten(reject.reason, 34)),
                Text(values_text(reject, 120)),
            )
        table.focus()

    @on(DataTable.RowHighlighted)
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.report.rejects_preview):
            return
        reject = self.report.rejects_preview[event.cursor_row]
        self.query_one("#reject-detail", Static).update(
            f"[b]Line {reject.line}[/b]: {escape(reject.reason)}\n"
            f"{escape(' | '.join(reject.values))}"
        )
