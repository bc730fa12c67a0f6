"""Values and leftovers at the edges: impossible time zones, files of killed runs."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from segdesk.ingest.contact_writer import ContactWriter
from segdesk.ingest.import_report import RejectsWriter, remove_stale_partials
from segdesk.ingest.values import ValueProblem, parse_date
from tests.factories import add_contacts
from tests.importing.conftest import events

# Time zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2024-06-30T12:00+24:00", "UTC offset '+24:00'"),
        ("2024-06-30 12:00 -99:59", "UTC offset '-99:59'"),
        ("2024-06-30T12:00+0560", "UTC offset '+0560'"),
        ("0001-01-01T00:00+05:00", "outside the years 1 to 9999"),
        ("9999-12-31T23:00-05:00", "outside the years 1 to 9999"),
    ],
)
def test_impossible_offsets_are_value_problems(text: str, words: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_date(text)
    assert words in caught.value.reason
    assert repr(text) in caught.value.reason


def test_largest_real_offsets_still_convert() -> None:
    assert parse_date("2024-06-30T12:00+23:59") == dt.datetime(2024, 6, 29, 12, 1)
    assert parse_date("2024-06-30T12:00-23:59") == dt.datetime(2024, 7, 1, 11, 59)


def test_an_impossible_offset_rejects_its_row_only(ws, write, run) -> None:
    add_contacts(ws.engine, [{"email": "fay@example.com"}])
    text = (
        "email,created at,amount\n"
        "fay@example.com,2024-06-30 12:00:00 +0200,10.00\n"
        "fay@example.com,2024-06-30 13:00:00 +2400,20.00\n"
        "fay@example.com,2024-07-01 09:00:00 -0400,30.00\n"
    )
    report = run(write("orders.csv", text), "events", maps=("created at=occurred_at",))
    assert (report.read, report.inserted, report.rejected) == (3, 2, 1)
    assert [(e["occurred_at"], e["amount"]) for e in events(ws)] == [
        ("2024-06-30T10:00:00+00:00", 10.0),
        ("2024-07-01T13:00:00+00:00", 30.0),
    ]
    assert report.rejects_file is not None
    with report.rejects_file.open(newline="", encoding="utf-8") as handle:
        rejected = list(csv.reader(handle))
    assert rejected[1][:2] == [
        "3",
        "created at: '2024-06-30 13:00:00 +2400' has UTC offset '+2400', which is not a real "
        "offset (under 24 hours, minutes under 60)",
    ]


# Partial rejects files of killed runs ------------------------------------------------------------


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _aged(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX systems")
def test_partials_of_ended_runs_are_removed_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "rejects"
    folder.mkdir()
    dead, alive = _dead_pid(), os.getppid()
    header = "line,reason,email\r\n"
    stale = _aged(folder / f".orders-rejects.csv.{dead}.partial", header + "3,bad,x\r\n")
    empty = _aged(folder / f".other-rejects.csv.{dead}.partial", "")
    kept = {
        "running": _aged(folder / f".mine-rejects.csv.{alive}.partial", header),
        "not ours": _aged(folder / f".notes.txt.{dead}.partial", "my own notes\n"),
        "no pid": _aged(folder / ".orders-rejects.csv.partial", header),
        "plain": _aged(folder / "orders-rejects.csv", header),
    }
    fresh = folder / f".new-rejects.csv.{dead}.partial"
    fresh.write_text(header, encoding="utf-8")
    os.utime(fresh, (time.time() + 60, time.time() + 60))

    writer = RejectsWriter(folder / "today-rejects.csv", ["email"])
    writer.add(2, "no email address", ["nobody"])
    assert writer.finish() == folder / "today-rejects.csv"

    assert not stale.exists() and not empty.exists()
    assert all(path.exists() for path in kept.values())
    assert fresh.exists()  # written after the run began: not known to be left over
    assert remove_stale_partials(folder, time.time()) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*(p.name for p in kept.values()), fresh.name, "today-rejects.csv"]
    )


def test_a_running_import_writes_its_own_partial_name(tmp_path: Path) -> None:
    writer = RejectsWriter(tmp_path / "r.csv", ["email"])
    writer.add(2, "bad", ["x"])
    assert [p.name for p in tmp_path.iterdir()] == [f".r.csv.{os.getpid()}.partial"]
    writer.discard()
    assert list(tmp_path.iterdir()) == []


# The collector ------------------------------------------------------------------------------


def test_automatic_collection_is_back_after_an_import(
    ws, write, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        "people.csv", "email,first_name\n" + "".join(f"p{i}@x.com,Ann\n" for i in range(50))
    )
    assert gc.isenabled()
    run(path)
    assert gc.isenabled()

    def fail(self, records, rejects) -> None:  # type: ignore[no-untyped-def]
        assert not gc.isenabled()
        raise RuntimeError("disk full")

    monkeypatch.setattr(ContactWriter, "write", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run(path)
    assert gc.isenabled()
