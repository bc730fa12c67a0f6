"""A damaged row is rejected with its line, and the rest of the file is read; a file whose first
row is data can be read without a header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from segdesk.errors import UserError
from segdesk.ingest import ReadOptions, ReadStats, inspect_file, iter_rows

ROWS = 30_000


def _people(path: Path, damage: dict[int, str], header: str = "id,email,city\n") -> None:
    """``ROWS`` rows of people; the line numbers in ``damage`` get that text instead."""
    lines = [header]
    for line in range(2, ROWS + 2):
        lines.append(damage.get(line, f"{line},p{line}@example.com,Town {line % 7}\n"))
    path.write_text("".join(lines), encoding="utf-8")


def _problems(path: Path, options: ReadOptions | None = None) -> tuple[int, list]:
    stats = ReadStats()
    rows = list(iter_rows(inspect_file(path, options), stats=stats))
    assert stats.rows == len(rows)
    return len(rows), [(r.line, r.problem) for r in rows if r.problem]


NUL = "this row holds a NUL byte (binary data, not text)"


@pytest.mark.parametrize("line", [5, 20_000])
def test_one_nul_byte_rejects_its_row_only(tmp_path, line):
    path = tmp_path / "people.csv"
    _people(path, {line: f"{line},p{line}@exa\x00mple.com,Town\n"})
    assert _problems(path) == (ROWS, [(line, NUL)])


def test_nul_bytes_in_aligned_and_space_separated_text(tmp_path):
    aligned = tmp_path / "aligned.txt"
    aligned.write_text(
        "ID    EMAIL            CITY\n"
        "1     a@example.com    Rome\n"
        "2     b@exa\x00ple.com    Oslo\n"
        "3     c@example.com    Nice\n"
    )
    assert _problems(aligned) == (3, [(3, NUL)])
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("id email city\n1  a@example.com  Rome\n2  b@ex\x00.com  Oslo\n")
    assert _problems(spaced, ReadOptions(delimiter="whitespace")) == (2, [(3, NUL)])


def test_a_nul_byte_in_the_header_refuses_the_file(tmp_path):
    path = tmp_path / "people.csv"
    _people(path, {}, header="id,em\x00ail,city\n")
    header = "people.csv, line 1: the header row holds a NUL byte (binary data, not text)"
    with pytest.raises(UserError, match=re.escape(header)):
        inspect_file(path)


def test_binary_files_are_still_refused(corpus, tmp_path):
    with pytest.raises(UserError, match=re.escape("binary.csv looks like a binary file")):
        inspect_file(corpus / "binary.csv")
    zeros = tmp_path / "zeros.csv"
    zeros.write_bytes(b"id,name\n" + b"1,\x00\x00\x00\x00\x00\x00x\n" * 20)
    with pytest.raises(UserError, match=re.escape("zeros.csv looks like a binary file")):
        inspect_file(zeros)


def test_a_huge_unquoted_value_rejects_its_row_only(tmp_path):
    path = tmp_path / "people.csv"
    _people(
        path, {7: "7," + "x" * (5 << 20) + ",Town\n", 20_000: "20000," + "y" * 200_000 + ",Z\n"}
    )
    too_long = (
        "a value on this line is longer than 131,072 characters, "
        "more than a value may hold (is a line break missing?)"
    )
    assert _problems(path) == (ROWS, [(7, too_long), (20_000, too_long)])


def test_an_unclosed_quote_still_refuses_the_file(tmp_path):
    path = tmp_path / "people.csv"
    _people(path, {9: '9,"p9@example.com,Town\n'})
    with pytest.raises(UserError) as err:
        list(iter_rows(inspect_file(path)))
    assert str(err.value) == (
        'people.csv, line 9: a field is far too long: most likely a quote (") opened here '
        "is never closed"
    )


# --- files without a header ---------------------------------------------------------------


def test_a_first_row_of_data_offers_the_choice(corpus):
    with pytest.raises(UserError) as err:
        inspect_file(corpus / "no_header.csv")
    assert str(err.value) == (
        "no_header.csv, line 1: the first row looks like data (yan@example.com, Yan), not "
        "column names; add a header row that names the columns, or read the file as one "
        "without (--no-header)"
    )
