"""Mapping headers to fields: known exports, generic and German names, overrides, JSON."""

from __future__ import annotations

import json
import re

import pytest

from segdesk.errors import UserError
from segdesk.ingest import inspect_file, suggest_for_shape, suggest_mapping
from segdesk.ingest.mapping.aliases import alias_key
from segdesk.ingest.mapping.columns import ColumnMapping, Mapping
from segdesk.ingest.mapping.custom_names import custom_field_name
from segdesk.ingest.values.column_types import ColumnType


def compact(mapping: Mapping) -> list[tuple]:
    """(source, action, field, kind[, decisions][, "inverted"]) per column."""
    rows = []
    for c in mapping.columns:
        data = c.type.to_json()
        extra = {k: v for k, v in data.items() if k != "kind"}
        rows.append(
            (c.source, c.action, c.field, data["kind"])
            + ((extra,) if extra else ())
            + (("inverted",) if c.inverted else ())
        )
    return rows


def suggest_file(corpus, name: str, target: str = "contacts") -> Mapping:
    return suggest_for_shape(inspect_file(corpus / name), target)  # type: ignore[arg-type]


def test_alias_key_folds_case_and_separators():
    assert alias_key("E-Mail") == alias_key("email") == alias_key("E_MAIL") == "email"
    assert alias_key("State/Region") == "stateregion"
    assert alias_key(" Email Address ") == alias_key("email_address") == "emailaddress"


def test_german_excel_export(corpus):
    mapping = suggest_file(corpus, "german_excel.csv")
    assert compact(mapping) == [
        ("Kundennr", "field", "external_id", "text"),
        ("Vorname", "field", "first_name", "text"),
        ("Name", "field", "last_name", "text"),  # beside "Vorname", "Name" is the family name
        ("E-Mail", "field", "email", "text"),
        ("Firma", "field", "company", "text"),
        ("PLZ", "field", "postal_code", "text"),
        ("Ort", "field", "city", "text"),
        ("Umsatz", "custom", "umsatz", "number", {"decimal": ","}),
        ("Letzte Bestellung", "custom", "letzte_bestellung", "date", {"date_order": "dmy"}),
        ("Newsletter", "field", "consent", "category"),
    ]
    assert mapping.problems() == []
    assert mapping.column("Name").reason == "'Name' beside a first-name column is the last name"


def test_mailchimp_audience_export(corpus):
    mapping = suggest_file(corpus, "mailchimp_subscribed.csv")
    assert compact(mapping) == [
        ("Email Address", "field", "email", "text"),
        ("First Name", "field", "first_name", "text"),
        ("Last Name", "field", "last_name", "text"),
        ("Address", "custom", "address", "text"),
        ("Phone Number", "field", "phone", "text"),
        ("Birthday", "custom", "birthday", "text"),  # "03/14" has no year: not a date
        ("MEMBER_RATING", "custom", "member_rating", "number", {"decimal": "."}),
        ("OPTIN_TIME", "custom", "optin_time", "date", {"date_order": "dmy"}),
        ("OPTIN_IP", "custom", "optin_ip", "text"),
        ("CONFIRM_TIME", "custom", "confirm_time", "date", {"date_order": "dmy"}),
        ("CONFIRM_IP", "custom", "confirm_ip", "text"),
        ("LATITUDE", "custom", "latitude", "number", {"decimal": "."}),
        ("LONGITUDE", "custom", "longitude", "number", {"decimal": "."}),
        ("GMTOFF", "custom", "gmtoff", "number", {"decimal": "."}),
        ("DSTOFF", "custom", "dstoff", "number", {"decimal": "."}),
        ("TIMEZONE", "custom", "timezone", "text"),
        ("CC", "field", "country", "category"),
        ("REGION", "field", "region", "text"),
        ("LAST_CHANGED", "custom", "last_changed", "date", {"date_order": "dmy"}),
        ("LEID", "custom", "leid", "number", {"decimal": "."}),
        ("EUID", "custom", "euid", "text"),
        ("NOTES", "custom", "notes", "text"),
        ("TAGS", "custom", "tags", "text"),
    ]
    # never "subscribed" from the shape of a file: consent must come from a value
    assert mapping.defaults == {}


