"""Reading import files as text rows: encodings, layouts, headers, line numbers, errors."""

from __future__ import annotations

import re
import shutil
import tracemalloc
from pathlib import Path

import pytest

from segdesk.errors import UserError
from segdesk.ingest import ReadOptions, ReadStats, inspect_file, iter_chunks, iter_rows
from segdesk.ingest.sources import clean_header
from segdesk.ingest.spreadsheets import cell_text
from tests.ingest.corpus_files import READABLE, UNREADABLE


def lines_and_values(rows):
    return [(r.line, r.values) for r in rows]


# --- encodings ------------------------------------------------------------------------------


def test_utf8_with_bom(read):
    shape, rows = read("utf8_bom.csv")
    assert shape.encoding.name == "utf-8-sig"
    assert shape.encoding.reason == "byte order mark"
    assert shape.encoding.label == "utf-8 with BOM"
    assert shape.header == ("Email", "First Name", "City")  # no BOM left in the first name
    assert lines_and_values(rows) == [
        (2, ("juergen@example.de", "Jürgen", "München")),
        (3, ("zoe@example.fr", "Zoë", "Besançon")),
    ]


def test_utf16_excel_unicode_text(read):
    shape, rows = read("excel_unicode.txt")
    assert (shape.encoding.name, shape.encoding.reason) == ("utf-16-le", "byte order mark")
    assert shape.format == "csv"
    assert shape.delimiter == "\t"
    assert shape.header == ("E-Mail", "Vorname", "Nachname", "Ort")
    assert lines_and_values(rows) == [
        (2, ("anna@example.de", "Anna", "Özdemir", "Köln")),
        (3, ("li@example.cn", "李", "王", "北京")),
    ]


def test_utf16_without_bom_is_recognised(read):
    shape, rows = read("utf16_nobom.txt")
    assert shape.encoding.name == "utf-16-le"
    assert shape.encoding.reason == "no byte order mark, but every second byte is zero"
    assert lines_and_values(rows) == [(2, ("bo@example.se", "Bo Åström"))]


def test_cp1252_german_excel_export(read):
    shape, rows = read("german_excel.csv")
    assert shape.encoding.name == "cp1252"
    assert shape.encoding.reason == "not valid UTF-8 (first at line 2); read as Windows-1252"
    assert shape.delimiter == ";"
    assert shape.layout == "csv, semicolon"
    assert shape.decimal_hint == ","
    assert shape.header == (
        "Kundennr",
        "Vorname",
        "Name",
        "E-Mail",
        "Firma",
        "PLZ",
        "Ort",
        "Umsatz",
        "Letzte Bestellung",
        "Newsletter",
    )
    assert lines_and_values(rows) == [
        (
            2,
            (
                "00123",
                "Jürgen",
                "Müller",
                "JUERGEN@Example.de",
                "Bäckerei Süß GmbH",
                "01067",
                "Dresden",
                "1.234,56",
                "30.06.2024",
                "ja",
            ),
        ),
        (
            3,
            (
                "00456",
                "Änne",
                "Groß",
                "aenne@example.de",
                "",
                "80331",
                "München",
                "12,50 €",
                "01.02.2024",
                "nein",
            ),
        ),
        (
            4,
            (
                "00789",
                "Björn",
                "Weiß",
                "bjoern@example.de",
                "Weiß; Söhne KG",
                "20095",
                "Hamburg",
                "-7,00",
                "15.12.2023",
                "",
            ),
        ),
    ]


def test_plain_ascii_is_read_as_utf8(read):
    shape, _ = read("contacts.tsv")
    assert (shape.encoding.name, shape.encoding.reason) == ("utf-8", "plain ASCII, read as UTF-8")


def test_valid_utf8_without_bom(read):
    shape, _ = read("quoted_multiline.csv")
    assert (shape.encoding.name, shape.encoding.reason) == ("utf-8", "valid UTF-8")


def test_mixed_encodings_fail_naming_the_line(corpus):
    with pytest.raises(UserError) as err:
        inspect_file(corpus / "mixed_encoding.csv")
    assert str(err.value).startswith(
        "mixed_encoding.csv, line 4: the file reads as UTF-8 up to this line, but this line "
        "holds bytes that are not UTF-8"
    )


