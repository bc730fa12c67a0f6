"""The rejects file: written as its source was, so that fixing and re-importing it is one step;
and a place it cannot be written to is said before the file is read."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.ingest.import_report import RejectsFormat, RejectsWriter


def _import(capsys, path: Path, db: Path, *extra: str) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    code = main(["import", "contacts", str(path), "--db", str(db), "--json", *extra])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def _query(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def _counts(report: dict) -> tuple[int, int, int, int, int]:
    return tuple(report[k] for k in ("read", "inserted", "updated", "unchanged", "rejected"))  # type: ignore[return-value]


GERMAN = (
    "Kundennr;Vorname;E-Mail;Ort;Umsatz\r\n"
    "001;Jürgen;juergen@example.de;München;1.234,56\r\n"
    "002;Änne;aenne(at)example.de;Köln;12,50\r\n"
    "003;Björn;bjoern@example.de;Düsseldorf;7,00\r\n"
)


def test_a_semicolon_cp1252_file_gets_its_rejects_back_alike(tmp_path: Path, capsys) -> None:
    source = tmp_path / "kunden.csv"
    source.write_bytes(GERMAN.encode("cp1252"))
    rejects = tmp_path / "kunden-rejects.csv"
    db = tmp_path / "shop.db"
    code, report, _ = _import(capsys, source, db, "--rejects", str(rejects))
    assert (code, _counts(report)) == (0, (3, 2, 0, 0, 1))

    data = rejects.read_bytes()
    assert not data.startswith(codecs.BOM_UTF8)
    text = data.decode("cp1252")  # as the source was: a spreadsheet opens both alike
    assert text.splitlines() == [
        "line;reason;Kundennr;Vorname;E-Mail;Ort;Umsatz",
        "3;E-Mail: 'aenne(at)example.de' has no @;002;Änne;aenne(at)example.de;Köln;12,50",
    ]

    # The user fixes the address in place and imports the same file again.
    rejects.write_bytes(data.replace(b";aenne(at)example.de;", b";aenne@example.de;"))
    code, again, _ = _import(capsys, rejects, db)
    assert (code, _counts(again)) == (0, (1, 1, 0, 0, 0))
    assert again["rejects_file"] is None
    assert "the columns line and reason of a rejects file are left out" in again["decisions"]
    anne = "SELECT email, city, first_name, attributes FROM contact WHERE email LIKE 'aenne%'"
    assert _query(db, anne) == [("aenne@example.de", "Köln", "Änne", '{"umsatz": 12.5}')]
    assert _query(db, "SELECT name FROM field WHERE origin = 'custom'") == [("umsatz",)]


def test_a_utf8_file_with_bom_gets_a_bom(tmp_path: Path, capsys) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes(codecs.BOM_UTF8 + "email,name\nzoë@example.fr,Zoë\nbad,Björn\n".encode())
    rejects = tmp_path / "r.csv"
    code, _, _ = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))
    assert code == 0
    data = rejects.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode("utf-8").splitlines()[1] == "3,email: 'bad' has no @,bad,Björn"


def test_a_utf16_tab_file_gets_utf16_and_tabs(tmp_path: Path, capsys) -> None:
    source = tmp_path / "unicode.txt"
    source.write_bytes(
        codecs.BOM_UTF16_LE
        + "E-Mail\tOrt\r\nli@example.cn\t北京\r\nnope\t上海\r\n".encode("utf-16-le")
    )
    rejects = tmp_path / "r.txt"
    code, _, _ = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))
    assert code == 0
    data = rejects.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    assert data[2:].decode("utf-16-le").splitlines() == [
        "line\treason\tE-Mail\tOrt",
        "3\tE-Mail: 'nope' has no @\tnope\t上海",
    ]


def test_space_separated_text_gets_tab_separated_rejects(tmp_path: Path, capsys) -> None:
    source = tmp_path / "stats.txt"
    source.write_text("id email city\n1    a@example.com    Rome\n2    nope    Milan\n")
    rejects = tmp_path / "r.txt"
    code, _, _ = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))
    assert code == 0
    assert rejects.read_text().splitlines() == [
        "line\treason\tid\temail\tcity",
        "3\temail: 'nope' has no @\t2\tnope\tMilan",
    ]


def test_a_workbook_gets_csv_in_utf8_with_bom(tmp_path: Path, capsys) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "City"])
    sheet.append(["ann@example.com", "Köln"])
    sheet.append(["nope", "Zürich; Altstadt"])
    source = tmp_path / "people.xlsx"
    book.save(source)
    rejects = tmp_path / "r.csv"
    code, _, _ = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))
    assert code == 0
    data = rejects.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert list(csv.reader(io.StringIO(data[3:].decode()))) == [
        ["line", "reason", "Email", "City"],
        ["3", "Email: 'nope' has no @", "nope", "Zürich; Altstadt"],
    ]


def test_a_value_the_source_encoding_cannot_hold_falls_back_to_utf8(tmp_path: Path, capsys) -> None:
    db = tmp_path / "shop.db"
    first = tmp_path / "first.csv"
    first.write_text("customer_id,email\n7,ōno@example.jp\n", encoding="utf-8")
    assert _import(capsys, first, db)[0] == 0
    # cp1252 has no ō: the reason naming the contact that owns id 7 cannot be written in it.
    second = tmp_path / "second.csv"
    second.write_bytes("customer_id;email;Ort\n7;jürgen@example.de;Köln\n".encode("cp1252"))
    rejects = tmp_path / "r.csv"
    code, report, _ = _import(capsys, second, db, "--rejects", str(rejects))
    assert (code, report["rejected"]) == (0, 1)
    assert (
        "rejected rows written as UTF-8 with BOM: cp1252 cannot hold every character of them"
        in report["decisions"]
    )
    data = rejects.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode().splitlines() == [
        "line;reason;customer_id;email;Ort",
        "2;external id '7' already belongs to the contact with email 'ōno@example.jp';7;"
        "jürgen@example.de;Köln",
    ]


def test_the_fallback_rewrites_rows_already_written(tmp_path: Path) -> None:
    writer = RejectsWriter(
        tmp_path / "r.csv", ["name"], RejectsFormat(delimiter=";", encoding="cp1252")
    )
    writer.add(2, "too short", ["Jürgen"])
    writer.add(3, "too long", ["王"])
    writer.add(4, "too short", ["Zoë"])
    assert writer.finish() == tmp_path / "r.csv"
    assert writer.fallback == "cp1252 cannot hold every character of them"
    assert (tmp_path / "r.csv").read_bytes().decode("utf-8-sig").splitlines() == [
        "line;reason;name",
        "2;too short;Jürgen",
        "3;too long;王",
        "4;too short;Zoë",
    ]


# Places that cannot be written --------------------------------------------------------------


@pytest.fixture
def modes_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """File modes as they bind a user who is not root. Root may write anywhere, so when the
    tests run as root, ``os.access`` answers from the owner's bits as it would for the owner."""
    if os.geteuid() != 0:
        return
    real = os.access

    def access(path, mode, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        if not real(path, mode, **kwargs):
            return False
        bits = os.stat(path).st_mode
        wanted = [
            (os.R_OK, stat.S_IRUSR),
            (os.W_OK, stat.S_IWUSR),
            (os.X_OK, stat.S_IXUSR),
        ]
        return all(bits & bit for flag, bit in wanted if mode & flag)

    monkeypatch.setattr(os, "access", access)


PEOPLE = "email,name\na@example.com,Ann\nnope,Bob\n"


def test_a_rejects_file_in_a_read_only_folder_is_refused_first(
    tmp_path: Path, capsys, modes_bind
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, _, err = _import(
            capsys, source, tmp_path / "shop.db", "--rejects", str(locked / "r.csv")
        )
    finally:
        locked.chmod(0o755)
    assert code == 2
    assert err == (
        f"segdesk: error: cannot write rejected rows to {locked / 'r.csv'}: "
        f"the folder {locked} is read-only\n"
    )
    assert not (tmp_path / "shop.db").exists() or _query(
        tmp_path / "shop.db", "SELECT count(*) FROM import_batch"
    ) == [(0,)]  # refused before the file was read


def test_an_unwritable_default_rejects_folder_is_refused_first(
    tmp_path: Path, capsys, modes_bind, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    data.chmod(0o555)
    try:
        code, _, err = _import(capsys, source, tmp_path / "shop.db")
    finally:
        data.chmod(0o755)
    assert code == 2
    assert err.startswith(f"segdesk: error: cannot write rejected rows to {data}")
    assert err.endswith(f": the folder {data} is read-only\n")
    assert err.count("\n") == 1


def test_a_read_only_rejects_file_is_not_replaced(tmp_path: Path, capsys, modes_bind) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    rejects = tmp_path / "r.csv"
    rejects.write_text("kept\n")
    rejects.chmod(0o444)
    code, _, err = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))
    assert code == 2
    assert err == (
        f"segdesk: error: cannot write rejected rows to {rejects}: the file is read-only\n"
    )
    assert rejects.read_text() == "kept\n"


def test_a_replaced_rejects_file_keeps_its_mode(tmp_path: Path, capsys) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    rejects = tmp_path / "r.csv"
    rejects.write_text("old\n")
    rejects.chmod(0o644)
    code, _, _ = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))
    assert code == 0
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o644
    assert rejects.read_text().splitlines()[1] == "3,email: 'nope' has no @,nope,Bob"