def test_mailchimp_unsubscribed_export_sets_consent(corpus):
    mapping = suggest_file(corpus, "mailchimp_unsubscribed.csv")
    assert mapping.defaults == {"consent": "unsubscribed"}
    assert mapping.effective_defaults() == {"consent": "unsubscribed"}
    assert mapping.notes == (
        "the file has a Mailchimp unsubscribe/clean time column: everyone in it is taken as "
        "unsubscribed",
    )
    assert mapping.column("UNSUB_TIME").field == "unsub_time"
    assert mapping.column("UNSUB_CAMPAIGN_TITLE").field == "unsub_campaign_title"
    # a column mapped to consent by hand replaces the default
    changed = mapping.with_overrides(["TAGS=consent"])
    assert changed.effective_defaults() == {}


def test_cleaned_export_header_only():
    mapping = suggest_mapping(["Email Address", "CLEAN_TIME", "CLEAN_CAMPAIGN_TITLE"])
    assert mapping.defaults == {"consent": "unsubscribed"}


def test_hubspot_contact_export(corpus):
    mapping = suggest_file(corpus, "hubspot_contacts.csv")
    assert compact(mapping) == [
        ("Record ID", "field", "external_id", "text"),
        ("First Name", "field", "first_name", "text"),
        ("Last Name", "field", "last_name", "text"),
        ("Email", "field", "email", "text"),
        ("Phone Number", "field", "phone", "text"),
        ("Company Name", "field", "company", "text"),
        ("Job Title", "field", "job_title", "text"),
        ("City", "field", "city", "text"),
        ("State/Region", "field", "region", "text"),
        ("Country/Region", "field", "country", "category"),
        ("Postal Code", "field", "postal_code", "text"),
        ("Lifecycle Stage", "custom", "lifecycle_stage", "text"),
        ("Create Date", "custom", "create_date", "date", {"date_order": "dmy"}),
        ("Contact owner", "custom", "contact_owner", "text"),
        ("Last Activity Date", "custom", "last_activity_date", "date", {"date_order": "dmy"}),
        ("Marketing contact status", "field", "consent", "category"),
    ]


def test_shopify_customer_export(corpus):
    mapping = suggest_file(corpus, "shopify_customers.csv")
    assert compact(mapping) == [
        ("Customer ID", "field", "external_id", "text"),
        ("First Name", "field", "first_name", "text"),
        ("Last Name", "field", "last_name", "text"),
        ("Email", "field", "email", "text"),
        ("Accepts Email Marketing", "field", "consent", "category"),
        ("Default Address Company", "field", "company", "text"),
        ("Default Address Address1", "custom", "default_address_address1", "text"),
        ("Default Address Address2", "custom", "default_address_address2", "text"),
        ("Default Address City", "field", "city", "text"),
        ("Default Address Province Code", "field", "region", "text"),
        ("Default Address Country Code", "field", "country", "category"),
        ("Default Address Zip", "field", "postal_code", "text"),
        ("Default Address Phone", "custom", "default_address_phone", "text"),
        ("Phone", "field", "phone", "text"),  # a better-known name than the address phone
        ("Accepts SMS Marketing", "custom", "accepts_sms_marketing", "bool"),
        ("Total Spent", "custom", "total_spent", "number", {"decimal": "."}),
        ("Total Orders", "custom", "total_orders", "number", {"decimal": "."}),
        ("Note", "custom", "note", "text"),
        ("Tax Exempt", "custom", "tax_exempt", "bool"),
        ("Tags", "custom", "tags", "text"),
    ]
    assert mapping.notes == (
        "'Default Address Phone' also looks like phone, which 'Phone' fills; kept as a custom "
        "field",
    )


def test_shopify_orders_as_events(corpus):
    mapping = suggest_file(corpus, "shopify_orders.csv", "events")
    assert compact(mapping) == [
        ("Name", "field", "ref", "text"),  # "#1001" is the order number
        ("Email", "field", "email", "text"),
        ("Financial Status", "field", "status", "category"),
        ("Paid at", "custom", "paid_at", "date", {"date_order": "dmy"}),
        ("Currency", "custom", "currency", "text"),
        ("Subtotal", "custom", "subtotal", "number", {"decimal": "."}),
        ("Shipping", "custom", "shipping", "number", {"decimal": "."}),
        ("Taxes", "custom", "taxes", "number", {"decimal": "."}),
        ("Total", "field", "amount", "number", {"decimal": "."}),
        ("Created at", "field", "occurred_at", "date", {"date_order": "dmy"}),
        ("Lineitem quantity", "field", "quantity", "number", {"decimal": "."}),
        ("Lineitem name", "field", "product", "text"),
        ("Lineitem price", "field", "unit_price", "number", {"decimal": "."}),
        ("Id", "custom", "id_field", "number", {"decimal": "."}),
    ]
    assert mapping.problems() == []


