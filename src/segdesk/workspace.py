"""The one facade over a database that the TUI and the CLI both call."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select

from segdesk import contacts as contact_queries
from segdesk.contact_values import ContactDetail, ContactRow
from segdesk.errors import NotFoundError, UserError
from segdesk.ingest import history
from segdesk.ingest.import_report import ImportReport
from segdesk.ingest.importer import Cancelled, ImportOptions, Progress, run_import
from segdesk.ingest.mapping import Mapping, Target, suggest_for_shape
from segdesk.ingest.sources import FileShape, ReadOptions, inspect_file
from segdesk.paths import data_dir
from segdesk.store.database import open_database
from segdesk.store.engine import WRITE_OPTION
from segdesk.store.tables import FieldDef, Scheme, Segment
from segdesk.summary import Summary, compute_summary
from segdesk.wording import count

if TYPE_CHECKING:
    from segdesk.models.lifecycle import Thresholds
    from segdesk.models.runner import LifecycleResult, RfmResult
    from segdesk.segments.explain import Explanation
    from segdesk.segments.lookup import SegmentInfo
    from segdesk.segments.pins import Pin
    from segdesk.segments.refresh import Progress as SegmentProgress
    from segdesk.segments.refresh import RefreshResult


class Workspace:
    """An open Segment Desk database and everything a user can ask of it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, target: str | os.PathLike[str]) -> Workspace:
        """Open (creating if needed) the database at a path or URL."""
        return cls(open_database(target))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def summary(self, today: date | None = None) -> Summary:
        with self.engine.connect() as conn:
            return compute_summary(conn, today or date.today())

    def fields(self) -> list[dict[str, Any]]:
        """Every field a rule can name: name, label, type, origin, description."""
        table = FieldDef.__table__
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    table.c.name, table.c.label, table.c.type, table.c.origin, table.c.description
                ).order_by(table.c.id)
            )
            return [dict(row._mapping) for row in rows]

    def count_contacts(self, search: str | None = None) -> int:
        with self.engine.connect() as conn:
            return contact_queries.count_contacts(conn, search)

    def contacts_page(
        self, offset: int, limit: int, search: str | None = None, total: int | None = None
    ) -> list[ContactRow]:
        """Rows of the contacts list; ``total`` (the count) lets pages near the end load fast."""
        with self.engine.connect() as conn:
            return contact_queries.contacts_page(conn, offset, limit, search, total)

    def contact_records(
        self, search: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return contact_queries.contact_records(conn, search, limit)

    def contact(self, contact_id: int) -> ContactDetail:
        with self.engine.connect() as conn:
            detail = contact_queries.contact_detail(conn, contact_id)
        if detail is None:
            raise NotFoundError(f"no contact with id {contact_id}")
        return detail

    # Import ----------------------------------------------------------------------------

    def inspect_import(self, path: str | Path, read: ReadOptions | None = None) -> FileShape:
        """Decide how to read a file and read its header and first rows."""
        return inspect_file(path, read)

    def suggest_mapping(self, shape: FileShape, target: Target) -> Mapping:
        """The mapping used last time for a file of this shape, else one from its headers."""
        with self.engine.connect() as conn:
            remembered = history.remembered_mapping(conn, shape.signature, target)
        if remembered is not None and remembered.sources == shape.header:
            return remembered
        custom = self.custom_fields() if target == "contacts" else {}  # events have their own
        return suggest_for_shape(shape, target, custom_fields=custom)

    def custom_fields(self) -> dict[str, str]:
        """Custom field name → type."""
        return {f["name"]: f["type"] for f in self.fields() if f["origin"] == "custom"}

    def run_import(
        self,
        shape: FileShape,
        mapping: Mapping,
        options: ImportOptions,
        *,
        rejects: Path | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Import a file in one transaction; rejected rows go to ``rejects`` (or a default).
        After a real import, segments are refreshed (see :meth:`refresh_after_import`)."""
        keep = rejects is not None or not options.dry_run
        report = run_import(
            self.engine,
            shape,
            mapping,
            options,
            rejects or default_rejects_path(shape.path),
            progress=progress,
            cancelled=cancelled,
            keep_rejects=keep,
        )
        return report if options.dry_run else self.refresh_after_import(report)

    def imports(self, limit: int | None = None) -> list[history.ImportRun]:
        with self.engine.connect() as conn:
            return history.list_runs(conn, limit)

    def undo_import(self, batch_id: int) -> history.UndoReport:
        """Undo an import; then segments follow the data as after an import."""
        result = history.undo(self.engine, batch_id)
        refreshed, failed = self._follow_data()
        return replace(result, segments_refreshed=refreshed, segments_problem=failed)

    def undo_refusal(self, batch_id: int) -> str | None:
        """Why an import cannot be undone (naming the import to undo first), or None: asked
        before the user is asked to confirm an undo."""
        with self.engine.connect() as conn:
            return history.undo_refusal(conn, batch_id)

    # Segments --------------------------------------------------------------------------
    # (segdesk.segments is imported when used: the rule parser would slow the app's start)

    def segments(self) -> list[SegmentInfo]:
        """Every segment that is not deleted."""
        from segdesk.segments.lookup import list_segments

        with self.engine.connect() as conn:
            return list_segments(conn)

    def segment_detail(self, name: str) -> dict[str, Any]:
        """A segment with its rule in text and English, versions, pins and playbook."""
        from segdesk.segments.detail import segment_detail

        with self.engine.connect() as conn:
            return segment_detail(conn, name)

    def create_segment(
        self,
        name: str,
        rule_text: str,
        *,
        static: bool = False,
        today: date | None = None,
        reason: str | None = None,
        status: str = "active",
    ) -> SegmentInfo:
        """A rule segment (members computed now), or with ``static`` a list frozen today."""
        from segdesk.segments.editing import create_segment
        from segdesk.segments.static import create_static_from_rule

        day, now = today or date.today(), datetime.now(UTC)
        with self._segment_writer() as conn, conn.begin():
            if static:
                create_static_from_rule(conn, name, rule_text, today=day, now=now, reason=reason)
            else:
                create_segment(
                    conn, name, rule_text, today=day, now=now, reason=reason, status=status
                )
            return self._segment_info(conn, name)

    def create_static_segment(
        self,
        name: str,
        *,
        from_segment: str | None = None,
        contacts: list[str] | None = None,
        reason: str | None = None,
    ) -> SegmentInfo:
        """A list frozen from another segment's members or from contacts named one by one."""
        from segdesk.segments.static import create_static_from_contacts, create_static_from_segment

        if (from_segment is None) == (contacts is None):
            raise UserError("make a list from one segment or from contacts")
        now = datetime.now(UTC)
        with self._segment_writer() as conn, conn.begin():
            if from_segment is not None:
                create_static_from_segment(conn, name, from_segment, now=now, reason=reason)
            else:
                create_static_from_contacts(conn, name, contacts or [], now=now, reason=reason)
            return self._segment_info(conn, name)

    def edit_segment(
        self, name: str, rule_text: str, reason: str, today: date | None = None
    ) -> SegmentInfo:
        """A new version of a rule segment's rule, with the reason for it."""
        from segdesk.segments.editing import edit_segment

        with self._segment_writer() as conn, conn.begin():
            edit_segment(
                conn,
                name,
                rule_text,
                reason=reason,
                today=today or date.today(),
                now=datetime.now(UTC),
            )
            return self._segment_info(conn, name)

    def rename_segment(self, old: str, new: str) -> SegmentInfo:
        from segdesk.segments.editing import rename_segment

        with self._segment_writer() as conn, conn.begin():
            return self._segment_info(conn, rename_segment(conn, old, new, now=datetime.now(UTC)))

    def set_segment_status(self, name: str, status: str, today: date | None = None) -> SegmentInfo:
        """Retire, reactivate (``active``) or draft a segment."""
        from segdesk.segments.editing import set_status

        with self._segment_writer() as conn, conn.begin():
            set_status(conn, name, status, today=today or date.today(), now=datetime.now(UTC))
            return self._segment_info(conn, name)

    def delete_segment(self, name: str) -> str:
        """Soft delete; returns the name the deleted segment is kept under."""
        from segdesk.segments.editing import delete_segment

        with self._segment_writer() as conn, conn.begin():
            return delete_segment(conn, name, now=datetime.now(UTC))

    def purge_segment(self, name: str) -> None:
        from segdesk.segments.editing import purge_segment

        with self._segment_writer() as conn, conn.begin():
            purge_segment(conn, name)

    def duplicate_segment(self, name: str, new: str, today: date | None = None) -> SegmentInfo:
        from segdesk.segments.editing import duplicate_segment

        with self._segment_writer() as conn, conn.begin():
            duplicate_segment(conn, name, new, today=today or date.today(), now=datetime.now(UTC))
            return self._segment_info(conn, new)

    def pin_contact(self, name: str, contact: str, mode: str, note: str | None = None) -> Pin:
        """Always include or exclude a contact; it takes effect at the next refresh."""
        from segdesk.segments.pins import pin_contact

        with self._segment_writer() as conn, conn.begin():
            return pin_contact(conn, name, contact, mode, now=datetime.now(UTC), note=note)

    def unpin_contact(self, name: str, contact: str) -> None:
        from segdesk.segments.pins import unpin_contact

        with self._segment_writer() as conn, conn.begin():
            unpin_contact(conn, name, contact)

    def count_rule(self, rule_text: str, today: date | None = None) -> int:
        """How many contacts a rule finds, without saving anything."""
        from segdesk.segments.counting import count_rule

        with self.engine.connect() as conn:
            return count_rule(conn, rule_text, today or date.today())

    def refresh_segments(
        self,
        name: str | None = None,
        *,
        today: date | None = None,
        progress: SegmentProgress | None = None,
        cancelled: Cancelled | None = None,
    ) -> RefreshResult:
        """Refresh one segment, or (without a name) the model schemes and then every rule
        segment in dependency order, in one transaction: cancelling changes nothing."""
        from segdesk.segments.refresh import refresh_all, refresh_segment

        day, now = today or date.today(), datetime.now(UTC)
        with self._segment_writer() as conn, conn.begin():
            if name is not None:
                return refresh_segment(conn, name, today=day, now=now)
            return refresh_all(conn, today=day, now=now, progress=progress, cancelled=cancelled)

    def explain(self, name: str, contact: str, today: date | None = None) -> Explanation:
        """Why a contact (id, email or external id) is or is not in a segment."""
        from segdesk.segments.explain import explain

        with self.engine.connect() as conn:
            return explain(conn, name, contact, today=today or date.today())

    def segment_members(self, name: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The members as contact records (as ``contact_records`` gives them), by id."""
        from segdesk.segments.counting import member_records

        with self.engine.connect() as conn:
            return member_records(conn, name, limit)

    def refresh_after_import(self, report: ImportReport) -> ImportReport:
        """Segments follow the data: once an import has landed, the schemes and rule segments
        are refreshed in a transaction of their own. A segment that can no longer be computed
        is named in the report's decisions; the import stands."""
        from segdesk.segments.after_import import RefreshedImportReport

        refreshed, failed = self._follow_data()
        if failed is not None:
            report.decisions.append(f"segments were not refreshed: {failed}")
        elif refreshed:
            report.decisions.append(f"{count(refreshed, 'segment')} brought up to date")
        return RefreshedImportReport.of(report, refreshed)

    def _follow_data(self) -> tuple[int, str | None]:
        """Refresh the schemes and rule segments after the data changed, in a transaction of
        their own: how many were refreshed, and why not if a segment can no longer be
        computed (the change of data stands)."""
        if not self._has_dynamic_segments():
            return 0, None
        try:
            return self.refresh_segments().refreshed, None
        except UserError as exc:
            return 0, str(exc)

    def _has_dynamic_segments(self) -> bool:
        """Whether a refresh would do anything: a scheme, or a live rule segment. Asked
        before loading the rule language, so that imports without segments stay as fast."""
        segment, scheme = Segment.__table__, Scheme.__table__
        rule_segment = select(segment.c.id).where(
            segment.c.kind == "rule", segment.c.deleted_at.is_(None)
        )
        with self.engine.connect() as conn:
            return conn.execute(
                select(rule_segment.exists() | select(scheme.c.id).exists())
            ).scalar_one()

    def _segment_info(self, conn: Connection, name: str) -> SegmentInfo:
        from segdesk.segments.lookup import find_segment, segment_info

        return segment_info(conn, find_segment(conn, name))

    def _segment_writer(self) -> Connection:
        return self.engine.connect().execution_options(**{WRITE_OPTION: True})

    # Models ----------------------------------------------------------------------------
    # (imported when used: pandas and numpy would slow the app's start)

    def run_rfm(
        self,
        as_of: date | None = None,
        *,
        save: bool | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> RfmResult:
        """RFM as of a day (default today). Saves the scheme ``rfm`` when ``save``, which
        defaults to True for today and False for a look back with ``as_of``."""
        from segdesk.models.runner import run_day, run_rfm

        day, keep = run_day(as_of, save)
        with self._model_connection(keep) as conn, conn.begin():
            return run_rfm(
                conn,
                as_of=day,
                now=datetime.now(UTC),
                save=keep,
                progress=progress,
                cancelled=cancelled,
            )

    def run_lifecycle(
        self,
        as_of: date | None = None,
        thresholds: Thresholds | None = None,
        *,
        save: bool | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> LifecycleResult:
        """Lifecycle stages as of a day (default today) with ``thresholds`` (default: the
        saved scheme's); saved like :meth:`run_rfm`, thresholds included."""
        from segdesk.models.runner import run_day, run_lifecycle, saved_thresholds

        day, keep = run_day(as_of, save)
        with self._model_connection(keep) as conn, conn.begin():
            limits = thresholds or saved_thresholds(conn)
            return run_lifecycle(
                conn,
                as_of=day,
                thresholds=limits,
                now=datetime.now(UTC),
                save=keep,
                progress=progress,
                cancelled=cancelled,
            )

    def lifecycle_thresholds(self) -> Thresholds:
        """The thresholds the lifecycle scheme was last saved with, else the defaults."""
        from segdesk.models.runner import saved_thresholds

        with self.engine.connect() as conn:
            return saved_thresholds(conn)

    def model_summary(self, result: RfmResult | LifecycleResult) -> dict[str, Any]:
        """A run's as-of day, parameters and segment sizes as plain data."""
        from segdesk.models.run_data import summary

        return summary(result)

    def model_contacts(self, result: RfmResult | LifecycleResult) -> list[dict[str, Any]]:
        """A run's contacts with orders, with their external id and email."""
        from segdesk.models.run_data import contact_records

        with self.engine.connect() as conn:
            return contact_records(conn, result)

    def _model_connection(self, write: bool) -> Connection:
        conn = self.engine.connect()
        return conn.execution_options(**{WRITE_OPTION: True}) if write else conn


def default_rejects_path(source: Path) -> Path:
    """Where rejected rows go unless the user names a file: the data folder's rejects/.

    The name carries the time to the microsecond, and a number if that name is taken, so that
    two imports of one file never write over each other's rejected rows.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    folder = data_dir() / "rejects"
    path = folder / f"{source.stem}-{stamp}-rejects.csv"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{source.stem}-{stamp}-{n}-rejects.csv"
    return path
