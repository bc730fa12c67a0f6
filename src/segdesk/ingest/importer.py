"""Running an import: one transaction, chunk by chunk, with progress, cancel and dry run.

The whole run is one write transaction: it lands whole or not at all, also when the process
is killed (SQLite discards an uncommitted transaction), cancelled, or fails. A dry run does
all the work and then rolls back, so its report is exactly what the import would do.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import count
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine, select

from segdesk.errors import UserError
from segdesk.ingest.contact_writer import ContactWriter
from segdesk.ingest.event_writer import EventWriter
from segdesk.ingest.import_report import ImportReport, RejectsFormat, RejectsWriter
from segdesk.ingest.known_exports import FileConsent, suggested_consent
from segdesk.ingest.mapping.columns import Mapping
from segdesk.ingest.sources import FileShape, ReadStats, iter_chunks
from segdesk.ingest.typed_rows import RecordBuilder
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.store.deferred_indexes import DeferredIndexes
from segdesk.store.engine import write_connection
from segdesk.store.inserted import inserted_id
from segdesk.store.order_summary import pause_inserts, recount_batch
from segdesk.store.order_summary import refill as refill_orders
from segdesk.store.refresh_due import mark_segments_due
from segdesk.store.tables import FieldDef, ImportBatch

CHUNK_ROWS = 5000
COLLECT_EVERY = 16
"""Chunks between two collections of reference cycles (see ``_collection_per_chunk``)."""


@dataclass(frozen=True)
class ImportOptions:
    """What the user decides besides the column mapping."""

    target: Literal["contacts", "events"] = "contacts"
    key: Literal["email", "external_id"] | None = None
    on_existing: Literal["update", "fill", "skip"] = "update"
    create_missing: bool = True
    kind: str = "order"
    consent: FileConsent | None = None
    """The consent of everyone in a contacts file, whatever its rows say: an unsubscribe
    export, or a list of subscribers (which a file's shape alone never decides)."""
    dry_run: bool = False

    def key_for(self, mapping: Mapping) -> str:
        """The chosen key, else email when a column gives it, else the external id."""
        if self.key:
            return self.key
        return "email" if "email" in mapping.fields() else "external_id"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def run_import(
    engine: Engine,
    shape: FileShape,
    mapping: Mapping,
    options: ImportOptions,
    rejects_path: Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    keep_rejects: bool = True,
) -> ImportReport:
    """Import ``shape``'s file with ``mapping``; rejected rows go to ``rejects_path``.
    ``progress`` counts bytes (rows for a workbook); a cancel between two chunks raises
    :class:`~segdesk.jobs.Cancelled` after the rollback.

    The rejects file is written as the source was (see ``RejectsFormat.like``), and a place
    where it cannot be written is refused before the file is read. With ``keep_rejects``
    False (a dry run nobody asked to keep rejects of), only the report's preview holds them.
    """
    if mapping.target != options.target:
        raise UserError(f"the mapping is for {mapping.target}, not {options.target}")
    key = options.key_for(mapping)
    builder = RecordBuilder(mapping, shape.header, key)
    report = ImportReport(options.target, shape.path.name, options.dry_run)
    report.decisions = _decisions(shape, mapping, key, options.consent)
    rejects = RejectsWriter(
        rejects_path if keep_rejects else None, shape.header, RejectsFormat.like(shape)
    )
    now = dt.datetime.now(dt.UTC)
    sha = file_sha256(shape.path)
    with write_connection(engine) as conn:
        transaction = conn.begin()
        try:
            inserted = conn.execute(
                ImportBatch.__table__.insert(),
                {
                    "target": options.target,
                    "event_kind": options.kind if options.target == "events" else None,
                    "file_name": shape.path.name,
                    "sha256": sha,
                    "mapping": mapping.to_json(),
                    "options": {
                        **asdict(options),
                        "key": key,
                        "signature": shape.signature,
                        "path": str(shape.path),
                    },
                    "started_at": now,
                    "status": "running",
                    "quality": {},
                },
            )
            batch_id = inserted_id(inserted)
            report.batch_id = batch_id
            _register_custom_fields(conn, mapping, now)
            dates = [n for n, c in mapping.custom_fields().items() if c.type.kind == "date"]
            if options.target == "contacts":
                email = mapping.fields().get("email")
                writer: ContactWriter | EventWriter = ContactWriter(
                    conn,
                    batch_id,
                    key,
                    options.on_existing,
                    report,
                    now,
                    email_column=email.source if email else None,
                    consent=options.consent,
                    date_fields=dates,
                )
            else:
                writer = EventWriter(
                    conn,
                    batch_id,
                    key,
                    options.kind,
                    options.create_missing,
                    report,
                    now,
                    date_fields=dates,
                    mapped=mapping.fields(),
                )
            if isinstance(writer, EventWriter):
                pause_inserts(conn)
            stats, job = ReadStats(), Job(cancelled=cancelled)
            kept = writer.KEPT_INDEXES
            indexes = DeferredIndexes(conn, kept, sized_by=next(iter(kept)), refill=refill_orders)
            expected = estimated_rows(shape)
            with _collection_per_chunk() as chunk_done:
                for chunk in iter_chunks(shape, CHUNK_ROWS, stats=stats, progress=progress):
                    job.check()
                    indexes.expect(_expected_writes(expected, stats.rows, report))
                    writer.write(builder.build_many(chunk), rejects)
                    chunk_done()
            if isinstance(writer, EventWriter):
                writer.close(rejects)
            if not options.dry_run:  # a dry run's rollback gives the indexes back as they were
                indexes.build()
                if isinstance(writer, EventWriter):
                    recount_batch(conn, batch_id, refilled=indexes.deferring)
            report.quality.changes.update(builder.changes)
            if not report.balanced:
                raise AssertionError(f"import counts do not add up: {report.to_json()}")
            rejects.close()
            conn.execute(
                ImportBatch.__table__.update()
                .where(ImportBatch.__table__.c.id == batch_id)
                .values(
                    finished_at=dt.datetime.now(dt.UTC),
                    status="done",
                    read=report.read,
                    inserted=report.inserted,
                    updated=report.updated,
                    unchanged=report.unchanged,
                    rejected=report.rejected,
                    contacts_created=report.contacts_created,
                    quality=_stored_quality(report),
                )
            )
            if options.dry_run:
                transaction.rollback()
                report.batch_id = None
            else:
                mark_segments_due(conn, f"import {batch_id}")  # cleared by the refresh after
                transaction.commit()
        except BaseException:
            transaction.rollback()
            rejects.discard()
            raise
    report.rejects_preview = rejects.preview
    report.rejects_file = rejects.finish()
    if rejects.fallback:
        report.decisions.append(f"rejected rows written as UTF-8 with BOM: {rejects.fallback}")
    return report


def estimated_rows(shape: FileShape) -> int:
    """The file's rows, roughly, before reading it: its size over the sampled rows' length
    (a workbook's are not known: 0). An estimate only decides how fast rows go in."""
    if shape.sample_is_whole_file:
        return len(shape.sample)
    if shape.is_spreadsheet or not shape.sample:
        return 0
    sampled = sum(len(",".join(row.values)) + 1 for row in shape.sample)
    return shape.size_bytes * len(shape.sample) // max(sampled, 1)


def _expected_writes(estimate: int, read_so_far: int, report: ImportReport) -> int:
    """Rows the import will add in all, as far as can be told before a chunk: the file's rows
    (estimated, or those read so far when more) times the share of the rows written so far
    that added a row (a contact, an order, a line). Before the first chunk nothing is known:
    a file imported again adds nothing, and must not rebuild anything."""
    if not report.read:
        return 0
    added = report.inserted + (report.merged if report.target == "events" else 0)
    return max(estimate, read_so_far) * added // report.read


def _stored_quality(report: ImportReport) -> dict[str, object]:
    """The findings as the import's history keeps them, with the order lines stored (the
    table has a column for each count of rows, and lines are not rows)."""
    quality = report.quality.to_json()
    if report.target == "events":
        quality["lines"] = report.lines
    return quality


@contextmanager
def _collection_per_chunk() -> Iterator[Callable[[], None]]:
    """No automatic garbage collection while the rows go in; a function to call per chunk.

    An import makes millions of short-lived objects (a record, its dicts, its values) and
    almost no reference cycles, so the collector's automatic passes over them find nothing
    and cost about a sixth of the run; reference counting frees them. The few cycles a chunk
    makes (in the statements it runs) are collected every ``COLLECT_EVERY`` chunks, between
    two chunks, when the youngest generation holds little else: memory stays flat however
    long the file.
    """
    enabled = gc.isenabled()
    done = count(1)

    def chunk_done() -> None:
        if next(done) % COLLECT_EVERY == 0:
            gc.collect(0)

    gc.disable()
    try:
        yield chunk_done
    finally:
        if enabled:
            gc.enable()


def _register_custom_fields(conn: Connection, mapping: Mapping, now: dt.datetime) -> None:
    """New custom fields join the field list, typed as the mapping typed them."""
    if mapping.target != "contacts":
        return
    table = FieldDef.__table__
    wanted = mapping.custom_fields()
    if not wanted:
        return
    known = set(conn.execute(select(table.c.name).where(table.c.name.in_(wanted))).scalars())
    rows = [
        {
            "name": name,
            "label": column.source,
            "type": column.type.kind,
            "origin": "custom",
            "description": f"from column {column.source!r}",
            "created_at": now,
        }
        for name, column in wanted.items()
        if name not in known
    ]
    if rows:
        conn.execute(table.insert(), rows)


_WRITTEN_DATE = re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _decisions(
    shape: FileShape, mapping: Mapping, key: str, consent: FileConsent | None
) -> list[str]:
    """What was decided about the file and its columns, for the user to check."""
    out = [f"read as {shape.layout}"]
    if shape.encoding is not None:
        out.append(f"encoding {shape.encoding.label}")
    out.append(f"contacts matched by {key.replace('_', ' ')}")
    if consent is not None and mapping.target == "contacts":
        column = mapping.fields().get("consent")
        unused = f"; the column {column.source!r} is not used for it" if column else ""
        out.append(f"everyone in the file is marked {consent} (chosen for this import){unused}")
    if suggested_consent(shape.header, mapping, consent) == "subscribed":
        out.append(
            'a Mailchimp export of subscribed members: consent stays "unknown" unless '
            "everyone in it is marked subscribed (an option of this import)"
        )
    for position, column in enumerate(mapping.columns):
        kind = column.type
        unsure = " (not certain: please check)" if column.ambiguous else ""
        values = shape.column_values(position) if position < shape.width else []
        if kind.date_order and any(_WRITTEN_DATE.match(v) for v in values):
            first = "day" if kind.date_order == "dmy" else "month"
            out.append(f"{column.source!r}: dates read {first} first{unsure}")
        if kind.decimal == "," or (kind.decimal and column.ambiguous):
            mark = "comma" if kind.decimal == "," else "point"
            out.append(f"{column.source!r}: decimal {mark}{unsure}")
        if column.action == "field" and column.field == "status":
            out.append(
                f"{column.source!r}: read as order statuses (paid, pending, refunded, partially "
                "refunded, voided, cancelled; other words kept in lower case)"
            )
    out.extend(shape.notes)
    out.extend(mapping.notes)
    return out
