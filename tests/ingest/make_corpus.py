"""Write the corpus of awkward import files used by the ingest tests.

Run ``python tests/ingest/make_corpus.py`` to rebuild ``tests/ingest/corpus/``. The output is
byte-for-byte reproducible (fixed seeds, fixed workbook timestamps), and a test checks that the
committed files match it. ``legacy.xls`` needs ``xlwt`` (a writer for the old Excel format);
without it that one file is left as committed.
"""

from __future__ import annotations

import io
import random
import re
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)

CRLF = "\r\n"


def text_files() -> dict[str, bytes]:
    """Every text file of the corpus, by name."""
    files: dict[str, bytes] = {}

    files["utf8_bom.csv"] = (
        "\ufeff".encode()
        + (
            "Email,First Name,City\n"
            "juergen@example.de,Jürgen,München\n"
            "zoe@example.fr,Zoë,Besançon\n"
        ).encode()
    )

    files["excel_unicode.txt"] = "\ufeff".encode("utf-16-le") + CRLF.join(
        [
            "E-Mail\tVorname\tNachname\tOrt",
            "anna@example.de\tAnna\tÖzdemir\tKöln",
            "li@example.cn\t李\t王\t北京",
            "",
        ]
    ).encode("utf-16-le")

    files["utf16_nobom.txt"] = "email\tname\nbo@example.se\tBo Åström\n".encode("utf-16-le")

    files["german_excel.csv"] = CRLF.join(
        [
            "Kundennr;Vorname;Name;E-Mail;Firma;PLZ;Ort;Umsatz;Letzte Bestellung;Newsletter",
            "00123;Jürgen;Müller;JUERGEN@Example.de;Bäckerei Süß GmbH;01067;Dresden;"
            "1.234,56;30.06.2024;ja",
            "00456;Änne;Groß;aenne@example.de;;80331;München;12,50 €;01.02.2024;nein",
            '00789;Björn;Weiß;bjoern@example.de;"Weiß; Söhne KG";20095;Hamburg;-7,00;15.12.2023;',
            "",
        ]
    ).encode("cp1252")

    files["mailchimp_subscribed.csv"] = (
        b"Email Address,First Name,Last Name,Address,Phone Number,Birthday,MEMBER_RATING,"
        b"OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,"
        b"TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n"
        b'ana@example.com,Ana,Silva,"12 Rua Augusta  Lisboa    1100-048  PT",+351 21 123 4567,'
        b'03/14,4,"2023-01-05 09:12:44",203.0.113.5,"2023-01-05 09:13:02",203.0.113.5,'
        b'38.7,-9.1,0,1,Europe/Lisbon,PT,11,"2024-02-01 10:00:00",123456789,a1b2c3d4e5,,'
        b'"""VIP"",""Newsletter"""\n'
        b"bob@example.com,Bob,Stone,,,,2,2023-03-10 18:00:00,,2023-03-10 18:01:00,,,,,,,US,CA,"
        b"2024-03-01 08:00:00,987654321,f6e5d4c3b2,Met at fair,\n"
    )

    files["mailchimp_unsubscribed.csv"] = (
        b"Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,CONFIRM_TIME,"
        b"UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER,"
        b"LEID,EUID,TAGS\n"
        b"carl@example.com,Carl,Berg,1,2022-05-01 10:00:00,2022-05-01 10:05:00,"
        b'2024-04-02 07:30:00,"Spring Sale, 2024",a1b2c3,"I receive too many emails",,'
        b"555,aa11bb22,\n"
    )

    files["hubspot_contacts.csv"] = (
        b'"Record ID","First Name","Last Name","Email","Phone Number","Company Name",'
        b'"Job Title","City","State/Region","Country/Region","Postal Code","Lifecycle Stage",'
        b'"Create Date","Contact owner","Last Activity Date","Marketing contact status"\n'
        b'"51","Dana","Fox","dana@example.com","+1 617 555 0100","Fox & Co","Owner","Boston",'
        b'"MA","United States","02134","customer","2024-06-30 12:00","Sam Lee",'
        b'"2024-07-01 09:30","Marketing contact"\n'
        b'"52","Eli","Marsh","eli@example.com","","","","","","","","lead",'
        b'"2024-05-02 08:15","","","Non-marketing contact"\n'
    )

    files["shopify_customers.csv"] = (
        b"Customer ID,First Name,Last Name,Email,Accepts Email Marketing,"
        b"Default Address Company,Default Address Address1,Default Address Address2,"
        b"Default Address City,Default Address Province Code,Default Address Country Code,"
        b"Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,"
        b"Total Orders,Note,Tax Exempt,Tags\n"
        b"'7295146328321,Fay,Wong,fay@example.com,yes,Wong Bakery,1 Main St,,Toronto,ON,CA,"
        b"'M5V 2T6,'+14165550199,'+14165550123,no,1200.50,7,\"Likes rye, not wheat\",no,"
        b'"vip, wholesale"\n'
        b"'7295146328322,Gus,Hale,GUS@Example.com,no,,,,Portland,ME,US,'04101,,,no,0.00,0,,"
        b"no,\n"
    )

    files["shopify_orders.csv"] = (
        b"Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,"
        b"Created at,Lineitem quantity,Lineitem name,Lineitem price,Id\n"
        b"#1001,fay@example.com,paid,2024-06-30 12:05:00 +0200,CAD,100.00,10.00,13.00,123.00,"
        b"2024-06-30 12:00:00 +0200,2,Rye loaf,50.00,5512345678901\n"
        b"#1002,gus@example.com,paid,2024-07-01 09:00:00 -0400,CAD,8.50,0.00,1.11,9.61,"
        b"2024-07-01 08:59:00 -0400,1,Bagel,8.50,5512345678902\n"
    )

    files["contacts.tsv"] = (
        b"email\tfirst_name\tlast_name\tpostal_code\n"
        b"hana@example.jp\tHana\tSato\t0010\n"
        b"ivo@example.nl\tIvo\tde Vries\t1011 AB\n"
    )

    files["pipe.txt"] = (
        b"customer_id|email|company|city\n"
        b"0042|jo@example.com|Jo's Books|Leeds\n"
        b"0043|kim@example.com|Kim, Lee & Partners|York\n"
    )

    files["quoted_multiline.csv"] = CRLF.join(
        [
            "id,email,note,city",
            '1,lu@example.com,"Line one, with comma',
            'line two with ""quotes""",Oslo',
            "2,mo@example.com,plain,Bergen",
            '3,"ny@example.com","three',
            "",
            'lines",Tromsø',
            "",
            "",
            "4,ol@example.com,,Stavanger",
            "",
        ]
    ).encode()

    files["trailing_delimiter.csv"] = (
        b"email,name,city,\npia@example.com,Pia,Turin,\nray@example.com,Ray,,\n"
    )

    files["transactions.log"] = (
        b"DATE      CUSTOMER_ID  AMOUNT   QTY  REF\n"
        b"--------  -----------  -------  ---  ------\n"
        b"20240105  000123         19.99    1  T-0001\n"
        b"20240105  000123         19.99    1  T-0001\n"
        b"20240212  004567        120.00   12  T-0002\n"
        b"\n"
        b"20240301  000123       1250.50    3  T-0003\n"
        b"20240302  089000          5.00    1\n"
    )

    # Values separated by runs of whitespace under a header whose names are separated by one
    # space: what statistics packages print and old shop systems export.
    files["stats_table.txt"] = (
        b"id email first_name city spend\n"
        b"1    ann@example.com    Ann    Rome     10.50\n"
        b"2    bob@example.com    Bob    Milan     3.00\n"
        b"\n"
        b"3    cy@example.com     Cy     Turin   120.25\n"
    )
    files["shop_tabs.txt"] = CRLF.join(
        [
            "KDNR EMAIL ORT UMSATZ",
            "0001\t\tkai@example.de\t\tBonn\t\t12,50",
            "0002\t\tlea@example.de\tK\u00f6ln\t\t\t7,00",
            "0003 \t mo@example.de \t M\u00fcnchen \t 100,00",
            "",
        ]
    ).encode("cp1252")
    # Aligned but for two names one space apart: read as aligned columns, they merge.
    files["half_aligned.txt"] = (
        b"id  email            first_name city\n"
        b"1   ann@example.com  Ann        Rome\n"
        b"2   bob@example.com  Bob        Milan\n"
        b"3   cy@example.com   Cy         Turin\n"
    )

    files["formulas.csv"] = (
        b"id,value\n"
        b"1,=SUM(A1)\n"
        b"2,+49 30 1234\n"
        b"3,-5\n"
        b"4,@home\n"
        b"5,'=neutralised\n"
        b"6,'+49 30 5678\n"
        b"7,'-7\n"
        b"8,'@work\n"
        b"9,'plain quote\n"
    )

    files["us_dates.csv"] = b"email,signup\nsu@example.com,06/30/2024\nte@example.com,01/02/2024\n"
    files["eu_dates.csv"] = b"email,signup\nsu@example.com,30/06/2024\nte@example.com,01/02/2024\n"
    files["ambiguous_dates.csv"] = (
        b"email,signup\nsu@example.com,05/06/2024\nte@example.com,01/02/2024\n"
    )

    files["ragged.csv"] = (
        b"email,name,city\n"
        b"uma@example.com,Uma,Rome\n"
        b"vic@example.com,Vic,Milan,extra,more\n"
        b"wes@example.com,Wes\n"
        b"xia@example.com,Xia,Pisa,,\n"
    )

    files["unclosed_quote.csv"] = (
        b'email,note\nab@example.com,fine\ncd@example.com,"never closed\nef@example.com,lost\n'
    )
    files["old_mac.csv"] = b"email,city\rgh@example.com,Lyon\rij@example.com,Nice\r"

    files["empty.csv"] = b""
    files["blank_only.csv"] = b"\n  \n\r\n"
    files["no_header.csv"] = b"yan@example.com,Yan\nzed@example.com,Zed\n"
    files["mixed_encoding.csv"] = (
        "name,city\nJürgen,Köln\nAnna,Berlin\n".encode() + "Zoë,Besançon\n".encode("cp1252")
    )

    rng = random.Random(20240630)
    junk = bytes(rng.randrange(256) for _ in range(2048))
    files["binary.csv"] = b"\x00\x01\x02\x03" + junk
    return files


