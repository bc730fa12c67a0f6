"""The migration that keeps the times of orders as whole seconds (``store.utc_seconds``).

SQLite cannot change a column's declared type in place, so each table is built again, as
SQLite's documentation describes for any other change: a new table with the current
definition, the rows copied into it with their times turned into seconds, the old table
dropped and the new one renamed. ``order_line`` refers to ``event``: its new table refers to
the new ``event`` table, whose renaming carries the reference along, so no foreign key is
ever left pointing at a missing row. The indexes are built after the rows (one sort each),
the order summary is filled again from the orders, and all of it happens in the migration's
one transaction: a failure or a SIGKILL leaves the database at the version before.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.schema import CreateIndex, CreateTable

from segdesk.store.order_summary import create_triggers, refill
from segdesk.store.seconds_columns import SECONDS_COLUMNS
from segdesk.store.tables import Event, OrderLine, OrderSummary

REBUILT = ("event", "order_line")
"""The tables copied in this order (a line's order first); order_summary is derived."""


def times_in_seconds(conn: Connection) -> None:
    """Move ``event``, ``order_line`` and ``order_summary`` to times held as seconds."""
    models: dict[str, Table] = {
        model.__tablename__: model.__table__ for model in (Event, OrderLine, OrderSummary)
    }
    for name in REBUILT:
        conn.exec_driver_sql(_create_sql(conn, models[name], f"{name}_new"))
        conn.exec_driver_sql(_copy_sql(models[name], f"{name}_new"))
    for name in reversed(REBUILT):  # the lines first: nothing refers to them
        conn.exec_driver_sql(f"DROP TABLE {name}")
    for name in REBUILT:
        conn.exec_driver_sql(f"ALTER TABLE {name}_new RENAME TO {name}")
        for index in sorted(models[name].indexes, key=lambda i: str(i.name)):
            conn.execute(CreateIndex(index))
    conn.exec_driver_sql("DROP TABLE order_summary")
    conn.execute(CreateTable(models["order_summary"]))
    create_triggers(conn)
    refill(conn)


def _create_sql(conn: Connection, model: Table, name: str) -> str:
    """The model's ``CREATE TABLE`` under another name, referring to the other new tables."""
    sql = str(CreateTable(model).compile(dialect=conn.dialect))
    sql = sql.replace(f"CREATE TABLE {model.name} ", f"CREATE TABLE {name} ", 1)
    for other in REBUILT:
        sql = sql.replace(f"REFERENCES {other} ", f"REFERENCES {other}_new ")
    return sql


def _copy_sql(model: Table, name: str) -> str:
    seconds = SECONDS_COLUMNS[model.name]
    names = [c.name for c in model.columns]
    values = [
        f"CASE WHEN typeof({c}) = 'text' THEN CAST(strftime('%s', {c}) AS INTEGER) ELSE {c} END"
        if c in seconds
        else c
        for c in names
    ]
    return (
        f"INSERT INTO {name} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {model.name} ORDER BY id"
    )
