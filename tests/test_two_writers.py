"""Two writers: a second import waits while one runs, saying so, and then goes ahead; or gives
up in one line when the user stops it or the wait is too long. Readers read meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from segdesk.ingest.importer import ImportOptions
from segdesk.jobs import Cancelled
from segdesk.store.write_lock import WAIT_ENV, WAITING_LABEL
from segdesk.workspace import Workspace
from tests.faults import TIMEOUT, import_holding_the_lock, people_file, wait_for
from tests.reliability.kills import committed_batches, integrity, write_lock_taken


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    with Workspace.open(path) as ws:
        first = ws.imports.inspect(people_file(tmp_path / "first.csv", 0, 3))
        mapping = ws.imports.suggest_mapping(first, "contacts")
        ws.imports.run(first, mapping, ImportOptions(), rejects=tmp_path / "r.csv")
    return path


@pytest.fixture
def holder(db: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """The first import, holding the write lock; open its gate to let it commit."""
    with import_holding_the_lock(db, tmp_path) as (proc, gate):
        assert write_lock_taken(db)
        yield proc, gate


def _second(db: Path, tmp_path: Path, wait: str) -> tuple[subprocess.Popen[str], Path]:
    """The second import, and the file its stderr goes to."""
    second, err = people_file(tmp_path / "second.csv", 200, 5), tmp_path / "second.err"
    argv = ["import", "contacts", str(second), "--db", str(db), "--json"]
    with err.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "segdesk", *argv],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, WAIT_ENV: wait},
        )
    return proc, err


WAITING_LINE = "segdesk: waiting for another import or change to finish (ctrl+c to stop)…"


def test_a_second_import_waits_then_lands(holder, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, gate = holder
    second, err = _second(db, tmp_path, "60")
    wait_for(lambda: WAITING_LINE in err.read_text(), "the second import saying it waits")
    assert second.poll() is None

    # A reader beside both: the committed contacts, at once, without the uncommitted ones.
    started = time.monotonic()
    with Workspace.open(db, mode="read") as ws:
        assert ws.contacts.count_contacts() == 3
    assert time.monotonic() - started < 2

    gate.touch()
    assert first.wait(timeout=TIMEOUT) == 0, first.stderr.read()  # type: ignore[union-attr]
    out, _ = second.communicate(timeout=TIMEOUT)
    assert second.returncode == 0, err.read_text()
    assert err.read_text().strip() == WAITING_LINE
    assert '"inserted": 5' in out
    with Workspace.open(db, mode="read") as ws:
        assert [run.status for run in ws.imports.history()] == ["done", "done", "done"]
        assert ws.contacts.count_contacts() == 3 + 50 + 5
    assert integrity(db) == ["ok"]


def test_a_second_import_gives_up_after_the_limit(holder, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, gate = holder
    second, err = _second(db, tmp_path, "2")
    out, _ = second.communicate(timeout=TIMEOUT)
    assert (second.returncode, out) == (2, "")
    assert "Traceback" not in err.read_text()
    assert err.read_text().strip().splitlines() == [
        WAITING_LINE,
        f"segdesk: error: gave up after waiting 2 s for another import or change to {db} "
        "to finish; try again once it is done",
    ]
    assert committed_batches(db) == 1
    gate.touch()
    assert first.wait(timeout=TIMEOUT) == 0
    assert committed_batches(db) == 2


def test_ctrl_c_stops_the_wait(holder, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    second, err = _second(db, tmp_path, "60")
    wait_for(lambda: WAITING_LINE in err.read_text(), "the second import saying it waits")
    second.send_signal(signal.SIGINT)
    out, _ = second.communicate(timeout=TIMEOUT)
    assert (second.returncode, out) == (130, "")
    assert err.read_text().strip().splitlines() == [WAITING_LINE, "segdesk: interrupted"]
    assert committed_batches(db) == 1


def test_an_import_waiting_in_the_app_shows_it_and_can_be_cancelled(  # type: ignore[no-untyped-def]
    holder, db: Path, tmp_path: Path
) -> None:
    """What the app's import screen gets: progress reports labelled as waiting, and a cancel
    that stops the wait with nothing written."""
    reports: list[tuple[int, int, str]] = []
    with Workspace.open(db) as ws:
        shape = ws.imports.inspect(people_file(tmp_path / "app.csv", 300, 5))
        mapping = ws.imports.suggest_mapping(shape, "contacts")
        with pytest.raises(Cancelled):
            ws.imports.run(
                shape,
                mapping,
                ImportOptions(),
                rejects=tmp_path / "app-rejects.csv",
                progress=lambda done, total, label: reports.append((done, total, label)),
                cancelled=lambda: len(reports) >= 3,
            )
    assert len(reports) == 3
    assert all(label.startswith(f"{WAITING_LABEL} (") for _, _, label in reports)
    assert committed_batches(db) == 1