def test_user_encoding_is_used_and_decoding_stays_strict(corpus):
    shape = inspect_file(corpus / "german_excel.csv", ReadOptions(encoding="latin-1"))
    assert (shape.encoding.name, shape.encoding.reason) == ("iso8859-1", "chosen by you")
    assert shape.sample[0].values[1] == "Jürgen"
    with pytest.raises(UserError) as err:
        inspect_file(corpus / "german_excel.csv", ReadOptions(encoding="utf-8"))
    assert str(err.value).startswith("german_excel.csv, line 2: bytes that are not valid utf-8")


def test_unknown_user_encoding(corpus):
    with pytest.raises(UserError, match=re.escape("unknown encoding 'klingon'")):
        inspect_file(corpus / "contacts.tsv", ReadOptions(encoding="klingon"))


def test_late_undecodable_byte_names_its_line(tmp_path):
    path = tmp_path / "late.csv"
    body = "".join(f"p{i}@example.com,Zoë\n" for i in range(20_000)).encode()
    path.write_bytes(b"email,name\n" + body + b"bad@example.com,Zo\xeb\n")
    shape = inspect_file(path, ReadOptions(encoding="utf-8"))
    with pytest.raises(UserError) as err:
        list(iter_rows(shape))
    assert str(err.value).startswith("late.csv, line 20002: bytes that are not valid utf-8")


# --- layouts --------------------------------------------------------------------------------


def test_tsv(read):
    shape, rows = read("contacts.tsv")
    assert (shape.delimiter, shape.layout_reason) == (
        "\t",
        "tab: splits the first lines into 4 columns",
    )
    assert lines_and_values(rows) == [
        (2, ("hana@example.jp", "Hana", "Sato", "0010")),
        (3, ("ivo@example.nl", "Ivo", "de Vries", "1011 AB")),
    ]


def test_pipe_with_commas_inside_values(read):
    shape, rows = read("pipe.txt")
    assert shape.delimiter == "|"
    assert lines_and_values(rows) == [
        (2, ("0042", "jo@example.com", "Jo's Books", "Leeds")),
        (3, ("0043", "kim@example.com", "Kim, Lee & Partners", "York")),
    ]


def test_quoted_fields_with_delimiters_and_newlines_crlf(read):
    shape, rows = read("quoted_multiline.csv")
    assert shape.delimiter == ","
    # each record keeps the physical line it starts on; line breaks inside values become \n
    assert lines_and_values(rows) == [
        (2, ("1", "lu@example.com", 'Line one, with comma\nline two with "quotes"', "Oslo")),
        (4, ("2", "mo@example.com", "plain", "Bergen")),
        (5, ("3", "ny@example.com", "three\n\nlines", "Tromsø")),
        (10, ("4", "ol@example.com", "", "Stavanger")),
    ]


def test_blank_lines_are_skipped_and_counted(corpus):
    shape = inspect_file(corpus / "quoted_multiline.csv")
    stats = ReadStats()
    rows = list(iter_rows(shape, stats=stats))
    assert (stats.rows, stats.skipped_lines, stats.problem_rows) == (4, 2, 0)
    assert len(rows) == 4


def test_trailing_delimiter_drops_the_nameless_last_column(read):
    shape, rows = read("trailing_delimiter.csv")
    assert shape.header == ("email", "name", "city")
    assert shape.notes == ("dropped 1 empty column(s) at the end of each line",)
    assert lines_and_values(rows) == [
        (2, ("pia@example.com", "Pia", "Turin")),
        (3, ("ray@example.com", "Ray", "")),
    ]
    assert all(r.problem is None for r in rows)


def test_ragged_rows(read):
    shape, rows = read("ragged.csv")
    assert shape.delimiter == ","
    assert shape.layout_reason == "comma: the most consistent split, though rows differ in length"
    assert [(r.line, r.values, r.problem) for r in rows] == [
        (2, ("uma@example.com", "Uma", "Rome"), None),
        (
            3,
            ("vic@example.com", "Vic", "Milan", "extra", "more"),
            "this row has 5 values but the header names only 3 columns",
        ),
        (4, ("wes@example.com", "Wes", ""), None),  # short rows are padded
        (5, ("xia@example.com", "Xia", "Pisa"), None),  # empty extras are no problem
    ]


