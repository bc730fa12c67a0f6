"""Writing typed contact records: match by key, merge repeats, insert, update, remember.

Rules, in the order they apply to each row of a file:
- A row whose key (email or external id) an earlier row of the same file had is merged into
  that row (later non-empty values win) and counted as merged.
- The rows of a contact that existed before the import meet it by the user's rule: ``update``
  (non-empty values replace stored ones), ``fill`` (only fields empty before the import are
  filled) or ``skip`` (left as it is). It counts as updated when it ends up different from
  what it was, else as unchanged, and only then is it written (``updated_at`` moves).
- Any other row creates a contact.
- An empty value never erases a stored one, and "unknown" consent counts as empty.
- A file the user gives one consent for (an unsubscribe export, a subscribed list) gives it to
  every contact in the file.
- A row whose other identifier (the external id when matching by email, and the reverse)
  belongs to a different contact is rejected, never merged into the wrong person.
- An email address stored case-folded by an earlier version (``ß`` as ``ss``) is found by the
  address as written, when no contact has that one.
Every contact an import changes has its previous values kept in ``import_change`` for undo.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any, ClassVar

from pyroaring import BitMap
from sqlalchemy import Connection, bindparam, delete, select

from segdesk.ingest.attributes import StoredAttributes, stored_value
from segdesk.ingest.folded_emails import folded_forms
from segdesk.ingest.import_report import ImportReport, RejectsWriter, add_counts
from segdesk.ingest.typed_rows import Record
from segdesk.store.bulk import JsonTexts, insert_columns
from segdesk.store.search_text import SEARCHED_FIELDS, search_text, search_text_of
from segdesk.store.tables import Contact, ImportChange
from segdesk.store.value_lists import among, listed

contact = Contact.__table__
change = ImportChange.__table__

STORED_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "external_id",
    "phone",
    "company",
    "job_title",
    "city",
    "region",
    "country",
    "postal_code",
    "source",
    "consent",
)
"""Contact columns an import can fill."""


MISSPELT_DOMAINS = frozenset(
    {
        "gmial.com",
        "gmai.com",
        "gamil.com",
        "gmail.co",
        "hotmial.com",
        "hotmal.com",
        "yahooo.com",
        "yaho.com",
        "outlok.com",
        "iclod.com",
    }
)


EMPTY = (None, "", "unknown")
"""Stored values that ``fill`` may fill."""


@dataclass
class _Pending:
    """One contact as this chunk leaves it: new, or stored when the chunk began.

    A new contact that no later row of its chunk touches stays the ``Record`` that brought it
    (see ``ContactWriter.write``); this is the state of all others. For a contact that existed
    before the import, ``before`` holds its values then (the fields, ``attributes`` and
    ``updated_at``): the file's rows meet them by the user's rule, and the contact counts as
    updated only when it ends up different from them. ``stored`` is what the database holds
    when the chunk begins, so that only a real change is written.
    """

    id: int | None
    fields: dict[str, Any]
    attributes: dict[str, Any]
    before: dict[str, Any] | None = None
    stored: tuple[dict[str, Any], dict[str, Any]] | None = None
    first: bool = False
    """This chunk has the file's first row for the contact, which counts it."""
    was_updated: bool = False
    """An earlier chunk changed the contact: it was counted updated, ``before`` kept for undo."""


def _incoming_fields(record: Record) -> dict[str, Any]:
    return {
        name: value
        for name, value in record.fields.items()
        if name in STORED_FIELDS
        and value is not None
        and not (name == "consent" and value == "unknown")
    }


def _fill(target: dict[str, Any], incoming: dict[str, Any], before: dict[str, Any]) -> None:
    """``incoming`` values into ``target`` where ``before`` was empty."""
    for name, value in incoming.items():
        if before.get(name) in EMPTY:
            target[name] = value


def _differs(state: _Pending, before: dict[str, Any]) -> bool:
    """Whether the contact's values are not those it had before the import."""
    if state.attributes != (before.get("attributes") or {}):
        return True
    fields = state.fields
    return any(fields.get(name) != before.get(name) for name in STORED_FIELDS)


