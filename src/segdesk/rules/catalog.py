"""The fields and models a rule can name, with their types: what turns text into a typed tree.

Built from the ``field`` table (name → type, origin, label) and the scheme names, or by hand in
tests. Core fields are columns of ``contact``; custom fields live in its ``attributes`` JSON.
Rows with origin ``metric`` are left out: behavioural metrics are part of the language
(``orders.count``), not columns. Rows with origin ``model`` and every scheme name are models
(``rfm = "Champions"``); ``rfm`` and ``lifecycle`` are always known, so a rule may name them
before the model first runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, select

from segdesk.store.fields import CORE_FIELDS, FIELD_TYPES
from segdesk.store.tables import FieldDef, Scheme

DEFAULT_MODELS = ("rfm", "lifecycle")
FIELD_ORIGINS = ("core", "custom")


@dataclass(frozen=True)
class CatalogField:
    """One field a rule can compare: its name, type (text, number, date, bool, category),
    origin (core: a contact column; custom: an attribute) and the label people see."""

    name: str
    type: str
    origin: str = "custom"
    label: str = ""

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name!r} has unknown type {self.type!r}")
        if self.origin not in FIELD_ORIGINS:
            raise ValueError(f"field {self.name!r} has origin {self.origin!r}, not core/custom")

    @property
    def display(self) -> str:
        """The label, or the name with spaces, for sentences."""
        return self.label or self.name.replace("_", " ")


class FieldCatalog:
    """Name → field lookups for the parser, the compiler and the English renderer."""

    def __init__(
        self, fields: Iterable[CatalogField] = (), models: Iterable[str] = DEFAULT_MODELS
    ) -> None:
        self._fields = {f.name: f for f in fields}
        model_names = dict.fromkeys([*DEFAULT_MODELS, *models])
        # A real field wins over a default model name it happens to share.
        self._models = {m.casefold(): m for m in model_names if m not in self._fields}

    @classmethod
    def from_types(
        cls, types: Mapping[str, str], models: Iterable[str] = DEFAULT_MODELS
    ) -> FieldCatalog:
        """Core fields as the store defines them plus custom fields given as name → type."""
        core = [CatalogField(f.name, f.type, "core", f.label) for f in CORE_FIELDS]
        custom = [CatalogField(n, t, "custom") for n, t in types.items()]
        return cls([*core, *custom], models)

    @classmethod
    def from_connection(cls, conn: Connection) -> FieldCatalog:
        """The catalog of one database: its ``field`` rows and its schemes."""
        table = FieldDef.__table__
        rows = conn.execute(
            select(table.c.name, table.c.type, table.c.origin, table.c.label).order_by(table.c.id)
        ).all()
        fields = [
            CatalogField(r.name, r.type, r.origin, r.label or "")
            for r in rows
            if r.origin in FIELD_ORIGINS and r.type in FIELD_TYPES
        ]
        models = [r.name for r in rows if r.origin == "model"]
        schemes = conn.execute(select(Scheme.__table__.c.name)).scalars().all()
        return cls(fields, [*DEFAULT_MODELS, *models, *schemes])

    @property
    def fields(self) -> tuple[CatalogField, ...]:
        return tuple(self._fields.values())

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self._models.values())

    def field(self, name: str) -> CatalogField | None:
        """The field called ``name``; a difference of case alone is forgiven when unambiguous."""
        found = self._fields.get(name)
        if found is not None:
            return found
        folded = [f for n, f in self._fields.items() if n.casefold() == name.casefold()]
        return folded[0] if len(folded) == 1 else None

    def model(self, name: str) -> str | None:
        """The model's canonical name (models ignore case: ``RFM`` is ``rfm``)."""
        if self.field(name) is not None:
            return None
        return self._models.get(name.casefold())

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Known names close to a misspelt one, best first."""
        names = [*self._fields, *self._models.values()]
        by_folded = {n.casefold(): n for n in names}
        close = difflib.get_close_matches(name.casefold(), list(by_folded), n=limit, cutoff=0.6)
        return [by_folded[c] for c in close]
