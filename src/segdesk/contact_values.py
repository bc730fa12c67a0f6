"""Contact values shared by every reader: rows of the browser, one contact in full, records
for JSON, paging.

Free of database imports, so that the app can show contacts before SQLAlchemy has loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

LIST_COLUMNS = ("id", "first_name", "last_name", "email", "company", "city", "country", "consent")


@dataclass(frozen=True)
class ContactRow:
    """One line of the contacts browser."""

    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    company: str | None
    city: str | None
    country: str | None
    consent: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class EventLine:
    occurred_at: datetime
    kind: str
    amount: float | None
    quantity: float | None
    ref: str | None


@dataclass(frozen=True)
class Membership:
    """A segment a contact is in, with the segment's status (active, draft, retired)."""

    segment: str
    status: str = "active"

    def __str__(self) -> str:
        return self.segment if self.status == "active" else f"{self.segment} ({self.status})"


@dataclass(frozen=True)
class ContactDetail:
    """Everything about one contact that the detail view and the CLI show."""

    id: int
    fields: dict[str, Any]
    attributes: dict[str, Any]
    events: list[EventLine]
    event_count: int
    order_count: int
    """Orders that count: refunded, voided and cancelled ones are left out."""
    order_total: float
    segments: list[Membership] = field(default_factory=list)
    orders_left_out: dict[str, int] = field(default_factory=dict)
    """Orders left out of ``order_count`` and ``order_total``, by status, most first."""

    @property
    def name(self) -> str:
        parts = (self.fields.get("first_name"), self.fields.get("last_name"))
        return " ".join(p for p in parts if p) or self.fields.get("email") or f"#{self.id}"


@dataclass(frozen=True)
class ContactRecord:
    """One contact with every field, as ``segdesk contacts --json`` prints it: ``fields`` has
    the core fields by name (in ``CORE_FIELDS`` order), ``attributes`` the custom ones."""

    id: int
    fields: dict[str, Any]
    attributes: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """One object keyed by field name; a custom field never hides a core one."""
        record: dict[str, Any] = {"id": self.id}
        for name, value in self.fields.items():
            record[name] = value.isoformat() if isinstance(value, datetime | date) else value
        for name, value in self.attributes.items():
            record.setdefault(name, value)
        return record


def page_window(offset: int, limit: int, total: int | None) -> tuple[bool, int, int]:
    """How to fetch rows ``offset`` to ``offset + limit``: (descending, skip, take).

    Databases skip rows one by one, so a page near the end of a million rows is read from the
    end instead: descending order, skipping only the rows after the page.
    """
    if total is None or offset <= total // 2:
        return False, offset, limit
    end = min(offset + limit, total)
    return True, total - end, max(0, end - offset)
