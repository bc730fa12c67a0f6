"""The fields a rule or a mapping can name: the core contact fields every database has, in
display order, and the ``field`` table that lists them with the custom ones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from segdesk.store.tables import FieldDef

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


@dataclass(frozen=True)
class FieldInfo:
    """One row of the ``field`` table, as ``segdesk fields`` lists it."""

    name: str
    label: str
    type: str
    origin: str
    description: str | None

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "origin": self.origin,
            "description": self.description,
        }


def stored_fields(conn: Connection) -> list[FieldInfo]:
    """Every field a rule can name, in the order they were added (core fields first)."""
    table = FieldDef.__table__
    rows = conn.execute(
        select(
            table.c.name, table.c.label, table.c.type, table.c.origin, table.c.description
        ).order_by(table.c.id)
    )
    return [FieldInfo(*row) for row in rows]


def custom_field_types(conn: Connection) -> dict[str, str]:
    """Custom field name → type."""
    return {f.name: f.type for f in stored_fields(conn) if f.origin == "custom"}
