"""Each list format's exact bytes: header row, quoting, encoding; the formula guard in the
spreadsheet formats and exact values in the platform formats; who is left out, and counted."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from segdesk.errors import UserError
from segdesk.ingest.values.text import FORMULA_STARTS
from segdesk.publish.lists import ExportReport, ListOptions
from segdesk.workspace import Workspace
from tests.publish.shop import make_shop


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shop(tmp_path_factory.mktemp("shop"))


def export(
    shop: Path, target: Path, names: list[str] | None = None, **options: object
) -> ExportReport:
    with Workspace.open(shop, mode="write") as ws:
        return ws.exports.write_list(names or ["Club"], target, ListOptions(**options))  # type: ignore[arg-type]


GENERIC_HEADER = (
    b"external_id,email,first_name,last_name,phone,company,job_title,city,region,postal_code,"
    b"country,source,consent,note,age,vip,segment\r\n"
)


def test_generic_csv_bytes(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "club.csv"
    report = export(shop, target)
    assert target.read_bytes() == (
        GENERIC_HEADER
        + b'00123,ann@example.com,Ann,"\'=HYPERLINK(""http://x"")",\'+44 20 7946 0958,'
        b'"Acme, Inc.",,Boston,MA,02116,US,,subscribed,\'@mention,37,true,Club\r\n'
        b"C-2,,'-Bob,Stone,0049 30 1234,,,,,,,,subscribed,'+plus,-5,false,Club\r\n"
        b'C-4,dee@example.com,\'\tDee,"Quote ""Q""",,"Line\nbreak","\'\rCR",'
        b"Z\xc3\xbcrich,,,UK,,unknown,plain,,,Club\r\n"
    )
    assert (report.rows, report.files[0].left_out) == (3, {"unsubscribed": 1})


def test_excel_europe_preset_semicolons_and_bom(shop: Path, tmp_path: Path) -> None:
    from segdesk.publish.formats import EXCEL_EUROPE

    target = tmp_path / "both.csv"
    export(
        shop,
        target,
        ["Club", "Team"],
        fields=("email", "segment", "first_name"),
        delimiter=EXCEL_EUROPE.delimiter,
        bom=EXCEL_EUROPE.bom,
    )
    assert target.read_bytes() == (
        b"\xef\xbb\xbfemail;segment;first_name\r\n"
        b"ann@example.com;Club;Ann\r\n"
        b';"Club; Team";\'-Bob\r\n'
        b'dee@example.com;"Club; Team";\'\tDee\r\n'
        b"eve@example.com;Team;Eve\r\n"
    )


