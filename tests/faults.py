"""Faults staged in a subprocess for the tests: a CLI import holding the write lock until
told to go on."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
