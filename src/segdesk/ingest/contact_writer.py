"""Writing typed contact records: match by key, merge repeats, insert, update, remember.

Rules, in the order they apply to each row of a file:
- A row whose key (email or external id) an earlier row of the same file had is merged into
  that contact: later non-empty values win, whatever the existing-contact rule says.
- A row whose key matches a contact that existed before the import follows the user's rule:
  ``update`` (non-empty values replace stored ones), ``fill`` (only empty stored fields are
  filled) or ``skip`` (left as it is).
- Any other row creates a contact.
- An empty value never erases a stored one, and "unknown" consent counts as empty.
- A file the user marks as an unsubscribe export makes all its contacts unsubscribed.
- A row whose other identifier (the external id when matching by email, and the reverse)
  belongs to a different contact is rejected, never merged into the wrong person.
Every contact an import changes has its previous values kept in ``import_change`` for undo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pyroaring import BitMap
from sqlalchemy import Connection, bindparam, select

from segdesk.ingest.records import Record
from segdesk.ingest.report import ImportReport, RejectsWriter
from segdesk.store.bulk import insert_many
from segdesk.store.tables import Contact, ImportChange

contact = Contact.__table__
change = ImportChange.__table__

STORED_FIELDS = (
    "email", "first_name", "last_name", "external_id", "phone", "company", "job_title", "city",
    "region", "country", "postal_code", "source", "consent",
)  # fmt: skip
"""Contact columns an import can fill."""

MISSPELT_DOMAINS = frozenset(
    {"gmial.com", "gmai.com", "gamil.com", "gmail.co", "hotmial.com", "hotmal.com",
     "yahooo.com", "yaho.com", "outlok.com", "iclod.com"}
)  # fmt: skip


def stored_value(value: Any) -> Any:
    """A typed value as kept in JSON attributes: dates as ISO text, the rest as is."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@dataclass
class _Pending:
    """One contact as this chunk leaves it: new, or existing with its values before."""

    id: int | None
    fields: dict[str, Any]
    attributes: dict[str, Any]
    before: dict[str, Any] | None = None
    changed: bool = False
    claimed: set[str] = field(default_factory=set)


def _incoming(record: Record) -> tuple[dict[str, Any], dict[str, Any]]:
    fields = {
        name: value
        for name, value in record.fields.items()
        if name in STORED_FIELDS
        and value is not None
        and not (name == "consent" and value == "unknown")
    }
    attributes = {n: stored_value(v) for n, v in record.custom.items() if v is not None}
    return fields, attributes


def _merge(target: dict[str, Any], incoming: dict[str, Any], only_empty: bool) -> bool:
    changed = False
    for name, value in incoming.items():
        current = target.get(name)
        if only_empty and current not in (None, "", "unknown"):
            continue
        if current != value:
            target[name] = value
            changed = True
    return changed


