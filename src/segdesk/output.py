"""Human-readable output for the command line (JSON output needs nothing from here)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:
    from segdesk.ingest.report import ImportReport


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    Console().print(table)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr; yields ``advance(done, total)``."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance


def print_import_report(report: ImportReport) -> None:
    console = Console()
    title = "Dry run, nothing written" if report.dry_run else f"Import {report.batch_id}"
    console.print(f"[bold]{title}[/bold]: {report.file_name}", highlight=False)
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [("read", report.read), ("inserted", report.inserted), ("updated", report.updated),
            ("unchanged", report.unchanged), ("rejected", report.rejected)]  # fmt: skip
    if report.target == "events":
        rows.append(("contacts created", report.contacts_created))
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    console.print(table)
    for line in report.decisions:
        console.print(f"  · {line}", highlight=False)
    quality = report.quality.lines()
    if quality:
        console.print("[bold]Data quality[/bold]")
        for line in quality:
            console.print(f"  · {line}", highlight=False)
    if report.rejects_file:
        console.print(f"Rejected rows with their line and reason: {report.rejects_file}")
    elif report.rejected:
        first = report.rejects_preview[:5]
        for reject in first:
            console.print(f"  line {reject.line}: {reject.reason}", highlight=False)
