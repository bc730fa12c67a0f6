"""Contact list exports: plan who goes into which file, write each file whole, and record it.

:func:`plan_files` decides the files and who goes into each, with the count left out by each
reason, before anything is written, for a front end to show before writing. :func:`write_file`
writes one planned file under a temporary name; the workspace records the export and renames
the file into place in one transaction (:func:`record_file`), so the log and the files agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from segdesk.errors import UserError
from segdesk.jobs import Job
from segdesk.publish import export_log
from segdesk.publish.anonymise import Pseudonyms
from segdesk.publish.files import CsvSink, PrivateFile, XlsxSink
from segdesk.publish.formats import EMAIL_FORMATS, SUFFIXES, check_delimiter, check_format
from segdesk.publish.movers import Since
from segdesk.publish.rows import (
    GenericShape,
    HubspotShape,
    MailchimpShape,
    Shape,
    contact_rows,
    generic_columns,
)
from segdesk.publish.selection import Choice, SegmentRef, Selection, find_segments, select_people


@dataclass(frozen=True)
class ListOptions:
    """How a list is written and who goes into it, beside its segments."""

    format: str = "generic"
    fields: tuple[str, ...] | None = None
    delimiter: str = ","
    bom: bool = False
    include_unsubscribed: bool = False
    anonymise: bool = False
    joined_since: Since | None = None
    left_since: Since | None = None
    holdout_share: float | None = None
    seed: int = 0

    def check(self) -> None:
        """Refuse choices that do not go together, in one line."""
        check_format(self.format)
        check_delimiter(self.delimiter)
        if self.anonymise and self.format in EMAIL_FORMATS:
            raise UserError(
                f"an anonymised list has no email addresses, which {self.format} needs: "
                "use --format generic or xlsx"
            )
        if self.format in ("generic", "xlsx"):
            return
        if self.fields is not None:
            raise UserError(f"{self.format} has its own columns: --fields is for generic and xlsx")
        if self.delimiter != "," or self.bom:
            raise UserError(
                f"{self.format} reads comma-separated UTF-8 without a byte order mark: "
                "--delimiter and --bom are for generic"
            )

    def choice(self) -> Choice:
        return Choice(
            email_needed=self.format in EMAIL_FORMATS,
            include_unsubscribed=self.include_unsubscribed,
            joined_since=self.joined_since,
            left_since=self.left_since,
            holdout_share=self.holdout_share,
            seed=self.seed,
        )

    def to_json(self) -> dict[str, Any]:
        """The options as the export log keeps them."""
        data: dict[str, Any] = {
            "fields": list(self.fields) if self.fields is not None else None,
            "include_unsubscribed": self.include_unsubscribed,
            "anonymise": self.anonymise,
            "joined_since": self.joined_since.text if self.joined_since else None,
            "left_since": self.left_since.text if self.left_since else None,
        }
        if self.format != "xlsx":
            data["delimiter"] = self.delimiter
            data["bom"] = self.bom
        return data


@dataclass
class PlannedFile:
    path: Path
    selection: Selection
    written: int | None = None
    """Rows written, once written: the selection's, less any contact deleted meanwhile."""


def plan_files(
    conn: Connection,
    names: Sequence[str],
    target: Path,
    options: ListOptions,
    *,
    each: bool = False,
) -> list[PlannedFile]:
    """The files a list export writes and who goes into each: one file for all the segments
    (a contact in several once), or with ``each`` one file per segment in the folder
    ``target``, named after the segment."""
    options.check()
    if not names:
        raise UserError("name at least one segment to export")
    segments = find_segments(conn, names)
    choice = options.choice()
    if not each:
        return [PlannedFile(target, select_people(conn, segments, choice))]
    if not target.is_dir():
        raise UserError(f"cannot write one file per segment into {target}: it is not a folder")
    suffix = SUFFIXES[options.format]
    used: set[str] = set()
    planned = []
    for s in segments:
        stem = file_stem(s.name)
        while stem.casefold() in used:
            stem += f"-{s.id}"
        used.add(stem.casefold())
        planned.append(PlannedFile(target / f"{stem}{suffix}", select_people(conn, [s], choice)))
    return planned


def file_stem(name: str) -> str:
    """A segment's name as a file name: letters, digits, ``-`` and ``_``, spaces as ``-``."""
    stem = re.sub(r"[^\w-]+", "-", name.strip(), flags=re.UNICODE).strip("-_")
    return stem or "segment"


