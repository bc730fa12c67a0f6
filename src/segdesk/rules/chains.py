"""Long ``and``/``or`` chains, made short enough for the database to take.

SQLite reads ``a OR b OR c ...`` as a tree as deep as the chain is long and refuses one deeper
than 1,000, so a pasted list of 2,000 cities would fail. Two steps keep the depth low:
:func:`flatten` lifts groups into a parent of the same kind and merges what one list can hold
(``city = "a" or city = "b"`` is ``city in ("a", "b")``), and :func:`joined` nests what is left
in balanced halves, so that a chain of n conditions is about log2(n) deep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql.elements import Grouping

from segdesk.rules.tree import And, Compare, InModel, Not, Or, Rule

FLAT_CHAIN = 8
"""Chains up to this long stay flat in the SQL, as they are written."""

_LISTS = {Or: ("=", "in"), And: ("!=", "not in")}
"""Under ``or``, text equalities of one field join one ``in`` list; under ``and``, text
inequalities join one ``not in`` list. Each pair means the same, missing values included."""


def flatten(rule: Rule) -> Rule:
    """The same rule with nested groups of the same kind lifted into their parent, repeated
    items dropped, and the text conditions on one field that a list can hold merged into one
    list."""
    if isinstance(rule, Not):
        return Not(flatten(rule.item))
    if not isinstance(rule, And | Or):
        return rule
    items: list[Rule] = []
    for item in map(flatten, rule.items):
        items.extend(item.items if type(item) is type(rule) else (item,))
    merged = _merged(list(dict.fromkeys(items)), type(rule))  # x or x is x
    return merged[0] if len(merged) == 1 else type(rule)(tuple(merged))


def _merged(items: list[Rule], kind: type[And] | type[Or]) -> list[Rule]:
    """The items with every run of listable conditions on one field (or of one model, under
    ``or``) merged into the first of them; a lone condition is left as written."""
    one, many = _LISTS[kind]
    groups: dict[tuple[str, str], list[Rule]] = {}
    for item in items:
        key = _list_key(item, one, many, models=kind is Or)
        if key is not None:
            groups.setdefault(key, []).append(item)
    out: list[Rule] = []
    for item in items:
        key = _list_key(item, one, many, models=kind is Or)
        group = groups.get(key) if key is not None else None
        if group is None or len(group) == 1:
            out.append(item)
        elif group[0] is item:
            out.append(_joined_list(group, many))
    return out


def _list_key(item: Rule, one: str, many: str, *, models: bool) -> tuple[str, str] | None:
    if isinstance(item, Compare):
        if (item.op == one and isinstance(item.value, str)) or item.op == many:
            return ("field", item.field)
    elif isinstance(item, InModel) and models:
        return ("model", item.model)
    return None


def _joined_list(group: list[Rule], many: str) -> Rule:
    first = group[0]
    if isinstance(first, InModel):
        names = (name for item in group if isinstance(item, InModel) for name in item.names)
        return InModel(first.model, tuple(dict.fromkeys(names)))
    assert isinstance(first, Compare)
    values: list[Any] = []
    for item in group:
        assert isinstance(item, Compare)
        values.extend(item.value if isinstance(item.value, tuple) else (item.value,))
    return Compare(first.field, many, tuple(dict.fromkeys(values)))


class _Nested(Grouping[bool]):
    """Parentheses SQLAlchemy keeps: it lifts the items of a group into a parent of the same
    operator, finding the group's operator through the attributes it passes on."""

    operator = None
    inherit_cache = True


def joined(
    parts: Sequence[ColumnElement[bool]],
    join: Callable[..., ColumnElement[bool]],
) -> ColumnElement[bool]:
    """``join`` (``and_`` or ``or_``) of the parts: flat when short, else in balanced halves."""
    if len(parts) <= FLAT_CHAIN:
        return join(*parts)
    middle = len(parts) // 2
    return join(_Nested(joined(parts[:middle], join)), _Nested(joined(parts[middle:], join)))
