"""The one facade over a database that the TUI and the CLI both call."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from segdesk import contacts as contact_queries
from segdesk.contact_values import ContactDetail, ContactRow
from segdesk.errors import NotFoundError
from segdesk.store.database import open_database
from segdesk.store.tables import FieldDef
from segdesk.summary import Summary, compute_summary


class Workspace:
    """An open Segment Desk database and everything a user can ask of it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, target: str | os.PathLike[str]) -> Workspace:
        """Open (creating if needed) the database at a path or URL."""
        return cls(open_database(target))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def summary(self, today: date | None = None) -> Summary:
        with self.engine.connect() as conn:
            return compute_summary(conn, today or date.today())

    def fields(self) -> list[dict[str, Any]]:
        """Every field a rule can name: name, label, type, origin, description."""
        table = FieldDef.__table__
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    table.c.name, table.c.label, table.c.type, table.c.origin, table.c.description
                ).order_by(table.c.id)
            )
            return [dict(row._mapping) for row in rows]

    def count_contacts(self, search: str | None = None) -> int:
        with self.engine.connect() as conn:
            return contact_queries.count_contacts(conn, search)

    def contacts_page(
        self, offset: int, limit: int, search: str | None = None, total: int | None = None
    ) -> list[ContactRow]:
        """Rows of the contacts list; ``total`` (the count) lets pages near the end load fast."""
        with self.engine.connect() as conn:
            return contact_queries.contacts_page(conn, offset, limit, search, total)

    def contact_records(
        self, search: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return contact_queries.contact_records(conn, search, limit)

    def contact(self, contact_id: int) -> ContactDetail:
        with self.engine.connect() as conn:
            detail = contact_queries.contact_detail(conn, contact_id)
        if detail is None:
            raise NotFoundError(f"no contact with id {contact_id}")
        return detail
