"""``order_summary`` stays what the orders make it, through every write path, and the rules
that read it answer as the reference evaluator does.

Random sequences of real imports (row by row and the bulk path, re-imports that change an
order's status and total, orders dated after today), undos (which delete the orders and the
contacts an import created) and a direct delete of orders; after each sequence the kept
table equals its recomputation from the orders, and every rule below, compiled, has the
members the reference evaluator gives over the database's own rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from segdesk.ingest import importer
from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule, matches, parse
from segdesk.store import deferred_indexes
from segdesk.store.migrations import backup_path
from segdesk.store.order_summary import recomputed, stored
from segdesk.store.tables import Contact, Event
from segdesk.workspace import Workspace
from tests.factories import drop_order_summary
from tests.sizes import sized

TODAY = dt.date(2024, 6, 30)
RULES = (
    "orders.count >= 2",
    "orders.count = 0",
    "orders.count < 3 and orders.total <= 200",
    "orders.total > 150",
    "not (orders.total between 50 and 300)",
    "orders.first before 2024-03-01",
    "orders.last within last 30 days",
    "orders.last is empty or orders.first after 2024-06-20",
    "orders.count in last 90 days >= 1 and orders.total > 100",
    "orders.count in last 30 days = 0 or orders.count >= 3",
    'orders(status = "refunded").count >= 1 or orders.total >= 250',
)
HEADER = "Name,Email,Financial Status,Total,Created at"
STATUSES = ("paid", "paid", "pending", "refunded", "cancelled", "")
AMOUNTS = ("10", "55.50", "100", "250")
DAYS = ("2024-01-15", "2024-02-29", "2024-04-02", "2024-06-10", "2024-06-30", "2024-07-04")

orders = st.lists(
    st.tuples(
        st.integers(1, 8),  # the order number: re-imports restate earlier orders
        st.integers(0, 5),  # the customer
        st.sampled_from(STATUSES),
        st.sampled_from(AMOUNTS),
        st.sampled_from(DAYS),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda order: order[0],
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("import"), orders, st.booleans()),
        st.tuples(st.just("import"), orders, st.booleans()),
        st.tuples(st.just("undo"), st.none(), st.none()),
        st.tuples(st.just("delete"), st.integers(1, 8), st.none()),
    ),
    min_size=2,
    max_size=5,
)


def _write(folder: Path, n: int, rows: list[tuple[int, int, str, str, str]]) -> Path:
    path = folder / f"orders-{n}.csv"
    lines = [HEADER] + [f"#{o},c{c}@example.com,{s},{a},{d}" for o, c, s, a, d in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(ws: Workspace, path: Path, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deferred_indexes, "BULK_MIN_ROWS", 0 if bulk else 10**9)
    monkeypatch.setattr(deferred_indexes, "BULK_SHARE", 0.0)
    shape = ws.imports.inspect(path)
    ws.imports.run(
        shape,
        ws.imports.suggest_mapping(shape, "events"),
        importer.ImportOptions(target="events", create_missing=True),
        rejects=path.with_suffix(".rejects.csv"),
    )


def _delete_order(db: Path, number: int) -> None:
    """A delete no import or undo makes (a repair by hand): the triggers keep up still."""
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DELETE FROM event WHERE ref = ?", (f"#{number}",))


def _reference(ws: Workspace, rule_text: str) -> tuple[set[int], set[int]]:
    """The compiled rule's members and the reference evaluator's, over the stored rows."""
    with ws.engine.connect() as conn:
        catalog = FieldCatalog.from_connection(conn)
        rule = parse(rule_text, catalog)
        compiled = set(
            conn.execute(compile_rule(rule, catalog, TODAY, DatabaseSegments(conn))).scalars()
        )
        contacts = [dict(r._mapping) for r in conn.execute(select(Contact.__table__))]
        events: dict[int, list[dict[str, Any]]] = {}
        for row in conn.execute(select(Event.__table__)):
            events.setdefault(row.contact_id, []).append(dict(row._mapping))
    expected = {c["id"] for c in contacts if matches(rule, c, events.get(c["id"], []), TODAY, {})}
    return compiled, expected


@settings(
    max_examples=sized(15, 150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=steps)
def test_summary_and_rules_after_imports_undos_and_deletes(
    steps: list[tuple[str, Any, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)  # orders and their updates span chunks
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp), Path(tmp) / "shop.db"
        with Workspace.open(db) as ws:
            done: list[int] = []
            for n, (action, value, bulk) in enumerate(steps):
                if action == "import":
                    _import(ws, _write(folder, n, value), bulk, monkeypatch)
                    done.append(ws.imports.history(1)[0].id)
                elif action == "undo" and done:
                    batch = done.pop()
                    if ws.imports.undo_refusal(batch) is None:
                        ws.imports.undo(batch)
                elif action == "delete":
                    _delete_order(db, value)
            with ws.engine.connect() as conn:
                assert stored(conn) == recomputed(conn)
            for rule_text in RULES:
                compiled, expected = _reference(ws, rule_text)
                assert compiled == expected, rule_text


def test_migration_9_fills_the_summary_from_the_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A schema 8 database (no summary) is backed up, then gets the table, filled equal to
    its recomputation, and the triggers that keep it."""
    db = tmp_path / "shop.db"
    rows = [(1, 1, "paid", "100", DAYS[0]), (2, 1, "refunded", "10", DAYS[1])]
    rows += [(3, 2, "", "55.50", DAYS[2]), (4, 3, "cancelled", "250", DAYS[3])]
    with Workspace.open(db) as ws:
        _import(ws, _write(tmp_path, 0, rows), False, monkeypatch)
    with closing(sqlite3.connect(db)) as conn, conn:
        drop_order_summary(conn)
        conn.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    with Workspace.open(db) as ws:
        with ws.engine.connect() as conn:
            assert stored(conn) == recomputed(conn) and len(stored(conn)) == 2
        _import(ws, _write(tmp_path, 1, [(4, 3, "paid", "250", DAYS[3])]), False, monkeypatch)
        with ws.engine.connect() as conn:
            assert stored(conn) == recomputed(conn) and len(stored(conn)) == 3
    assert backup_path(db, 8).exists()