def test_whitespace_aligned_transaction_log(read):
    shape, rows = read("transactions.log")
    assert shape.format == "aligned"
    assert shape.layout == "columns aligned with spaces"
    assert shape.aligned_starts == (0, 10, 23, 32, 37)
    assert shape.header == ("DATE", "CUSTOMER_ID", "AMOUNT", "QTY", "REF")
    # the dashed rule under the header and the blank line are skipped; repeated rows are kept
    assert lines_and_values(rows) == [
        (3, ("20240105", "000123", "19.99", "1", "T-0001")),
        (4, ("20240105", "000123", "19.99", "1", "T-0001")),
        (5, ("20240212", "004567", "120.00", "12", "T-0002")),
        (7, ("20240301", "000123", "1250.50", "3", "T-0003")),
        (8, ("20240302", "089000", "5.00", "1", "")),
    ]


def test_aligned_value_running_across_columns(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text(
        "NAME        CITY      SPEND\n"
        "Anna Lee    Oslo         10\n"
        "Bob Ray     Bergen       20\n"
        "Bartholomew Smithers  Trondheim   30\n"
        "Cy Doe      Nice  Town  40\n"
    )
    shape = inspect_file(path)
    assert shape.header == ("NAME", "CITY", "SPEND")
    rows = list(iter_rows(shape))
    assert [(r.line, r.values, r.problem) for r in rows] == [
        (2, ("Anna Lee", "Oslo", "10"), None),
        (3, ("Bob Ray", "Bergen", "20"), None),
        (4, ("Bartholomew Smithers", "Trondheim", "30"), None),  # re-split at wide gaps
        (5, ("Cy Doe", "Nice  Town", "40"), None),
    ]


def test_old_mac_line_ends(read):
    _, rows = read("old_mac.csv")
    assert lines_and_values(rows) == [
        (2, ("gh@example.com", "Lyon")),
        (3, ("ij@example.com", "Nice")),
    ]


def test_user_delimiter(corpus):
    shape = inspect_file(corpus / "pipe.txt", ReadOptions(delimiter="comma"))
    assert (shape.delimiter, shape.layout_reason) == (",", "chosen by you")
    assert shape.header == ("customer_id|email|company|city",)
    assert shape.sample[1].problem == "this row has 2 values but the header names only 1 columns"
    with pytest.raises(UserError, match="delimiter must be one character"):
        inspect_file(corpus / "pipe.txt", ReadOptions(delimiter="||"))


def test_formula_like_values_arrive_untouched(read):
    _, rows = read("formulas.csv")
    assert [r.values[1] for r in rows] == [
        "=SUM(A1)",
        "+49 30 1234",
        "-5",
        "@home",
        "'=neutralised",
        "'+49 30 5678",
        "'-7",
        "'@work",
        "'plain quote",
    ]


# --- workbooks ------------------------------------------------------------------------------


def test_xlsx(read):
    shape, rows = read("mixed.xlsx")
    assert shape.format == "xlsx"
    assert shape.encoding is None
    assert shape.sheet == "Customers"
    assert shape.sheets == ("Customers", "Hidden")
    assert shape.layout_reason == "sheet 'Customers': the first sheet with data"
    assert shape.header_line == 2
    assert shape.header == (
        "Customer ID",
        "Email",
        "Signed up",
        "Last order",
        "Total",
        "Orders",
        "Note",
        "VIP",
    )
    # line numbers are the sheet's row numbers; the empty row 5 is skipped
    assert lines_and_values(rows) == [
        (
            3,
            (
                "00123",
                "ann@example.com",
                "2024-06-30",
                "2024-07-01 12:30:00",
                "1234.5",
                "3",
                "=SUM(A1)",
                "true",
            ),
        ),
        (4, ("00456", "ben@example.com", "2023-12-01", "", "0.1", "1", "+49 30 1234", "false")),
        (6, ("07890", "cy@example.com", "2024-01-15", "2024-02-01", "-5", "0", "@home", "")),
        (7, ("08000", "di@example.com", "45473", "", "99.99", "2", "'=neutralised", "")),
    ]


def test_xlsx_sheet_by_name_or_number(corpus):
    shape = inspect_file(corpus / "mixed.xlsx", ReadOptions(sheet="2", header=False))
    assert (shape.sheet, shape.layout_reason) == ("Hidden", "sheet 'Hidden': chosen by you")
    assert shape.header == ("column 1",)
    assert [(r.line, r.values) for r in shape.sample] == [(1, ("secret",))]
    with pytest.raises(
        UserError, match=re.escape("mixed.xlsx has no sheet 'Orders'; its sheets are: ")
    ):
        inspect_file(corpus / "mixed.xlsx", ReadOptions(sheet="Orders"))


def test_xls(read, corpus):
    if not (corpus / "legacy.xls").exists():
        pytest.skip("legacy.xls is made with xlwt, which was not installed")
    shape, rows = read("legacy.xls")
    assert (shape.format, shape.sheet) == ("xls", "Kunden")
    assert shape.header == ("Kundennr", "E-Mail", "Ort", "Umsatz", "Seit")
    assert lines_and_values(rows) == [
        (2, ("00123", "jo@example.de", "Köln", "99.5", "2024-06-30")),
        (3, ("00456", "ka@example.de", "Jena", "12", "2024-01-01")),
    ]


def test_workbook_with_wrong_extension(tmp_path, corpus):
    path = tmp_path / "export.csv"
    shutil.copyfile(corpus / "mixed.xlsx", path)
    shape = inspect_file(path)
    assert shape.format == "xlsx"
    assert shape.notes == ("named .csv but holds an xlsx workbook",)


def test_text_with_workbook_extension(tmp_path, corpus):
    path = tmp_path / "export.xls"
    shutil.copyfile(corpus / "contacts.tsv", path)
    shape = inspect_file(path)
    assert (shape.format, shape.delimiter) == ("csv", "\t")
    assert shape.notes == ("named .xls but holds plain text; read as a text table",)


def test_cell_text():
    from datetime import date, datetime, time

    assert cell_text(None) == ""
    assert cell_text(12.0) == "12"
    assert cell_text(0.1) == "0.1"
    assert cell_text(1e20) == "100000000000000000000"
    assert cell_text(True) == "true"
    assert cell_text(date(2024, 6, 30)) == "2024-06-30"
    assert cell_text(datetime(2024, 6, 30)) == "2024-06-30"
    assert cell_text(datetime(2024, 6, 30, 8, 5)) == "2024-06-30 08:05:00"
    assert cell_text(time(8, 5)) == "08:05:00"


# --- headers, shape -------------------------------------------------------------------------


def test_clean_header():
    notes: list[str] = []
    names, width = clean_header(
        ["\ufeff Email ", "", "email", "Name", "Name", "", ""],
        [["a", "", "b", "c", "d", "x"]],
        notes,
    )
    assert names == ["Email", "column_2", "email_2", "Name", "Name_2", "column_6"]
    assert width == 6
    assert notes == [
        "dropped 1 empty column(s) at the end of each line",
        "column 2 has no name; called it column_2",
        "column 3 repeats the name 'email'; called it 'email_2'",
        "column 5 repeats the name 'Name'; called it 'Name_2'",
        "column 6 has no name; called it column_6",
    ]


def test_shape_signature_is_stable_per_header(corpus, tmp_path):
    a = inspect_file(corpus / "us_dates.csv")
    b = inspect_file(corpus / "eu_dates.csv")
    assert a.signature == b.signature
    assert len(a.signature) == 16
    other = tmp_path / "other.csv"
    other.write_text("email;Signup\nx@example.com;2024-01-01\n")  # other delimiter, same names
    assert inspect_file(other).signature == a.signature
    assert inspect_file(corpus / "contacts.tsv").signature != a.signature
    assert inspect_file(corpus / "mixed.xlsx").signature not in (a.signature,)


def test_preview_and_column_values(corpus):
    shape = inspect_file(corpus / "transactions.log", sample_rows=3)
    assert [r.line for r in shape.preview(2)] == [3, 4]
    assert shape.column_values("CUSTOMER_ID") == ["000123", "000123", "004567"]
    assert shape.sample_is_whole_file is False
    assert inspect_file(corpus / "transactions.log").sample_is_whole_file is True


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), sorted(UNREADABLE.items()))
def test_unreadable_files(corpus, name, message):
    with pytest.raises(UserError) as err:
        shape = inspect_file(corpus / name)
        list(iter_rows(shape))
    assert str(err.value) == message


