"""`segdesk import` on files that need a reading choice or hold damaged rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from segdesk.cli import main


def _import(capsys, path: Path, *extra: str) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    db = path.with_name("shop.db")
    code = main(["import", "contacts", str(path), "--db", str(db), "--json", *extra])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def _counts(report: dict) -> tuple[int, int, int, int, int]:
    return tuple(report[k] for k in ("read", "inserted", "updated", "unchanged", "rejected"))  # type: ignore[return-value]


def test_a_file_without_a_header_imports_with_no_header(tmp_path: Path, capsys) -> None:
    path = tmp_path / "list.csv"
    path.write_text("yan@example.com,Yan\nzed@example.com,Zed\n")
    code, _, err = _import(capsys, path)
    assert code == 2
    assert err.rstrip().endswith("or read the file as one without (--no-header)")

    code, _, err = _import(capsys, path, "--no-header")
    assert code == 2  # no column is known to hold the address yet: the message names them
    assert "the columns: 'column 1', 'column 2'." in err

    code, report, _ = _import(
        capsys, path, "--no-header", "--map", "column 1=email", "--map", "column 2=first_name"
    )
    assert (code, _counts(report)) == (0, (2, 2, 0, 0, 0))
    assert "no header row: the columns are called column 1 to column 2" in report["decisions"]


def test_whitespace_chosen_on_the_command_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "stats.txt"
    path.write_text(
        "id  email            first_name city\n"
        "1   ann@example.com  Ann        Rome\n"
        "2   bob@example.com  Bob        Milan\n"
    )
    code, report, _ = _import(capsys, path, "--delimiter", "whitespace", "--dry-run")
    assert (code, _counts(report)) == (0, (2, 2, 0, 0, 0))
    assert "read as values separated by spaces or tabs" in report["decisions"]


def test_damaged_rows_are_rejected_and_the_rest_imported(tmp_path: Path, capsys) -> None:
    path = tmp_path / "people.csv"
    rows = [f"p{i}@example.com,Town {i}\n" for i in range(2, 5002)]
    rows[10] = "p12@exa\x00mple.com,Town\n"  # line 12
    rows[3000] = "p3002@example.com," + "x" * (5 << 20) + "\n"  # line 3002
    path.write_text("email,city\n" + "".join(rows))
    rejects = tmp_path / "r.csv"
    code, report, _ = _import(capsys, path, "--rejects", str(rejects))
    assert (code, _counts(report)) == (0, (5000, 4998, 0, 0, 2))
    with rejects.open(newline="") as handle:
        rejected = [row[:2] for row in csv.reader(handle)][1:]
    assert rejected == [
        ["12", "this row holds a NUL byte (binary data, not text)"],
        [
            "3002",
            "a value on this line is longer than 131,072 characters, more than a value may "
            "hold (is a line break missing?)",
        ],
    ]