def shape_for(
    conn: Connection, options: ListOptions, segments: list[SegmentRef], salt: str | None
) -> Shape:
    if options.format == "mailchimp":
        return MailchimpShape()
    if options.format == "hubspot":
        return HubspotShape(several=len(segments) > 1)
    columns = generic_columns(conn, options.fields, anonymise=options.anonymise)
    pseudonyms = Pseudonyms(salt) if options.anonymise and salt is not None else None
    return GenericShape(
        columns,
        csv=options.format != "xlsx",
        segments=[s.name for s in segments],
        pseudonyms=pseudonyms,
    )


def write_file(
    conn: Connection,
    planned: PlannedFile,
    options: ListOptions,
    *,
    salt: str | None = None,
    job: Job | None = None,
    progress_base: int = 0,
) -> PrivateFile:
    """Write one planned file under its temporary name; the caller commits or discards it.
    Progress counts rows, from ``progress_base`` (the rows of the files before)."""
    selection = planned.selection
    shape = shape_for(conn, options, selection.segments, salt)
    job = job or Job()
    job.check()
    file = PrivateFile(planned.path)
    try:
        sink: CsvSink | XlsxSink
        if options.format == "xlsx":
            sink = XlsxSink(file, title=selection.segments[0].name)
        else:
            sink = CsvSink(file, check_delimiter(options.delimiter), options.bom)
        sink.header(shape.header)
        names = _names(selection)
        done = progress_base
        written = 0
        for chunk in contact_rows(conn, selection.ids, shape):
            sink.rows([shape.cells(row, names) for row in chunk])
            written += len(chunk)
            done += len(chunk)
            if job.progress is not None:
                job.progress(done, job.total, planned.path.name)
            job.check()
        sink.close()
    except BaseException:
        file.discard()
        raise
    planned.written = written
    return file


def _names(selection: Selection) -> Any:
    if len(selection.segments) == 1:
        only = [selection.segments[0].name]
        return lambda _contact_id: only
    return selection.names_of


@dataclass(frozen=True)
class FileReport:
    """What one file of a list export holds."""

    path: Path
    format: str
    segments: list[str]
    rows: int
    left_out: dict[str, int]
    holdout: dict[str, Any] | None
    export_id: int

    def to_json(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "path": str(self.path),
            "format": self.format,
            "segments": self.segments,
            "rows": self.rows,
            "left_out": self.left_out,
            "holdout": self.holdout,
        }


@dataclass
class ExportReport:
    """A list export's report: one entry per file written."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    def to_json(self) -> dict[str, Any]:
        left: dict[str, int] = {}
        for f in self.files:
            for reason, n in f.left_out.items():
                left[reason] = left.get(reason, 0) + n
        holdouts = [f.holdout for f in self.files if f.holdout is not None]
        data: dict[str, Any] = {
            "rows": self.rows,
            "left_out": left,
            "path": str(self.files[0].path) if len(self.files) == 1 else None,
            "holdout": _summed(holdouts) if holdouts else None,
            "files": [f.to_json() for f in self.files],
        }
        return data


def _summed(holdouts: list[dict[str, Any]]) -> dict[str, Any]:
    first = holdouts[0]
    return {
        "share": first["share"],
        "seed": first["seed"],
        "test": sum(h["test"] for h in holdouts),
        "control": sum(h["control"] for h in holdouts),
    }


def record_file(
    conn: Connection, planned: PlannedFile, options: ListOptions, now: datetime
) -> FileReport:
    """Log one written file (in the caller's transaction); its report."""
    selection = planned.selection
    rows = planned.written if planned.written is not None else selection.rows
    holdout = selection.holdout
    recorded = options.to_json()
    if holdout is not None:
        recorded["holdout"] = holdout.stored()
    export_id = export_log.record(
        conn,
        what="list",
        format=options.format,
        path=str(planned.path.resolve()),
        rows=rows,
        segment_ids=[s.id for s in selection.segments],
        segments=[s.name for s in selection.segments],
        left_out=dict(selection.left_out),
        options=recorded,
        now=now,
    )
    return FileReport(
        path=planned.path,
        format=options.format,
        segments=[s.name for s in selection.segments],
        rows=rows,
        left_out=dict(selection.left_out),
        holdout=holdout.to_json() if holdout is not None else None,
        export_id=export_id,
    )
