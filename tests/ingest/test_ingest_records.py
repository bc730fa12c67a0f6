"""Rows typed by a mapping, end to end over the corpus: values, line numbers, problems."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from segdesk.errors import UserError
from segdesk.ingest import (
    RecordBuilder,
    SourceRow,
    inspect_file,
    iter_rows,
    suggest_for_shape,
    suggest_mapping,
)


def records(corpus, name, target="contacts", overrides=(), key=None):
    shape = inspect_file(corpus / name)
    mapping = suggest_for_shape(shape, target).with_overrides(overrides)
    builder = RecordBuilder(mapping, shape.header, key=key)
    return [builder.build(row) for row in iter_rows(shape)]


def test_german_excel_contacts(corpus):
    got = records(corpus, "german_excel.csv")
    assert [(r.line, r.fields, r.custom, r.problems) for r in got] == [
        (
            2,
            {
                "external_id": "00123",
                "first_name": "Jürgen",
                "last_name": "Müller",
                "email": "juergen@example.de",
                "company": "Bäckerei Süß GmbH",
                "postal_code": "01067",
                "city": "Dresden",
                "consent": "subscribed",
            },
            {"umsatz": 1234.56, "letzte_bestellung": date(2024, 6, 30)},
            (),
        ),
        (
            3,
            {
                "external_id": "00456",
                "first_name": "Änne",
                "last_name": "Groß",
                "email": "aenne@example.de",
                "company": None,
                "postal_code": "80331",
                "city": "München",
                "consent": "unsubscribed",
            },
            {"umsatz": 12.5, "letzte_bestellung": date(2024, 2, 1)},
            (),
        ),
        (
            4,
            {
                "external_id": "00789",
                "first_name": "Björn",
                "last_name": "Weiß",
                "email": "bjoern@example.de",
                "company": "Weiß; Söhne KG",
                "postal_code": "20095",
                "city": "Hamburg",
                "consent": "unknown",
            },
            {"umsatz": -7.0, "letzte_bestellung": date(2023, 12, 15)},
            (),
        ),
    ]


def test_shopify_customers_keep_ids_zips_and_phones_as_text(corpus):
    got = records(corpus, "shopify_customers.csv")
    assert [r.problems for r in got] == [(), ()]
    fay, gus = got
    assert {k: fay.fields[k] for k in ("external_id", "postal_code", "phone", "consent")} == {
        "external_id": "7295146328321",
        "postal_code": "M5V 2T6",
        "phone": "+14165550123",
        "consent": "subscribed",
    }
    assert fay.custom["default_address_phone"] == "+14165550199"
    assert fay.custom["total_spent"] == 1200.5
    assert fay.custom["total_orders"] == 7
    assert fay.custom["accepts_sms_marketing"] is False
    assert (gus.fields["email"], gus.fields["postal_code"], gus.fields["consent"]) == (
        "gus@example.com",
        "04101",
        "unsubscribed",
    )


def test_hubspot_consent_and_dates(corpus):
    got = records(corpus, "hubspot_contacts.csv")
    assert [(r.fields["external_id"], r.fields["consent"]) for r in got] == [
        ("51", "subscribed"),
        ("52", "unsubscribed"),
    ]
    assert got[0].custom["create_date"] == datetime(2024, 6, 30, 12, 0)
    assert got[1].custom["last_activity_date"] is None


def test_mailchimp_unsubscribed_everyone(corpus):
    (carl,) = records(corpus, "mailchimp_unsubscribed.csv")
    assert carl.fields == {
        "email": "carl@example.com",
        "first_name": "Carl",
        "last_name": "Berg",
        "consent": "unsubscribed",
    }
    assert carl.custom["unsub_time"] == datetime(2024, 4, 2, 7, 30)
    assert carl.custom["unsub_campaign_title"] == "Spring Sale, 2024"


def test_shopify_orders_events(corpus):
    got = records(corpus, "shopify_orders.csv", "events")
    assert [(r.line, r.fields) for r in got] == [
        (
            2,
            {
                "ref": "#1001",
                "email": "fay@example.com",
                "status": "paid",
                "amount": 123.0,
                "occurred_at": datetime(2024, 6, 30, 10, 0),
                "quantity": 2,
                "product": "Rye loaf",
                "unit_price": 50.0,
            },
        ),
        (
            3,
            {
                "ref": "#1002",
                "email": "gus@example.com",
                "status": "paid",
                "amount": 9.61,
                "occurred_at": datetime(2024, 7, 1, 12, 59),
                "quantity": 1,
                "product": "Bagel",
                "unit_price": 8.5,
            },
        ),
    ]
    assert got[0].custom["paid_at"] == datetime(2024, 6, 30, 10, 5)
    assert got[0].custom["id_field"] == 5512345678901


def test_transaction_log_events_keep_repeated_rows(corpus):
    got = records(corpus, "transactions.log", "events")
    assert [(r.line, r.fields) for r in got] == [
        (
            3,
            {
                "occurred_at": date(2024, 1, 5),
                "external_id": "000123",
                "amount": 19.99,
                "quantity": 1,
                "ref": "T-0001",
            },
        ),
        (
            4,
            {
                "occurred_at": date(2024, 1, 5),
                "external_id": "000123",
                "amount": 19.99,
                "quantity": 1,
                "ref": "T-0001",
            },
        ),
        (
            5,
            {
                "occurred_at": date(2024, 2, 12),
                "external_id": "004567",
                "amount": 120.0,
                "quantity": 12,
                "ref": "T-0002",
            },
        ),
        (
            7,
            {
                "occurred_at": date(2024, 3, 1),
                "external_id": "000123",
                "amount": 1250.5,
                "quantity": 3,
                "ref": "T-0003",
            },
        ),
        (
            8,
            {
                "occurred_at": date(2024, 3, 2),
                "external_id": "089000",
                "amount": 5.0,
                "quantity": 1,
                "ref": None,
            },
        ),
    ]


def test_xlsx_contacts(corpus):
    got = records(corpus, "mixed.xlsx")
    assert [(r.line, r.fields, r.custom) for r in got] == [
        (
            3,
            {"external_id": "00123", "email": "ann@example.com"},
            {
                "signed_up": date(2024, 6, 30),
                "last_order": datetime(2024, 7, 1, 12, 30),
                "total": 1234.5,
                "orders_field": 3,
                "note": "=SUM(A1)",
                "vip": True,
            },
        ),
        (
            4,
            {"external_id": "00456", "email": "ben@example.com"},
            {
                "signed_up": date(2023, 12, 1),
                "last_order": None,
                "total": 0.1,
                "orders_field": 1,
                "note": "+49 30 1234",
                "vip": False,
            },
        ),
        (
            6,
            {"external_id": "07890", "email": "cy@example.com"},
            {
                "signed_up": date(2024, 1, 15),
                "last_order": date(2024, 2, 1),
                "total": -5,
                "orders_field": 0,
                "note": "@home",
                "vip": None,
            },
        ),
        (
            7,
            {"external_id": "08000", "email": "di@example.com"},
            {
                "signed_up": date(2024, 6, 30),
                "last_order": None,
                "total": 99.99,
                "orders_field": 2,
                "note": "=neutralised",
                "vip": None,
            },
        ),
    ]


def test_formula_like_values(corpus):
    got = records(corpus, "formulas.csv")
    assert [r.custom["value"] for r in got] == [
        "=SUM(A1)",
        "+49 30 1234",
        "-5",
        "@home",
        "=neutralised",
        "+49 30 5678",
        "-7",
        "@work",
        "'plain quote",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("us_dates.csv", [date(2024, 6, 30), date(2024, 1, 2)]),
        ("eu_dates.csv", [date(2024, 6, 30), date(2024, 2, 1)]),
        ("ambiguous_dates.csv", [date(2024, 6, 5), date(2024, 2, 1)]),
    ],
)
def test_date_order_per_file_column(corpus, name, expected):
    assert [r.custom["signup"] for r in records(corpus, name)] == expected


def test_ambiguous_dates_can_be_read_month_first(corpus):
    got = records(corpus, "ambiguous_dates.csv", overrides=["signup=custom:signup:mdy"])
    assert [r.custom["signup"] for r in got] == [date(2024, 5, 6), date(2024, 1, 2)]


def test_ragged_row_is_a_problem_with_its_line(corpus):
    got = records(corpus, "ragged.csv")
    assert [(r.line, r.ok, r.reason) for r in got] == [
        (2, True, ""),
        (3, False, "this row has 5 values but the header names only 3 columns"),
        (4, True, ""),
        (5, True, ""),
    ]
    assert got[1].raw == ("vic@example.com", "Vic", "Milan", "extra", "more")


def test_bad_values_are_problems_naming_the_column():
    mapping = suggest_mapping(
        ["Email", "Joined", "Spent", "Newsletter"],
        samples={"Joined": ["30.06.2024"], "Spent": ["1,5"], "Newsletter": ["ja"]},
    )
    builder = RecordBuilder(mapping, mapping.sources)
    row = SourceRow(7, ("anna at example.de", "31.02.2024", "zwölf", "vielleicht"))
    record = builder.build(row)
    assert record.line == 7
    assert record.problems == (
        "Email: 'anna at example.de' contains a space",
        "Joined: '31.02.2024' is not a valid date",
        "Spent: 'zwölf' is not a number",
        "Newsletter: 'vielleicht' is not a consent value (expected e.g. yes/no or "
        "subscribed/unsubscribed)",
    )


def test_full_name_is_split():
    mapping = suggest_mapping(["Name", "Email"])
    builder = RecordBuilder(mapping, mapping.sources)
    record = builder.build(SourceRow(2, ("Ludwig van Beethoven", "LvB@example.at")))
    assert record.fields == {
        "first_name": "Ludwig",
        "last_name": "van Beethoven",
        "email": "lvb@example.at",
    }


def test_key_is_required_per_row():
    mapping = suggest_mapping(["Customer ID", "Email"])
    builder = RecordBuilder(mapping, mapping.sources, key="external_id")
    assert builder.build(SourceRow(2, ("", "a@example.com"))).problems == (
        "no external id, the key of this import",
    )
    events = suggest_mapping(["Email", "Date"], "events")
    builder = RecordBuilder(events, events.sources)
    assert builder.build(SourceRow(5, ("a@example.com", ""))).problems == ("no date for the event",)


def test_builder_refuses_unusable_mappings():
    with pytest.raises(UserError, match="the column mapping cannot be used"):
        RecordBuilder(suggest_mapping(["City"]), ["City"])
    mapping = suggest_mapping(["Email", "City"])
    with pytest.raises(UserError, match=re.escape("names columns this file does not have: 'City'")):
        RecordBuilder(mapping, ["Email"])
    with pytest.raises(UserError, match="no column is mapped to external_id"):
        RecordBuilder(mapping, ["Email", "City"], key="external_id")
