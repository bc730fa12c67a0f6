"""Rows of one order put together: a shop's line-item export read as orders with their lines.

Every row of an import that gives the same order id (``ref``) is a row of one order, wherever
it is in the file; the event writer hands the rows over a chunk at a time, and an order's rows
may be in several chunks. For each order:

- the first row (in file order) that gives a contact and a date starts it; that row counts as
  inserted, every other row as merged into it;
- the total, the status and the date are the first row's that gives them (Shopify gives them
  on the first row only); a later row giving another value is counted in a warning naming
  its line, and the first value is kept;
- its quantity is the sum of its rows' quantities; without an amount column, its amount is
  the sum of its lines' totals;
- when the mapping has line fields, each row is also a line of the order (``order_line``),
  numbered in file order.

A row that gives neither a contact nor a date waits (in a table of the import's transaction)
until its order starts; if none does by the end of the file, it is rejected with the reason.

An order an earlier import stored under its order id is the file's again when its rows are
all read (they are kept aside until the end, as any of them may be in the last chunk): put
together as above, it is compared with the stored order on what the file gives (status,
total, quantity, lines, the lines in any order). Alike, all its rows count as unchanged. If
not, as a newer export with a refund since, the stored order takes the file's values, and its
lines when they differ (its contact and date stay); its first row counts as updated and the
others as merged, and what it was is kept in ``import_change`` for undo (``history``).
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
)

from segdesk.ingest.import_report import ImportReport, RejectsWriter, add_counts
from segdesk.ingest.typed_rows import key_checks
from segdesk.store.bulk import JsonTexts, insert_columns
from segdesk.store.tables import Event, ImportChange, OrderLine
from segdesk.store.value_lists import among, listed

event = Event.__table__
order_line = OrderLine.__table__
change = ImportChange.__table__

ORDER_UPDATED = "order updated"
"""The ``import_change`` action of an order an import updated: ``before`` holds the order's
``event_id``, its ``amount``, ``quantity`` and ``status``, and its ``lines`` (every column),
None when the import left them as they were."""

_waiting = Table(
    "segdesk_import_waiting_rows",
    MetaData(),
    Column("n", Integer, primary_key=True),
    Column("row", LargeBinary, nullable=False),
    prefixes=["TEMPORARY"],
)
"""Rows waiting for their order to start, as pickles of this import's own values."""

WAITING_CHUNK = 5000
"""Waiting rows taken up together at the end of an import."""

_restated = Table(
    "segdesk_import_restated_rows",
    MetaData(),
    Column("n", Integer, primary_key=True),
    Column("key", String, nullable=False),
    Column("row", LargeBinary, nullable=False),
    Index("segdesk_import_restated_key", "key", "n"),
    prefixes=["TEMPORARY"],
)
"""Rows of orders earlier imports stored, kept aside until the file is read (as ``_waiting``)."""

RESTATED_ORDERS = 2000
"""Orders of earlier imports compared together at the end of an import."""

_LINE_VALUES = ("product", "sku", "category", "quantity", "unit_price", "line_total")
"""What a line is compared on: a changed custom column alone changes no order."""

_CONFLICTS = {
    "amount": "total",
    "status": "status",
    "occurred_at": "date",
    "contact_id": "contact",
}
"""Order values a later row may contradict, and their names in the warning."""


