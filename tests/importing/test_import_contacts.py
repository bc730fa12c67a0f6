"""Importing contacts end to end: exact counts and exact stored values for awkward files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from segdesk.errors import UserError
from tests.factories import add_contacts
from tests.importing.conftest import batches, by_email, contacts

MAILCHIMP = (
    "Email Address,First Name,Last Name,Address,Phone Number,MEMBER_RATING,OPTIN_TIME,"
    "OPTIN_IP,CONFIRM_TIME,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n"
    ' Ana.Lopez@Example.COM ,Ana,López,"12 High St, Leeds",+44 113 496 0000,4,'
    "2023-03-01 10:00:00,,2023-03-01 10:05:00,GB,,2024-01-02 08:00:00,123456,abc123,,"
    '"""VIP"",""Coffee club"""\n'
    "ben@example.org,Ben,Okafor,,=1+2,2,2022-11-30 09:00:00,,,GB,,2024-01-02 08:00:00,"
    "123457,abc124,'=note,\n"
)

HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,City,"
    "State/Region,Country/Region,Postal Code,Lifecycle Stage,Create Date,"
    "Marketing contact status\r\n"
    "00101,Cleo,Ng,cleo@shop.example,+1 617 555 0100,Sunrise Bakery,Owner,Boston,MA,"
    "United States,02139,customer,2024-05-06 10:11,Marketing contact\r\n"
    "00102,Dev,Patel,DEV@SHOP.EXAMPLE,,Sunrise Bakery,Baker,Boston,MA,United States,02139,"
    "lead,2024-05-07 11:00,Non-marketing contact\r\n"
)

GERMAN = (
    "E-Mail;Vorname;Nachname;Firma;PLZ;Ort;Land;Umsatz;Letzte Bestellung\r\n"
    "jürgen@example.de;Jürgen;Müller;Bäckerei Müller GmbH;01067;Dresden;DE;1.234,56;31.12.2023\r\n"
    "grete@example.de;Grete;Weiß;;80331;München;DE;12,50;05.01.2024\r\n"
)


class TestExports:
    def test_mailchimp_audience(self, ws, write, run) -> None:
        report = run(write("audience.csv", MAILCHIMP))
        assert (report.read, report.inserted, report.rejected) == (2, 2, 0)
        stored = by_email(ws)
        ana = stored["ana.lopez@example.com"]
        assert (ana["first_name"], ana["last_name"], ana["phone"], ana["country"]) == (
            "Ana",
            "López",
            "+44 113 496 0000",
            "GB",
        )
        assert ana["consent"] == "unknown"  # a subscribed export alone proves no consent
        assert ana["attributes"] == {
            "address": "12 High St, Leeds",
            "member_rating": 4,
            "optin_time": "2023-03-01T10:00:00",
            "confirm_time": "2023-03-01T10:05:00",
            "last_changed": "2024-01-02T08:00:00",
            "leid": 123456,
            "euid": "abc123",
            "tags": '"VIP","Coffee club"',
        }
        ben = stored["ben@example.org"]
        assert ben["phone"] == "=1+2"  # formula-like text is kept exactly
        assert ben["attributes"]["notes"] == "=note"  # our own export's ' is removed
        types = {f.name: f.type for f in ws.fields() if f.origin == "custom"}
        assert types["optin_time"] == "date"
        assert types["member_rating"] == "number"

    def test_mailchimp_unsubscribed_export(self, ws, write, run) -> None:
        run(
            write(
                "unsub.csv",
                "Email Address,First Name,UNSUB_TIME\ngone@example.com,Gus,2024-02-01 10:00:00\n",
            )
        )
        assert by_email(ws)["gone@example.com"]["consent"] == "unsubscribed"

    def test_hubspot_export(self, ws, write, run) -> None:
        report = run(write("hubspot.csv", HUBSPOT))
        assert (report.read, report.inserted) == (2, 2)
        stored = by_email(ws)
        cleo = stored["cleo@shop.example"]
        assert (
            cleo["external_id"],
            cleo["postal_code"],
            cleo["company"],
            cleo["job_title"],
            cleo["region"],
            cleo["country"],
            cleo["consent"],
        ) == ("00101", "02139", "Sunrise Bakery", "Owner", "MA", "United States", "subscribed")
        assert cleo["attributes"] == {
            "lifecycle_stage": "customer",
            "create_date": "2024-05-06T10:11:00",
        }
        assert stored["dev@shop.example"]["consent"] == "unsubscribed"
        assert stored["dev@shop.example"]["phone"] is None

    def test_german_excel_export(self, ws, write, run) -> None:
        report = run(write("kunden.csv", GERMAN, encoding="cp1252"))
        assert "encoding cp1252" in report.decisions
        assert "'Umsatz': decimal comma" in report.decisions
        assert "'Letzte Bestellung': dates read day first" in report.decisions
        stored = by_email(ws)
        jurgen = stored["jürgen@example.de"]
        assert (
            jurgen["first_name"],
            jurgen["last_name"],
            jurgen["company"],
            jurgen["postal_code"],
            jurgen["city"],
        ) == ("Jürgen", "Müller", "Bäckerei Müller GmbH", "01067", "Dresden")
        assert jurgen["attributes"] == {"umsatz": 1234.56, "letzte_bestellung": "2023-12-31"}
        assert stored["grete@example.de"]["attributes"] == {
            "umsatz": 12.5,
            "letzte_bestellung": "2024-01-05",
        }

    def test_xlsx_with_text_ids_and_dates(self, ws, tmp_path: Path, run) -> None:
        import datetime as dt

        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["Customer ID", "Email", "Zip", "Joined", "Spend"])
        sheet.append(["000042", "xl@example.com", "02139", dt.date(2024, 3, 9), 12.5])
        sheet.append(["000043", "xm@example.com", "10001", dt.date(2024, 3, 10), 7])
        path = tmp_path / "customers.xlsx"
        book.save(path)
        report = run(path)
        assert (report.read, report.inserted) == (2, 2)
        xl = by_email(ws)["xl@example.com"]
        assert (xl["external_id"], xl["postal_code"]) == ("000042", "02139")
        assert xl["attributes"] == {"joined": "2024-03-09", "spend": 12.5}


class TestIdentity:
    FILE = (
        "email,first_name,last_name,city,plan\n"
        "a@example.com,Ann,,Leeds,\n"
        "b@example.com,Bob,Brown,York,pro\n"
        "A@EXAMPLE.COM ,,Archer,,team\n"  # same key: merged, later non-empty wins
        "not an email,Nope,,,\n"
        ",Nobody,,,\n"
        "a@example.com,Ann,Archer,Leeds,team\n"  # repeats what is there: nothing changes
    )

    def test_merge_within_file_and_rejects(self, ws, write, run, tmp_path: Path) -> None:
        report = run(write("people.csv", self.FILE))
        assert (
            report.read,
            report.inserted,
            report.updated,
            report.unchanged,
            report.merged,
            report.rejected,
        ) == (6, 2, 0, 0, 2, 2)
        assert report.quality.duplicates_merged == 2
        assert report.quality.invalid_emails == 1
        assert contacts(ws) == [
            {
                "email": "a@example.com",
                "first_name": "Ann",
                "last_name": "Archer",
                "external_id": None,
                "phone": None,
                "company": None,
                "job_title": None,
                "city": "Leeds",
                "region": None,
                "country": None,
                "postal_code": None,
                "source": None,
                "consent": "unknown",
                "attributes": {"plan": "team"},
            },
            {
                "email": "b@example.com",
                "first_name": "Bob",
                "last_name": "Brown",
                "external_id": None,
                "phone": None,
                "company": None,
                "job_title": None,
                "city": "York",
                "region": None,
                "country": None,
                "postal_code": None,
                "source": None,
                "consent": "unknown",
                "attributes": {"plan": "pro"},
            },
        ]
        with report.rejects_file.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows == [
            ["line", "reason", "email", "first_name", "last_name", "city", "plan"],
            ["5", "email: 'not an email' contains a space", "not an email", "Nope", "", "", ""],
            ["6", "no email, the key of this import", "", "Nobody", "", "", ""],
        ]
        assert [r.line for r in report.rejects_preview] == [5, 6]

    @pytest.mark.parametrize(
        ("rule", "counts", "city", "phone", "plan"),
        [
            ("update", (0, 1, 0), "York", "+44 1", "team"),
            ("fill", (0, 1, 0), "Leeds", "+44 1", "pro"),
            ("skip", (0, 0, 1), "Leeds", None, "pro"),
        ],
    )
    def test_existing_contacts_rule(self, ws, write, run, rule, counts, city, phone, plan) -> None:
        add_contacts(
            ws.engine, [{"email": "a@example.com", "city": "Leeds", "attributes": {"plan": "pro"}}]
        )
        report = run(
            write("update.csv", "email,city,phone,plan\na@example.com,York,+44 1,team\n"),
            on_existing=rule,
        )
        assert (report.inserted, report.updated, report.unchanged) == counts
        [a] = contacts(ws)
        assert (a["city"], a["phone"], a["attributes"]) == (city, phone, {"plan": plan})

    def test_empty_values_never_erase(self, ws, write, run) -> None:
        add_contacts(
            ws.engine, [{"email": "a@example.com", "city": "Leeds", "consent": "subscribed"}]
        )
        report = run(write("blank.csv", "email,city,consent\na@example.com,,unknown\n"))
        assert (report.updated, report.unchanged) == (0, 1)
        [a] = contacts(ws)
        assert (a["city"], a["consent"]) == ("Leeds", "subscribed")

    def test_external_id_key_keeps_zeros_and_refuses_a_taken_email(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "taken@example.com", "external_id": "9"}])
        report = run(
            write("ids.csv", "customer_id,email\n007,x@example.com\n008,taken@example.com\n"),
            key="external_id",
        )
        assert (report.inserted, report.rejected) == (1, 1)
        assert report.rejects_preview[0].reason == (
            "email 'taken@example.com' already belongs to the contact with external id '9'"
        )
        assert {c["external_id"]: c["email"] for c in contacts(ws)} == {
            "9": "taken@example.com",
            "007": "x@example.com",
        }

    def test_unsubscribe_export_marks_everyone(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "a@example.com", "consent": "subscribed"}])
        run(
            write("optouts.csv", "email,consent\na@example.com,subscribed\nb@example.com,\n"),
            consent="unsubscribed",
        )
        assert {c["email"]: c["consent"] for c in contacts(ws)} == {
            "a@example.com": "unsubscribed",
            "b@example.com": "unsubscribed",
        }


class TestRuns:
    def test_reimport_changes_nothing(self, ws, write, run) -> None:
        path = write("hubspot.csv", HUBSPOT)
        run(path)
        before = contacts(ws)
        again = run(path)
        assert (again.read, again.inserted, again.updated, again.unchanged) == (2, 0, 0, 2)
        assert contacts(ws) == before

    def test_dry_run_writes_nothing_and_reports_the_same(self, ws, write, run) -> None:
        path = write("people.csv", TestIdentity.FILE)
        dry = run(path, dry_run=True)
        assert (contacts(ws), batches(ws), dry.batch_id) == ([], 0, None)
        assert ws.imports.custom_fields() == {}
        real = run(path)
        assert (dry.read, dry.inserted, dry.updated, dry.unchanged, dry.rejected) == (
            real.read,
            real.inserted,
            real.updated,
            real.unchanged,
            real.rejected,
        )

    def test_mapping_is_remembered_per_file_shape(self, ws, write, run) -> None:
        run(
            write("one.csv", "Kundennummer,Mail\n1,a@example.com\n"),
            maps=("Kundennummer=external_id", "Mail=email"),
        )
        shape = ws.imports.inspect(write("two.csv", "Kundennummer,Mail\n2,b@example.com\n"))
        mapping = ws.imports.suggest_mapping(shape, "contacts")
        assert {c.source: c.field for c in mapping.columns} == {
            "Kundennummer": "external_id",
            "Mail": "email",
        }

    def test_bad_override_names_the_column(self, ws, write, run) -> None:
        with pytest.raises(UserError, match="Emial"):
            run(write("a.csv", "Email,Name\na@example.com,A\n"), maps=("Emial=email",))
