"""Exports: plan and write contact lists, the export log, and holdout results.

Who goes into a list is read in one read transaction, and each file is written under a
temporary name meanwhile (a long export never holds the write lock); then one short write
transaction records every file in the export log and renames the files into place, so that
the log and the files agree. A cancel or a fault before that leaves no file and no log row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from segdesk.publish.export_log import ExportEntry
    from segdesk.publish.files import PrivateFile
    from segdesk.publish.holdout import HoldoutResponse
    from segdesk.publish.lists import ExportReport, ListOptions, PlannedFile


class Exports:
    """Contact lists out of the database, and the log of what went out."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def plan(
        self, names: Sequence[str], target: Path, options: ListOptions, *, each: bool = False
    ) -> list[PlannedFile]:
        """The files a list export would write, who goes into each and who is left out, by
        reason; nothing is written."""
        from segdesk.publish.lists import plan_files

        with self._engine.connect() as conn:
            return plan_files(conn, names, target, options, each=each)

    def write_list(
        self,
        names: Sequence[str],
        target: Path,
        options: ListOptions,
        *,
        each: bool = False,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ExportReport:
        """Write the list (one file, or one per segment into the folder ``target`` with
        ``each``) and record it in the export log; its report."""
        from segdesk.publish.anonymise import ensure_salt
        from segdesk.publish.lists import ExportReport, plan_files, record_file, write_file

        salt = None
        if options.anonymise:
            options.check()
            with write_connection(self._engine) as conn, conn.begin():
                salt = ensure_salt(conn)
        written: list[PrivateFile] = []
        try:
            with self._engine.connect() as conn:
                planned = plan_files(conn, names, target, options, each=each)
                job = Job(progress, cancelled, total=sum(p.selection.rows for p in planned))
                done = 0
                for p in planned:
                    written.append(
                        write_file(conn, p, options, salt=salt, job=job, progress_base=done)
                    )
                    done += p.selection.rows
            report = ExportReport()
            now = datetime.now(UTC)
            with write_connection(self._engine) as conn, conn.begin():
                for p, file in zip(planned, written, strict=True):
                    report.files.append(record_file(conn, p, options, now))
                    file.commit()
            return report
        except BaseException:
            for file in written:
                file.discard()
            raise

    def log(self, limit: int | None = None) -> list[ExportEntry]:
        """Every export, newest first."""
        from segdesk.publish.export_log import entries

        with self._engine.connect() as conn:
            return entries(conn, limit)

    def holdout_results(self, name: str | None = None) -> list[HoldoutResponse]:
        """Test against control for each export that kept a holdout (of the segment named,
        else of any), newest first: orders and revenue per person since the export."""
        from segdesk.publish.export_log import entries, holdout_exports
        from segdesk.publish.holdout import response
        from segdesk.segments.lookup import find_segment

        with self._engine.connect() as conn:
            if name is not None:
                found = holdout_exports(conn, find_segment(conn, name).id)
            else:
                found = [e for e in entries(conn) if e.holdout is not None]
            return [
                response(conn, e.id, e.created_at, e.holdout)
                for e in found
                if e.holdout is not None
            ]
