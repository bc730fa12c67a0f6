"""Human-readable output for the command line (JSON output needs nothing from here)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from collections.abc import Mapping as MappingABC
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRecord
    from segdesk.ingest.import_report import ImportReport
    from segdesk.ingest.mapping import Mapping
    from segdesk.jobs import Progress

REJECTS_SHOWN = 5
_FIGURE = re.compile(r"-?[\d,]+(\.\d+)?%?|\d{4}-\d{2}-\d{2}")
"""Figures and days: never cut, as a cut figure or day would read as another."""
_SEPARATORS = re.compile(r"[\t\r\n]+")
_NARROWEST = 6
"""A text column is cut no narrower than this (five characters and the ellipsis)."""


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table for people at a terminal, or tab-separated lines for a pipe or file.

    At a terminal each row stays on one line: figures and days are right-aligned and never
    cut, long text is cut with an ellipsis. Piped, every value is printed whole, one row per
    line under a header line, so that ``segdesk ... > list.txt`` gives one line per row; the
    title then goes to stderr, where the person running the command still sees it."""
    cells = [[_one_line(str(cell)) for cell in row] for row in rows]
    console = Console()
    if not console.is_terminal:
        Console(stderr=True).print(title, style="bold", highlight=False, markup=False)
        _print_tab_separated(columns, cells)
        return
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="bold underline",
        box=None,
        padding=(0, 1, 0, 0),
    )
    values = [[row[i] for row in cells if i < len(row)] for i in range(len(columns))]
    numeric = [bool(v) and all(_FIGURE.fullmatch(x) for x in v) for v in values]
    natural = [max(map(len, [name, *v])) for name, v in zip(columns, values, strict=True)]
    widths = _fit(natural, numeric, console.width - len(columns))
    for column, width, figures in zip(columns, widths, numeric, strict=True):
        table.add_column(
            column,
            justify="right" if figures else "left",
            width=width,
            no_wrap=True,
            overflow="ellipsis",
        )
    for row in cells:
        table.add_row(*row)
    console.print(table)


def _fit(natural: list[int], fixed: list[bool], room: int) -> list[int]:
    """Column widths within ``room``: figures keep their width, and the widest text column
    gives up a character at a time, so that no column is cut further than it must be."""
    widths = list(natural)
    while sum(widths) > room:
        text = [i for i, keep in enumerate(fixed) if not keep and widths[i] > _NARROWEST]
        if not text:
            break
        widest = max(text, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _print_tab_separated(columns: Sequence[str], cells: Sequence[Sequence[str]]) -> None:
    for line in [columns, *cells]:
        sys.stdout.write("\t".join(_one_line(value) for value in line) + "\n")


def _one_line(value: str) -> str:
    """A value as one tab-separated field: tabs and line breaks inside it become spaces."""
    return _SEPARATORS.sub(" ", value)


def print_contacts(title: str, records: Sequence[ContactRecord]) -> None:
    """Contact records (as ``ws.contacts.records`` gives them) as a table."""
    print_table(
        title,
        ["email", "name", "company", "city", "country", "consent"],
        [
            [
                r.fields["email"] or "",
                " ".join(filter(None, [r.fields["first_name"], r.fields["last_name"]])),
                r.fields["company"] or "",
                r.fields["city"] or "",
                r.fields["country"] or "",
                r.fields["consent"],
            ]
            for r in records
        ],
    )


@contextmanager
def progress_bar(title: str, *, sizes: bool = False) -> Iterator[Progress]:
    """A bar on stderr, gone once the job ends; yields the job's progress callback.

    ``sizes`` shows the figures as amounts of data with the time left (an import counts
    bytes), else as "done/total"; each report's label shows after them.
    """
    figures = (DownloadColumn(), TimeRemainingColumn()) if sizes else (MofNCompleteColumn(),)
    with RichProgress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        *figures,
        TextColumn("{task.fields[label]}", markup=False),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None, label="")

        def advance(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, label=label)

        yield advance


def print_import_report(report: ImportReport, columns: Sequence[str] = ()) -> None:
    """The report of an import; ``columns`` (from ``column_lines``) say what each became."""
    console = Console()
    title = "Dry run, nothing written" if report.dry_run else f"Import {report.batch_id}"
    console.print(f"[bold]{title}[/bold]: {report.file_name}", highlight=False)
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("read", report.read),
        ("new", report.inserted),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        *([("merged", report.merged)] if report.merged else []),
        ("rejected", report.rejected),
    ]
    if report.target == "events":
        rows.append(("new contacts", report.contacts_created))
        if report.lines:
            rows.append(("order lines", report.lines))
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    console.print(table)
    console.print(bullet_list(report.decisions))
    if columns:
        console.print("[bold]Columns[/bold]")
        console.print(bullet_list(columns))
    quality = report.quality.lines()
    if quality:
        console.print("[bold]Data quality[/bold]")
        console.print(bullet_list(quality))
    if report.rejected:
        console.print(f"[bold]Rejected rows[/bold] ({report.rejected:,})")
        shown = report.rejects_preview[:REJECTS_SHOWN]
        lines = [f"line {reject.line}: {reject.reason}" for reject in shown]
        if report.rejected > len(shown):
            lines.append(f"and {report.rejected - len(shown):,} more")
        console.print(bullet_list(lines))
    if report.rejects_file:
        console.print("All rejected rows, with their line and reason, are in:")
        console.print(f"  {report.rejects_file}", highlight=False, soft_wrap=True)
    if report.dry_run:
        console.print(
            "To import, run the same command without --dry-run; "
            '--map "COLUMN=FIELD" changes what a column becomes.',
            highlight=False,
        )


def bullet_list(lines: Sequence[str], bullet: str = "  ·") -> Table:
    """Lines with a bullet each; a long line wraps under its own text, not under the bullet."""
    table = Table.grid(padding=(0, 1, 0, 0))
    table.add_column(no_wrap=True)
    table.add_column()
    for line in lines:
        table.add_row(bullet, Text(line))
    return table


def column_lines(mapping: Mapping, samples: MappingABC[str, Sequence[str]]) -> list[str]:
    """What each column becomes, ``samples`` (column → values) telling how its dates are written:
    ``'E-Mail' → email, text``, ``'Joined' → custom field joined, date (ISO)``."""
    from segdesk.ingest.mapping import describe_type

    out: list[str] = []
    for column in mapping.columns:
        if column.action == "skip":
            out.append(f"{column.source!r} is skipped")
            continue
        what = column.field or ""
        if column.action == "custom":
            what = f"custom field {what}"
        if column.field == "consent" and column.inverted:
            what += " (yes means unsubscribed)"
        unsure = " (not certain: please check)" if column.ambiguous else ""
        kind = describe_type(column.type, samples.get(column.source, ()))
        out.append(f"{column.source!r} → {what}, {kind}{unsure}")
    return out
