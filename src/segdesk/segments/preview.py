"""Who a changed rule would bring into a segment and who it would drop, before it is saved.

A rule change is a decision about people: the builder shows its effect against the current
members, with a few names, and only then asks for the reason that goes into the version.
Everything is counted in the database (the new members as a query, the current ones as a
table); only the few names shown reach Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select

from segdesk.errors import UserError
from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule
from segdesk.segments.editing import read_rule
from segdesk.segments.lookup import find_segment
from segdesk.segments.members import member_ids, with_pins
from segdesk.store.tables import Contact

contact = Contact.__table__

SAMPLE = 5
"""Names shown of each side: enough to recognise the kind of people, short enough to read."""


@dataclass(frozen=True)
class ChangePreview:
    """The effect of a new rule on a segment's members: how many would join, leave and stay,
    and a few of those joining and leaving by name. ``applies_now`` is False for a retired
    segment, whose members stay as they are until it is reactivated."""

    joining: int
    leaving: int
    staying: int
    joining_names: tuple[str, ...]
    leaving_names: tuple[str, ...]
    applies_now: bool = True

    @property
    def members_after(self) -> int:
        return self.joining + self.staying

    def to_json(self) -> dict[str, Any]:
        return {
            "joining": self.joining,
            "leaving": self.leaving,
            "staying": self.staying,
            "joining_names": list(self.joining_names),
            "leaving_names": list(self.leaving_names),
            "applies_now": self.applies_now,
        }


def preview_change(
    conn: Connection, name: str, rule_text: str, *, today: dt.date, sample: int = SAMPLE
) -> ChangePreview:
    """What saving ``rule_text`` as the rule of segment ``name`` would do to its members on
    ``today``, pins included, as the refresh after the edit would compute them. The rule is
    vetted as the edit vets it (known fields and segments, no loop)."""
    row = find_segment(conn, name)
    if row.kind != "rule":
        what = "a static list" if row.kind == "static" else "a model segment"
        raise UserError(f'"{row.name}" is {what}; its rule cannot be edited')
    rule = read_rule(conn, row.name, rule_text, today)
    catalog = FieldCatalog.from_connection(conn)
    query = compile_rule(rule, catalog, today, DatabaseSegments(conn))
    new = with_pins(query, row.id).cte("new_members")
    new_id = new.c[0]
    current = member_ids(row.id)
    joining = select(new_id).where(new_id.not_in(current))
    leaving = current.where(current.selected_columns[0].not_in(select(new_id)))
    staying = select(new_id).where(new_id.in_(current))
    return ChangePreview(
        joining=_count(conn, joining),
        leaving=_count(conn, leaving),
        staying=_count(conn, staying),
        joining_names=_names(conn, joining, sample),
        leaving_names=_names(conn, leaving, sample),
        applies_now=row.status != "retired",
    )


def _count(conn: Connection, ids: Select[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(ids.subquery())).scalar_one())


def _names(conn: Connection, ids: Select[Any], limit: int) -> tuple[str, ...]:
    if limit <= 0:
        return ()
    rows = conn.execute(
        select(contact.c.id, contact.c.first_name, contact.c.last_name, contact.c.email)
        .where(contact.c.id.in_(ids))
        .order_by(contact.c.id)
        .limit(limit)
    ).all()
    return tuple(_shown(row) for row in rows)


def _shown(row: Any) -> str:
    """A contact as a person reads it: the name, else the email, else the id."""
    name = " ".join(p.strip() for p in (row.first_name, row.last_name) if p and p.strip())
    return name or row.email or f"contact #{row.id}"
