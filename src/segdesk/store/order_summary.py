"""Each contact's counted orders in one row: how many, their revenue, the first and the last.

A rule's condition on orders without a window or a filter (``orders.total > 500``,
``orders.count >= 3``, ``orders.first before 2024-01-01``) reads this row instead of grouping
every order of the shop (``rules.compiler``). Counted orders are those the rules count: kind
``order``, status none or not refunded, voided or cancelled (``store.order_status``).

The table is kept exact by triggers on ``event``, so that every write path (imports, updates
of re-imported orders, undo, tests and tools that insert rows directly) keeps it without
knowing of it: an insert adds its order to the row; an update or a delete works the contact's
row out again from its orders. A large import drops the triggers with the indexes it defers
(``store.deferred_indexes``) and fills the whole table again at the end (:func:`refill`), in
its transaction; so does the undo of a large import (:func:`refilled_after`), which would
otherwise work a row out again for each order it deletes. Any orders import leaves the insert
trigger out while it writes (:func:`pause_inserts`) and works the rows of the contacts it
added orders to out again at the end (:func:`recount_batch`): one grouped statement costs
about half of what the trigger costs row by row. A contact without counted orders
has no row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from segdesk.store.order_status import LEFT_OUT

ORDER_KIND = "order"
_LEFT_OUT = ", ".join(f"'{s}'" for s in sorted(LEFT_OUT))


def _counted(row: str) -> str:
    status = f"{row}.status"
    return f"{row}.kind = '{ORDER_KIND}' AND ({status} IS NULL OR {status} NOT IN ({_LEFT_OUT}))"


_AGGREGATES = "count(*), coalesce(sum(amount), 0.0), min(occurred_at), max(occurred_at)"
_COLUMNS = "contact_id, orders, revenue, first_at, last_at"


FILL_SQL = (
    f"INSERT INTO order_summary ({_COLUMNS}) SELECT contact_id, {_AGGREGATES} "
    f"FROM event WHERE {_counted('event')} GROUP BY contact_id"
)
"""Fills an empty table from the orders (also for tools that load orders with ``sqlite3``)."""


def _recount(contact: str) -> str:
    """Statements that work one contact's row out again from its orders."""
    return (
        f"DELETE FROM order_summary WHERE contact_id = {contact};\n"
        f"  INSERT INTO order_summary ({_COLUMNS})\n"
        f"  SELECT contact_id, {_AGGREGATES} FROM event\n"
        f"  WHERE contact_id = {contact} AND {_counted('event')} GROUP BY contact_id;"
    )


TRIGGERS: dict[str, str] = {
    "order_summary_insert": (
        "CREATE TRIGGER IF NOT EXISTS order_summary_insert AFTER INSERT ON event\n"
        f"WHEN {_counted('NEW')}\n"
        "BEGIN\n"
        f"  INSERT INTO order_summary ({_COLUMNS})\n"
        "  VALUES (NEW.contact_id, 1, coalesce(NEW.amount, 0.0), NEW.occurred_at, "
        "NEW.occurred_at)\n"
        "  ON CONFLICT (contact_id) DO UPDATE SET orders = orders + 1,\n"
        "    revenue = revenue + excluded.revenue,\n"
        "    first_at = min(first_at, excluded.first_at),\n"
        "    last_at = max(last_at, excluded.last_at);\n"
        "END"
    ),
    "order_summary_delete": (
        "CREATE TRIGGER IF NOT EXISTS order_summary_delete AFTER DELETE ON event\n"
        f"WHEN OLD.kind = '{ORDER_KIND}'\n"
        f"BEGIN\n  {_recount('OLD.contact_id')}\nEND"
    ),
    "order_summary_update": (
        "CREATE TRIGGER IF NOT EXISTS order_summary_update\n"
        "AFTER UPDATE OF contact_id, kind, occurred_at, amount, status ON event\n"
        f"WHEN OLD.kind = '{ORDER_KIND}' OR NEW.kind = '{ORDER_KIND}'\n"
        f"BEGIN\n  {_recount('OLD.contact_id')}\n  {_recount('NEW.contact_id')}\nEND"
    ),
}
"""The triggers on ``event`` that keep ``order_summary``, by name (SQLite's SQL)."""


def recomputed(conn: Connection) -> set[tuple[Any, ...]]:
    """The table's rows as its definition makes them from the orders: what tests hold the
    kept table to."""
    rows = conn.exec_driver_sql(
        f"SELECT contact_id, {_AGGREGATES} FROM event WHERE {_counted('event')} GROUP BY contact_id"
    )
    return {tuple(row) for row in rows}


def stored(conn: Connection) -> set[tuple[Any, ...]]:
    """The table's rows as kept."""
    rows = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM order_summary")
    return {tuple(row) for row in rows}


def refill(conn: Connection) -> None:
    """Fill the whole table again from the orders (after a large load, and in the
    migration that adds it)."""
    conn.exec_driver_sql("DELETE FROM order_summary")
    conn.exec_driver_sql(FILL_SQL)


def create_triggers(conn: Connection) -> None:
    for sql in TRIGGERS.values():
        conn.exec_driver_sql(sql)


@contextmanager
def refilled_after(conn: Connection, large: bool) -> Iterator[None]:
    """Inside the caller's transaction: when ``large``, the triggers are dropped for the
    block and the table filled again after it (a rollback gives the triggers back)."""
    if not large:
        yield
        return
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    create_triggers(conn)
    refill(conn)


INSERT_TRIGGER = "order_summary_insert"


def pause_inserts(conn: Connection) -> None:
    """Leave the insert trigger out until :func:`recount_batch`, inside the caller's
    transaction (a rollback gives it back)."""
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {INSERT_TRIGGER}")


def recount_batch(conn: Connection, batch_id: int, *, refilled: bool) -> None:
    """Give the insert trigger back, and work out again the rows of the contacts the import
    ``batch_id`` added orders to (nothing to do when the whole table was ``refilled``)."""
    conn.exec_driver_sql(TRIGGERS[INSERT_TRIGGER])
    if refilled:
        return
    touched = f"SELECT contact_id FROM event WHERE import_batch_id = {int(batch_id)}"
    conn.exec_driver_sql(f"DELETE FROM order_summary WHERE contact_id IN ({touched})")
    conn.exec_driver_sql(
        f"INSERT INTO order_summary ({_COLUMNS}) SELECT contact_id, {_AGGREGATES} FROM event "
        f"WHERE contact_id IN ({touched}) AND {_counted('event')} GROUP BY contact_id"
    )
