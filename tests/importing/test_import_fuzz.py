"""Random files given to `segdesk import contacts`: a report or one clear line, never a traceback.

Each example runs the command line in process on a copy of one small database, and checks the
promise of every import: exit 0 with counts that add up (read = inserted + updated +
unchanged + merged + rejected), or exit 2 with one line on stderr; the database stays whole
(``PRAGMA integrity_check``) and holds exactly the contacts the reports said were inserted.
About a hundred examples by default; ``pytest --full`` runs 2,000.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segdesk.cli import main
from tests.sizes import sized

FUZZ = settings(
    max_examples=sized(100, 2000),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MAGIC = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", codecs.BOM_UTF8]
MAGIC += [codecs.BOM_UTF16_LE, b"%PDF", b"\x1f\x8b", b"<html><table>", b"email,name\n"]

NAMES = [
    "email",
    "E-Mail",
    "Email Address",
    "first_name",
    "Name",
    "city",
    "customer_id",
    "Kundennr",
    "amount",
    "signup",
    "consent",
    "phone",
    "line",
    "reason",
    "",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "ann@example.com",
            "ANN@Example.com ",
            "jürgen.weiß@example.de",
            "not an email",
            "a@b",
            "",
            "1.234,56",
            "12.50",
            "-7",
            "(5.00)",
            "2024-06-30",
            "30/06/2024",
            "06/30/2024",
            "20240630",
            "yes",
            "unsubscribed",
            "=SUM(A1)",
            "'+49 30 1234",
            "00123",
            "4.91701E+11",
            "n/a",
        ]
    ),
    st.text(max_size=12),
    st.emails().map(str),
)
SEPARATORS = [",", ";", "\t", "|", " ", "   "]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]
OPTIONS = st.lists(
    st.sampled_from(
        [
            ("--dry-run",),
            ("--no-header",),
            ("--delimiter", "whitespace"),
            ("--delimiter", "aligned"),
            ("--delimiter", "semicolon"),
            ("--encoding", "cp1252"),
            ("--key", "external_id"),
            ("--on-existing", "fill"),
            ("--map", "email=email"),
            ("--unsubscribed",),
        ]
    ),
    max_size=3,
    unique=True,
)


@st.composite
def table_files(draw: st.DrawFn) -> bytes:
    """A table as shops and spreadsheets write them, with some of their damage."""
    width = draw(st.integers(1, 6))
    header = [draw(st.sampled_from(NAMES)) for _ in range(width)]
    rows = draw(
        st.lists(
            st.lists(VALUES, min_size=max(0, width - 2), max_size=width + 2),
            max_size=25,
        )
    )
    separator = draw(st.sampled_from(SEPARATORS))
    buffer = io.StringIO()
    if len(separator) == 1:
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
        writer = csv.writer(buffer, delimiter=separator, quoting=quoting, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    else:
        for row in [header, *rows]:
            buffer.write(separator.join(v.replace("\n", " ") or "-" for v in row) + "\n")
    text = buffer.getvalue().replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))
    if draw(st.booleans()):
        text = draw(st.sampled_from(['"', "\x00", "\ufeff", ""])) + text
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.booleans()):  # damage: bytes cut away or put in
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at + draw(st.integers(0, 8)) :]
    return data


ANY_BYTES = st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGIC), st.binary())


SEEDS = (
    "email,customer_id,first_name,city\n"
    "ann@example.com,00123,Ann,Rome\n"
    "bob@example.com,ann@example.com,Bob,\n"
    "jürgen.weiß@example.de,-7,Jürgen,München\n",
    "customer_id,first_name\nyes,Cy\n12.50,Di\n",
)
"""Contacts already stored, whose addresses and ids the random files repeat; the second file
gives contacts without an email address."""


class Fuzz:
    """Each import starts from the same small database, must report or refuse, and must leave
    the database whole. A fresh copy per example keeps every example reproducible alone."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder = folder
        self.capsys = capsys
        self.template = folder / "template.db"
        seed = folder / "seed.csv"
        for text in SEEDS:
            seed.write_text(text, encoding="utf-8")
            argv = ["import", "contacts", str(seed), "--db", str(self.template), "--json"]
            assert main(argv) == 0
        capsys.readouterr()
        self.db = folder / "fuzz.db"

    def check(self, data: bytes, suffix: str, options: list[tuple[str, ...]]) -> None:
        path = self.folder / f"file{suffix}"
        path.write_bytes(data)
        shutil.copyfile(self.template, self.db)
        before = self._contacts()
        argv = ["import", "contacts", str(path), "--db", str(self.db), "--json"]
        for option in options:
            argv.extend(option)
        code = main(argv)
        out, err = self.capsys.readouterr()
        assert code in (0, 2), (code, err)
        if code == 2:
            assert out == ""
            assert err.startswith("segdesk: error: ") and err.endswith("\n"), err
            assert err.count("\n") == 1, err
            assert self._contacts() == before
        else:
            report = json.loads(out)
            counted = report["inserted"] + report["updated"] + report["unchanged"]
            assert report["read"] == counted + report["merged"] + report["rejected"], report
            grown = 0 if report["dry_run"] else report["inserted"]
            assert self._contacts() == before + grown, report
        with closing(sqlite3.connect(self.db)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    def _contacts(self) -> int:
        with closing(sqlite3.connect(self.db)) as conn:
            return conn.execute("SELECT count(*) FROM contact").fetchone()[0]


SUFFIXES = st.sampled_from([".csv", ".txt", ".xlsx", ".xls", ""])


def test_random_bytes_are_reported_or_refused(tmp_path: Path, capsys) -> None:
    fuzz = Fuzz(tmp_path, capsys)

    @FUZZ
    @given(data=ANY_BYTES, suffix=SUFFIXES, options=OPTIONS)
    def run(data: bytes, suffix: str, options: list[tuple[str, ...]]) -> None:
        fuzz.check(data, suffix, options)

    run()


def test_random_tables_are_reported_or_refused(tmp_path: Path, capsys) -> None:
    fuzz = Fuzz(tmp_path, capsys)

    @FUZZ
    @given(data=table_files(), suffix=SUFFIXES, options=OPTIONS)
    def run(data: bytes, suffix: str, options: list[tuple[str, ...]]) -> None:
        fuzz.check(data, suffix, options)

    run()


def test_an_id_held_by_a_contact_without_an_email_is_not_given_twice(tmp_path, capsys) -> None:
    """Found by the fuzzing above: the second file ended in a UNIQUE constraint traceback."""
    db = str(tmp_path / "shop.db")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("customer_id,first_name\nyes,Ann\n")
    second.write_text("email,customer_id\nb@example.com,yes\nc@example.com,no\n")
    assert main(["import", "contacts", str(first), "--db", db, "--json"]) == 0
    capsys.readouterr()
    rejects = tmp_path / "r.csv"
    code = main(
        ["import", "contacts", str(second), "--db", db, "--json", "--rejects", str(rejects)]
    )
    report = json.loads(capsys.readouterr().out)
    assert (code, report["inserted"], report["rejected"]) == (0, 1, 1)
    assert rejects.read_text().splitlines()[1] == (
        "2,external id 'yes' already belongs to a contact without an email,b@example.com,yes"
    )
