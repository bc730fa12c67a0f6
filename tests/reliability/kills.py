"""Running ``segdesk`` as a user does and killing it with SIGKILL while it holds the database's
write lock, that is while its transaction is open.

Nothing in the product helps: the test watches the database from outside. A command's write
transaction takes SQLite's write lock as it begins and keeps it until it commits, so "another
connection cannot take the write lock" is "the transaction is open". A dry run of the same
command on a copy of the same database measures how long that lasts; kill points are spread
over that window.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from segdesk.paths import sample_db

SEGDESK = Path(sys.executable).with_name("segdesk")

LOCK_TIMEOUT = 30.0
"""Seconds a command may take to open its transaction before the test gives up."""

POLL = 0.01

MIN_WINDOW = 0.1
"""A dry run must hold its transaction open at least this long (seconds) for kill points
spread over it to mean anything: below it, the database is too small."""


def write_lock_taken(db: Path) -> bool:
    """Whether another connection holds SQLite's write lock (asked without waiting)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def integrity(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The schema, then every row of every table in rowid order, read with plain sqlite3."""
    with closing(sqlite3.connect(db)) as conn:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        content: dict[str, list[tuple[Any, ...]]] = {"sqlite_master": schema}
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            content[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        return content


def differences(db: Path, other: Path, *, timestamps: bool = True) -> list[str]:
    """The tables whose rows differ between two databases ("sqlite_master" for the schema);
    without ``timestamps``, columns of type DATETIME are left out of the comparison, so that
    two runs of the same command at different moments compare equal. Compared inside SQLite
    (``EXCEPT`` both ways, and the counts), which is quick on large tables."""
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("ATTACH DATABASE ? AS other", (str(other),))
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        differ = [] if _same(conn, "sqlite_master", "type, name, sql") else ["sqlite_master"]
        for name in names:
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            kept = [f'"{c[1]}"' for c in info if timestamps or c[2].upper() != "DATETIME"]
            if not _same(conn, f'"{name}"', ", ".join(kept)):
                differ.append(name)
        return differ


def _same(conn: sqlite3.Connection, table: str, columns: str) -> bool:
    mine, theirs = f"SELECT {columns} FROM main.{table}", f"SELECT {columns} FROM other.{table}"
    query = (
        f"SELECT (SELECT count(*) FROM main.{table}) = (SELECT count(*) FROM other.{table}) "
        f"AND NOT EXISTS ({mine} EXCEPT {theirs}) AND NOT EXISTS ({theirs} EXCEPT {mine})"
    )
    try:
        return bool(conn.execute(query).fetchone()[0])
    except sqlite3.OperationalError:  # a table or column missing on one side
        return False


SCALED = {
    "contact": (
        "id",
        {
            "id": "id + {shift}",
            "email": "'k{i}.' || email",
            "external_id": "external_id || '-k{i}'",
        },
    ),
    "event": (
        "contact_id",
        {"id": "NULL", "contact_id": "contact_id + {shift}", "dedup_key": "dedup_key || '-k{i}'"},
    ),
}
"""Per table: the column that tells the original rows, and the columns each copy changes."""


def scaled_sample(path: Path, times: int) -> Path:
    """The bundled sample database with its contacts and their events repeated ``times``
    times (each copy with its own emails, ids and event keys): its segments and models, over
    more people, so that refreshing them takes long enough to be killed at several points."""
    shutil.copyfile(sample_db(), path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # as a database in use is
        top = conn.execute("SELECT max(id) FROM contact").fetchone()[0]
        conn.execute("BEGIN")
        for i in range(1, times):
            for table, (key, changed) in SCALED.items():
                columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
                values = [changed.get(c, c).format(i=i, shift=i * top) for c in columns]
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"SELECT {', '.join(values)} FROM {table} WHERE {key} <= {top}"
                )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def copy_db(source: Path, target: Path) -> Path:
    """A copy of a database with nothing pending in its -wal file."""
    with closing(sqlite3.connect(source)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, target)
    return target


def start(command: Sequence[str], db: Path, log: Path) -> subprocess.Popen[bytes]:
    assert SEGDESK.exists(), f"no segdesk console script beside {sys.executable}"
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [str(SEGDESK), *command, "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def wait_for_lock(proc: subprocess.Popen[bytes], db: Path, log: Path) -> None:
    """Return as soon as the command holds the write lock; fail if it ends first."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while not write_lock_taken(db):
        if proc.poll() is not None:
            pytest.fail(
                f"the command ended (exit {proc.returncode}) before its transaction was seen "
                f"open\nstderr: {tail(log)}"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"no transaction open within {LOCK_TIMEOUT:g} s\nstderr: {tail(log)}")
        time.sleep(POLL)


def dry_run(command: Sequence[str], db: Path, log: Path) -> float:
    """Run the command to the end; the seconds from the first moment its write lock was seen
    taken to the last (a short transaction may come before the long one)."""
    proc = start(command, db, log)
    try:
        wait_for_lock(proc, db, log)
        first = last = time.monotonic()
        while proc.poll() is None:
            if write_lock_taken(db):
                last = time.monotonic()
            time.sleep(POLL)
        assert proc.wait(timeout=LOCK_TIMEOUT) == 0, tail(log)
    finally:
        stop(proc)
    held = last - first
    if held < MIN_WINDOW:
        pytest.fail(f"the transaction was open only {held:.3f} s: make the database larger")
    return held


def kill_points(held: float, count: int) -> list[float]:
    """``count`` delays spread evenly over a transaction that stays open ``held`` seconds."""
    return [held * (i + 0.5) / count for i in range(count)]


def kill_inside(command: Sequence[str], db: Path, delay: float, log: Path) -> int:
    """Start the command, wait for its transaction to open, let it run ``delay`` seconds more
    and send SIGKILL; its exit status (``-SIGKILL`` unless it ended first)."""
    proc = start(command, db, log)
    try:
        wait_for_lock(proc, db, log)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        return proc.wait(timeout=10)
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def tail(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return text[-2000:] or "(nothing)"


def committed_batches(db: Path) -> int:
    """How many imports the database holds as committed (seen from another connection)."""
    with closing(sqlite3.connect(db, timeout=5)) as conn:
        return int(conn.execute("SELECT count(*) FROM import_batch").fetchone()[0])