def test_mailchimp_bytes_keep_values_exactly(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "mc.csv"
    report = export(shop, target, format="mailchimp")
    assert target.read_bytes() == (
        b"Email Address,First Name,Last Name,Phone Number,Address,Tags\r\n"
        b'ann@example.com,Ann,"=HYPERLINK(""http://x"")",+44 20 7946 0958,'
        b"Boston  MA  02116  US,Club\r\n"
        b'dee@example.com,\tDee,"Quote ""Q""",,Z\xc3\xbcrich  GB,Club\r\n'
    )
    assert report.files[0].left_out == {"unsubscribed": 1, "no_email": 1}


HUBSPOT_HEADER = (
    b"Email,First Name,Last Name,Phone Number,Company Name,Job Title,City,State/Region,"
    b"Postal Code,Country/Region"
)


def test_hubspot_bytes_keep_values_exactly(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "hs.csv"
    export(shop, target, format="hubspot")
    assert target.read_bytes() == (
        HUBSPOT_HEADER + b"\r\n"
        b'ann@example.com,Ann,"=HYPERLINK(""http://x"")",+44 20 7946 0958,"Acme, Inc.",,'
        b"Boston,MA,02116,US\r\n"
        b'dee@example.com,\tDee,"Quote ""Q""",,"Line\nbreak","\rCR",Z\xc3\xbcrich,,,UK\r\n'
    )


def test_several_segments_in_one_file_each_contact_once(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "hs.csv"
    report = export(shop, target, ["Club", "Team"], format="hubspot", include_unsubscribed=True)
    lines = target.read_bytes().split(b"\r\n")
    assert lines[0] == HUBSPOT_HEADER + b",Segment"
    assert [line.split(b",")[0] for line in lines[1:-1]] == [
        b"ann@example.com",
        b"cy@example.com",
        b"dee@example.com",
        b"eve@example.com",
    ]
    assert lines[3].endswith(b",UK,Club;Team")
    assert (report.rows, report.files[0].left_out) == (4, {"no_email": 1})


def test_one_file_per_segment_into_a_folder(shop: Path, tmp_path: Path) -> None:
    with Workspace.open(shop, mode="write") as ws:
        report = ws.exports.write_list(["Club", "Team"], tmp_path, ListOptions(), each=True)
    assert [(f.path.name, f.rows) for f in report.files] == [("Club.csv", 3), ("Team.csv", 3)]
    assert (tmp_path / "Team.csv").read_text().splitlines()[1].endswith(",Team")


def test_xlsx_text_stays_text_and_formulas_are_quoted(shop: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "club.xlsx"
    export(shop, target, format="xlsx")
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == GENERIC_HEADER.decode().strip().split(",")
    ann = {h.value: c for h, c in zip(rows[0], rows[1], strict=True)}
    assert (ann["external_id"].value, ann["external_id"].data_type) == ("00123", "s")
    assert (ann["postal_code"].value, ann["postal_code"].data_type) == ("02116", "s")
    assert (ann["age"].value, ann["vip"].value) == (37, True)
    for name in ("last_name", "phone", "note"):
        cell = ann[name]
        assert cell.data_type == "s" and cell.quotePrefix, name
    assert ann["last_name"].value == '=HYPERLINK("http://x")'
    assert not ann["first_name"].quotePrefix


def read_sheet(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    rows: list[list[object]] = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    )
    return rows


def test_xlsx_keeps_carriage_returns_and_escape_lookalikes(tmp_path: Path) -> None:
    from tests.factories import add_contacts, add_segment

    db = tmp_path / "one.db"
    names = ["a\rb", "_x000D_", "\r_x0041_\n", "bell\x07"]
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, [{"id": i, "first_name": n} for i, n in enumerate(names, 1)])
        add_segment(ws.engine, "All", [1, 2, 3, 4])
    export(db, tmp_path / "all.xlsx", ["All"], format="xlsx")
    firsts = [row[2] for row in read_sheet(tmp_path / "all.xlsx")[1:]]
    assert firsts == ["a\rb", "_x000D_", "\r_x0041_\n", "bell"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_formula_start_is_guarded_in_spreadsheets_only(tmp_path: Path, start: str) -> None:
    from openpyxl import load_workbook

    from tests.factories import add_contacts, add_segment

    db = tmp_path / "one.db"
    value = f"{start}cmd|' /C calc'!A0"
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, [{"id": 1, "email": "a@example.com", "first_name": value}])
        add_segment(ws.engine, "One", [1])
    cell = {}
    for fmt in ("generic", "mailchimp", "hubspot"):
        export(db, tmp_path / f"{fmt}.csv", ["One"], format=fmt)
        text = (tmp_path / f"{fmt}.csv").read_bytes().decode("utf-8")
        cell[fmt] = text.split("\r\n")[1]
    assert f"'{value}" in cell["generic"]
    assert f"'{value}" not in cell["mailchimp"] and value in cell["mailchimp"]
    assert f"'{value}" not in cell["hubspot"] and value in cell["hubspot"]
    export(db, tmp_path / "one.xlsx", ["One"], format="xlsx")
    first = load_workbook(tmp_path / "one.xlsx").active["C2"]
    assert (first.data_type, first.quotePrefix) == ("s", True)
    assert read_sheet(tmp_path / "one.xlsx")[1][2] == value  # as our importer reads it


def test_unsubscribed_kept_only_when_asked(shop: Path, tmp_path: Path) -> None:
    left = export(shop, tmp_path / "a.csv")
    kept = export(shop, tmp_path / "b.csv", include_unsubscribed=True)
    assert "cy@example.com" not in (tmp_path / "a.csv").read_text()
    assert "cy@example.com" in (tmp_path / "b.csv").read_text()
    assert (left.rows, left.files[0].left_out) == (3, {"unsubscribed": 1})
    assert (kept.rows, kept.files[0].left_out) == (4, {})


def test_plan_counts_before_writing(shop: Path, tmp_path: Path) -> None:
    with Workspace.open(shop, mode="read") as ws:
        (planned,) = ws.exports.plan(["Club"], tmp_path / "x.csv", ListOptions(format="mailchimp"))
    assert (planned.selection.rows, planned.selection.left_out) == (
        2,
        {"unsubscribed": 1, "no_email": 1},
    )
    assert not (tmp_path / "x.csv").exists()


def test_file_is_private_and_logged(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "club.csv"
    target.write_text("old")
    target.chmod(0o644)
    report = export(shop, target, format="mailchimp")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["club.csv"]
    with Workspace.open(shop, mode="read") as ws:
        entry = next(e for e in ws.exports.log() if e.id == report.files[0].export_id)
    assert (entry.what, entry.format, entry.path, entry.rows, entry.segments) == (
        "list",
        "mailchimp",
        str(target.resolve()),
        2,
        ["Club"],
    )
    assert entry.left_out == {"unsubscribed": 1, "no_email": 1}


def test_anonymised_list_has_no_direct_identifiers(shop: Path, tmp_path: Path) -> None:
    first = export(shop, tmp_path / "a.csv", anonymise=True, include_unsubscribed=True)
    export(shop, tmp_path / "b.csv", anonymise=True, include_unsubscribed=True)
    text = (tmp_path / "a.csv").read_text()
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert ",".join(header) == (
        "external_id,company,job_title,city,region,postal_code,country,source,consent,"
        "note,age,vip,segment"
    )
    for secret in ("ann@", "Ann", "Bob", "+44", "00123", "C-2"):
        assert secret not in text
    keys = [row[0] for row in rows]
    assert len(set(keys)) == first.rows == 4 and all(len(k) == 16 for k in keys)
    assert (tmp_path / "b.csv").read_text() == text  # the same salt, the same keys


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": ("email", "shoe_size")}, 'unknown field "shoe_size"'),
        ({"format": "mailchimp", "anonymise": True}, "anonymised list has no email"),
        ({"format": "hubspot", "bom": True}, "without a byte order mark"),
        ({"delimiter": ";;"}, "one character"),
    ],
)
def test_choices_that_cannot_be_written_are_refused(
    shop: Path, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        export(shop, tmp_path / "x.csv", **options)
    assert list(tmp_path.iterdir()) == []