@dataclass
class Rows:
    """A chunk's typed event rows, a column at a time.

    ``columns`` are the event table's; ``line`` the line fields (product, sku, category,
    unit_price, line_total) when rows are lines, else empty; ``lines`` and ``raws`` each row's
    line in the file and its values as read, for warnings and rejected rows.
    """

    columns: dict[str, list[Any]]
    line: dict[str, list[Any]]
    lines: list[int]
    raws: list[tuple[str, ...]]

    def row(self, index: int) -> tuple[int, tuple[str, ...], dict[str, Any], dict[str, Any]]:
        """One row, to keep aside and make ``Rows`` of again (``from_rows``)."""
        return (
            self.lines[index],
            self.raws[index],
            {name: column[index] for name, column in self.columns.items()},
            {name: column[index] for name, column in self.line.items()},
        )

    @classmethod
    def from_rows(
        cls, rows: Sequence[tuple[int, tuple[str, ...], dict[str, Any], dict[str, Any]]]
    ) -> Rows:
        """The ``Rows`` of rows kept aside by ``row`` (at least one)."""
        columns = {name: [row[2][name] for row in rows] for name in rows[0][2]}
        columns["attributes"] = JsonTexts(columns["attributes"])
        line = {name: [row[3][name] for row in rows] for name in rows[0][3]}
        return cls(columns, line, [row[0] for row in rows], [row[1] for row in rows])

    def values(self, index: int) -> tuple[Any, ...]:
        """One row's line in the file and values, without the values as read (no rejected
        row comes of it): less to keep aside than ``row``, for ``from_values``."""
        return (
            self.lines[index],
            *(column[index] for column in self.columns.values()),
            *(column[index] for column in self.line.values()),
        )

    @classmethod
    def from_values(
        cls, names: Sequence[str], line_names: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> Rows:
        """The ``Rows`` of rows kept aside by ``values``, with the names of their columns."""
        by_column = list(zip(*rows, strict=True))
        columns = {name: list(by_column[1 + i]) for i, name in enumerate(names)}
        columns["attributes"] = JsonTexts(columns["attributes"])
        start = 1 + len(names)
        line = {name: list(by_column[start + i]) for i, name in enumerate(line_names)}
        return cls(columns, line, list(by_column[0]), [()] * len(rows))


@dataclass(eq=False)
class _Order:
    """One order while its rows are put together: stored already (``id``) or to insert
    (``head``, the index of the row that starts it). Compared by identity."""

    key: str
    contact_id: int
    occurred_at: dt.datetime
    amount: float | None = None
    quantity: float | None = None
    status: str | None = None
    lines: int = 0
    id: int | None = None
    head: int | None = None
    changed: bool = False


@dataclass
class _Conflicts:
    """Rows contradicting their order's first row, by value: how many, and the first line."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, line: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        self.first.setdefault(what, line)

    def warnings(self) -> list[tuple[int, str, int]]:
        return [
            (
                self.first[what],
                f"rows giving their order another {what} than its first row did (the first "
                f"at line {self.first[what]}); the first {what} was kept",
                n,
            )
            for what, n in self.counts.items()
        ]


class OrderRows:
    """Puts the rows of one import's orders together, chunk after chunk (see the module)."""

    def __init__(
        self,
        conn: Connection,
        batch_id: int,
        key: str,
        kind: str,
        report: ImportReport,
        mapped: frozenset[str],
    ) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.kind = kind
        self.report = report
        self.amount_given = "amount" in mapped
        self.status_given = "status" in mapped
        self.quantity_given = "quantity" in mapped
        [(_, self.no_contact), (_, self.no_date)] = key_checks(key, "events")
        self.conflicts = _Conflicts()
        self._waiting = False
        self._restating = False
        self._restated_names: tuple[list[str], list[str]] = ([], [])

    def taken(self, keys: Sequence[str]) -> dict[str, tuple[int, int | None]]:
        """The stored events among ``keys``: key → (event id, import that stored it)."""
        # IN, not a join: a join could be planned as a scan of the kind's events
        listed_keys = select(listed(self.conn, set(keys)).c.value)
        rows = self.conn.execute(
            select(event.c.dedup_key, event.c.id, event.c.import_batch_id).where(
                event.c.kind == self.kind, event.c.dedup_key.in_(listed_keys)
            )
        )
        return {key: (event_id, batch) for key, event_id, batch in rows}

    def store(self, rows: Rows, taken: dict[str, tuple[int, int | None]]) -> None:
        """Put a chunk's rows into their orders: new ones, or those of earlier chunks."""
        self._store(rows, taken, final=False)

    def close(self, rejects: RejectsWriter) -> None:
        """Take up the rows that waited: into the order that started since, or rejected.
        Then compare the orders of earlier imports with the file's, and count the
        contradictions as warnings."""
        if self._waiting:
            for rows in self._waited():
                taken = self.taken(rows.columns["dedup_key"])
                self._store(rows, taken, final=True, rejects=rejects)
            _waiting.drop(self.conn)
            self._waiting = False
        if self._restating:
            for keys, rows in self._restated_orders():
                self._restate(keys, rows)
            _restated.drop(self.conn)
            self._restating = False
        add_counts(self.report.quality.warnings, self.conflicts.warnings())

    def _store(
        self,
        rows: Rows,
        taken: dict[str, tuple[int, int | None]],
        *,
        final: bool,
        rejects: RejectsWriter | None = None,
    ) -> None:
        columns = rows.columns
        contacts, dates = columns["contact_id"], columns["occurred_at"]
        groups: dict[str, list[int]] = {}
        for index, key in enumerate(columns["dedup_key"]):
            groups.setdefault(key, []).append(index)
        stored = self._stored_orders(
            [key for key, (_, batch) in taken.items() if batch == self.batch_id]
        )
        new: list[_Order] = []
        lines: list[tuple[_Order, int, int]] = []  # order, row, line number
        waiting: list[int] = []
        restated: list[int] = []
        report = self.report
        for key, indexes in groups.items():
            if key in taken and key not in stored:  # an earlier import's order
                if key.startswith("ref:"):
                    restated.extend(indexes)
                else:  # a key from the row's content: the same content
                    report.unchanged += len(indexes)
                continue
            order = stored.get(key)
            if order is None:
                head = next(
                    (i for i in indexes if contacts[i] is not None and dates[i] is not None),
                    None,
                )
                if head is None:
                    if final:
                        assert rejects is not None
                        self._reject(rows, indexes, rejects)
                    else:
                        waiting.extend(indexes)
                    continue
                order = _Order(key, contacts[head], dates[head], head=head)
                new.append(order)
                report.inserted += 1
                merged = len(indexes) - 1
            else:
                merged = len(indexes)
            report.merged += merged
            report.quality.repeated_refs += merged
            for index in indexes:
                self._add(order, rows, index)
                if rows.line:
                    lines.append((order, index, order.lines))
        self._insert(rows, new)
        self._update(stored.values())
        if lines:
            self._insert_lines(rows, lines)
        if waiting:
            self._wait(rows, waiting)
        if restated:
            if not self._restating:
                _restated.create(self.conn)
                self._restating = True
                self._restated_names = (list(rows.columns), list(rows.line))
            keys = rows.columns["dedup_key"]
            self.conn.execute(
                _restated.insert(),
                [{"key": keys[i], "row": pickle.dumps(rows.values(i))} for i in restated],
            )

    def _add(self, order: _Order, rows: Rows, index: int) -> None:
        """One row into its order: sums, first values kept, contradictions counted."""
        columns = rows.columns
        order.changed = True
        order.lines += 1
        quantity = columns["quantity"][index]
        if quantity is not None:
            order.quantity = _plus(order.quantity, quantity)
        if self.amount_given:
            amount = columns["amount"][index]
            order.amount = self._first(order.amount, amount, "amount", rows, index)
        elif rows.line:
            total = rows.line["line_total"][index]
            if total is not None:
                order.amount = _plus(order.amount, total)
        if self.status_given:
            status = columns["status"][index]
            order.status = self._first(order.status, status, "status", rows, index)
        for name, kept in (("occurred_at", order.occurred_at), ("contact_id", order.contact_id)):
            value = columns[name][index]
            if value is not None and value != kept:
                self.conflicts.add(_CONFLICTS[name], rows.lines[index])

    def _first(self, kept: Any, value: Any, name: str, rows: Rows, index: int) -> Any:
        """The order's value: the first one given; another one later is a contradiction."""
        if kept is None:
            return value
        if value is not None and value != kept:
            self.conflicts.add(_CONFLICTS[name], rows.lines[index])
        return kept

    def _stored_orders(self, keys: list[str]) -> dict[str, _Order]:
        """Orders this import stored from earlier chunks, with their lines so far."""
        if not keys:
            return {}
        count = (
            select(func.count())
            .where(order_line.c.event_id == event.c.id)
            .correlate(event)
            .scalar_subquery()
        )
        rows = self.conn.execute(
            select(
                event.c.dedup_key.label("key"),
                event.c.contact_id,
                event.c.occurred_at,
                event.c.amount,
                event.c.quantity,
                event.c.status,
                count.label("lines"),
                event.c.id,
            ).where(
                event.c.kind == self.kind,
                event.c.dedup_key.in_(select(listed(self.conn, keys).c.value)),
            )
        )
        return {row.key: _Order(**row._asdict()) for row in rows}

    def _insert(self, rows: Rows, new: list[_Order]) -> None:
        """The new orders: their first row's columns, with the order's sums and first values."""
        if not new:
            return
        heads = [order.head for order in new if order.head is not None]
        columns = {
            name: type(values)(values[i] for i in heads) for name, values in rows.columns.items()
        }
        columns["amount"] = [order.amount for order in new]
        columns["quantity"] = [order.quantity for order in new]
        if self.status_given:
            columns["status"] = [order.status for order in new]
        count_amounts(self.report, columns["amount"], self.amount_given)
        insert_columns(self.conn, event, columns)

    def _update(self, orders: Iterable[_Order]) -> None:
        """Orders of earlier chunks that took rows of this one."""
        changed = [
            {"v_id": o.id, "v_amount": o.amount, "v_quantity": o.quantity, "v_status": o.status}
            for o in orders
            if o.changed
        ]
        if changed:
            self.conn.execute(
                event.update()
                .where(event.c.id == bindparam("v_id"))
                .values(
                    amount=bindparam("v_amount"),
                    quantity=bindparam("v_quantity"),
                    status=bindparam("v_status"),
                ),
                changed,
            )

    def _insert_lines(self, rows: Rows, lines: list[tuple[_Order, int, int]]) -> None:
        """A line per row, numbered as its rows came."""
        fresh = [order.key for order in _new_orders(lines)]
        if fresh:
            ids = dict(
                self.conn.execute(
                    select(event.c.dedup_key, event.c.id).where(
                        event.c.kind == self.kind,
                        event.c.dedup_key.in_(select(listed(self.conn, fresh).c.value)),
                    )
                ).all()
            )
            for order, _, _ in lines:
                if order.id is None:
                    order.id = ids[order.key]
        orders = [order for order, _, _ in lines]
        indexes = [index for _, index, _ in lines]
        line = rows.line
        insert_columns(
            self.conn,
            order_line,
            {
                "event_id": [order.id for order in orders],
                "line_no": [number for _, _, number in lines],
                "contact_id": [order.contact_id for order in orders],
                "occurred_at": [order.occurred_at for order in orders],
                "product": [line["product"][i] for i in indexes],
                "sku": [line["sku"][i] for i in indexes],
                "category": [line["category"][i] for i in indexes],
                "quantity": [rows.columns["quantity"][i] for i in indexes],
                "unit_price": [line["unit_price"][i] for i in indexes],
                "line_total": [line["line_total"][i] for i in indexes],
                "attributes": JsonTexts(rows.columns["attributes"][i] for i in indexes),
            },
        )
        self.report.lines += len(lines)

    def _wait(self, rows: Rows, indexes: list[int]) -> None:
        if not self._waiting:
            _waiting.create(self.conn)
            self._waiting = True
        self.conn.execute(_waiting.insert(), [{"row": pickle.dumps(rows.row(i))} for i in indexes])

    def _waited(self) -> Iterator[Rows]:
        """The waiting rows, in file order, a chunk at a time."""
        last = 0
        while True:
            chunk = self.conn.execute(
                select(_waiting.c.n, _waiting.c.row)
                .where(_waiting.c.n > last)
                .order_by(_waiting.c.n)
                .limit(WAITING_CHUNK)
            ).all()
            if not chunk:
                return
            last = chunk[-1][0]
            # the import's own values, written by ``_wait`` in this transaction
            yield Rows.from_rows([pickle.loads(row) for _, row in chunk])

    def _restated_orders(self) -> Iterator[tuple[list[str], Rows]]:
        """The kept-aside rows a few thousand orders at a time, each order's in file order."""
        last = ""
        while True:
            keys = list(
                self.conn.execute(
                    select(_restated.c.key)
                    .distinct()
                    .where(_restated.c.key > last)
                    .order_by(_restated.c.key)
                    .limit(RESTATED_ORDERS)
                ).scalars()
            )
            if not keys:
                return
            last = keys[-1]
            kept = self.conn.execute(
                select(_restated.c.row)
                .where(_restated.c.key.between(keys[0], last))
                .order_by(_restated.c.key, _restated.c.n)
            ).scalars()
            # the import's own values, written by ``_store`` in this transaction
            yield keys, Rows.from_values(*self._restated_names, [pickle.loads(r) for r in kept])

    def _restate(self, keys: list[str], rows: Rows) -> None:
        """Orders of earlier imports as the file gives them: unchanged, or updated."""
        stored = {
            row.dedup_key: row
            for row in self.conn.execute(
                select(
                    event.c.dedup_key,
                    event.c.id,
                    event.c.contact_id,
                    event.c.occurred_at,
                    event.c.amount,
                    event.c.quantity,
                    event.c.status,
                ).where(
                    event.c.kind == self.kind,
                    event.c.dedup_key.in_(select(listed(self.conn, keys).c.value)),
                )
            )
        }
        stored_lines: dict[int, list[tuple[Any, ...]]] = {row.id: [] for row in stored.values()}
        file_lines: list[tuple[Any, ...]] = []
        if rows.line:
            compared = [order_line.c[name] for name in _LINE_VALUES]
            for event_id, *line_values in self.conn.execute(
                select(order_line.c.event_id, *compared)
                .where(among(self.conn, order_line.c.event_id, list(stored_lines)))
                .order_by(order_line.c.event_id, order_line.c.line_no)
            ):
                stored_lines[event_id].append(tuple(line_values))
            file_lines = list(
                zip(
                    *(rows.columns[n] if n == "quantity" else rows.line[n] for n in _LINE_VALUES),
                    strict=True,
                )
            )
        groups: dict[str, list[int]] = {}
        for index, key in enumerate(rows.columns["dedup_key"]):
            groups.setdefault(key, []).append(index)
        given = self._given(rows)
        updates: list[dict[str, Any]] = []
        befores: list[tuple[Any, bool]] = []
        new_lines: list[tuple[_Order, int, int]] = []
        report = self.report
        for key, indexes in groups.items():
            old = stored[key]
            order = _Order(key, old.contact_id, old.occurred_at, id=old.id)
            for index in indexes:
                self._add(order, rows, index)
            values = {name: getattr(order, name) for name in given}
            replaced = bool(rows.line) and _lines_differ(
                [file_lines[i] for i in indexes], stored_lines[old.id]
            )
            if not replaced and all(getattr(old, n) == v for n, v in values.items()):
                report.unchanged += len(indexes)
                continue
            report.updated += 1
            report.merged += len(indexes) - 1
            report.quality.repeated_refs += len(indexes) - 1
            updates.append({"v_id": old.id, **{f"v_{n}": v for n, v in values.items()}})
            befores.append((old, replaced))
            if replaced:
                new_lines.extend((order, index, number) for number, index in enumerate(indexes, 1))
        if updates:
            self._update_restated(rows, given, updates, befores, new_lines)

    def _update_restated(
        self,
        rows: Rows,
        given: list[str],
        updates: list[dict[str, Any]],
        befores: list[tuple[Any, bool]],
        new_lines: list[tuple[_Order, int, int]],
    ) -> None:
        """Write what the updated orders were (``import_change``: ``befores`` are the stored
        orders, each with whether its lines are replaced), then the file's values, and the
        file's lines in place of those that differ."""
        replaced = [old.id for old, lines in befores if lines]
        old_lines: dict[int, list[dict[str, Any]]] = {event_id: [] for event_id in replaced}
        if replaced:
            for line in self.conn.execute(
                select(order_line)
                .where(among(self.conn, order_line.c.event_id, replaced))
                .order_by(order_line.c.event_id, order_line.c.line_no)
            ):
                old_lines[line.event_id].append(_line_values(line))
        self.conn.execute(
            change.insert(),
            [
                {
                    "import_batch_id": self.batch_id,
                    "contact_id": old.contact_id,
                    "action": ORDER_UPDATED,
                    "before": {
                        "event_id": old.id,
                        "amount": old.amount,
                        "quantity": old.quantity,
                        "status": old.status,
                        "lines": old_lines[old.id] if lines else None,
                    },
                }
                for old, lines in befores
            ],
        )
        if given:
            self.conn.execute(
                event.update()
                .where(event.c.id == bindparam("v_id"))
                .values({name: bindparam(f"v_{name}") for name in given}),
                updates,
            )
        if new_lines:
            # new lines first: their ids are then above every line's, the old ones' included,
            # so that an undo can put the old lines back under their own ids
            old_ids = [line["id"] for lines in old_lines.values() for line in lines]
            self._insert_lines(rows, new_lines)
            if old_ids:
                self.conn.execute(
                    delete(order_line).where(among(self.conn, order_line.c.id, old_ids))
                )

    def _given(self, rows: Rows) -> list[str]:
        """The order values the file gives: those an earlier import's order is compared on."""
        given = []
        if self.amount_given or rows.line:
            given.append("amount")
        if self.quantity_given:
            given.append("quantity")
        if self.status_given:
            given.append("status")
        return given

    def _reject(self, rows: Rows, indexes: list[int], rejects: RejectsWriter) -> None:
        """Rows whose order never started, each with the first thing it lacks: its contact
        (the key's value) or its date."""
        columns = rows.columns
        for index in indexes:
            missing = columns["contact_id"][index] is None
            self.report.rejected += 1
            rejects.add(
                rows.lines[index], self.no_contact if missing else self.no_date, rows.raws[index]
            )


def count_amounts(report: ImportReport, amounts: list[float | None], given: bool) -> None:
    """Findings about new orders' amounts: below zero (refunds?), and empty where a column
    gives them. Counted per order, so that a refund on five line-item rows counts once."""
    below = [i for i, amount in enumerate(amounts) if amount is not None and amount < 0]
    if below:
        add_counts(
            report.quality.warnings, [(below[0], "amounts below zero (refunds?)", len(below))]
        )
    if given and None in amounts:
        add_counts(report.quality.missing, [(amounts.index(None), "amount", amounts.count(None))])


def _lines_differ(given: list[tuple[Any, ...]], stored: list[tuple[Any, ...]]) -> bool:
    """Whether the file's lines of an order are other than the stored ones, in any order."""
    return given != stored and Counter(given) != Counter(stored)


def _line_values(line: Any) -> dict[str, Any]:
    """A stored line whole, as ``import_change`` keeps it (times as ISO text) for undo."""
    return {
        name: value.isoformat() if isinstance(value, dt.datetime) else value
        for name, value in line._mapping.items()
    }


def _new_orders(lines: list[tuple[_Order, int, int]]) -> list[_Order]:
    """The orders of ``lines`` not stored yet, once each."""
    return [order for order in dict.fromkeys(o for o, _, _ in lines) if order.id is None]


def _plus(total: float | None, value: float) -> float:
    """``total + value``, rounded to millionths so that sums of prices stay as written."""
    return value if total is None else round(total + value, 6)
