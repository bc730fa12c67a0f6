"""The ``--map SOURCE=FIELD[:OPTION...]`` syntax: a user's changes to a suggested mapping.

Finding the column a user names, reading the field and options after ``=``, and keeping the
column that loses its field as a custom field; every mistake is a ``UserError`` naming what was
typed. Apart because it reads what a user typed, in the terminal or through the app's field
chooser, and its messages are about that text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import replace

from segdesk.errors import UserError
from segdesk.ingest.mapping.aliases import alias_key
from segdesk.ingest.mapping.columns import Action, ColumnMapping, Mapping
from segdesk.ingest.mapping.custom_names import (
    RULE_WORDS,
    _unique,
    _valid_custom_name,
    custom_field_name,
    reserved_names,
)
from segdesk.ingest.mapping.targets import (
    CONTACT_TARGETS,
    EVENT_TARGETS,
    TARGET_TYPES,
    Target,
    _target_type,
)
from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.inference import infer_column
from segdesk.store.fields import FIELD_TYPES

SKIP_WORDS = frozenset({"skip", "-", "ignore", "none"})


def apply_overrides(
    mapping: Mapping,
    specs: Iterable[str],
    *,
    samples: MappingABC[str, Sequence[str]] | None = None,
    custom_fields: MappingABC[str, str] | None = None,
) -> Mapping:
    """See ``Mapping.with_overrides``."""
    samples = samples or {}
    custom_fields = custom_fields or {}
    columns = list(mapping.columns)
    assigned: dict[str, str] = {}
    for spec in specs:
        source_text, sep, target_text = spec.rpartition("=")
        if not sep or not source_text.strip():
            raise UserError(f'--map {spec!r}: expected SOURCE=FIELD, e.g. "E-Mail=email"')
        pos = _find_source(mapping.sources, source_text.strip(), spec)
        source = columns[pos].source
        new = _parse_override(
            spec,
            source,
            target_text.strip(),
            columns[pos],
            mapping.target,
            custom_fields,
            samples.get(source, ()),
        )
        if new.action != "skip":
            key = f"{new.action}:{new.field}"
            if key in assigned and assigned[key] != source:
                raise UserError(
                    f"--map: both {assigned[key]!r} and {source!r} are mapped to {new.field!r}"
                )
            assigned[key] = source
            for i, other in enumerate(columns):
                if i != pos and other.action == new.action and other.field == new.field:
                    columns[i] = _demote(other, columns, custom_fields, mapping.target)
        columns[pos] = new
    return replace(mapping, columns=tuple(columns))


def _find_source(sources: Sequence[str], wanted: str, spec: str) -> int:
    for match in (
        lambda s: s == wanted,
        lambda s: s.casefold() == wanted.casefold(),
        lambda s: alias_key(s) == alias_key(wanted),
    ):
        hits = [i for i, s in enumerate(sources) if match(s)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(repr(sources[i]) for i in hits)
            raise UserError(f"--map {spec!r}: {wanted!r} could mean {names}; use the exact name")
    close = difflib.get_close_matches(wanted, sources, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(repr(s) for s in sources[:30]) + (" ..." if len(sources) > 30 else "")
    raise UserError(f"--map {spec!r}: the file has no column {wanted!r}{hint}; columns: {shown}")


def _parse_override(
    spec: str,
    source: str,
    text: str,
    current: ColumnMapping,
    target: Target,
    custom_fields: MappingABC[str, str],
    values: Sequence[str],
) -> ColumnMapping:
    targets = CONTACT_TARGETS if target == "contacts" else EVENT_TARGETS
    parts = [p.strip() for p in text.split(":")]
    head = parts[0].casefold()
    if head in SKIP_WORDS and len(parts) == 1:
        return ColumnMapping(source, "skip", None, ColumnType(), reason="skipped by you")
    if not head:
        raise UserError(f"--map {spec!r}: no field after '='")
    if head == "custom":
        if len(parts) < 2 or not parts[1]:
            raise UserError(f"--map {spec!r}: name the custom field, e.g. custom:loyalty_tier")
        name, options = parts[1], parts[2:]
        if not _valid_custom_name(name, target):
            raise UserError(
                f"--map {spec!r}: {name!r} cannot name a custom field; use lower-case letters, "
                "digits and _, starting with a letter, and not a built-in field's name"
            )
        action: Action = "custom"
    elif head in targets:
        name, options, action = head, parts[1:], "field"
    elif head in custom_fields:
        name, options, action = head, parts[1:], "custom"
    else:
        known = [*targets, *custom_fields, "skip"]
        close = difflib.get_close_matches(head, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UserError(
            f"--map {spec!r}: unknown field {parts[0]!r}{hint}; fields: {', '.join(targets)}; "
            "or custom:NAME for a new custom field, or skip"
        )

    if action == "field":
        base = ColumnType(TARGET_TYPES.get(name, "text"))
        if current.action == "field" and current.field == name:
            base = current.type
        elif base.kind in ("date", "number"):
            base = _target_type(name, values, False, None)[0]
    elif name in custom_fields:
        base = ColumnType(custom_fields[name])
    elif current.action == "custom":
        base = current.type
    else:
        base = infer_column(values, name=source).type if values else ColumnType()
    kind, decimal, order, serials = base.kind, base.decimal, base.date_order, base.serials
    inverted = current.inverted if (action, name) == (current.action, current.field) else False
    for option in (o.casefold() for o in options):
        if option in FIELD_TYPES:
            if action == "field":
                raise UserError(f"--map {spec!r}: the type of {name} is fixed")
            kind = option
        elif option in ("dmy", "mdy"):
            order = option  # type: ignore[assignment]
        elif option in ("comma", "point"):
            decimal = "," if option == "comma" else "."
        elif option == "inverted":
            if name != "consent":
                raise UserError(f"--map {spec!r}: only consent can be inverted")
            inverted = True
        else:
            raise UserError(
                f"--map {spec!r}: unknown option {option!r}; options: a type "
                f"({', '.join(FIELD_TYPES)}), dmy, mdy, comma, point, inverted"
            )
    if kind == "date" and order is None:
        order = "dmy"
    if kind == "number" and decimal is None:
        decimal = "."
    ctype = ColumnType(
        kind,
        decimal if kind == "number" else None,
        order if kind == "date" else None,
        serials and kind == "date",
    )
    return ColumnMapping(source, action, name, ctype, inverted, "chosen by you")


def _demote(
    column: ColumnMapping,
    columns: Sequence[ColumnMapping],
    custom_fields: MappingABC[str, str],
    target: Target,
) -> ColumnMapping:
    used = set(reserved_names(target)) | set(custom_fields)
    used |= {c.field for c in columns if c.action == "custom" and c.field}
    base = custom_field_name(column.source)
    name = _unique(f"{base}_field" if base in RULE_WORDS else base, used)
    return ColumnMapping(
        column.source,
        "custom",
        name,
        column.type,
        False,
        "its field was given to another column; kept as a custom field",
    )