class ContactWriter:
    """Applies one import's contact records, chunk by chunk, inside the import's transaction."""

    def __init__(
        self,
        conn: Connection,
        batch_id: int,
        key: str,
        on_existing: str,
        report: ImportReport,
        now: dt.datetime,
        email_column: str | None = None,
        mark_unsubscribed: bool = False,
    ) -> None:
        self.conn = conn
        self.mark_unsubscribed = mark_unsubscribed
        self.email_problem = f"{email_column}: " if email_column else None
        self.batch_id = batch_id
        self.key = key
        self.other = "external_id" if key == "email" else "email"
        self.on_existing = on_existing
        self.report = report
        self.now = now
        self.updated_ids = BitMap()

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
        existing = self._lookup(self.key, {r.fields[self.key] for r in valid})
        owners = self._owners({r.fields.get(self.other) for r in valid} - {None})
        pending: dict[str, _Pending] = {}
        for record in valid:
            self._apply(record, existing, owners, pending, rejects)
        self._flush(pending)

    # --- per row -----------------------------------------------------------------------

    def _apply(
        self,
        record: Record,
        existing: dict[Any, dict[str, Any]],
        owners: dict[Any, Any],
        pending: dict[str, _Pending],
        rejects: RejectsWriter,
    ) -> None:
        key_value = record.fields[self.key]
        other_value = record.fields.get(self.other)
        if other_value is not None:
            owner = owners.get(other_value)
            if owner is not None and owner != key_value:
                shown = self.other.replace("_", " ")
                self._reject(
                    record,
                    f"{shown} {other_value!r} already belongs to the contact with "
                    f"{self.key.replace('_', ' ')} {owner!r}",
                    rejects,
                )
                return
        fields, attributes = _incoming(record)
        if self.mark_unsubscribed:
            fields["consent"] = "unsubscribed"
        self._check_quality(record, fields)
        state = pending.get(key_value)
        if state is not None:
            self.report.quality.duplicates_merged += 1
            changed = self._merge_into(state, fields, attributes, only_empty=False)
            self._count(changed)
        elif (row := existing.get(key_value)) is None:
            pending[key_value] = _Pending(None, fields, attributes, changed=True)
            self.report.inserted += 1
        else:
            state = self._from_row(row)
            pending[key_value] = state
            repeat = row["import_batch_id"] == self.batch_id or row["id"] in self.updated_ids
            if repeat:
                self.report.quality.duplicates_merged += 1
                changed = self._merge_into(state, fields, attributes, only_empty=False)
            elif self.on_existing == "skip":
                changed = False
            else:
                state.before = {**state.fields, "attributes": dict(state.attributes)}
                changed = self._merge_into(
                    state, fields, attributes, only_empty=self.on_existing == "fill"
                )
            self._count(changed)
        if other_value is not None:
            owners[other_value] = key_value

    def _merge_into(
        self, state: _Pending, fields: dict[str, Any], attributes: dict[str, Any], only_empty: bool
    ) -> bool:
        changed = _merge(state.fields, fields, only_empty)
        changed = _merge(state.attributes, attributes, only_empty) or changed
        state.changed = state.changed or changed
        return changed

    def _count(self, changed: bool) -> None:
        if changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _reject(self, record: Record, reason: str, rejects: RejectsWriter) -> None:
        self.report.rejected += 1
        if self.email_problem and any(p.startswith(self.email_problem) for p in record.problems):
            self.report.quality.invalid_emails += 1
        rejects.add(record.line, reason, record.raw)

    def _check_quality(self, record: Record, fields: dict[str, Any]) -> None:
        email = fields.get("email")
        if email and email.rsplit("@", 1)[-1] in MISSPELT_DOMAINS:
            self.report.quality.warnings["emails at a misspelt domain (e.g. gmial.com)"] += 1
        for name, value in record.fields.items():
            if value is None and name in STORED_FIELDS:
                self.report.quality.missing[name] += 1
        for name, value in record.custom.items():
            if value is None:
                self.report.quality.missing[name] += 1

    # --- database ------------------------------------------------------------------------

    def _lookup(self, column: str, values: set[Any]) -> dict[Any, dict[str, Any]]:
        if not values:
            return {}
        rows = self.conn.execute(select(contact).where(contact.c[column].in_(values)))
        return {row._mapping[column]: dict(row._mapping) for row in rows}

    def _owners(self, values: set[Any]) -> dict[Any, Any]:
        """Other-identifier value → the key value of the contact that has it."""
        if not values:
            return {}
        rows = self.conn.execute(
            select(contact.c[self.other], contact.c[self.key]).where(
                contact.c[self.other].in_(values)
            )
        )
        return {row[0]: row[1] for row in rows}

    @staticmethod
    def _from_row(row: dict[str, Any]) -> _Pending:
        return _Pending(
            id=row["id"],
            fields={name: row[name] for name in STORED_FIELDS},
            attributes=dict(row["attributes"] or {}),
        )

    def _flush(self, pending: dict[str, _Pending]) -> None:
        new_rows: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        blank = dict.fromkeys(STORED_FIELDS)
        for state in pending.values():
            if state.id is None:
                new_rows.append(
                    {
                        **blank,
                        **state.fields,
                        "consent": state.fields.get("consent") or "unknown",
                        "attributes": state.attributes,
                        "created_at": self.now,
                        "updated_at": self.now,
                        "import_batch_id": self.batch_id,
                    }
                )
            elif state.changed:
                updates.append(
                    {
                        **{f"v_{name}": state.fields.get(name) for name in STORED_FIELDS},
                        "v_attributes": state.attributes,
                        "v_updated_at": self.now,
                        "v_id": state.id,
                    }
                )
                if state.before is not None:
                    changes.append(
                        {
                            "import_batch_id": self.batch_id,
                            "contact_id": state.id,
                            "action": "updated",
                            "before": _json_ready(state.before),
                        }
                    )
                    self.updated_ids.add(state.id)
        if new_rows:
            insert_many(self.conn, contact, new_rows)
        if updates:
            self.conn.execute(_UPDATE, updates)
        if changes:
            self.conn.execute(change.insert(), changes)


_UPDATE = (
    contact.update()
    .where(contact.c.id == bindparam("v_id"))
    .values(
        {
            **{name: bindparam(f"v_{name}") for name in STORED_FIELDS},
            "attributes": bindparam("v_attributes", type_=contact.c.attributes.type),
            "updated_at": bindparam("v_updated_at", type_=contact.c.updated_at.type),
        }
    )
)


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {name: stored_value(value) for name, value in values.items()}
