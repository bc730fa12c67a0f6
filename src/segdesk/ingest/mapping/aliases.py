"""The header names each field is known by, in tiers, and how headers are folded to meet them.

This is data, kept apart from the algorithm that uses it (``suggest``), so that adding a
spelling touches nothing else.
"""

from __future__ import annotations

import re

# Aliases per target field, best tier first. Sources: generic spellings, Mailchimp audience
# exports, HubSpot contact exports, Shopify customer and order exports, WooCommerce and Square
# order exports, German spreadsheets.
_CONTACT_ALIASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "email": (
        (
            "email",
            "e-mail",
            "mail",
            "email address",
            "e-mail address",
            "email_address",
            "e-mail-adresse",
            "emailadresse",
            "mailadresse",
            "primary email",
            "email 1",
        ),
        ("customer email", "contact email", "work email", "business email", "personal email"),
    ),
    "first_name": (
        ("first name", "firstname", "first", "given name", "forename", "fname", "vorname"),
    ),
    "last_name": (
        (
            "last name",
            "lastname",
            "last",
            "surname",
            "family name",
            "lname",
            "nachname",
            "familienname",
        ),
    ),
    "full_name": (
        (
            "full name",
            "fullname",
            "name",
            "contact name",
            "customer name",
            "display name",
            "kundenname",
            "vollständiger name",
        ),
    ),
    "external_id": (
        (
            "external id",
            "customer id",
            "customerid",
            "record id",
            "contact id",
            "customer number",
            "customer no",
            "client id",
            "member id",
            "user id",
            "kundennummer",
            "kundennr",
            "kunden nr",
            "kd nr",
            "kundenid",
        ),
        ("id",),
    ),
    "phone": (
        (
            "phone",
            "phone number",
            "telephone",
            "telephone number",
            "tel",
            "telefon",
            "telefonnummer",
            "tel nr",
            "mobile",
            "mobile phone",
            "mobile phone number",
            "mobile number",
            "cell",
            "cell phone",
            "handy",
            "mobil",
            "mobilnummer",
            "sms",
        ),
        ("work phone", "business phone", "home phone", "phone 1"),
        ("default address phone", "billing phone", "shipping phone"),
    ),
    "company": (
        (
            "company",
            "company name",
            "organisation",
            "organization",
            "org",
            "business",
            "business name",
            "account name",
            "firma",
            "unternehmen",
            "firmenname",
        ),
        ("default address company", "billing company", "shipping company"),
    ),
    "job_title": (
        (
            "job title",
            "jobtitle",
            "job",
            "position",
            "role",
            "job role",
            "berufsbezeichnung",
            "funktion",
            "stellenbezeichnung",
        ),
    ),
    "city": (
        ("city", "town", "locality", "ort", "stadt", "wohnort"),
        ("default address city", "billing city", "shipping city"),
    ),
    "region": (
        (
            "region",
            "state",
            "province",
            "state region",
            "state province",
            "county",
            "state code",
            "province code",
            "bundesland",
            "kanton",
        ),
        (
            "default address province code",
            "default address province",
            "billing province",
            "billing state",
            "shipping province",
        ),
    ),
    "country": (
        ("country", "country code", "country region", "land", "nation", "countrycode"),
        (
            "default address country code",
            "default address country",
            "billing country",
            "shipping country",
        ),
        ("cc",),
    ),
    "postal_code": (
        (
            "postal code",
            "postcode",
            "post code",
            "zip",
            "zipcode",
            "zip code",
            "zip postal code",
            "postal",
            "plz",
            "postleitzahl",
        ),
        ("default address zip", "billing zip", "shipping zip"),
    ),
    "source": (
        (
            "source",
            "lead source",
            "original source",
            "signup source",
            "acquisition source",
            "quelle",
            "herkunft",
        ),
    ),
    "consent": (
        (
            "consent",
            "subscribed",
            "opt in",
            "optin",
            "opted in",
            "email opt in",
            "accepts email marketing",
            "accepts marketing",
            "marketing contact status",
            "email marketing consent",
            "email subscription status",
            "subscription status",
            "newsletter",
            "einwilligung",
            "newsletter einwilligung",
            "marketing consent",
        ),
        ("status", "member status", "email status"),
    ),
}

