"""`segdesk import` and `segdesk imports` as a script uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.workspace import Workspace


def _run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "shop.db")


def test_contacts_then_events_then_undo(db, write, capsys) -> None:
    people = write(
        "people.csv", "customer_id,email,first_name\n0001,a@example.com,Ann\n0002,bad email,Bob\n"
    )
    rejects = people.with_name("rejects.csv")
    code, out, _ = _run(
        capsys, "import", "contacts", str(people), "--db", db, "--json", "--rejects", str(rejects)
    )
    assert code == 0
    report = json.loads(out)
    assert {k: report[k] for k in ("read", "inserted", "updated", "unchanged", "rejected")} == {
        "read": 2,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert report["rejects_file"] == str(rejects)
    assert rejects.read_text().splitlines()[1].startswith("3,")

    orders = write(
        "orders.csv", "customer_id,date,dollar_value\n0001,2024-02-03,12.50\n0009,2024-02-04,3\n"
    )
    code, out, _ = _run(
        capsys,
        "import",
        "events",
        str(orders),
        "--db",
        db,
        "--json",
        "--map",
        "customer_id=external_id",
        "--map",
        "date=occurred_at",
        "--map",
        "dollar_value=amount",
        "--reject-missing",
    )
    assert code == 0
    report = json.loads(out)
    assert (report["inserted"], report["rejected"], report["contacts_created"]) == (1, 1, 0)

    code, out, _ = _run(capsys, "imports", "--db", db, "--json")
    history = json.loads(out)
    assert [(h["id"], h["target"], h["status"]) for h in history] == [
        (2, "events", "done"),
        (1, "contacts", "done"),
    ]

    code, out, _ = _run(capsys, "imports", "undo", "2", "--db", db, "--json")
    assert json.loads(out) == {
        "batch_id": 2,
        "contacts_removed": 0,
        "contacts_restored": 0,
        "events_removed": 1,
        "orders_restored": 0,
        "segments_refreshed": 0,
        "segments_problem": None,
    }
    code, out, _ = _run(capsys, "contacts", "--db", db, "--json")
    assert [c["external_id"] for c in json.loads(out)] == ["0001"]


def test_human_report_and_dry_run(db, write, capsys) -> None:
    people = write("people.csv", "email\na@example.com\n")
    code, out, _ = _run(capsys, "import", "contacts", str(people), "--db", db, "--dry-run")
    assert code == 0
    assert "Dry run, nothing written: people.csv" in out
    assert "new " in out
    assert "'email' → email, text" in out
    assert not Path(db).exists()  # a dry run into a missing database creates nothing
    code, out, err = _run(capsys, "contacts", "--db", db, "--json")
    assert (code, out) == (2, "")
    assert f"no database at {db}" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "contacts", "missing.csv"], "missing.csv does not exist"),
        (["import", "contacts", "{people}", "--map", "nope=email"], "nope"),
        (["import", "contacts", "{people}", "--map", "email=favourite_colour"], "favourite_colour"),
        (["import", "events", "{people}"], "occurred_at"),
        (["imports", "undo", "7"], "no import with id 7"),
    ],
)
def test_mistakes_exit_2_with_one_line(db, write, capsys, argv, message) -> None:
    Workspace.open(db).close()
    people = write("people.csv", "email\na@example.com\n")
    argv = [a.replace("{people}", str(people)) for a in argv]
    code, out, err = _run(capsys, *argv, "--db", db)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_undo_names_the_import_to_undo_first(db, write, capsys) -> None:
    people = write("people.csv", "email\na@example.com\n")
    orders = write("orders.csv", "email,date\na@example.com,2024-02-03\n")
    for argv in (("contacts", str(people)), ("events", str(orders), "--map", "date=occurred_at")):
        assert _run(capsys, "import", *argv, "--db", db)[0] == 0
    code, out, err = _run(capsys, "imports", "undo", "1", "--db", db)
    assert (code, out) == (2, "")
    assert err == (
        "segdesk: error: import 1 cannot be undone yet: import 2 (orders.csv) added events to "
        "contacts it created; undo import 2 first\n"
    )
    code, out, _ = _run(capsys, "imports", "--db", db, "--json")
    assert [run["status"] for run in json.loads(out)] == ["done", "done"]
