"""The core contact fields every database has, in display order."""

from __future__ import annotations

from dataclasses import dataclass

FIELD_TYPES = ("text", "number", "date", "bool", "category")
CONSENT_VALUES = ("subscribed", "unsubscribed", "unknown")


@dataclass(frozen=True)
class CoreField:
    name: str
    label: str
    type: str
    description: str


CORE_FIELDS: tuple[CoreField, ...] = (
    CoreField("email", "Email", "text", "Email address, trimmed and lower-cased"),
    CoreField("first_name", "First name", "text", "Given name"),
    CoreField("last_name", "Last name", "text", "Family name"),
    CoreField("external_id", "External id", "text", "Id in the source system, kept as text"),
    CoreField("phone", "Phone", "text", "Phone number, kept as text"),
    CoreField("company", "Company", "text", "Company or organisation"),
    CoreField("job_title", "Job title", "text", "Role at the company"),
    CoreField("city", "City", "text", "City"),
    CoreField("region", "Region", "text", "State, province or region"),
    CoreField("postal_code", "Postal code", "text", "Postal code, kept as text"),
    CoreField("country", "Country", "category", "Country code or name"),
    CoreField("source", "Source", "category", "Where the contact came from"),
    CoreField("consent", "Consent", "category", "subscribed, unsubscribed or unknown"),
    CoreField("created_at", "Created", "date", "When the contact was first stored"),
    CoreField("updated_at", "Updated", "date", "When the contact last changed"),
)
CORE_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in CORE_FIELDS)


def core_field_rows() -> list[dict[str, str]]:
    return [
        {
            "name": f.name,
            "label": f.label,
            "type": f.type,
            "origin": "core",
            "description": f.description,
        }
        for f in CORE_FIELDS
    ]