def test_a_new_rejects_file_is_private(tmp_path: Path, capsys) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    rejects = tmp_path / "new" / "r.csv"
    assert _import(capsys, source, tmp_path / "shop.db", "--rejects", str(rejects))[0] == 0
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_a_folder_named_as_the_rejects_file_is_refused(tmp_path: Path, capsys) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    code, _, err = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(tmp_path))
    assert code == 2
    assert err == f"segdesk: error: cannot write rejected rows to {tmp_path}: it is a folder\n"


def test_a_dry_run_without_rejects_writes_nowhere(
    tmp_path: Path, capsys, modes_bind, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    data.chmod(0o555)
    try:
        code, report, _ = _import(capsys, source, tmp_path / "shop.db", "--dry-run")
    finally:
        data.chmod(0o755)
    assert (code, report["rejected"], report["rejects_file"]) == (0, 1, None)
    assert list(data.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX systems")
def test_partials_in_any_written_form_are_known_as_ours(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    old = time.time() - 3600
    written = {
        "semicolon.csv": "line;reason;E-Mail\r\n".encode("cp1252"),
        "bom.csv": codecs.BOM_UTF8 + b"line,reason,email\r\n",
        "utf16.txt": codecs.BOM_UTF16_LE + "line\treason\tE-Mail\r\n".encode("utf-16-le"),
    }
    for name, head in written.items():
        path = tmp_path / f".{name}.{child.pid}.partial"
        path.write_bytes(head)
        os.utime(path, (old, old))
    notes = tmp_path / f".notes.txt.{child.pid}.partial"
    notes.write_bytes("lines of mine\n".encode("utf-16"))
    os.utime(notes, (old, old))
    RejectsWriter(tmp_path / "new.csv", ["email"]).discard()
    assert [p.name for p in tmp_path.iterdir()] == [notes.name]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_undoes_the_import_in_one_line(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rejects file is written out before the import commits: when the disk is full
    (simulated: the partial file opens /dev/full), the import is undone and says so."""
    real_open = os.open

    def full(path, flags, mode=0o777, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith(".partial"):
            return real_open("/dev/full", os.O_WRONLY)
        return real_open(path, flags, mode, **kwargs)

    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    monkeypatch.setattr(os, "open", full)
    code, _, err = _import(capsys, source, tmp_path / "shop.db", "--rejects", str(tmp_path / "r"))
    monkeypatch.undo()
    assert code == 2
    assert err == (
        f"segdesk: error: cannot write rejected rows to {tmp_path / 'r'}: No space left on device\n"
    )
    assert not (tmp_path / "shop.db").exists()  # the database this import made went with it
