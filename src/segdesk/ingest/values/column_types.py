"""``ColumnType``: how to type one column's text, by the rule of its kind.

A field type together with the column's own decisions (decimal mark, day or month first, Excel
serials), as a mapping stores it. It stands between the rules of each kind and the inference
that guesses it, because typing rows needs only the decided type, never the guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from segdesk.ingest.values.booleans import parse_bool
from segdesk.ingest.values.dates import DateOrder, _parse_date_slow, _plain_iso
from segdesk.ingest.values.numbers import _parse_number_slow, _plain_number
from segdesk.ingest.values.text import _clean_text_slow, clean_text, is_empty, is_null_marker


@dataclass(frozen=True)
class ColumnType:
    """How to type one column's text: a field type plus the column's own decisions."""

    kind: str = "text"
    decimal: str | None = None
    date_order: DateOrder | None = None
    serials: bool = False

    def parse(self, text: str) -> Any:
        """The typed value, ``None`` for an empty one; ``ValueProblem`` if it does not fit.

        In number, date and bool columns, stand-ins such as ``n/a`` or ``-`` are empty too.
        Plainly written numbers and ISO dates are read directly (see ``_plain_number`` and
        ``_plain_iso``); they are never empty, stand-ins or problems.
        """
        kind = self.kind
        if kind == "text" or kind == "category":
            return clean_text(text) or None
        if kind == "number":
            number = _plain_number(text, self.decimal)
            if number is not None:
                return number
        elif kind == "date":
            moment = _plain_iso(text)
            if moment is not None:
                return moment
        return self._parse_slow(text)

    def _parse_slow(self, text: str) -> Any:
        """``parse`` by the full rules of each kind; the reference in tests."""
        if self.kind in ("text", "category"):
            value = _clean_text_slow(text)
            return value or None
        if is_empty(text) or is_null_marker(text):
            return None
        if self.kind == "number":
            return _parse_number_slow(text, self.decimal)
        if self.kind == "date":
            return _parse_date_slow(text, self.date_order or "dmy", serials=self.serials)
        if self.kind == "bool":
            return parse_bool(text)
        raise ValueError(f"unknown column type {self.kind!r}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.decimal:
            data["decimal"] = self.decimal
        if self.date_order:
            data["date_order"] = self.date_order
        if self.serials:
            data["serials"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnType:
        return cls(
            kind=data.get("kind", "text"),
            decimal=data.get("decimal"),
            date_order=data.get("date_order"),
            serials=bool(data.get("serials", False)),
        )
