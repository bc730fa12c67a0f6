"""The list formats: their columns, their encoding, and which of them guard formulas.

The spreadsheet formats (generic CSV, Excel) put a ``'`` before a text cell a spreadsheet
would run as a formula; our importer takes it off again. The platform formats (Mailchimp,
HubSpot) are read by programs, not spreadsheets, and keep every value exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from segdesk.errors import UserError
from segdesk.ingest.values.text import FORMULA_STARTS

FORMATS = ("generic", "mailchimp", "hubspot", "xlsx")
EMAIL_FORMATS = frozenset({"mailchimp", "hubspot"})
"""Formats for email platforms: a contact without an email address is left out."""

FORMAT_NAMES = {
    "generic": "CSV",
    "mailchimp": "Mailchimp CSV",
    "hubspot": "HubSpot CSV",
    "xlsx": "Excel workbook",
}
"""Each format as the user knows it, in reports and on screen."""

SUFFIXES = {"generic": ".csv", "mailchimp": ".csv", "hubspot": ".csv", "xlsx": ".xlsx"}

GENERIC_FIELDS = (
    "external_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "job_title",
    "city",
    "region",
    "postal_code",
    "country",
    "source",
    "consent",
)
"""The core fields a generic list holds unless ``fields`` are chosen; the custom fields
follow them, then the segment's name."""

EXTRA_FIELDS = ("created_at", "updated_at")
"""Core fields a generic list holds only when chosen."""

ANONYMISED_OUT = frozenset({"email", "first_name", "last_name", "phone"})
"""Direct identifiers an anonymised list leaves out (the external id is hashed)."""

SEGMENT_COLUMN = "segment"
SEGMENT_SEPARATOR = "; "
"""Between the names of a contact's segments in one cell (generic and Excel)."""

MAILCHIMP_COLUMNS = (
    "Email Address",
    "First Name",
    "Last Name",
    "Phone Number",
    "Address",
    "Tags",
)
"""Mailchimp's import fields; ``Address`` is its combined address, parts two spaces apart."""

HUBSPOT_COLUMNS = (
    "Email",
    "First Name",
    "Last Name",
    "Phone Number",
    "Company Name",
    "Job Title",
    "City",
    "State/Region",
    "Postal Code",
    "Country/Region",
)
"""HubSpot's default contact properties, by the labels its import maps without asking."""

HUBSPOT_SEGMENT_COLUMN = "Segment"
"""Added when one HubSpot file holds several segments: ``;`` between names, as HubSpot reads
a multiple checkboxes property."""

HUBSPOT_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "job_title",
    "city",
    "region",
    "postal_code",
    "country",
)


@dataclass(frozen=True)
class TextLayout:
    """How a CSV file is written: its delimiter and whether it starts with a byte order mark
    (Excel needs one to read UTF-8)."""

    delimiter: str = ","
    bom: bool = False


EXCEL_EUROPE = TextLayout(";", bom=True)
"""What Excel in most of Europe opens with a double click: ``;`` between values, and a BOM."""


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise UserError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    return name


def check_delimiter(text: str) -> str:
    """One character between values; ``\\t`` and ``tab`` name a tab."""
    value = "\t" if text in ("\\t", "tab") else text
    if len(value) != 1 or value in "\"'\r\n":
        raise UserError(f"the delimiter must be one character other than quotes, got {text!r}")
    return value


FIRSTS = frozenset(FORMULA_STARTS)
"""The first characters of a formula, as a set: ``value[:1] in FIRSTS`` is the formula guard's
test (an empty value is not in it), written out where it runs for every cell."""


def mailchimp_tags(names: list[str]) -> str:
    """Tags as Mailchimp reads them: commas between, a name holding a comma in quotes."""
    return ",".join(f'"{n}"' if "," in n else n for n in names)


def mailchimp_address(parts: tuple[str | None, ...]) -> str:
    """City, region, postal code and country, two spaces apart and without commas (as
    Mailchimp's combined address is imported); the UK as GB, which Mailchimp needs."""
    *place, country = parts
    if country is not None and country.strip().upper() == "UK":
        country = "GB"
    kept = [p.replace(",", " ").strip() for p in (*place, country) if p and p.strip()]
    return "  ".join(kept)
