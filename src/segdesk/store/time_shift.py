"""Move every date of a database by whole days: how the demo's history ends yesterday.

The sample database is a shop's history up to its anchor day. A demo opened later would show
that shop as it was then, every customer a little more lapsed each week. Moving every date
forward by the days since the anchor keeps all that the rules and models see — recency,
windows, the order of events — exactly as it was, so the stored members stay right.

This works on the stdlib ``sqlite3`` module, before SQLAlchemy is loaded, because the demo
copy is made before the app's first paint; the demo is always a SQLite file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from typing import Any

from segdesk.store.seconds_columns import SECONDS_COLUMNS

DATE_TYPES = ("DATE", "DATETIME")


def move_dates(conn: sqlite3.Connection, days: int) -> None:
    """Move every date and time in the database ``days`` days later, in one transaction.

    Covered: every ``DATE`` and ``DATETIME`` column, the times held as seconds (an integer
    column, found by name: ``SECONDS_COLUMNS``), the custom date fields in contacts'
    attributes, and the day a static list was frozen (its definition's ``as_of``). Times of
    day and the text after the date are kept as they are. The database's triggers are the
    same afterwards and did not fire.
    """
    if days == 0:
        return
    with conn:
        # Triggers keep derived rows (the order summary) in step with single changes; moving
        # every date at once keeps them in step by itself, so they are set aside meanwhile.
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {_quote(name)}")
        for table in _tables(conn):
            columns = _date_columns(conn, table)
            if columns:
                moved = ", ".join(f"{_quote(c)} = {_moved(_quote(c))}" for c in columns)
                conn.execute(
                    f"UPDATE {_quote(table)} SET {moved}",
                    {"days": f"{days:+d} days", "seconds": days * 86_400},
                )
        for _name, sql in triggers:
            conn.execute(sql)
        _move_attribute_dates(conn, days)
        _move_static_days(conn, days)
        conn.execute(
            "UPDATE meta SET value = date(value, :days) WHERE key = 'sample_anchor'",
            {"days": f"{days:+d} days"},
        )


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _date_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    seconds = SECONDS_COLUMNS.get(table, ())
    return [row[1] for row in info if str(row[2]).upper() in DATE_TYPES or row[1] in seconds]


def _moved(column: str) -> str:
    """The column's value moved: seconds by the days' seconds, text by its leading
    ``YYYY-MM-DD``; NULL stays NULL."""
    return (
        f"CASE typeof({column}) WHEN 'integer' THEN {column} + :seconds "
        f"ELSE date(substr({column}, 1, 10), :days) || substr({column}, 11) END"
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _move_attribute_dates(conn: sqlite3.Connection, days: int) -> None:
    """Custom date fields live in the ``attributes`` JSON of contacts, as ISO text."""
    fields = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM field WHERE origin = 'custom' AND type = 'date'"
        )
    ]
    if not fields:
        return
    changed = []
    for contact_id, text in conn.execute("SELECT id, attributes FROM contact").fetchall():
        attributes = json.loads(text) if text else None
        if not isinstance(attributes, dict):
            continue
        if any(_move_day(attributes, name, days) for name in fields):
            changed.append((json.dumps(attributes), contact_id))
    conn.executemany("UPDATE contact SET attributes = ? WHERE id = ?", changed)


def _move_static_days(conn: sqlite3.Connection, days: int) -> None:
    """A static list made from a rule records the day it was made in its definition (and in
    the definition its version keeps)."""
    for table in ("segment", "segment_version"):
        changed = []
        rows = conn.execute(
            f"SELECT id, definition FROM {table} WHERE definition LIKE '%\"static\"%'"
        ).fetchall()
        for row_id, text in rows:
            definition = json.loads(text)
            source = definition.get("static") if isinstance(definition, dict) else None
            if isinstance(source, dict) and _move_day(source, "as_of", days):
                changed.append((json.dumps(definition), row_id))
        conn.executemany(f"UPDATE {table} SET definition = ? WHERE id = ?", changed)


def _move_day(values: dict[str, Any], key: str, days: int) -> bool:
    """Move ``values[key]`` if it is ISO date text (with or without a time after it)."""
    value = values.get(key)
    if not isinstance(value, str):
        return False
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return False
    values[key] = (day + timedelta(days=days)).isoformat() + value[10:]
    return True
