"""Writing typed event records (orders and any other kind): find the contact, never double.

Re-importing a file must not double its events, so every event gets a key within its kind:
- the order id (``ref``) where the file has one; a later row of the same file with the same
  id is the same order (a shop export's extra line items) and is not stored again;
- otherwise the row's content (contact, time, amount, quantity, other columns) plus its
  occurrence number among identical rows of the file: two identical rows are two real orders,
  and importing the file again finds both keys taken.
An event whose contact is unknown creates that contact from the key, or is rejected, as the
user chooses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, bindparam, select

from segdesk.ingest.contact_writer import stored_value
from segdesk.ingest.records import Record
from segdesk.ingest.report import ImportReport, RejectsWriter
from segdesk.store.bulk import insert_many
from segdesk.store.tables import Contact, Event

contact = Contact.__table__
event = Event.__table__

_seen_rows = Table(
    "segdesk_import_seen_rows",
    MetaData(),
    Column("hash", String, primary_key=True),
    Column("n", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)
"""Per import, how often each row content has occurred so far (bounded memory for any size)."""

EARLIEST_PLAUSIBLE = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)


def as_utc(value: dt.date | dt.datetime) -> dt.datetime:
    """Dates become midnight UTC; times without a zone are taken as UTC."""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class EventWriter:
    def __init__(
        self,
        conn: Connection,
        batch_id: int,
        key: str,
        kind: str,
        create_missing: bool,
        report: ImportReport,
        now: dt.datetime,
    ) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.key = key
        self.kind = kind
        self.create_missing = create_missing
        self.report = report
        self.now = now
        _seen_rows.create(conn)

    def close(self) -> None:
        _seen_rows.drop(self.conn)

    def write(self, records: Iterable[Record], rejects: RejectsWriter) -> None:
        valid: list[Record] = []
        for record in records:
            self.report.read += 1
            if record.ok:
                valid.append(record)
            else:
                self._reject(record, record.reason, rejects)
        if not valid:
            return
        contact_ids = self._contact_ids({r.fields[self.key] for r in valid})
        if self.create_missing:
            self._create_contacts(valid, contact_ids)
        rows: list[dict[str, Any]] = []
        for record in valid:
            contact_id = contact_ids.get(record.fields[self.key])
            if contact_id is None:
                shown = self.key.replace("_", " ")
                self._reject(record, f"no contact with {shown} {record.fields[self.key]!r}",
                             rejects)  # fmt: skip
                continue
            rows.append(self._row(record, contact_id))
        self._assign_keys(rows)
        self._store(rows)

    def _row(self, record: Record, contact_id: int) -> dict[str, Any]:
        fields = record.fields
        occurred = as_utc(fields["occurred_at"])
        amount = fields.get("amount")
        if amount is not None and amount < 0:
            self.report.quality.warnings["amounts below zero (refunds?)"] += 1
        if occurred > self.now:
            self.report.quality.warnings["dates in the future"] += 1
        elif occurred < EARLIEST_PLAUSIBLE:
            self.report.quality.warnings["dates before 1990"] += 1
        for name in ("amount", "quantity", "ref"):
            if name in fields and fields[name] is None:
                self.report.quality.missing[name] += 1
        return {
            "contact_id": contact_id,
            "kind": self.kind,
            "occurred_at": occurred,
            "amount": None if amount is None else float(amount),
            "quantity": None if fields.get("quantity") is None else float(fields["quantity"]),
            "ref": fields.get("ref"),
            "attributes": {n: stored_value(v) for n, v in record.custom.items() if v is not None},
            "import_batch_id": self.batch_id,
            "_content": (fields[self.key], record.custom),
        }

    def _assign_keys(self, rows: list[dict[str, Any]]) -> None:
        """The ref, or the content hash with its occurrence number in the file."""
        hashes: list[str | None] = []
        for row in rows:
            if row["ref"] is not None:
                hashes.append(None)
                row["dedup_key"] = f"ref:{row['ref']}"
                continue
            key_value, custom = row["_content"]
            text = json.dumps(
                [str(key_value), row["occurred_at"].isoformat(), row["amount"], row["quantity"],
                 {n: stored_value(v) for n, v in sorted(custom.items())}],
                default=str, sort_keys=True,
            )  # fmt: skip
            hashes.append(hashlib.sha256(text.encode()).hexdigest()[:32])
        counts = self._occurrences([h for h in hashes if h is not None])
        for row, digest in zip(rows, hashes, strict=True):
            del row["_content"]
            if digest is not None:
                counts[digest] += 1
                row["dedup_key"] = f"row:{digest}#{counts[digest]}"

    def _occurrences(self, digests: list[str]) -> Counter[str]:
        """How often each digest occurred in earlier chunks; records this chunk's counts."""
        earlier: Counter[str] = Counter()
        unique = set(digests)
        if not unique:
            return earlier
        for digest, n in self.conn.execute(
            select(_seen_rows.c.hash, _seen_rows.c.n).where(_seen_rows.c.hash.in_(unique))
        ):
            earlier[digest] = n
        now = Counter(digests)
        known = [{"h": d, "n": earlier[d] + now[d]} for d in unique if d in earlier]
        fresh = [{"hash": d, "n": now[d]} for d in unique if d not in earlier]
        if known:
            self.conn.execute(
                _seen_rows.update().where(_seen_rows.c.hash == bindparam("h")),
                known,
            )
        if fresh:
            self.conn.execute(_seen_rows.insert(), fresh)
        return earlier

    def _store(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        taken: dict[str, int | None] = dict(
            self.conn.execute(
                select(event.c.dedup_key, event.c.import_batch_id).where(
                    event.c.kind == self.kind,
                    event.c.dedup_key.in_({r["dedup_key"] for r in rows}),
                )
            ).all()
        )
        fresh: list[dict[str, Any]] = []
        for row in rows:
            key = row["dedup_key"]
            if key in taken:
                if taken[key] == self.batch_id:
                    self.report.quality.repeated_refs += 1
                self.report.unchanged += 1
                continue
            taken[key] = self.batch_id
            fresh.append(row)
        if fresh:
            insert_many(self.conn, event, fresh)
            self.report.inserted += len(fresh)

    def _reject(self, record: Record, reason: str, rejects: RejectsWriter) -> None:
        self.report.rejected += 1
        rejects.add(record.line, reason, record.raw)

    def _contact_ids(self, values: set[Any]) -> dict[Any, int]:
        rows = self.conn.execute(
            select(contact.c[self.key], contact.c.id).where(contact.c[self.key].in_(values))
        )
        return {row[0]: row[1] for row in rows}

    def _create_contacts(self, records: list[Record], known: dict[Any, int]) -> None:
        missing = list(dict.fromkeys(
            r.fields[self.key] for r in records if r.fields[self.key] not in known
        ))  # fmt: skip
        if not missing:
            return
        self.conn.execute(
            contact.insert(),
            [
                {self.key: value, "consent": "unknown", "attributes": {},
                 "created_at": self.now, "updated_at": self.now,
                 "import_batch_id": self.batch_id}
                for value in missing
            ],
        )  # fmt: skip
        self.report.contacts_created += len(missing)
        known.update(self._contact_ids(set(missing)))
