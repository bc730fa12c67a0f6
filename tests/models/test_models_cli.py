"""`segdesk model rfm|lifecycle`: JSON shapes, saving or not, and exit codes."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from segdesk.cli import main
from tests.models.conftest import ANCHOR, pandas_figures

AS_OF = ANCHOR.isoformat()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def test_rfm_json_summary(unsegmented_copy: Path, capsys) -> None:
    code, out, err = run(
        capsys, "model", "rfm", "--as-of", AS_OF, "--json", "--db", str(unsegmented_copy)
    )
    assert (code, err) == (0, "")
    summary = json.loads(out)
    assert set(summary) == {
        "model",
        "as_of",
        "saved",
        "contacts",
        "with_orders",
        "quantiles",
        "breakpoints",
        "segments",
    }
    assert (summary["model"], summary["as_of"], summary["saved"]) == ("rfm", AS_OF, False)
    assert (summary["contacts"], summary["with_orders"]) == (3011, 2544)
    assert set(summary["breakpoints"]) == {"recency", "frequency", "monetary"}
    assert all(len(points) == 4 for points in summary["breakpoints"].values())
    names = [s["name"] for s in summary["segments"]]
    assert names[-1] == "No purchases" and len(names) == 11
    assert sum(s["size"] for s in summary["segments"]) == 3011
    assert summary["segments"][0] == {
        **summary["segments"][0],
        "name": "Champions",
        "r": [5],
        "f": [4, 5],
    }
    # A look back saves nothing.
    assert stored(unsegmented_copy, "SELECT count(*) FROM scheme") == [(0,)]


def test_rfm_contacts_json(unsegmented_copy: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "model",
        "rfm",
        "--as-of",
        AS_OF,
        "--contacts",
        "--json",
        "--db",
        str(unsegmented_copy),
    )
    assert code == 0
    contacts = json.loads(out)
    expected = pandas_figures(unsegmented_copy, ANCHOR)
    assert len(contacts) == len(expected) == 2544
    assert set(contacts[0]) == {
        "external_id",
        "email",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        "segment",
    }
    keys = dict(stored(unsegmented_copy, "SELECT external_id, id FROM contact"))
    ids = [keys[c["external_id"]] for c in contacts]
    assert ids == list(expected.index)
    assert [c["frequency"] for c in contacts] == expected["frequency"].tolist()
    assert [c["recency_days"] for c in contacts] == expected["days_since_last"].tolist()
    assert all(isinstance(c["r"], int) and 1 <= c["r"] <= 5 for c in contacts)
    emails = dict(stored(unsegmented_copy, "SELECT external_id, email FROM contact"))
    assert all(c["email"] == emails[c["external_id"]] for c in contacts)


def test_lifecycle_saves_with_save_and_thresholds_are_remembered(
    unsegmented_copy: Path, capsys
) -> None:
    db = str(unsegmented_copy)
    code, out, _ = run(
        capsys,
        "model",
        "lifecycle",
        "--as-of",
        AS_OF,
        "--new-days",
        "20",
        "--active-days",
        "60",
        "--save",
        "--json",
        "--db",
        db,
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["saved"] is True
    assert summary["thresholds"] == {"new_days": 20, "active_days": 60, "lapsed_days": 365}
    assert stored(unsegmented_copy, "SELECT name, kind, params FROM scheme") == [
        ("lifecycle", "lifecycle", '{"new_days": 20, "active_days": 60, "lapsed_days": 365}')
    ]
    sizes = {s["name"]: s["size"] for s in summary["segments"]}
    assert dict(stored(unsegmented_copy, "SELECT name, member_count FROM segment")) == sizes
    # The next run takes the saved thresholds unless told otherwise.
    code, out, _ = run(
        capsys, "model", "lifecycle", "--as-of", AS_OF, "--lapsed-days", "200", "--json", "--db", db
    )
    assert json.loads(out)["thresholds"] == {"new_days": 20, "active_days": 60, "lapsed_days": 200}


def test_lifecycle_contacts_json(unsegmented_copy: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "model",
        "lifecycle",
        "--as-of",
        AS_OF,
        "--contacts",
        "--json",
        "--db",
        str(unsegmented_copy),
    )
    assert code == 0
    contacts = json.loads(out)
    expected = pandas_figures(unsegmented_copy, ANCHOR)
    assert set(contacts[0]) == {
        "external_id",
        "email",
        "first_order",
        "last_order",
        "days_since_first",
        "days_since_last",
        "frequency",
        "segment",
    }
    assert [c["first_order"] for c in contacts] == [d.date().isoformat() for d in expected["first"]]
    assert [c["days_since_last"] for c in contacts] == expected["days_since_last"].tolist()


def test_a_run_for_today_saves(unsegmented_copy: Path, capsys) -> None:
    code, out, _ = run(capsys, "model", "rfm", "--json", "--db", str(unsegmented_copy))
    assert code == 0 and json.loads(out)["saved"] is True
    assert stored(unsegmented_copy, "SELECT name, kind FROM scheme") == [("rfm", "rfm")]
    code, out, _ = run(capsys, "model", "rfm", "--no-save", "--json", "--db", str(unsegmented_copy))
    assert json.loads(out)["saved"] is False
    assert stored(unsegmented_copy, "SELECT count(*) FROM model_run") == [(1,)]


def test_tables_for_people(unsegmented_copy: Path, capsys) -> None:
    code, out, err = run(capsys, "model", "rfm", "--as-of", AS_OF, "--db", str(unsegmented_copy))
    assert code == 0
    assert f"RFM as of {AS_OF} (not saved)" in err and "Champions" in out
    assert "recency:" in out
    code, out, _ = run(
        capsys, "model", "lifecycle", "--as-of", AS_OF, "--db", str(unsegmented_copy)
    )
    assert code == 0 and "Never purchased" in out and "Thresholds: new 30 days" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rfm", "--as-of", "2026-02-30"], "argument --as-of: expected a date as YYYY-MM-DD"),
        (["lifecycle", "--as-of", "yesterday"], "expected a date as YYYY-MM-DD"),
        (["lifecycle", "--new-days", "x"], "argument --new-days: expected a whole number"),
        (["lifecycle", "--new-days", "0"], "new_days must be a whole number of days above 0"),
        (["lifecycle", "--active-days", "400"], "must be fewer than lapsed days (365)"),
        (["lifecycle", "--new-days", "100"], "must not exceed active days (90)"),
        (["clusters"], "invalid choice"),
    ],
)
def test_mistakes_exit_2_with_one_line(
    unsegmented_copy: Path, capsys, argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        code = main(["model", *argv, "--db", str(unsegmented_copy)])
        raise SystemExit(code)
    assert exited.value.code == 2
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("segdesk: error:")
    assert message in err
    assert stored(unsegmented_copy, "SELECT count(*) FROM scheme") == [(0,)]