def test_transaction_log_as_events(corpus):
    mapping = suggest_file(corpus, "transactions.log", "events")
    assert compact(mapping) == [
        ("DATE", "field", "occurred_at", "date", {"date_order": "dmy"}),
        ("CUSTOMER_ID", "field", "external_id", "text"),
        ("AMOUNT", "field", "amount", "number", {"decimal": "."}),
        ("QTY", "field", "quantity", "number", {"decimal": "."}),
        ("REF", "field", "ref", "text"),
    ]
    assert mapping.column("DATE").reason == "known name for occurred_at; dates written as YYYYMMDD"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("mail", "email"),
        ("e-mail", "email"),
        ("email_address", "email"),
        ("E-Mail-Adresse", "email"),
        ("zip", "postal_code"),
        ("zipcode", "postal_code"),
        ("postcode", "postal_code"),
        ("PLZ", "postal_code"),
        ("customer_id", "external_id"),
        ("id", "external_id"),
        ("Kundennummer", "external_id"),
        ("mobile", "phone"),
        ("Telefon", "phone"),
        ("Handy", "phone"),
        ("organisation", "company"),
        ("organization", "company"),
        ("Firma", "company"),
        ("Stadt", "city"),
        ("Ort", "city"),
        ("Land", "country"),
        ("Bundesland", "region"),
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("Position", "job_title"),
        ("Lead Source", "source"),
        ("opt-in", "consent"),
        ("Subscribed", "consent"),
        ("Email Marketing Consent", "consent"),
        ("Full Name", "full_name"),
        ("name", "full_name"),
    ],
)
def test_generic_and_german_headers(header, field):
    mapping = suggest_mapping([header])
    assert (mapping.columns[0].action, mapping.columns[0].field) == ("field", field)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("order id", "ref"),
        ("Order Number", "ref"),
        ("invoice", "ref"),
        ("Transaction ID", "ref"),
        ("Bestellnummer", "ref"),
        ("date", "occurred_at"),
        ("Order Date", "occurred_at"),
        ("created at", "occurred_at"),
        ("Datum", "occurred_at"),
        ("total", "amount"),
        ("amount", "amount"),
        ("value", "amount"),
        ("dollar_value", "amount"),
        ("Umsatz", "amount"),
        ("qty", "quantity"),
        ("Lineitem quantity", "quantity"),
        ("Menge", "quantity"),
        ("customer id", "external_id"),
        ("customer email", "email"),
        ("Email", "email"),
    ],
)
def test_event_headers(header, field):
    mapping = suggest_mapping([header], "events")
    assert (mapping.columns[0].action, mapping.columns[0].field) == ("field", field)


def test_tiers_pick_the_better_name():
    mapping = suggest_mapping(["Paid at", "Subtotal", "Total", "Created at"], "events")
    assert mapping.fields()["amount"].source == "Total"
    assert mapping.fields()["occurred_at"].source == "Created at"
    assert mapping.custom_fields().keys() == {"paid_at", "subtotal"}


def test_full_name_is_split_only_without_first_and_last():
    alone = suggest_mapping(["Email", "Name"])
    assert alone.column("Name").field == "full_name"
    both = suggest_mapping(["Email", "Full Name", "First Name", "Last Name"])
    assert (both.column("Full Name").action, both.column("Full Name").field) == (
        "custom",
        "full_name_2",
    )
    assert both.notes == (
        "'Full Name' holds full names, but the file has separate first/last name columns; "
        "kept as a custom field",
    )


def test_inverted_consent_column():
    mapping = suggest_mapping(
        ["email", "Unsubscribed"], samples={"Unsubscribed": ["true", "false", ""]}
    )
    column = mapping.column("Unsubscribed")
    assert (column.field, column.inverted, column.reason) == (
        "consent",
        True,
        "yes means unsubscribed",
    )