_INVERTED_CONSENT = (
    "unsubscribed",
    "unsubscribe",
    "opt out",
    "opted out",
    "optout",
    "email opt out",
    "do not email",
    "donotemail",
    "do not contact",
    "abgemeldet",
    "abgemeldet newsletter",
)
"""Consent columns whose yes means the person does not want email."""

_EVENT_ALIASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "email": (
        ("email", "e-mail", "email address", "customer email", "buyer email", "contact email"),
        ("billing email",),
    ),
    "external_id": (
        (
            "customer id",
            "customerid",
            "customer number",
            "customer no",
            "client id",
            "contact id",
            "user id",
            "member id",
            "external id",
            "kundennummer",
            "kundennr",
            "kunden nr",
        ),
    ),
    "occurred_at": (
        (
            "occurred at",
            "order date",
            "date",
            "created at",
            "created",
            "purchase date",
            "transaction date",
            "invoice date",
            "timestamp",
            "order time",
            "datum",
            "bestelldatum",
            "rechnungsdatum",
            "kaufdatum",
            "processed at",
        ),
        ("paid at", "time", "date time", "datetime"),
    ),
    "amount": (
        (
            "amount",
            "total",
            "order total",
            "total price",
            "grand total",
            "value",
            "dollar value",
            "revenue",
            "sales",
            "total sales",
            "betrag",
            "umsatz",
            "summe",
            "gesamt",
            "gesamtbetrag",
            "net sales",
        ),
        ("subtotal", "sub total", "net total"),
    ),
    "quantity": (
        (
            "quantity",
            "qty",
            "lineitem quantity",
            "units",
            "items",
            "item count",
            "item quantity",
            "number of items",
            "number of units",
            "number of products",
            "number of cds",
            "num items",
            "num units",
            "units sold",
            "units ordered",
            "quantity ordered",
            "quantity sold",
            "qty ordered",
            "qty sold",
            "pieces",
            "pcs",
            "menge",
            "anzahl",
            "stück",
            "stueck",
        ),
    ),
    "ref": (
        (
            "ref",
            "reference",
            "order id",
            "order number",
            "order no",
            "order",
            "order ref",
            "invoice",
            "invoice number",
            "invoice no",
            "invoice id",
            "transaction id",
            "transaction",
            "txn id",
            "receipt",
            "receipt number",
            "bestellnummer",
            "rechnungsnummer",
            "belegnummer",
            "auftragsnummer",
        ),
        ("name",),
        ("id",),
    ),
    "status": (
        (
            "financial status",
            "order status",
            "payment status",
            "transaction status",
            "bestellstatus",
            "zahlungsstatus",
        ),
        ("status",),
    ),
    "product": (
        (
            "lineitem name",
            "product",
            "product name",
            "item",
            "item name",
            "product title",
            "produkt",
            "produktname",
            "artikel",
            "artikelname",
        ),
    ),
    "sku": (
        (
            "lineitem sku",
            "sku",
            "item sku",
            "product sku",
            "variant sku",
            "artikelnummer",
        ),
    ),
    "category": (
        (
            "category",
            "product type",
            "product category",
            "product categories",
            "item category",
            "kategorie",
            "warengruppe",
        ),
    ),
    "unit_price": (
        (
            "lineitem price",
            "unit price",
            "price",
            "item price",
            "item cost",
            "price per unit",
            "einzelpreis",
            "stückpreis",
            "preis",
        ),
    ),
    "line_total": (
        (
            "line total",
            "lineitem total",
            "line item total",
            "item total",
            "line amount",
            "gesamtpreis",
            "positionssumme",
        ),
    ),
}

_MAILCHIMP_UNSUBSCRIBED = ("unsubtime", "cleantime")
"""Mailchimp's unsubscribed and cleaned exports carry these columns and no status column."""


def alias_key(text: str) -> str:
    """A header name folded for matching: ``E-Mail Address`` and ``email_address`` meet."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _index(
    aliases: dict[str, tuple[tuple[str, ...], ...]],
) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for target, tiers in aliases.items():
        for tier, names in enumerate(tiers):
            for name in names:
                index.setdefault(alias_key(name), (target, tier))
    return index


_INDEX: dict[str, dict[str, tuple[str, int]]] = {
    "contacts": _index(_CONTACT_ALIASES),
    "events": _index(_EVENT_ALIASES),
}
_INVERTED_KEYS = frozenset(alias_key(n) for n in _INVERTED_CONSENT)
