"""Custom values as a contact or event keeps them: a JSON document of the non-empty ones.

Dates are kept as ISO text, everything else as typed. A large import writes one document per
row, so ``StoredAttributes.texts`` writes a chunk's documents a column at a time, giving the
exact text ``json.dumps`` gives for each row's values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from typing import Any

MEMO_LIMIT = 50_000
"""Distinct dates ``StoredAttributes`` remembers the text of; past that it starts over."""


def stored_value(value: Any) -> Any:
    """A typed value as kept in JSON attributes: dates as ISO text, the rest as is."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


class StoredAttributes:
    """The custom values of one import's records as kept in JSON.

    Only date columns need converting (the mapping names them); each distinct date is turned
    into text once, since dates repeat throughout a file.
    """

    def __init__(self, date_fields: Collection[str]) -> None:
        self.date_fields = frozenset(date_fields)
        self._dates: dict[Any, str] = {}
        self._date_json = _DateJson()

    def __call__(self, custom: dict[str, Any]) -> dict[str, Any]:
        """``stored_value`` of each non-empty value of a record."""
        attributes = {name: value for name, value in custom.items() if value is not None}
        for name in self.date_fields.intersection(attributes):
            attributes[name] = self._date(attributes[name])
        return attributes

    def texts(self, customs: Sequence[dict[str, Any]]) -> list[str]:
        """``json.dumps(self(custom))`` for each record's custom values (all with one set of
        names, as a ``RecordBuilder`` makes them), in order."""
        names = list(customs[0]) if customs else []
        columns = [list(map(itemgetter(name), customs)) for name in names]
        return self.column_texts(names, columns, len(customs))

    def column_texts(
        self, names: Sequence[str], columns: Sequence[Sequence[Any]], count: int
    ) -> list[str]:
        """``texts`` of ``count`` records given as the column of each custom field."""
        if not names:
            return ["{}"] * count
        columns = [self._json_column(n, c) for n, c in zip(names, columns, strict=True)]
        keys = [f"{encode_basestring_ascii(name)}: " for name in names]
        template = "{" + ", ".join(key.replace("%", "%%") + "%s" for key in keys) + "}"
        return [
            template % values if None not in values else _document(keys, values)
            for values in zip(*columns, strict=True)
        ]

    def _json_column(self, name: str, values: Sequence[Any]) -> list[str | None]:
        """Each value as JSON text, None where it is empty."""
        kinds = set(map(type, values))
        empty = type(None) in kinds
        kinds.discard(type(None))
        if name in self.date_fields:
            encode: Any = self._date_json.__getitem__
        elif kinds == {str}:
            encode = encode_basestring_ascii
        elif kinds == {int}:
            encode = int.__repr__
        else:
            encode = _json
        if empty:
            return [None if value is None else encode(value) for value in values]
        return list(map(encode, values))

    def _date(self, value: Any) -> str:
        text = self._dates.get(value)
        if text is None:
            if len(self._dates) >= MEMO_LIMIT:
                self._dates.clear()
            text = self._dates[value] = stored_value(value)
        return text


class _DateJson(dict[Any, str]):
    """Dates to their JSON text, each written on first use; at most ``MEMO_LIMIT`` of them."""

    def __missing__(self, value: Any) -> str:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        text = self[value] = encode_basestring_ascii(stored_value(value))
        return text


def _json(value: Any) -> str:
    return json.dumps(stored_value(value))


def _document(keys: Sequence[str], values: Sequence[str | None]) -> str:
    """The document of a row with empty values, which it leaves out."""
    return "{" + ", ".join(k + v for k, v in zip(keys, values, strict=True) if v is not None) + "}"