def test_no_other_corpus_file_is_refused(corpus):
    """Each file not listed in ``UNREADABLE`` reads to its end: a file that cannot be read is
    either listed there, with the message its user gets, or a fault."""
    refused = {}
    for name in READABLE:
        try:
            list(iter_rows(inspect_file(corpus / name)))
        except UserError as exc:
            refused[name] = str(exc)
    assert refused == {}


def test_missing_file_and_known_binary(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        inspect_file(tmp_path / "nope.csv")
    pdf = tmp_path / "list.csv"
    pdf.write_bytes(b"%PDF-1.7\n...")
    with pytest.raises(UserError, match=re.escape("list.csv is a PDF document, not a text table")):
        inspect_file(pdf)
    html = tmp_path / "report.xls"
    html.write_text("<html><body><table><tr><td>x</td></tr></table></body></html>")
    with pytest.raises(UserError, match=re.escape("report.xls is a web page")):
        inspect_file(html)


def test_headerless_file_with_option(corpus):
    shape = inspect_file(corpus / "no_header.csv", ReadOptions(header=False))
    assert shape.header == ("column 1", "column 2")
    assert shape.notes == ("no header row: the columns are called column 1 to column 2",)
    assert [(r.line, r.values) for r in iter_rows(shape)] == [
        (1, ("yan@example.com", "Yan")),
        (2, ("zed@example.com", "Zed")),
    ]


def test_file_changed_after_inspection(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("email,name\na@example.com,A\n")
    shape = inspect_file(path)
    path.write_text("mail,name\na@example.com,A\n")
    with pytest.raises(UserError, match=re.escape("a.csv has changed since it was inspected")):
        list(iter_rows(shape))


# --- size -----------------------------------------------------------------------------------


def _big_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,email,first_name,city,amount,signed_up\n")
        for start in range(0, rows, 10_000):
            handle.write(
                "".join(
                    f"{i:07d},person{i}@example.com,Name{i % 97},Stadt {i % 13},"
                    f"{i % 1000}.{i % 100:02d},2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
                    for i in range(start, min(start + 10_000, rows))
                )
            )


def test_large_file_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    _big_csv(path, 200_000)
    size = path.stat().st_size
    seen: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        shape = inspect_file(path)
        stats = ReadStats()
        count = last_line = 0
        for chunk in iter_chunks(
            shape, 1000, stats=stats, progress=lambda d, t, _: seen.append((d, t))
        ):
            count += len(chunk)
            last_line = chunk[-1].line
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, stats.rows, last_line) == (200_000, 200_000, 200_001)
    assert seen[-1] == (size, size)
    # Holding the rows would take several times the file size; streaming holds a chunk.
    assert peak < min(size / 4, 4 << 20), f"peak {peak} bytes for a {size}-byte file"


# --- house rules ----------------------------------------------------------------------------


def test_ingest_does_not_import_textual():
    import subprocess
    import sys

    code = (
        "import sys, segdesk.ingest, segdesk.ingest.typed_rows; "
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_detector_is_only_a_hint(corpus, monkeypatch):
    import sys
    import types

    class Guess:
        encoding = "cp1250"

    fake = types.ModuleType("charset_normalizer")
    fake.from_bytes = lambda data: types.SimpleNamespace(best=lambda: Guess())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "charset_normalizer", fake)
    shape = inspect_file(corpus / "german_excel.csv")
    assert (shape.encoding.name, shape.encoding.hint) == ("cp1252", "cp1250")
    assert shape.sample[0].values[1] == "Jürgen"
