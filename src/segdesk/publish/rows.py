"""A list's columns and rows: which contact fields each format holds, read in chunks of ids
and turned into the cells that format writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from pyroaring import BitMap
from sqlalchemy import ColumnElement, Connection, func, select

from segdesk.errors import UserError
from segdesk.publish.anonymise import Pseudonyms
from segdesk.publish.formats import (
    ANONYMISED_OUT,
    EXTRA_FIELDS,
    FIRSTS,
    GENERIC_FIELDS,
    HUBSPOT_COLUMNS,
    HUBSPOT_FIELDS,
    HUBSPOT_SEGMENT_COLUMN,
    MAILCHIMP_COLUMNS,
    SEGMENT_COLUMN,
    SEGMENT_SEPARATOR,
    mailchimp_address,
    mailchimp_tags,
)
from segdesk.store.json_values import json_kind
from segdesk.store.tables import Contact, FieldDef

contact = Contact.__table__
field_table = FieldDef.__table__

CHUNK = 5_000
"""Contacts read per query (and per progress report)."""

Names = Callable[[int], list[str]]
"""The names of the list's segments a contact is in."""


@dataclass(frozen=True)
class Column:
    """A contact field a list reads: a core column, or a custom field of the ``attributes``."""

    name: str
    custom_type: str | None = None

    def expression(self) -> ColumnElement[Any]:
        if self.custom_type is None:
            return contact.c[self.name]
        if self.custom_type == "bool":
            return json_kind(contact.c.attributes, self.name, "bool")
        return func.json_extract(contact.c.attributes, f'$."{self.name}"')


def custom_fields(conn: Connection) -> dict[str, str]:
    """Custom field names with their types, in the order they were added."""
    rows = conn.execute(
        select(field_table.c.name, field_table.c.type)
        .where(field_table.c.origin == "custom")
        .order_by(field_table.c.id)
    )
    return {name: kind for name, kind in rows}


def generic_columns(
    conn: Connection, fields: Sequence[str] | None, *, anonymise: bool
) -> list[Column | None]:
    """The generic list's columns, ``None`` where the segment's name goes: the fields chosen
    in their order, else the core fields then every custom field; the segment's name last
    unless ``segment`` is among the fields chosen. Anonymised, the direct identifiers are
    left out."""
    custom = custom_fields(conn)
    core = (*GENERIC_FIELDS, *EXTRA_FIELDS)
    if fields is None:
        names: list[str] = [*GENERIC_FIELDS, *custom, SEGMENT_COLUMN]
    else:
        names = []
        for raw in fields:
            name = raw.strip()
            if name not in core and name not in custom and name != SEGMENT_COLUMN:
                raise UserError(f'unknown field "{name}": `segdesk fields` lists them')
            if name not in names:
                names.append(name)
        if SEGMENT_COLUMN not in names:
            names.append(SEGMENT_COLUMN)
    if anonymise:
        names = [n for n in names if n not in ANONYMISED_OUT]
    return [
        None if n == SEGMENT_COLUMN else Column(n, custom.get(n) if n not in core else None)
        for n in names
    ]


class Shape:
    """A format's header and the cells of one contact's row."""

    header: tuple[str, ...]
    reads: tuple[Column, ...]

    def cells(self, row: Sequence[Any], names: Names) -> list[Any]:
        raise NotImplementedError


class GenericShape(Shape):
    """Generic CSV and Excel: the fields by name, custom fields typed, the segment's name.

    For CSV (``csv=True``) text that a spreadsheet would run as a formula gets a ``'`` before
    it, and yes/no is written ``true``/``false``; numbers are numbers, so ``-5`` stays as it
    is. For Excel, values keep their types and the sheet marks such text (``XlsxSink``)."""

    def __init__(
        self,
        columns: list[Column | None],
        *,
        csv: bool,
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        self.header = tuple(c.name if c else SEGMENT_COLUMN for c in columns)
        kept = [c for c in columns if c is not None]
        self.reads = (Column("id"), Column("external_id"), *kept)
        self._segment_at = next((i for i, c in enumerate(columns) if c is None), None)
        self._bools = tuple(i for i, c in enumerate(kept) if c.custom_type == "bool")
        self._csv = csv
        self._external_at = next((i for i, c in enumerate(kept) if c.name == "external_id"), None)
        self._pseudonyms = pseudonyms

    def cells(self, row: Sequence[Any], names: Names) -> list[Any]:
        values = list(row[2:])
        for i in self._bools:
            value = values[i]
            if value is not None:
                values[i] = ("true" if value else "false") if self._csv else bool(value)
        if self._pseudonyms is not None and self._external_at is not None:
            values[self._external_at] = self._pseudonyms(row[0], row[1])
        if self._segment_at is not None:
            values.insert(self._segment_at, SEGMENT_SEPARATOR.join(names(row[0])))
        if not self._csv:
            return values
        return ["'" + v if v.__class__ is str and v[:1] in FIRSTS else v for v in values]


class MailchimpShape(Shape):
    """Mailchimp's import columns, every value as it is; the segments as tags."""

    header = MAILCHIMP_COLUMNS
    reads = tuple(
        Column(n)
        for n in (
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "city",
            "region",
            "postal_code",
            "country",
        )
    )

    def cells(self, row: Sequence[Any], names: Names) -> list[Any]:
        return [*row[1:5], mailchimp_address(tuple(row[5:9])), mailchimp_tags(names(row[0]))]


class HubspotShape(Shape):
    """HubSpot's import columns, every value as it is; with several segments in one file, a
    ``Segment`` column naming them."""

    reads = tuple(Column(n) for n in ("id", *HUBSPOT_FIELDS))

    def __init__(self, several: bool) -> None:
        self._several = several
        self.header = (*HUBSPOT_COLUMNS, HUBSPOT_SEGMENT_COLUMN) if several else HUBSPOT_COLUMNS

    def cells(self, row: Sequence[Any], names: Names) -> list[Any]:
        if self._several:
            return [*row[1:], ";".join(names(row[0]))]
        return list(row[1:])


def contact_rows(
    conn: Connection, ids: BitMap, reads: Sequence[Column], chunk: int = CHUNK
) -> Iterator[Sequence[Sequence[Any]]]:
    """The contacts of ``ids`` in id order, ``chunk`` at a time: one list of rows per chunk."""
    columns = [c.expression() for c in reads]
    numbers = iter(ids)
    while part := list(islice(numbers, chunk)):
        query = select(*columns).where(contact.c.id.in_(part)).order_by(contact.c.id)
        yield conn.execute(query).all()
