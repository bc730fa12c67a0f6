"""The values a text or category field already holds, for completion in the rule builder.

A shop owner writing ``country = …`` should pick from the countries the contacts have, spelt
as they are stored, rather than guess. Values are trimmed, compared ignoring case (as rules
compare them, so "us" and "US" are one value) and ranked by how many people hold them; the
query is limited, so a field with thousands of distinct values costs one grouped pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, literal, select

from segdesk.rules.catalog import CatalogField, FieldCatalog
from segdesk.rules.compiler import LIKE_ESCAPE, attribute_value
from segdesk.rules.errors import RuleError, clipped
from segdesk.rules.ops import KIND_OF_TYPE
from segdesk.store.tables import Contact
from segdesk.store.text_folding import folded

contact = Contact.__table__

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class FieldValue:
    """One value of a field and how many contacts hold it."""

    value: str
    people: int


def field_values(
    conn: Connection,
    catalog: FieldCatalog,
    name: str,
    typed: str = "",
    limit: int = DEFAULT_LIMIT,
) -> list[FieldValue]:
    """The most held values of the text or category field ``name`` that contain ``typed``
    (ignoring case), those starting with it first; nothing for fields of other types, whose
    values are typed rather than picked."""
    field = catalog.field(name)
    if field is None:
        raise RuleError(f'unknown field "{clipped(name)}"')
    if KIND_OF_TYPE[field.type] != "text":
        return []
    value = func.trim(_column(field))
    key = folded(value)
    query = select(func.min(value).label("value"), func.count().label("people")).where(
        func.coalesce(value, "") != ""
    )
    wanted = typed.strip()
    first: ColumnElement[Any] = literal(0)
    if wanted:
        escaped = "".join(f"{LIKE_ESCAPE}{c}" if c in "%_/" else c for c in wanted)
        query = query.where(key.like(folded(literal(f"%{escaped}%")), escape=LIKE_ESCAPE))
        starts = func.min(key).like(folded(literal(f"{escaped}%")), escape=LIKE_ESCAPE)
        first = case((starts, 0), else_=1)
    rows = conn.execute(
        query.group_by(key).order_by(first, func.count().desc(), func.min(value)).limit(limit)
    ).all()
    return [FieldValue(str(row.value), int(row.people)) for row in rows]


def _column(field: CatalogField) -> ColumnElement[Any]:
    if field.origin == "core":
        return contact.c[field.name]
    return attribute_value(field)
