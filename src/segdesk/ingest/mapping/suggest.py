"""A first mapping for a file, suggested from its header names and sampled values.

Header names are compared after folding case and dropping spaces, underscores, hyphens,
slashes and dots, so ``E-Mail``, ``email_address`` and ``Email Address`` meet the same alias.
When two columns could fill one field (``Phone`` and ``Default Address Phone``), the better
tier wins and the other column is kept as a custom field, never dropped. Columns no alias knows
become custom fields named in snake_case, typed from their content. Apart from the aliases
(data) and the types (``columns``) because this is the one part that guesses.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from collections.abc import Sequence

from segdesk.errors import UserError
from segdesk.ingest.mapping.aliases import (
    _INDEX,
    _INVERTED_KEYS,
    _MAILCHIMP_UNSUBSCRIBED,
    alias_key,
)
from segdesk.ingest.mapping.columns import ColumnMapping, Mapping
from segdesk.ingest.mapping.custom_names import (
    RULE_WORDS,
    _unique,
    custom_field_name,
    reserved_names,
)
from segdesk.ingest.mapping.targets import Target, _target_type
from segdesk.ingest.sources import FileShape
from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.consent import normalise_consent
from segdesk.ingest.values.inference import infer_column
from segdesk.ingest.values.problems import ValueProblem


def suggest_mapping(
    header: Sequence[str],
    target: Target = "contacts",
    *,
    samples: MappingABC[str, Sequence[str]] | None = None,
    spreadsheet: bool = False,
    decimal_hint: str | None = None,
    custom_fields: MappingABC[str, str] | None = None,
) -> Mapping:
    """A first mapping for a file from its header names and sampled values.

    ``samples`` maps a column name to text values (from ``FileShape.column_values``); they type
    custom fields, decide date orders and decimal marks, and confirm aliases that need it
    (``status`` only counts as consent when its values are consent values; ``Name`` in an
    orders file only as the order number when its values start with ``#``). ``custom_fields``
    are custom fields the database already has (name → type): a column whose snake_case name
    matches one fills it.
    """
    if target not in ("contacts", "events"):
        raise UserError(f"unknown import target {target!r}; expected contacts or events")
    # known_exports builds on this package's types, so it is imported here rather than above
    from segdesk.ingest.known_exports import order_export

    samples = samples or {}
    custom_fields = custom_fields or {}
    index = _INDEX[target]
    notes: list[str] = []
    candidates: list[tuple[int, int, str, bool]] = []  # tier, position, field, inverted
    export = order_export(header) if target == "events" else None
    known: dict[str, tuple[str, int]] = {}
    if export is not None:
        notes.append(export.note())
        # ahead of every alias, in the export's order of preference
        count = len(export.fields)
        known = {key: (fld, rank - count) for rank, (key, fld) in enumerate(export.fields)}
    for pos, name in enumerate(header):
        key = alias_key(name)
        values = samples.get(name, ())
        if key in known:
            fld, tier = known[key]
            candidates.append((tier, pos, fld, False))
            continue  # the export's own meaning (see ``how`` below)
        if target == "contacts" and key in _INVERTED_KEYS:
            if _consent_values(values, inverted=True):
                candidates.append((0, pos, "consent", True))
            continue
        hit = index.get(key)
        if hit is None:
            continue
        fld, tier = hit
        if fld == "consent" and not _consent_values(values):
            notes.append(f"{name!r} does not hold consent values; kept as a custom field")
            continue
        if target == "events" and fld == "ref" and key == "name" and not _order_names(values):
            continue
        candidates.append((tier, pos, fld, False))

    chosen: dict[int, tuple[str, bool, str]] = {}
    taken: dict[str, int] = {}
    for _tier, pos, fld, inverted in sorted(candidates):
        if fld in taken:
            notes.append(
                f"{header[pos]!r} also looks like {fld}, which {header[taken[fld]]!r} fills; "
                "kept as a custom field"
            )
            continue
        taken[fld] = pos
        how = "yes means unsubscribed" if inverted else f"known name for {fld}"
        if export is not None and alias_key(header[pos]) in known:
            how = f"{export.name}'s column for {fld}"
        chosen[pos] = (fld, inverted, how)

    if target == "contacts":
        _settle_names(header, chosen, taken, notes)

    columns: list[ColumnMapping] = []
    used_names: set[str] = set(reserved_names(target))
    for pos, name in enumerate(header):
        values = samples.get(name, ())
        if pos in chosen:
            fld, inverted, how = chosen[pos]
            ctype, ambiguous, why = _target_type(fld, values, spreadsheet, decimal_hint)
            reason = f"{how}; {why}" if why else how
            columns.append(ColumnMapping(name, "field", fld, ctype, inverted, reason, ambiguous))
            continue
        columns.append(
            _custom_column(name, pos, values, used_names, custom_fields, spreadsheet, decimal_hint)
        )

    defaults: dict[str, str] = {}
    keys = {alias_key(n) for n in header}
    if target == "contacts" and "consent" not in taken:
        found = [k for k in _MAILCHIMP_UNSUBSCRIBED if k in keys]
        if found:
            defaults["consent"] = "unsubscribed"
            notes.append(
                "the file has a Mailchimp unsubscribe/clean time column: everyone in it is "
                "taken as unsubscribed"
            )
    return Mapping(target, tuple(columns), defaults, tuple(notes))


def suggest_for_shape(
    shape: FileShape,
    target: Target = "contacts",
    *,
    custom_fields: MappingABC[str, str] | None = None,
) -> Mapping:
    """``suggest_mapping`` for an inspected file, with its sample and workbook/decimal hints."""
    return suggest_mapping(
        shape.header,
        target,
        samples={name: shape.column_values(i) for i, name in enumerate(shape.header)},
        spreadsheet=shape.is_spreadsheet,
        decimal_hint=shape.decimal_hint,
        custom_fields=custom_fields,
    )


def _consent_values(values: Sequence[str], *, inverted: bool = False) -> bool:
    """True when every sampled value is a consent value (or there is nothing to check)."""
    for v in values:
        try:
            normalise_consent(v, inverted=inverted)
        except ValueProblem:
            return False
    return True


def _order_names(values: Sequence[str]) -> bool:
    filled = [v.strip() for v in values if v.strip()]
    return bool(filled) and all(v.startswith("#") for v in filled)


def _settle_names(
    header: Sequence[str],
    chosen: dict[int, tuple[str, bool, str]],
    taken: dict[str, int],
    notes: list[str],
) -> None:
    """A full-name column is used only without first/last columns.

    Beside a first-name column and without a last-name one, a column called just "Name" is
    the last name (German lists: Vorname, Name).
    """
    if "full_name" not in taken or not ({"first_name", "last_name"} & taken.keys()):
        return
    pos = taken.pop("full_name")
    del chosen[pos]
    if alias_key(header[pos]) == "name" and "last_name" not in taken:
        taken["last_name"] = pos
        chosen[pos] = ("last_name", False, "'Name' beside a first-name column is the last name")
        return
    notes.append(
        f"{header[pos]!r} holds full names, but the file has separate first/last name columns; "
        "kept as a custom field"
    )


def _custom_column(
    name: str,
    pos: int,
    values: Sequence[str],
    used: set[str],
    existing: MappingABC[str, str],
    spreadsheet: bool,
    decimal_hint: str | None,
) -> ColumnMapping:
    base = custom_field_name(name, pos)
    if base in existing and base not in used:
        used.add(base)
        guess = infer_column(values, name=name, spreadsheet=spreadsheet, decimal_hint=decimal_hint)
        ctype = guess.type if guess.type.kind == existing[base] else ColumnType(existing[base])
        return ColumnMapping(name, "custom", base, ctype, False, "existing custom field")
    if base in RULE_WORDS:
        base = f"{base}_field"
    field_name = _unique(base, used)
    used.add(field_name)
    guess = infer_column(values, name=name, spreadsheet=spreadsheet, decimal_hint=decimal_hint)
    return ColumnMapping(
        name,
        "custom",
        field_name,
        guess.type,
        False,
        f"new custom field; {guess.reason}",
        guess.ambiguous,
    )