def _moment(value: Any) -> Any:
    """``updated_at`` as kept in ``before``: ISO text once it has been through JSON."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


KNOWN_LIMIT = 4_000_000
"""Identifiers ``ContactWriter`` remembers having written into an empty table (about 260 MB
at the limit); past it, every chunk looks its identifiers up in the database again."""


class ContactWriter:
    """Applies one import's contact records, chunk by chunk, inside the import's transaction.

    Most rows of most files bring a new contact, and a new contact's row goes from its record
    straight to the insert. The other rows (a key seen before, an identifier another contact
    owns) go through ``_apply``, which carries out the rules above.

    A chunk's keys and other identifiers are looked up in the database before its rows are
    applied. When the import began with no contacts at all (a first import), the only stored
    identifiers are those this import wrote; their hashes are remembered, and a chunk none of
    whose identifiers hashes like one of them needs no look-up.
    """

    KEPT_INDEXES: ClassVar[dict[str, tuple[str, ...]]] = {"contact": ()}
    """What a large import keeps of the indexes of the tables it fills (``store.deferred_indexes``;
    the first table is the one it is measured against). The contacts' unique email and
    external id, which every chunk's look-ups use, are constraints and always stay."""

    def __init__(
        self,
        conn: Connection,
        batch_id: int,
        key: str,
        on_existing: str,
        report: ImportReport,
        now: dt.datetime,
        email_column: str | None = None,
        consent: str | None = None,
        date_fields: Collection[str] = (),
    ) -> None:
        self.conn = conn
        self.consent = consent
        self.email_problem = f"{email_column}: " if email_column else None
        self.batch_id = batch_id
        self.key = key
        self.other = "external_id" if key == "email" else "email"
        self.on_existing = on_existing
        self.report = report
        self.now = now
        self.seen = BitMap()
        """Contacts stored before the import that a row has met: a later row repeats them."""
        self.updated_ids = BitMap()
        """Contacts the import changed, whose values before are in ``import_change``."""
        self.stored_attributes = StoredAttributes(date_fields)
        empty = conn.execute(select(contact.c.id).limit(1)).first() is None
        self.written: set[int] | None = set() if empty else None

    def write(self, records: Iterable[Record], rejects: RejectsWriter) -> None:
        records = list(records)
        self.report.read += len(records)
        valid = [record for record in records if not record.problems]
        if len(valid) < len(records):
            for record in records:
                if record.problems:
                    self._reject(record, record.reason, rejects)
        if not valid:
            return
        columns = _Columns(valid)
        keys, others = columns.field(self.key), columns.field(self.other)
        key_set, other_set = set(keys), set(others) - {None}
        existing = self._lookup(self.key, key_set)
        owners = self._owners(other_set)
        if self.key == "email":
            self._find_folded(key_set, existing, owners)
        befores = self._recorded_befores(existing.values())
        self._remember(keys, others)
        all_new = (
            not existing
            and not owners
            and len(key_set) == len(keys)
            and len(other_set) == len(others) - others.count(None)
        )
        if all_new:  # every row a new contact, as the loop below would find row by row
            pending: dict[Any, Record | _Pending] = dict(zip(keys, valid, strict=True))
            accepted = valid
            created = len(valid)
        else:
            pending, accepted, created = {}, [], 0
            for record, key_value, other_value in zip(valid, keys, others, strict=True):
                if key_value in pending or key_value in existing or other_value in owners:
                    if not self._apply(record, existing, befores, owners, pending, rejects):
                        continue
                else:  # a new contact, kept as its record until a later row merges into it
                    pending[key_value] = record
                    created += 1
                    if other_value is not None:
                        owners[other_value] = key_value
                accepted.append(record)
        self.report.inserted += created
        if len(accepted) < len(valid):
            if not accepted:
                return
            columns = _Columns(accepted)
        self._check_quality(columns)
        self._flush(pending, columns)

    # --- per row -----------------------------------------------------------------------

    def _apply(
        self,
        record: Record,
        existing: dict[Any, dict[str, Any]],
        befores: dict[int, dict[str, Any]],
        owners: dict[Any, Any],
        pending: dict[Any, Record | _Pending],
        rejects: RejectsWriter,
    ) -> bool:
        """Apply one row by the full rules; False when it is rejected."""
        key_value = record.fields[self.key]
        other_value = record.fields.get(self.other)
        if other_value is not None and other_value in owners:
            owner = owners[other_value]  # None: a contact without this key has it
            if owner != key_value:
                shown, key = self.other.replace("_", " "), self.key.replace("_", " ")
                whose = (
                    f"a contact without an {key}"
                    if owner is None
                    else f"the contact with {key} {owner!r}"
                )
                self._reject(record, f"{shown} {other_value!r} already belongs to {whose}", rejects)
                return False
        fields = self._incoming(record)
        attributes = self.stored_attributes(record.custom)
        state = pending.get(key_value)
        if isinstance(state, Record):
            state = pending[key_value] = self._new_state(state)
        if state is not None:
            self._count_merged()
            self._merge_into(state, fields, attributes)
        elif (row := existing.get(key_value)) is None:
            pending[key_value] = _Pending(None, fields, attributes)
            self.report.inserted += 1
        else:
            state = pending[key_value] = self._from_row(row, befores.get(row["id"]))
            if state.first:
                self.seen.add(row["id"])
            else:
                self._count_merged()
            self._merge_into(state, fields, attributes)
        if other_value is not None:
            owners[other_value] = key_value
        return True

    def _incoming(self, record: Record) -> dict[str, Any]:
        """The row's non-empty stored fields."""
        fields = _incoming_fields(record)
        if self.consent is not None:
            fields["consent"] = self.consent
        return fields

    def _new_state(self, record: Record) -> _Pending:
        """The state of a new contact kept as its record, for a later row to merge into."""
        attributes = self.stored_attributes(record.custom)
        return _Pending(None, self._incoming(record), attributes)

    def _merge_into(
        self, state: _Pending, fields: dict[str, Any], attributes: dict[str, Any]
    ) -> None:
        """A row's non-empty values into its contact, by the rule for contacts stored before."""
        before = state.before
        if before is None or self.on_existing == "update":
            state.fields.update(fields)
            state.attributes.update(attributes)
        elif self.on_existing == "fill":
            _fill(state.fields, fields, before)
            _fill(state.attributes, attributes, before.get("attributes") or {})

    def _count_merged(self) -> None:
        self.report.merged += 1
        self.report.quality.duplicates_merged += 1

    def _settle(self, state: _Pending, changed: bool, changes: list[dict[str, Any]]) -> bool:
        """Count a contact stored before the import; whether an earlier chunk's change is
        undone (its ``import_change`` row is then to go)."""
        report, contact_id = self.report, state.id
        assert contact_id is not None, "a contact stored before the import has an id"
        if state.first:
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        elif changed != state.was_updated:  # a later row turned the earlier chunk's verdict
            turn = 1 if changed else -1
            report.updated += turn
            report.unchanged -= turn
        if changed and not state.was_updated:
            changes.append(
                {
                    "import_batch_id": self.batch_id,
                    "contact_id": contact_id,
                    "action": "updated",
                    "before": _json_ready(state.before or {}),
                }
            )
            self.updated_ids.add(contact_id)
        elif state.was_updated and not changed:
            self.updated_ids.discard(contact_id)
            return True
        return False

    def _reject(self, record: Record, reason: str, rejects: RejectsWriter) -> None:
        self.report.rejected += 1
        if self.email_problem and any(p.startswith(self.email_problem) for p in record.problems):
            self.report.quality.invalid_emails += 1
        rejects.add(record.line, reason, record.raw)

    def _check_quality(self, accepted: _Columns) -> None:
        """Misspelt email domains and empty values of the rows a chunk keeps."""
        quality = self.report.quality
        misspelt = sum(
            1
            for email in accepted.field("email")
            if email and email[email.rfind("@") + 1 :] in MISSPELT_DOMAINS
        )
        if misspelt:
            quality.warnings["emails at a misspelt domain (e.g. gmial.com)"] += misspelt
        names = [name for name in accepted.field_names if name in STORED_FIELDS]
        columns = [accepted.field(name) for name in names]
        names.extend(accepted.custom_names)
        columns.extend(accepted.custom(name) for name in accepted.custom_names)
        add_counts(
            quality.missing,
            [
                (column.index(None), name, column.count(None))
                for name, column in zip(names, columns, strict=True)
                if None in column
            ],
        )

    # --- database ------------------------------------------------------------------------

    def _remember(self, keys: list[Any], others: list[Any]) -> None:
        """Note identifiers the chunk may write (see the class); forget all past the limit."""
        if self.written is None:
            return
        self.written.update(map(hash, keys))
        self.written.update(map(hash, others))
        if len(self.written) > KNOWN_LIMIT:
            self.written = None

    def _may_be_stored(self, values: set[Any]) -> bool:
        """False when no contact can have any of ``values`` (text identifiers)."""
        return self.written is None or not self.written.isdisjoint(map(hash, values))

    def _lookup(self, column: str, values: set[Any]) -> dict[Any, dict[str, Any]]:
        if not values or not self._may_be_stored(values):
            return {}
        keys = listed(self.conn, values)
        rows = self.conn.execute(
            select(contact).select_from(keys.join(contact, contact.c[column] == keys.c.value))
        )
        return {row._mapping[column]: dict(row._mapping) for row in rows}

    def _owners(self, values: set[Any]) -> dict[Any, Any]:
        """Other-identifier value → the key value of the contact that has it."""
        if not values or not self._may_be_stored(values):
            return {}
        keys = listed(self.conn, values)
        rows = self.conn.execute(
            select(contact.c[self.other], contact.c[self.key]).select_from(
                keys.join(contact, contact.c[self.other] == keys.c.value)
            )
        )
        return dict(rows.all())

    def _find_folded(
        self, keys: set[Any], existing: dict[Any, dict[str, Any]], owners: dict[Any, Any]
    ) -> None:
        """Contacts whose address an earlier version stored folded (see ``folded_emails``),
        added to ``existing`` under the address as written, which ``owners`` then names."""
        forms = folded_forms(keys.difference(existing), keys)
        if not forms:
            return
        found = self._lookup("email", set(forms))
        for folded, row in found.items():
            existing[forms[folded]] = row
        for other, owner in owners.items():
            if owner in found:
                owners[other] = forms[owner]

    def _recorded_befores(self, rows: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """The values before the import of the contacts among ``rows`` that an earlier chunk
        changed, as kept for undo."""
        ids = [row["id"] for row in rows if row["id"] in self.updated_ids]
        if not ids:
            return {}
        found = self.conn.execute(
            select(change.c.contact_id, change.c.before).where(
                change.c.import_batch_id == self.batch_id,
                among(self.conn, change.c.contact_id, ids),
            )
        )
        return dict(found.all())

    def _from_row(self, row: dict[str, Any], recorded: dict[str, Any] | None) -> _Pending:
        """The state of a stored contact; ``recorded`` is its values before the import when an
        earlier chunk changed it."""
        fields = {name: row[name] for name in STORED_FIELDS}
        attributes = dict(row["attributes"] or {})
        stored = (dict(fields), dict(attributes))
        contact_id = row["id"]
        if row["import_batch_id"] == self.batch_id:  # created by an earlier chunk
            return _Pending(contact_id, fields, attributes, stored=stored)
        if recorded is not None:
            return _Pending(
                contact_id, fields, attributes, recorded, stored, first=False, was_updated=True
            )
        before = {**stored[0], "attributes": dict(attributes), "updated_at": row["updated_at"]}
        first = contact_id not in self.seen
        return _Pending(contact_id, fields, attributes, before, stored, first=first)

    def _flush(self, pending: dict[Any, Record | _Pending], accepted: _Columns) -> None:
        """Insert the new contacts, update the changed ones, keep what they were for undo."""
        new: list[Record | _Pending] = []
        updates: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        reverted: list[int] = []
        fresh = 0
        for state in pending.values():
            if isinstance(state, Record):
                new.append(state)
                fresh += 1
                continue
            if state.id is None:
                new.append(state)
                continue
            updated_at = self.now
            if state.before is not None:
                changed = _differs(state, state.before)
                if self._settle(state, changed, changes):
                    reverted.append(state.id)
                if not changed:
                    updated_at = _moment(state.before.get("updated_at"))
            if (state.fields, state.attributes) != state.stored:
                updates.append(
                    {
                        **{f"v_{name}": state.fields.get(name) for name in STORED_FIELDS},
                        "v_search_text": search_text_of(state.fields),
                        "v_attributes": state.attributes,
                        "v_updated_at": updated_at,
                        "v_id": state.id,
                    }
                )
        if fresh == accepted.count:  # each row kept brought its own new contact, in order
            insert_columns(self.conn, contact, self._new_columns(accepted))
        elif new:
            insert_columns(self.conn, contact, self._new_columns(_Columns(new)))
        if updates:
            self.conn.execute(_UPDATE, updates)
        if changes:
            self.conn.execute(change.insert(), changes)
        if reverted:
            self.conn.execute(
                delete(change).where(
                    change.c.import_batch_id == self.batch_id,
                    among(self.conn, change.c.contact_id, reverted),
                )
            )

    def _new_columns(self, new: _Columns) -> dict[str, Sequence[Any]]:
        """The new contacts' rows, a column at a time.

        A record's fields hold every stored field (empty ones as None) and a state's the
        non-empty ones, so a missing field is empty either way. Consent is "unknown" unless
        given, and the file's consent for every contact when the user gave one.
        """
        columns: dict[str, Sequence[Any]] = {
            name: new.field(name) for name in STORED_FIELDS if name != "consent"
        }
        count = new.count
        if self.consent is not None:
            columns["consent"] = [self.consent] * count
        else:
            columns["consent"] = [consent or "unknown" for consent in new.field("consent")]
        stored = self.stored_attributes
        if new.records_only:
            names = new.custom_names
            texts = stored.column_texts(names, [new.custom(name) for name in names], count)
            columns["attributes"] = JsonTexts(texts)
        else:
            made = iter(stored.texts([s.custom for s in new.states if isinstance(s, Record)]))
            columns["attributes"] = JsonTexts(
                next(made) if isinstance(state, Record) else json.dumps(state.attributes)
                for state in new.states
            )
        columns["created_at"] = columns["updated_at"] = [self.now] * count
        columns["import_batch_id"] = [self.batch_id] * count
        columns["search_text"] = list(map(search_text, *(columns[n] for n in SEARCHED_FIELDS)))
        return columns


class _Columns:
    """Values of some of a chunk's contacts (valid, kept or new) a field at a time, made once.

    The records of one import all have the same field and custom names (a ``RecordBuilder``
    gives each record every mapped field), so the first one names them.
    """

    def __init__(self, states: Sequence[Record | _Pending]) -> None:
        self.states = states
        self.count = len(states)
        self.records_only = all(isinstance(state, Record) for state in states)
        first = states[0]
        self.field_names = list(first.fields)
        self.custom_names = list(first.custom) if isinstance(first, Record) else []
        self._fields = [state.fields for state in states]
        self._customs = [s.custom for s in states if isinstance(s, Record)]
        self._made: dict[str, list[Any]] = {}
        self._custom: dict[str, list[Any]] = {}

    def field(self, name: str) -> list[Any]:
        """The field's value in each row, None where it is empty or not given."""
        column = self._made.get(name)
        if column is None:
            column = self._made[name] = list(map(dict.get, self._fields, repeat(name)))
        return column

    def custom(self, name: str) -> list[Any]:
        """The custom field's value in each row (rows that are all records)."""
        column = self._custom.get(name)
        if column is None:
            column = self._custom[name] = list(map(itemgetter(name), self._customs))
        return column


_UPDATE = (
    contact.update()
    .where(contact.c.id == bindparam("v_id"))
    .values(
        {
            **{name: bindparam(f"v_{name}") for name in STORED_FIELDS},
            "search_text": bindparam("v_search_text"),
            "attributes": bindparam("v_attributes", type_=contact.c.attributes.type),
            "updated_at": bindparam("v_updated_at", type_=contact.c.updated_at.type),
        }
    )
)


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {name: stored_value(value) for name, value in values.items()}
