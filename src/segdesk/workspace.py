"""The one facade over a database that the TUI and the CLI both call."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from segdesk import contacts as contact_queries
from segdesk.contact_values import ContactDetail, ContactRow
from segdesk.errors import NotFoundError
from segdesk.ingest import history
from segdesk.ingest.importer import Cancelled, ImportOptions, Progress, run_import
from segdesk.ingest.mapping import Mapping, Target, suggest_for_shape
from segdesk.ingest.report import ImportReport
from segdesk.ingest.sources import FileShape, ReadOptions, inspect_file
from segdesk.paths import data_dir
from segdesk.store.database import open_database
from segdesk.store.tables import FieldDef
from segdesk.summary import Summary, compute_summary


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
        return suggest_for_shape(shape, target, custom_fields=self.custom_fields())

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
        """Import a file in one transaction; rejected rows go to ``rejects`` (or a default)."""
        keep = rejects is not None or not options.dry_run
        return run_import(
            self.engine, shape, mapping, options, rejects or default_rejects_path(shape.path),
            progress=progress, cancelled=cancelled, keep_rejects=keep,
        )  # fmt: skip

    def imports(self, limit: int | None = None) -> list[history.ImportRun]:
        with self.engine.connect() as conn:
            return history.list_runs(conn, limit)

    def undo_import(self, batch_id: int) -> history.UndoReport:
        return history.undo(self.engine, batch_id)


def default_rejects_path(source: Path) -> Path:
    """Where rejected rows go unless the user names a file: the data folder's rejects/."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return data_dir() / "rejects" / f"{source.stem}-{stamp}-rejects.csv"
