"""Applying a mapping to text rows: typed field values, or the reasons a row cannot be used.

Nothing is written anywhere here. A ``Record`` with problems is meant for the rejects file (its
line and reasons); one without is ready for the database side. Field rules: emails are checked
and lower-cased; ids, phone numbers, postal codes and refs stay text (leading zeros and ``+``
kept); consent becomes subscribed/unsubscribed/unknown; a full name is split when there are no
first/last name columns; every other value is typed by its column's ``ColumnType``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from segdesk.errors import UserError
from segdesk.ingest.mapping import ColumnMapping, Mapping
from segdesk.ingest.sources import SourceRow
from segdesk.ingest.values import (
    ValueProblem,
    clean_identifier,
    normalise_consent,
    normalise_email,
    split_full_name,
)

IDENTIFIER_FIELDS = frozenset({"external_id", "phone", "postal_code", "ref"})


@dataclass(frozen=True)
class Record:
    """One row typed: target fields, custom fields, and problems (empty when usable)."""

    line: int
    fields: dict[str, Any]
    custom: dict[str, Any]
    problems: tuple[str, ...]
    raw: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """All problems in one line, for a rejects file."""
        return "; ".join(self.problems)


Converter = Callable[[str], Any]


class RecordBuilder:
    """Types rows of one file with one mapping; build it once, call ``build`` per row.

    ``key`` (``email`` or ``external_id``) is the field every row must have to find its
    contact; without it, either one will do.
    """

    def __init__(self, mapping: Mapping, header: Sequence[str], key: str | None = None) -> None:
        mapping.require_usable()
        if key not in (None, "email", "external_id"):
            raise UserError(f"unknown key {key!r}; expected email or external_id")
        if key and key not in mapping.fields():
            raise UserError(f"no column is mapped to {key}, the key chosen for this import")
        positions = {name: i for i, name in enumerate(header)}
        missing = [c.source for c in mapping.columns if c.action != "skip" and c.source not in
                   positions]  # fmt: skip
        if missing:
            raise UserError(
                "the mapping names columns this file does not have: "
                + ", ".join(repr(m) for m in missing)
            )
        self.mapping = mapping
        self.key = key
        self._steps: list[tuple[int, ColumnMapping, Converter]] = [
            (positions[c.source], c, _converter(c)) for c in mapping.columns if c.action != "skip"
        ]
        mapped = mapping.fields()
        self._split_names = "full_name" in mapped and not (
            {"first_name", "last_name"} & mapped.keys()
        )
        self._defaults = mapping.effective_defaults()

    def build(self, row: SourceRow) -> Record:
        if row.problem:
            return Record(row.line, {}, {}, (row.problem,), row.values)
        fields: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        problems: list[str] = []
        for pos, column, convert in self._steps:
            text = row.values[pos] if pos < len(row.values) else ""
            try:
                value = convert(text)
            except ValueProblem as exc:
                problems.append(f"{column.source}: {exc.reason}")
                continue
            if column.action == "custom":
                custom[column.field or ""] = value
            elif column.field == "full_name" and self._split_names:
                fields["first_name"], fields["last_name"] = value
            elif column.field != "full_name":
                fields[column.field or ""] = value
        for name, value in self._defaults.items():
            fields.setdefault(name, value)
        problems.extend(self._missing_keys(fields))
        return Record(row.line, fields, custom, tuple(problems), row.values)

    def build_many(self, rows: Iterable[SourceRow]) -> Iterator[Record]:
        for row in rows:
            yield self.build(row)

    def _missing_keys(self, fields: dict[str, Any]) -> list[str]:
        if self.key:
            if fields.get(self.key) is None:
                return [f"no {self.key.replace('_', ' ')}, the key of this import"]
        elif fields.get("email") is None and fields.get("external_id") is None:
            return ["neither an email address nor an external id"]
        if self.mapping.target == "events" and fields.get("occurred_at") is None:
            return ["no date for the event"]
        return []


def _converter(column: ColumnMapping) -> Converter:
    name = column.field
    if column.action == "field":
        if name == "email":
            return _optional(normalise_email)
        if name in IDENTIFIER_FIELDS:
            return _optional(clean_identifier)
        if name == "consent":
            inverted = column.inverted
            return lambda text: normalise_consent(text, inverted=inverted)
        if name == "full_name":
            return split_full_name
    return column.type.parse


def _optional(convert: Converter) -> Converter:
    def run(text: str) -> Any:
        if not text.strip():
            return None
        return convert(text) or None

    return run