def test_status_counts_as_consent_only_with_consent_values():
    good = suggest_mapping(["email", "Status"], samples={"Status": ["subscribed", "cleaned"]})
    assert good.column("Status").field == "consent"
    other = suggest_mapping(["email", "Status"], samples={"Status": ["gold", "silver"]})
    assert (other.column("Status").action, other.column("Status").field) == ("custom", "status")
    assert other.notes == ("'Status' does not hold consent values; kept as a custom field",)


def test_name_in_an_orders_file_is_the_order_number_only_with_hashes():
    orders = suggest_mapping(["Name", "Email", "Date"], "events", samples={"Name": ["#1001"]})
    assert orders.column("Name").field == "ref"
    people = suggest_mapping(["Name", "Email", "Date"], "events", samples={"Name": ["Ann Lee"]})
    assert (people.column("Name").action, people.column("Name").field) == ("custom", "name")


def test_custom_field_names():
    assert custom_field_name("Total Spent") == "total_spent"
    assert custom_field_name("OPTIN_TIME") == "optin_time"
    assert custom_field_name("Größe (cm)") == "groesse_cm"
    assert custom_field_name("Café Visits") == "cafe_visits"
    assert custom_field_name("2nd Phone") == "field_2nd_phone"
    assert custom_field_name("!!!", 4) == "column_5"
    mapping = suggest_mapping(["Email Address", "Email", "Orders", "Notes", "Notes_"])
    assert compact(mapping)[0] == ("Email Address", "field", "email", "text")
    assert [c.field for c in mapping.columns[1:]] == ["email_2", "orders_field", "notes", "notes_2"]


def test_existing_custom_fields_are_reused():
    mapping = suggest_mapping(
        ["email", "Loyalty Tier"],
        samples={"Loyalty Tier": ["1", "2"]},
        custom_fields={"loyalty_tier": "category"},
    )
    column = mapping.column("Loyalty Tier")
    assert (column.action, column.field, column.type, column.reason) == (
        "custom",
        "loyalty_tier",
        ColumnType("category"),
        "existing custom field",
    )


# --- overrides ------------------------------------------------------------------------------


def test_overrides(corpus):
    mapping = suggest_file(corpus, "shopify_customers.csv")
    changed = mapping.with_overrides(
        [
            "Default Address Phone=phone",  # takes phone from "Phone"
            "Tags=skip",
            "total spent=custom:lifetime_value:number:comma",
            "Note=custom:remarks",
            "accepts email marketing=consent:inverted",
        ]
    )
    assert changed.column("Default Address Phone").field == "phone"
    phone = changed.column("Phone")
    assert (phone.action, phone.field, phone.reason) == (
        "custom",
        "phone_2",
        "its field was given to another column; kept as a custom field",
    )
    assert changed.column("Tags").action == "skip"
    assert changed.column("Total Spent").field == "lifetime_value"
    assert changed.column("Total Spent").type == ColumnType("number", decimal=",")
    assert changed.column("Note").type == ColumnType("text")
    assert changed.column("Accepts Email Marketing").inverted is True
    assert mapping.column("Phone").field == "phone"  # the original is unchanged
    assert changed.problems() == []


def test_override_date_order_and_existing_custom_field(corpus):
    mapping = suggest_file(corpus, "ambiguous_dates.csv")
    assert mapping.column("signup").ambiguous is True
    changed = mapping.with_overrides(["signup=custom:signup:mdy"])
    assert changed.column("signup").type == ColumnType("date", date_order="mdy")
    existing = mapping.with_overrides(["signup=joined"], custom_fields={"joined": "date"})
    assert existing.column("signup").type == ColumnType("date", date_order="dmy")
    assert existing.column("signup").field == "joined"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nonsense", "--map 'nonsense': expected SOURCE=FIELD, e.g. \"E-Mail=email\""),
        (
            "Emial=email",
            "--map 'Emial=email': the file has no column 'Emial' (did you mean 'Email'?); "
            "columns: 'Customer ID', 'Email', 'Phone', 'Tags'",
        ),
        (
            "Email=emial",
            "--map 'Email=emial': unknown field 'emial' (did you mean 'email'?); fields: email, "
            "first_name, last_name, full_name, external_id, phone, company, job_title, city, "
            "region, country, postal_code, source, consent; or custom:NAME for a new custom "
            "field, or skip",
        ),
        ("Tags=custom:", "--map 'Tags=custom:': name the custom field, e.g. custom:loyalty_tier"),
        ("Tags=custom:City", "--map 'Tags=custom:City': 'City' cannot name a custom field"),
        ("Tags=custom:email", "--map 'Tags=custom:email': 'email' cannot name a custom field"),
        ("Tags=email:number", "--map 'Tags=email:number': the type of email is fixed"),
        ("Tags=phone:inverted", "--map 'Tags=phone:inverted': only consent can be inverted"),
        ("Tags=custom:t:huge", "--map 'Tags=custom:t:huge': unknown option 'huge'"),
        ("Tags=", "--map 'Tags=': no field after '='"),
    ],
)
def test_override_errors(spec, message):
    mapping = suggest_mapping(["Customer ID", "Email", "Phone", "Tags"])
    with pytest.raises(UserError) as err:
        mapping.with_overrides([spec])
    assert str(err.value).startswith(message)