def xlsx_bytes() -> bytes:
    """A workbook with dates, numbers, zero-padded text ids and formula-like text cells.

    The data starts at B2 (row 1 and column A empty), to check that row numbers are the
    sheet's. A second, hidden sheet must not be picked.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Customers"
    rows = [
        ["Customer ID", "Email", "Signed up", "Last order", "Total", "Orders", "Note", "VIP"],
        [
            "00123",
            "ann@example.com",
            date(2024, 6, 30),
            datetime(2024, 7, 1, 12, 30),
            1234.5,
            3,
            "=SUM(A1)",
            True,
        ],
        ["00456", "ben@example.com", date(2023, 12, 1), None, 0.1, 1, "+49 30 1234", False],
        [None, None, None, None, None, None, None, None],
        ["07890", "cy@example.com", date(2024, 1, 15), datetime(2024, 2, 1), -5, 0, "@home", None],
        ["08000", "di@example.com", 45473, None, 99.99, 2, "'=neutralised", None],
    ]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=2):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "="
    hidden = book.create_sheet("Hidden")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    book.properties.creator = "corpus"
    book.properties.created = datetime(2024, 1, 1)
    book.properties.modified = datetime(2024, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, so the file is reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2024-01-01T00:00:00Z",
                    body,
                )
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, body)
    return out.getvalue()


def xls_bytes() -> bytes | None:
    """An old-format workbook, when ``xlwt`` is installed; None otherwise."""
    try:
        import xlwt
    except ImportError:
        return None
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Kunden")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    header = ["Kundennr", "E-Mail", "Ort", "Umsatz", "Seit"]
    for c, name in enumerate(header):
        sheet.write(0, c, name)
    rows = [
        ["00123", "jo@example.de", "Köln", 99.5, 45473],
        ["00456", "ka@example.de", "Jena", 12, 45292],
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            style = date_style if c == 4 else xlwt.Style.default_style
            sheet.write(r, c, value, style)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build() -> dict[str, bytes]:
    files = text_files()
    files["mixed.xlsx"] = xlsx_bytes()
    xls = xls_bytes()
    if xls is not None:
        files["legacy.xls"] = xls
    return files


def main() -> int:
    CORPUS.mkdir(exist_ok=True)
    for name, data in sorted(build().items()):
        (CORPUS / name).write_bytes(data)
        print(f"{name:28} {len(data):6} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
