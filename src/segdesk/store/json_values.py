"""One value of a JSON column, read only when it holds the kind of value asked for.

An event's attributes come from any file, so one attribute may hold text in one event and a
number in the next. A cast would turn ``"pricing"`` into 0 and compare it with numbers;
``json_kind(column, key, kind)`` instead gives NULL (missing) where the value is not of the
kind: a number for ``number``, true/false for ``bool``, text or a number for ``text``.
SQLite asks ``json_type``; other databases get the portable twin with ``json_typeof``
(PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

KINDS = {
    "number": (("integer", "real"), ("number",)),
    "bool": (("true", "false"), ("boolean",)),
    "text": (("text", "integer", "real"), ("string", "number")),
}
"""For each kind: the types SQLite's ``json_type`` names, and those ``json_typeof`` names."""


class _JsonKind(FunctionElement[Any]):
    """The attribute ``key`` of a JSON column when it holds a value of ``kind``."""

    kind = ""
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any], key: str) -> None:
        super().__init__(column, bindparam(None, _sqlite_path(key), type_=String()))
        self.key = key


class _JsonNumber(_JsonKind):
    kind = "number"
    name = "json_number"
    inherit_cache = True


class _JsonBool(_JsonKind):
    kind = "bool"
    name = "json_bool"
    inherit_cache = True


class _JsonText(_JsonKind):
    kind = "text"
    name = "json_text"
    inherit_cache = True


_BY_KIND: dict[str, type[_JsonKind]] = {"number": _JsonNumber, "bool": _JsonBool, "text": _JsonText}


def json_kind(column: ColumnElement[Any], key: str, kind: str) -> ColumnElement[Any]:
    """The attribute ``key`` of ``column`` where it holds a ``kind`` value, else NULL."""
    if kind not in _BY_KIND:
        raise ValueError(f"no JSON reading for {kind!r}")
    return _BY_KIND[kind](column, key)


def _sqlite_path(key: str) -> str:
    """The JSON path as SQLAlchemy writes it for SQLite (a key holding ``"`` or ``\\`` is
    out of reach there, for contact attributes alike)."""
    return f'$."{key}"'


@compiles(_JsonKind, "sqlite")
def _sqlite(element: _JsonKind, compiler: Any, **kw: Any) -> str:
    column, path = (compiler.process(c, **kw) for c in element.clauses)
    types = ", ".join(f"'{t}'" for t in KINDS[element.kind][0])
    value = f"json_extract({column}, {path})"
    if element.kind == "text":
        value = f"CAST({value} AS TEXT)"
    return f"CASE WHEN json_type({column}, {path}) IN ({types}) THEN {value} END"


@compiles(_JsonKind)
def _portable(element: _JsonKind, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses.clauses[0], **kw)
    key = compiler.process(bindparam(None, element.key, type_=String()), **kw)
    types = ", ".join(f"'{t}'" for t in KINDS[element.kind][1])
    cast = {"number": "FLOAT", "bool": "BOOLEAN", "text": "VARCHAR"}[element.kind]
    return (
        f"CASE WHEN json_typeof(({column})::json -> {key}) IN ({types}) "
        f"THEN CAST(({column})::json ->> {key} AS {cast}) END"
    )
