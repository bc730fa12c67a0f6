"""Contacts: the browser's pages, records with every field, one contact in full.

``count_contacts`` and ``contacts_page`` have the names and signatures of the quick reader's
(``store.quick_read.QuickReader``), so that the contacts list takes either as its source.
"""

from __future__ import annotations

from sqlalchemy import Engine

from segdesk import contacts as contact_queries
from segdesk.contact_values import ContactDetail, ContactRecord, ContactRow
from segdesk.errors import NotFoundError


class Contacts:
    """Reading contacts; nothing here writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count_contacts(self, search: str | None = None) -> int:
        with self._engine.connect() as conn:
            return contact_queries.count_contacts(conn, search)

    def contacts_page(
        self, offset: int, limit: int, search: str | None = None, total: int | None = None
    ) -> list[ContactRow]:
        """Rows of the contacts list; ``total`` (the count) lets pages near the end load fast."""
        with self._engine.connect() as conn:
            return contact_queries.contacts_page(conn, offset, limit, search, total)

    def records(self, search: str | None = None, limit: int | None = None) -> list[ContactRecord]:
        """Contacts with every field, custom ones included, in id order."""
        with self._engine.connect() as conn:
            return contact_queries.contact_records(conn, search, limit)

    def detail(self, contact_id: int) -> ContactDetail:
        """One contact with its events and segments; NotFoundError if there is none."""
        with self._engine.connect() as conn:
            detail = contact_queries.contact_detail(conn, contact_id)
        if detail is None:
            raise NotFoundError(f"no contact with id {contact_id}")
        return detail
