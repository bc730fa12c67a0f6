"""Writing typed event records (orders and any other kind): find the contact, never double.

Re-importing a file must not double its events, so every event gets a key within its kind:
- the order id (``ref``) where the file has one; every row of the file with the same id is
  a row of that one order (a shop export's line items), which ``order_rows`` puts together;
- otherwise the row's content (contact, time, amount, quantity, other columns, line values
  and status where the file has them) plus its occurrence number among identical rows of the
  file: two identical rows are two real orders, and importing the file again finds both
  keys taken.
An event whose contact is unknown creates that contact from the key, or is rejected, as the
user chooses. When the mapping has line fields (product, SKU, ...), each row is also a line of
its order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from itertools import repeat
from typing import Any, ClassVar

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
)

from segdesk.ingest.attributes import StoredAttributes, stored_value
from segdesk.ingest.folded_emails import folded_forms
from segdesk.ingest.import_report import ImportReport, RejectsWriter, add_counts
from segdesk.ingest.mapping.targets import LINE_TARGETS
from segdesk.ingest.order_rows import OrderRows, Rows, count_amounts
from segdesk.ingest.typed_rows import Record
from segdesk.store.bulk import JsonTexts, insert_columns
from segdesk.store.search_text import search_text_of
from segdesk.store.tables import Contact, Event
from segdesk.store.value_lists import listed

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

MEMO_LIMIT = 50_000
"""Distinct times ``EventWriter`` remembers in UTC; past that it starts over."""


def as_utc(value: dt.date | dt.datetime) -> dt.datetime:
    """Dates become midnight UTC; times without a zone are taken as UTC."""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class EventWriter:
    """Stores one import's event records, chunk by chunk, inside the import's transaction.

    A chunk is handled a column at a time (times, amounts, refs), so that the work per row is
    little more than the insert's own.
    """

    KEPT_INDEXES: ClassVar[dict[str, tuple[str, ...]]] = {
        "event": ("ix_event_import_batch_id",),
        "order_line": ("ix_order_line_event",),
    }
    """What a large import keeps of the indexes of the tables it fills (``store.deferred_indexes``;
    measured against the events). The unique (kind, dedup key) index, through which every chunk
    finds the orders stored, is a constraint and always stays; the lines of an order are read
    by their order when a later chunk adds to it. Both kept indexes take new keys after all
    stored ones (a new batch, new order ids), so they cost little. The others (contact and
    time, kind and time, product, SKU, category, lines by contact) are built after the rows."""

    def __init__(
        self,
        conn: Connection,
        batch_id: int,
        key: str,
        kind: str,
        create_missing: bool,
        report: ImportReport,
        now: dt.datetime,
        date_fields: Collection[str] = (),
        mapped: Collection[str] = (),
    ) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.key = key
        self.kind = kind
        self.create_missing = create_missing
        self.report = report
        self.now = now
        self.stored_attributes = StoredAttributes(date_fields)
        self.mapped = frozenset(mapped)
        """The fields the mapping fills."""
        self.lines = not self.mapped.isdisjoint(LINE_TARGETS)
        """Whether each row is also a line of its order."""
        self._utc = _UtcTimes()
        self.orders = OrderRows(conn, batch_id, key, kind, report, self.mapped)
        _seen_rows.create(conn)

    def close(self, rejects: RejectsWriter) -> None:
        """Finish the rows that waited for their order, then drop the working tables."""
        self.orders.close(rejects)
        _seen_rows.drop(self.conn)

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
        # A row without a key value has a ref (``RecordBuilder`` lets it leave its contact to
        # another row of its order): its contact is its order's.
        keys = [record.fields.get(self.key) for record in valid]
        contact_ids = self._contact_ids(set(keys).difference((None,)))
        if self.create_missing:
            self._create_contacts([k for k in keys if k is not None], contact_ids)
        ids = list(map(contact_ids.get, keys))
        unknown = [i for i, (k, c) in enumerate(zip(keys, ids, strict=True)) if c is None and k]
        if unknown:
            shown = self.key.replace("_", " ")
            for i in unknown:
                self._reject(valid[i], f"no contact with {shown} {keys[i]!r}", rejects)
            kept = set(range(len(valid))).difference(unknown)
            valid = [valid[i] for i in sorted(kept)]
            ids = [ids[i] for i in sorted(kept)]
        if valid:
            self._store(self._rows(valid, ids))

    def _rows(self, records: list[Record], ids: list[int | None]) -> Rows:
        """The chunk's events, a column at a time, with their dedup keys; counts findings."""
        fields = [record.fields for record in records]
        dates = list(map(dict.get, fields, repeat("occurred_at")))
        if None in dates:
            occurred = [None if d is None else self._utc[d] for d in dates]
        else:
            occurred = list(map(self._utc.__getitem__, dates))
        amounts = _floats(list(map(dict.get, fields, repeat("amount"))))
        quantities = _floats(list(map(dict.get, fields, repeat("quantity"))))
        refs = list(map(dict.get, fields, repeat("ref")))
        self._check_quality(fields[0].keys(), occurred, quantities, refs)
        attributes = JsonTexts(self.stored_attributes.texts([r.custom for r in records]))
        count = len(records)
        extra = self._line_columns(fields, quantities)
        columns: dict[str, list[Any]] = {
            "contact_id": ids,
            "kind": [self.kind] * count,
            "occurred_at": occurred,
            "amount": amounts,
            "quantity": quantities,
            "ref": refs,
            "dedup_key": self._dedup_keys(records, occurred, amounts, quantities, refs, extra),
            "attributes": attributes,
            "import_batch_id": [self.batch_id] * count,
        }
        if "status" in self.mapped:
            columns["status"] = list(map(dict.get, fields, repeat("status")))
        return Rows(
            columns,
            extra,
            [record.line for record in records],
            [record.raw for record in records],
        )

    def _line_columns(
        self, fields: list[dict[str, Any]], quantities: list[float | None]
    ) -> dict[str, list[Any]]:
        """The chunk's line values, when rows are lines: the line total is the file's, else
        quantity times unit price (the unit price when the file has no quantity column)."""
        if not self.lines:
            return {}
        line = {name: list(map(dict.get, fields, repeat(name))) for name in LINE_TARGETS}
        prices = line["unit_price"] = _floats(line["unit_price"])
        line["line_total"] = _floats(line["line_total"])
        if "quantity" not in self.mapped:
            counts: list[float | None] = [1.0] * len(fields)
        else:
            counts = quantities
        line["line_total"] = [
            _line_total(total, count, price)
            for total, count, price in zip(line["line_total"], counts, prices, strict=True)
        ]
        return line

    def _check_quality(
        self,
        names: Collection[str],
        occurred: list[dt.datetime | None],
        quantities: list[float | None],
        refs: list[str | None],
    ) -> None:
        """Implausible dates and empty values, counted as row by row. Amounts are counted per
        order, when its rows are put together (see ``count_amounts``)."""
        now = self.now
        dated = [(i, m) for i, m in enumerate(occurred) if m is not None]
        future = [i for i, moment in dated if moment > now]
        early = [i for i, moment in dated if moment < EARLIEST_PLAUSIBLE]
        quality = self.report.quality
        add_counts(
            quality.warnings,
            [
                (found[0], text, len(found))
                for text, found in (
                    ("dates in the future", future),
                    ("dates before 1990", early),
                )
                if found
            ],
        )
        columns: dict[str, Sequence[object]] = {"quantity": quantities, "ref": refs}
        add_counts(
            quality.missing,
            [
                (column.index(None), name, column.count(None))
                for name, column in columns.items()
                if name in names and None in column
            ],
        )

    def _dedup_keys(
        self,
        records: list[Record],
        occurred: list[dt.datetime | None],
        amounts: list[float | None],
        quantities: list[float | None],
        refs: list[str | None],
        line: dict[str, list[Any]],
    ) -> list[str]:
        """The ref, or the content hash with its occurrence number in the file.

        A row without a ref has its contact and its date (``RecordBuilder`` sees to it). Its
        status and line values join the hash only when the file has them, so that the keys
        of files without them are those earlier versions made.
        """
        if None not in refs:
            return ["ref:" + ref for ref in refs]  # type: ignore[operator]
        more = [name for name in ("status", *LINE_TARGETS) if name in self.mapped]
        hashes: list[str | None] = []
        for index, (record, moment, amount, quantity, ref) in enumerate(
            zip(records, occurred, amounts, quantities, refs, strict=True)
        ):
            if ref is not None:
                hashes.append(None)
                continue
            assert moment is not None
            content = [
                str(record.fields[self.key]),
                moment.isoformat(),
                amount,
                quantity,
                {n: stored_value(v) for n, v in sorted(record.custom.items())},
            ]
            if more:
                content.append({n: line[n][index] if n in line else record.fields[n] for n in more})
            text = json.dumps(content, default=str, sort_keys=True)
            hashes.append(hashlib.sha256(text.encode()).hexdigest()[:32])
        counts = self._occurrences([h for h in hashes if h is not None])
        keys: list[str] = []
        for ref, digest in zip(refs, hashes, strict=True):
            if digest is None:
                keys.append(f"ref:{ref}")
            else:
                counts[digest] += 1
                keys.append(f"row:{digest}#{counts[digest]}")
        return keys

    def _occurrences(self, digests: list[str]) -> Counter[str]:
        """How often each digest occurred in earlier chunks; records this chunk's counts."""
        earlier: Counter[str] = Counter()
        unique = set(digests)
        if not unique:
            return earlier
        listed_digests = select(listed(self.conn, unique).c.value)
        for digest, n in self.conn.execute(
            select(_seen_rows.c.hash, _seen_rows.c.n).where(_seen_rows.c.hash.in_(listed_digests))
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

    def _store(self, rows: Rows) -> None:
        """Insert the events whose dedup key is new; rows of one order go to ``OrderRows``.

        The common case, a row per event and every key new, is one insert.
        """
        columns = rows.columns
        keys = columns["dedup_key"]
        taken = self.orders.taken(keys)
        if (
            taken
            or self.lines
            or len(set(keys)) < len(keys)
            or None in columns["contact_id"]
            or None in columns["occurred_at"]
        ):
            self.orders.store(rows, taken)
            return
        count_amounts(self.report, columns["amount"], "amount" in self.mapped)
        insert_columns(self.conn, event, columns)
        self.report.inserted += len(keys)

    def _reject(self, record: Record, reason: str, rejects: RejectsWriter) -> None:
        self.report.rejected += 1
        rejects.add(record.line, reason, record.raw)

    def _contact_ids(self, values: set[Any]) -> dict[Any, int]:
        """Key value → contact id, for the values a contact has (an address also when an
        earlier version stored it folded: see ``folded_emails``)."""
        found = self._ids_of(values)
        if self.key == "email":
            forms = folded_forms(values.difference(found), values)
            if forms:
                found.update((forms[f], cid) for f, cid in self._ids_of(set(forms)).items())
        return found

    def _ids_of(self, values: set[Any]) -> dict[Any, int]:
        keys = listed(self.conn, values)
        rows = self.conn.execute(
            select(contact.c[self.key], contact.c.id).select_from(
                keys.join(contact, contact.c[self.key] == keys.c.value)
            )
        )
        return dict(rows.all())

    def _create_contacts(self, keys: Sequence[Any], known: dict[Any, int]) -> None:
        missing = list(dict.fromkeys(value for value in keys if value not in known))
        if not missing:
            return
        self.conn.execute(
            contact.insert(),
            [
                {
                    self.key: value,
                    "search_text": search_text_of({self.key: value}),
                    "consent": "unknown",
                    "attributes": {},
                    "created_at": self.now,
                    "updated_at": self.now,
                    "import_batch_id": self.batch_id,
                }
                for value in missing
            ],
        )
        self.report.contacts_created += len(missing)
        known.update(self._contact_ids(set(missing)))


def _line_total(total: float | None, count: float | None, price: float | None) -> float | None:
    """The file's line total, else quantity times unit price, rounded to millionths so that
    3 times 19.99 is 59.97 and not the float's 59.970000000000006."""
    if total is not None or count is None or price is None:
        return total
    return round(count * price, 6)


def _floats(values: list[Any]) -> list[float | None]:
    if None in values:
        return [None if value is None else float(value) for value in values]
    return list(map(float, values))


class _UtcTimes(dict[Any, dt.datetime]):
    """``as_utc`` of each time, worked out once: an export's dates repeat row after row."""

    def __missing__(self, value: dt.date | dt.datetime) -> dt.datetime:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        moment = self[value] = as_utc(value)
        return moment
