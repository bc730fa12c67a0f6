"""What an import did (or a dry run would do): counts, decisions, data quality, rejected rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Static

from segdesk.output import bullet_list
from segdesk.tui.importing import home_relative, shorten

if TYPE_CHECKING:
    from segdesk.ingest.import_report import ImportReport, Reject

REJECTS_SHOWN = 5


class ImportReportView(VerticalScroll):
    """A scrollable report; `show` fills it in."""

    DEFAULT_CSS = """
    ImportReportView {
        height: 1fr;
        padding: 0 1;
        & > Static { height: auto; }
        & > .section-title { margin: 1 0 0 0; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="headline")
        yield Static(id="counts")
        yield Static("How the file was read", classes="section-title")
        yield Static(id="decisions")
        yield Static("Data quality", classes="section-title", id="quality-title")
        yield Static(id="quality")
        yield Static("Rejected rows", classes="section-title", id="rejects-title")
        yield Static(id="rejects")

    def show(self, report: ImportReport) -> None:
        if report.dry_run:
            headline = (
                f"Dry run of [b]{escape(report.file_name)}[/b]: this is what the import would "
                "do. Nothing has been changed."
            )
        else:
            headline = f"[b]{escape(report.file_name)}[/b] is imported (import {report.batch_id})."
        self.query_one("#headline", Static).update(headline)
        self.query_one("#counts", Static).update(counts_table(report))
        self.query_one("#decisions", Static).update(_bullets(report.decisions))
        quality = report.quality.lines()
        self.query_one("#quality", Static).update(_bullets(quality))
        self.query_one("#quality-title").display = bool(quality)
        self.query_one("#quality").display = bool(quality)
        self.query_one("#rejects", Static).update(_rejects(report))
        self.scroll_home(animate=False)


def counts_table(report: ImportReport) -> Table:
    events = report.target == "events"
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", expand=False)
    figures = [
        ("Read", report.read),
        ("New", report.inserted),
        ("Updated", report.updated),
        ("Unchanged", report.unchanged),
        *([("Merged", report.merged)] if report.merged else []),
        ("Rejected", report.rejected),
    ]
    if events:
        figures.append(("New contacts", report.contacts_created))
        if report.lines:
            figures.append(("Order lines", report.lines))
    for title, _ in figures:
        table.add_column(title, justify="right")
    table.add_row(*(f"{n:,}" for _, n in figures))
    return table


def _bullets(lines: list[str]) -> Table | str:
    return bullet_list(lines, "•") if lines else "—"


def _rejects(report: ImportReport) -> Table | str:
    if not report.rejected:
        return "No rows were rejected."
    table = Table(box=None, padding=(0, 1, 0, 0), header_style="bold", expand=True)
    table.add_column("Line", justify="right", no_wrap=True)
    table.add_column("Reason", ratio=3)
    table.add_column("Values", ratio=2, no_wrap=True)
    for reject in report.rejects_preview[:REJECTS_SHOWN]:
        table.add_row(str(reject.line), Text(reject.reason), Text(values_text(reject, 60)))
    more = report.rejected - min(len(report.rejects_preview), REJECTS_SHOWN)
    where = ""
    if report.rejects_file is not None:
        where = f"All rejected rows are saved in {home_relative(report.rejects_file)}."
    caption = [f"{more:,} more; r shows them." if more > 0 else "r shows them in a table.", where]
    table.caption = " ".join(c for c in caption if c)
    table.caption_justify = "left"
    return table


def values_text(reject: Reject, width: int) -> str:
    return shorten(" | ".join(reject.values), width)
