"""Faults staged in a subprocess for the tests: a CLI import holding the write lock until
told to go on, and the CLI killed between an import (or undo) and the refresh after it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_orders

TIMEOUT = 30.0

HOLD = """
import sys, time
from pathlib import Path
from segdesk.ingest.contact_writer import ContactWriter

gate, ready = Path(sys.argv[1]), Path(sys.argv[2])
write = ContactWriter.write

def held(self, records, rejects):
    write(self, records, rejects)
    ready.touch()
    while not gate.exists():
        time.sleep(0.02)

ContactWriter.write = held
from segdesk.cli import main
sys.exit(main(sys.argv[3:]))
"""
"""A CLI import that stops after writing its first chunk, holding the write lock with its rows
uncommitted, until the ``gate`` file appears."""

KILLED_BEFORE_REFRESH = """
import os, signal, sys
import segdesk.segments.refresh as refresh

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

refresh.refresh_all = killed
from segdesk.cli import main
sys.exit(main(sys.argv[1:]))
"""
"""The CLI, killed at the moment the refresh after an import or undo would begin."""

REPEAT_BUYERS = "Repeat buyers"
CY_ORDERS = (
    "email,order_id,date,amount\n"
    "cy@example.com,A-1,2025-01-05,10\n"
    "cy@example.com,A-2,2025-02-05,20\n"
)
"""Two orders of Cy: an import of them makes Cy a repeat buyer."""


def people_file(path: Path, first: int, rows: int) -> Path:
    lines = ["email,first_name", *(f"p{i}@example.com,P{i}" for i in range(first, first + rows))]
    path.write_text("\n".join(lines) + "\n")
    return path


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {TIMEOUT:g} s: {what}")
        time.sleep(0.02)


@contextmanager
def import_holding_the_lock(db: Path, folder: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A CLI import of 50 contacts into ``db`` that holds the write lock with its first rows
    written; touch the yielded gate file to let it commit (it is touched on the way out)."""
    gate, ready = folder / "gate", folder / "ready"
    big = people_file(folder / "big.csv", 100, 50)
    argv = ["import", "contacts", str(big), "--db", str(db), "--json"]
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(gate), str(ready), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: ready.exists() or proc.poll() is not None, "the held import's rows")
        assert proc.poll() is None, proc.communicate()
        yield proc, gate
    finally:
        gate.touch()
        proc.wait(timeout=TIMEOUT)


def killed_before_refresh(*argv: str, expected: int = -9) -> None:
    """Run ``segdesk ARGV``, killed with SIGKILL as the refresh after its change begins."""
    result = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_REFRESH, *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == expected, result.stderr


def repeat_buyers_shop(db: Path) -> Path:
    """Ann, Bob and Cy, Ann with two orders; the rule segment "Repeat buyers" holds Ann."""
    with Workspace.open(db) as ws:
        add_contacts(
            ws.engine,
            [{"email": f"{name}@example.com", "first_name": name} for name in ("ann", "bob", "cy")],
        )
        add_orders(ws.engine, 1, [(datetime(2024, 5, 1, tzinfo=UTC), 5.0)] * 2)
        ws.segments.create(REPEAT_BUYERS, "orders.count >= 2")
    return db


def segments_due(db: Path) -> str | None:
    """The ``segments_due`` row of the database, read with plain sqlite3."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'segments_due'").fetchone()
    return row[0] if row else None