def test_two_overrides_for_one_field():
    mapping = suggest_mapping(["Email", "Work Email", "Tags"])
    with pytest.raises(UserError, match=re.escape("both 'Email' and 'Work Email' are mapped")):
        mapping.with_overrides(["Email=email", "Work Email=email"])


def test_ambiguous_source_name():
    mapping = suggest_mapping(["E-Mail", "E_Mail"])
    with pytest.raises(UserError, match=re.escape("'email' could mean 'E-Mail', 'E_Mail'")):
        mapping.with_overrides(["email=email"])


# --- problems and JSON ----------------------------------------------------------------------


def test_problems():
    no_key = suggest_mapping(["First Name", "City"])
    assert no_key.problems() == ["no column gives the contact's email address or external id"]
    assert no_key.missing_fields() == ("email",)
    with pytest.raises(UserError, match="the column mapping cannot be used: no column gives"):
        no_key.require_usable()
    with pytest.raises(UserError, match=r"external id\. Choose one\.$"):
        no_key.require_usable(hint="Choose one.")
    events = suggest_mapping(["Email", "Total"], "events")
    assert events.problems() == ["no column gives the date of each event"]
    assert events.missing_fields() == ("occurred_at",)
    both = suggest_mapping(["Email", "Full Name", "First Name"]).with_overrides(
        ["Full Name=full_name"]
    )
    assert both.problems() == [
        "full_name is only split when there are no first and last name columns; skip "
        "'Full Name' or map it to a custom field"
    ]


def test_json_round_trip(corpus):
    mapping = suggest_file(corpus, "mailchimp_unsubscribed.csv").with_overrides(
        ["TAGS=skip", "LEID=custom:leid:text"]
    )
    data = json.loads(mapping.dumps())
    assert data["version"] == 1
    assert data["target"] == "contacts"
    assert data["defaults"] == {"consent": "unsubscribed"}
    assert data["columns"][0] == {
        "source": "Email Address",
        "action": "field",
        "field": "email",
        "type": {"kind": "text"},
        "reason": "known name for email",
    }
    assert Mapping.from_json(mapping.dumps()) == mapping
    assert Mapping.from_json(mapping.to_json()) == mapping


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"version": 2}', "mapping: unknown version 2"),
        ('{"version": 1, "target": "deals", "columns": []}', "mapping: unknown target 'deals'"),
        ('{"version": 1, "target": "contacts"}', "mapping: not a saved mapping"),
        ("not json", "mapping: not a saved mapping"),
        (
            '{"version": 1, "target": "contacts", "columns": [{"source": "a", "action": "x"}]}',
            "mapping: unknown action 'x' for column 'a'",
        ),
    ],
)
def test_malformed_json(data, message):
    with pytest.raises(UserError) as err:
        Mapping.from_json(data)
    assert str(err.value).startswith(message)


def test_column_mapping_defaults():
    column = ColumnMapping("X", "skip", None)
    assert column.to_json() == {
        "source": "X",
        "action": "skip",
        "field": None,
        "type": {"kind": "text"},
    }


@pytest.mark.parametrize(
    "header",
    ["number_of_cds", "qty", "units", "Units Sold", "Number of items", "Quantity Ordered", "pcs"],
)
def test_common_event_columns_give_the_quantity(header):
    mapping = suggest_mapping(["customer_id", "date", header, "dollar_value"], "events")
    assert mapping.fields()["quantity"].source == header
