"""A list's columns and rows: which contact fields each format holds, read in chunks of ids
and turned into the cells that format writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from pyroaring import BitMap
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
)

from segdesk.errors import UserError
from segdesk.ingest.values.text import FORMULA_STARTS
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

CHUNK = 20_000
"""Contacts read per query (and per progress report)."""

Names = Callable[[int], list[str]]
"""The names of the list's segments a contact is in."""


@dataclass(frozen=True)
class Column:
    """A contact field a list reads: a core column, or a custom field of the ``attributes``."""

    name: str
    custom_type: str | None = None

    def expression(self, *, csv: bool = False) -> ColumnElement[Any]:
        """The column's value. For CSV: a yes/no field as ``true``/``false``, and text that a
        spreadsheet would run as a formula with a ``'`` before it (:func:`guarded`)."""
        if self.custom_type is None:
            column = contact.c[self.name]
            return guarded(column) if csv and self.name not in EXTRA_FIELDS else column
        if self.custom_type == "bool":
            flag = json_kind(contact.c.attributes, self.name, "bool")
            if csv:
                return case((flag == 1, literal("true")), (flag == 0, literal("false")))
            return flag
        value = func.json_extract(contact.c.attributes, f'$."{self.name}"')
        return guarded(value, text_only=True) if csv else value


def guarded(value: ColumnElement[Any], *, text_only: bool = False) -> ColumnElement[Any]:
    """``value`` with a ``'`` before a text a spreadsheet would run as a formula, in SQL: the
    database does it far quicker than a loop over every cell. ``text_only`` leaves numbers
    (a custom field's ``-5``) as they are. The characters are written into the SQL, not
    bound: one statement for every list, which SQLite runs quicker."""
    formula: ColumnElement[bool] = func.substr(value, _ONE, _ONE).in_(_STARTS)
    if text_only:
        formula = and_(func.typeof(value) == literal_column("'text'"), formula)
    return case((formula, _QUOTE + value), else_=value)


_ONE = literal_column("1", Integer)
_QUOTE = literal_column("''''", String)
"""``'`` as SQL text."""
_STARTS = [literal_column(f"'{c}'", String) for c in FORMULA_STARTS]
"""The formula starts as SQL text: none of them is a quote, so each is written as it is."""


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
    """What it reads of each contact, its id first."""
    text = True
    """Whether every cell it writes is text (CSV), so values need no converting on reading."""

    def expressions(self) -> list[ColumnElement[Any]]:
        """The SQL of what it reads."""
        return [c.expression() for c in self.reads]

    def cells(self, row: Sequence[Any], names: Names) -> Sequence[Any]:
        raise NotImplementedError


class GenericShape(Shape):
    """Generic CSV and Excel: the fields by name, custom fields typed, the segments' names.

    For CSV (``csv=True``) text that a spreadsheet would run as a formula gets a ``'`` before
    it, and yes/no is written ``true``/``false``; numbers are numbers, so ``-5`` stays as it
    is. All of that is done in the SQL, with the name of a list's one segment, so that a row
    goes from the database to the file untouched. For Excel, values keep their types and the
    sheet marks such text (``XlsxSink``)."""

    def __init__(
        self,
        columns: list[Column | None],
        *,
        csv: bool,
        segments: Sequence[str],
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        self.header = tuple(c.name if c else SEGMENT_COLUMN for c in columns)
        self._csv = self.text = csv
        self._pseudonyms = pseudonyms
        self._one = SEGMENT_SEPARATOR.join(segments) if csv and len(segments) == 1 else None
        """The cell of the segment's name when the SQL holds it (CSV of one segment)."""
        kept = [c for c in columns if c is not None or self._one is not None]
        self.reads = (Column("id"), Column("external_id"), *(c or Column("") for c in kept))
        self._columns = kept
        self._segment_at = (
            next((i for i, c in enumerate(columns) if c is None), None)
            if self._one is None
            else None
        )
        self._bools = tuple(
            i for i, c in enumerate(kept) if c is not None and c.custom_type == "bool"
        )
        self._external_at = next(
            (i for i, c in enumerate(kept) if c is not None and c.name == "external_id"), None
        )
        self._untouched = self._segment_at is None and pseudonyms is None and csv

    def expressions(self) -> list[ColumnElement[Any]]:
        """The id and external id as stored (the key of an anonymised list), then the cells."""
        return [contact.c.id, contact.c.external_id, *map(self._cell, self._columns)]

    def _cell(self, column: Column | None) -> ColumnElement[Any]:
        if column is not None:
            return column.expression(csv=self._csv)
        name = self._one or ""
        return literal("'" + name if name[:1] in FIRSTS else name)

    def cells(self, row: Sequence[Any], names: Names) -> Sequence[Any]:
        if self._untouched:
            return row[2:]
        values = list(row[2:])
        if not self._csv:
            for i in self._bools:
                if values[i] is not None:
                    values[i] = bool(values[i])
        if self._pseudonyms is not None and self._external_at is not None:
            values[self._external_at] = self._pseudonyms(row[0], row[1])
        if self._segment_at is not None:
            segments = SEGMENT_SEPARATOR.join(names(row[0]))
            if self._csv and segments[:1] in FIRSTS:
                segments = "'" + segments
            values.insert(self._segment_at, segments)
        return values


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
    conn: Connection, ids: BitMap, shape: Shape, chunk: int = CHUNK
) -> Iterator[Sequence[Sequence[Any]]]:
    """The contacts of ``ids`` in id order, ``chunk`` ids at a time: one list of rows per
    chunk (a contact no longer stored is missing from it).

    Ids close together (a segment of most contacts) are read as a range of ids, the rows of
    others dropped; scattered ones by a list of ids. A shape whose cells are all text
    (``Shape.text``) reads SQLite's rows as they come, without SQLAlchemy's row objects:
    for a CSV of a million contacts that is an eighth of the time."""
    assert shape.reads[0].name == "id"
    columns = shape.expressions()
    read = _raw_reader(conn) if shape.text else None
    ranged = (
        select(*columns)
        .where(contact.c.id.between(bindparam("low"), bindparam("high")))
        .order_by(contact.c.id)
    )
    numbers = iter(ids)
    while part := list(islice(numbers, chunk)):
        low, high = part[0], part[-1]
        if high - low + 1 > 2 * len(part):
            query = select(*columns).where(contact.c.id.in_(part)).order_by(contact.c.id)
            values: dict[str, Any] = {}
        else:
            query, values = ranged, {"low": low, "high": high}
        if read is None:
            rows: Sequence[Sequence[Any]] = conn.execute(query, values).all()
        else:
            rows = read(query, values)
        if high - low + 1 != len(part):
            rows = [r for r in rows if r[0] in ids]
        yield rows


def _raw_reader(conn: Connection) -> Callable[[Select[Any], dict[str, Any]], list[Any]] | None:
    """Runs a query on the connection's SQLite cursor (in its transaction), or None for other
    databases. The last statement compiled is kept: the range query repeats, chunk after
    chunk, with other bounds."""
    if conn.dialect.name != "sqlite" or conn.dialect.paramstyle != "qmark":
        return None
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    last: list[Any] = [None, "", None]

    def read(query: Select[Any], values: dict[str, Any]) -> list[Any]:
        if last[0] is not query:
            done = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
            last[:] = [query, str(done), done]
        _query, sql, done = last
        params = {**done.params, **values}
        rows: list[Any] = cursor.execute(sql, [params[k] for k in done.positiontup]).fetchall()
        return rows

    return read
