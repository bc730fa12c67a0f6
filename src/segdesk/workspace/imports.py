"""Imports: read a file's shape, suggest a mapping, run an import, list and undo them.

An import or an undo that changed data is followed by a refresh of the segments
(``segments.after_import``), so that segments always match the data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from segdesk.ingest import history as import_history
from segdesk.ingest.history import ImportRun, UndoReport
from segdesk.ingest.import_report import ImportReport, default_rejects_path
from segdesk.ingest.importer import ImportOptions, run_import
from segdesk.ingest.mapping import Mapping, Target, suggest_for_shape
from segdesk.ingest.sources import FileShape, ReadOptions, inspect_file
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.store.fields import custom_field_types
from segdesk.store.write_lock import WAITING_LABEL, WaitReport, report_waits_to


class Imports:
    """Bringing contacts and events in from files, and taking an import back out."""

    def __init__(self, engine: Engine, *, new_database: Path | None = None) -> None:
        self._engine = engine
        self._new_database = new_database

    def inspect(self, path: str | Path, read: ReadOptions | None = None) -> FileShape:
        """Decide how to read a file and read its header and first rows."""
        return inspect_file(path, read)

    def suggest_mapping(self, shape: FileShape, target: Target) -> Mapping:
        """The mapping used last time for a file of this shape, else one from its headers."""
        with self._engine.connect() as conn:
            remembered = import_history.remembered_mapping(conn, shape.signature, target)
        if remembered is not None and remembered.sources == shape.header:
            return remembered
        custom = self.custom_fields() if target == "contacts" else {}  # events have their own
        return suggest_for_shape(shape, target, custom_fields=custom)

    def custom_fields(self) -> dict[str, str]:
        """Custom field name → type, for mapping columns to the fields already stored."""
        with self._engine.connect() as conn:
            return custom_field_types(conn)

    def run(
        self,
        shape: FileShape,
        mapping: Mapping,
        options: ImportOptions,
        *,
        rejects: Path | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> ImportReport:
        """Import a file in one transaction; rejected rows go to ``rejects`` (or a default).
        After a real import the segments are refreshed, and the report (a
        ``RefreshedImportReport``) says how many. While another import holds the database,
        ``progress`` hears of the wait (``WAITING_LABEL``) and ``cancelled`` can stop it. The first
        import into a database this workspace created says so in its report."""
        keep = rejects is not None or not options.dry_run
        with report_waits_to(_waits_as_progress(progress, cancelled)):
            report = run_import(
                self._engine,
                shape,
                mapping,
                options,
                rejects or default_rejects_path(shape.path),
                progress=progress,
                cancelled=cancelled,
                keep_rejects=keep,
            )
        if options.dry_run:
            return report
        if self._new_database is not None:
            report.decisions.insert(0, f"created the new database {self._new_database}")
            self._new_database = None
        from segdesk.segments.after_import import refresh_after_import

        return refresh_after_import(self._engine, report, today=date.today(), now=datetime.now(UTC))

    def history(self, limit: int | None = None) -> list[ImportRun]:
        """The imports, newest first."""
        with self._engine.connect() as conn:
            return import_history.list_runs(conn, limit)

    def undo_refusal(self, batch_id: int) -> str | None:
        """Why an import cannot be undone (naming the import to undo first), or None: asked
        before the user is asked to confirm an undo."""
        with self._engine.connect() as conn:
            return import_history.undo_refusal(conn, batch_id)

    def undo(self, batch_id: int) -> UndoReport:
        """Undo an import; then segments follow the data as after an import."""
        from segdesk.segments.after_import import refresh_after_undo

        result = import_history.undo(self._engine, batch_id)
        return refresh_after_undo(self._engine, result, today=date.today(), now=datetime.now(UTC))


def _waits_as_progress(progress: Progress | None, cancelled: CancelCheck | None) -> WaitReport:
    """Waits for the write lock reported as progress (nothing done yet, the label saying how
    long), stopped by the job's cancel check."""

    def report(waited: float, _limit: float) -> None:
        if progress is not None:
            progress(0, 0, f"{WAITING_LABEL} ({waited:.0f} s)")
        Job(cancelled=cancelled).check()

    return report
