"""Which column of a file fills which field: suggestions from header names, user overrides.

Header names are compared after folding case and dropping spaces, underscores, hyphens,
slashes and dots, so ``E-Mail``, ``email_address`` and ``Email Address`` meet the same alias.
Aliases come in tiers: when two columns could fill one field (``Phone`` and ``Default Address
Phone``), the better tier wins and the other column is kept as a custom field, never dropped.
Columns no alias knows become custom fields named in snake_case, typed from their content.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from segdesk.errors import UserError
from segdesk.ingest.sources import FileShape
from segdesk.ingest.values import (
    ColumnType,
    ValueProblem,
    decide_date_order,
    decide_decimal,
    infer_column,
    normalise_consent,
    strip_accents,
)
from segdesk.store.fields import CORE_FIELD_NAMES, FIELD_TYPES

Target = Literal["contacts", "events"]
Action = Literal["field", "custom", "skip"]

CONTACT_TARGETS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "full_name",
    "external_id",
    "phone",
    "company",
    "job_title",
    "city",
    "region",
    "country",
    "postal_code",
    "source",
    "consent",
)
"""Fields a contacts file can fill; ``full_name`` is split into first and last name."""

EVENT_TARGETS: tuple[str, ...] = (
    "email",
    "external_id",
    "occurred_at",
    "amount",
    "quantity",
    "ref",
)
"""Fields an events file can fill; ``email`` or ``external_id`` finds the contact."""

TARGET_TYPES: dict[str, str] = {
    "country": "category",
    "source": "category",
    "consent": "category",
    "occurred_at": "date",
    "amount": "number",
    "quantity": "number",
}
"""Types of the targets that are not text."""

FIELD_NAMES = frozenset({*CORE_FIELD_NAMES, *CONTACT_TARGETS, *EVENT_TARGETS})
"""Names of built-in fields; a custom field named like one gets ``_2`` (``email_2``)."""

RULE_WORDS = frozenset(
    {
        "id",
        "kind",
        "attributes",
        "orders",
        "segment",
        "and",
        "or",
        "not",
        "in",
        "is",
        "between",
        "contains",
        "empty",
        "within",
        "before",
        "after",
        "last",
        "true",
        "false",
    }
)
"""Words the rule language or the tables use; a custom field named so gets ``_field``."""

RESERVED_NAMES = FIELD_NAMES | RULE_WORDS
"""Names a custom field cannot take."""

SKIP_WORDS = frozenset({"skip", "-", "ignore", "none"})

# Aliases per target field, best tier first. Sources: generic spellings, Mailchimp audience
# exports, HubSpot contact exports, Shopify customer and order exports, German spreadsheets.
_CONTACT_ALIASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "email": (
        (
            "email",
            "e-mail",
            "mail",
            "email address",
            "e-mail address",
            "email_address",
            "e-mail-adresse",
            "emailadresse",
            "mailadresse",
            "primary email",
            "email 1",
        ),
        ("customer email", "contact email", "work email", "business email", "personal email"),
    ),
    "first_name": (
        ("first name", "firstname", "first", "given name", "forename", "fname", "vorname"),
    ),
    "last_name": (
        (
            "last name",
            "lastname",
            "last",
            "surname",
            "family name",
            "lname",
            "nachname",
            "familienname",
        ),
    ),
    "full_name": (
        (
            "full name",
            "fullname",
            "name",
            "contact name",
            "customer name",
            "display name",
            "kundenname",
            "vollständiger name",
        ),
    ),
    "external_id": (
        (
            "external id",
            "customer id",
            "customerid",
            "record id",
            "contact id",
            "customer number",
            "customer no",
            "client id",
            "member id",
            "user id",
            "kundennummer",
            "kundennr",
            "kunden nr",
            "kd nr",
            "kundenid",
        ),
        ("id",),
    ),
    "phone": (
        (
            "phone",
            "phone number",
            "telephone",
            "telephone number",
            "tel",
            "telefon",
            "telefonnummer",
            "tel nr",
            "mobile",
            "mobile phone",
            "mobile phone number",
            "mobile number",
            "cell",
            "cell phone",
            "handy",
            "mobil",
            "mobilnummer",
            "sms",
        ),
        ("work phone", "business phone", "home phone", "phone 1"),
        ("default address phone", "billing phone", "shipping phone"),
    ),
    "company": (
        (
            "company",
            "company name",
            "organisation",
            "organization",
            "org",
            "business",
            "business name",
            "account name",
            "firma",
            "unternehmen",
            "firmenname",
        ),
        ("default address company", "billing company", "shipping company"),
    ),
    "job_title": (
        (
            "job title",
            "jobtitle",
            "job",
            "position",
            "role",
            "job role",
            "berufsbezeichnung",
            "funktion",
            "stellenbezeichnung",
        ),
    ),
    "city": (
        ("city", "town", "locality", "ort", "stadt", "wohnort"),
        ("default address city", "billing city", "shipping city"),
    ),
    "region": (
        (
            "region",
            "state",
            "province",
            "state region",
            "state province",
            "county",
            "state code",
            "province code",
            "bundesland",
            "kanton",
        ),
        (
            "default address province code",
            "default address province",
            "billing province",
            "billing state",
            "shipping province",
        ),
    ),
    "country": (
        ("country", "country code", "country region", "land", "nation", "countrycode"),
        (
            "default address country code",
            "default address country",
            "billing country",
            "shipping country",
        ),
        ("cc",),
    ),
    "postal_code": (
        (
            "postal code",
            "postcode",
            "post code",
            "zip",
            "zipcode",
            "zip code",
            "zip postal code",
            "postal",
            "plz",
            "postleitzahl",
        ),
        ("default address zip", "billing zip", "shipping zip"),
    ),
    "source": (
        (
            "source",
            "lead source",
            "original source",
            "signup source",
            "acquisition source",
            "quelle",
            "herkunft",
        ),
    ),
    "consent": (
        (
            "consent",
            "subscribed",
            "opt in",
            "optin",
            "opted in",
            "email opt in",
            "accepts email marketing",
            "accepts marketing",
            "marketing contact status",
            "email marketing consent",
            "email subscription status",
            "subscription status",
            "newsletter",
            "einwilligung",
            "newsletter einwilligung",
            "marketing consent",
        ),
        ("status", "member status", "email status"),
    ),
}

_INVERTED_CONSENT = (
    "unsubscribed",
    "unsubscribe",
    "opt out",
    "opted out",
    "optout",
    "email opt out",
    "do not email",
    "donotemail",
    "do not contact",
    "abgemeldet",
    "abgemeldet newsletter",
)
"""Consent columns whose yes means the person does not want email."""

_EVENT_ALIASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "email": (
        ("email", "e-mail", "email address", "customer email", "buyer email", "contact email"),
        ("billing email",),
    ),
    "external_id": (
        (
            "customer id",
            "customerid",
            "customer number",
            "customer no",
            "client id",
            "contact id",
            "user id",
            "member id",
            "external id",
            "kundennummer",
            "kundennr",
            "kunden nr",
        ),
    ),
    "occurred_at": (
        (
            "occurred at",
            "order date",
            "date",
            "created at",
            "created",
            "purchase date",
            "transaction date",
            "invoice date",
            "timestamp",
            "order time",
            "datum",
            "bestelldatum",
            "rechnungsdatum",
            "kaufdatum",
            "processed at",
        ),
        ("paid at", "time", "date time", "datetime"),
    ),
    "amount": (
        (
            "amount",
            "total",
            "order total",
            "total price",
            "grand total",
            "value",
            "dollar value",
            "revenue",
            "sales",
            "total sales",
            "betrag",
            "umsatz",
            "summe",
            "gesamt",
            "gesamtbetrag",
            "net sales",
        ),
        ("subtotal", "sub total", "net total"),
        ("price", "lineitem price"),
    ),
    "quantity": (
        (
            "quantity",
            "qty",
            "lineitem quantity",
            "units",
            "items",
            "item count",
            "item quantity",
            "number of items",
            "number of units",
            "number of products",
            "number of cds",
            "num items",
            "num units",
            "units sold",
            "units ordered",
            "quantity ordered",
            "quantity sold",
            "qty ordered",
            "qty sold",
            "pieces",
            "pcs",
            "menge",
            "anzahl",
            "stück",
            "stueck",
        ),
    ),
    "ref": (
        (
            "ref",
            "reference",
            "order id",
            "order number",
            "order no",
            "order",
            "order ref",
            "invoice",
            "invoice number",
            "invoice no",
            "invoice id",
            "transaction id",
            "transaction",
            "txn id",
            "receipt",
            "receipt number",
            "bestellnummer",
            "rechnungsnummer",
            "belegnummer",
            "auftragsnummer",
        ),
        ("name",),
        ("id",),
    ),
}

_MAILCHIMP_UNSUBSCRIBED = ("unsubtime", "cleantime")
"""Mailchimp's unsubscribed and cleaned exports carry these columns and no status column."""


def alias_key(text: str) -> str:
    """A header name folded for matching: ``E-Mail Address`` and ``email_address`` meet."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _index(
    aliases: dict[str, tuple[tuple[str, ...], ...]],
) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for target, tiers in aliases.items():
        for tier, names in enumerate(tiers):
            for name in names:
                index.setdefault(alias_key(name), (target, tier))
    return index


_INDEX: dict[str, dict[str, tuple[str, int]]] = {
    "contacts": _index(_CONTACT_ALIASES),
    "events": _index(_EVENT_ALIASES),
}
_INVERTED_KEYS = frozenset(alias_key(n) for n in _INVERTED_CONSENT)


@dataclass(frozen=True)
class ColumnMapping:
    """What one source column becomes: a target field, a custom field, or nothing.

    ``type`` carries the column's own decisions (decimal mark, day or month first).
    ``inverted`` marks consent columns such as "unsubscribed", where yes means no email.
    ``ambiguous`` flags a decision the sample could not prove, for the user to confirm.
    """

    source: str
    action: Action
    field: str | None
    type: ColumnType = field(default_factory=ColumnType)
    inverted: bool = False
    reason: str = ""
    ambiguous: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "action": self.action,
            "field": self.field,
            "type": self.type.to_json(),
        }
        if self.inverted:
            data["inverted"] = True
        if self.reason:
            data["reason"] = self.reason
        if self.ambiguous:
            data["ambiguous"] = True
        return data

    @classmethod
    def from_json(cls, data: MappingABC[str, Any]) -> ColumnMapping:
        action = data.get("action")
        if action not in ("field", "custom", "skip"):
            raise UserError(f"mapping: unknown action {action!r} for column {data.get('source')!r}")
        return cls(
            source=str(data["source"]),
            action=action,
            field=data.get("field"),
            type=ColumnType.from_json(data.get("type") or {}),
            inverted=bool(data.get("inverted", False)),
            reason=str(data.get("reason", "")),
            ambiguous=bool(data.get("ambiguous", False)),
        )


@dataclass(frozen=True)
class Mapping:
    """A whole file's mapping: one entry per source column, in file order.

    ``defaults`` fill fields no column maps for every row (a Mailchimp unsubscribed export
    gives everyone ``consent = unsubscribed``); a column mapped to the field replaces them.
    """

    target: Target
    columns: tuple[ColumnMapping, ...]
    defaults: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(c.source for c in self.columns)

    def column(self, source: str) -> ColumnMapping:
        for c in self.columns:
            if c.source == source:
                return c
        raise KeyError(source)

    def fields(self) -> dict[str, ColumnMapping]:
        """Target field → the column that fills it."""
        return {c.field: c for c in self.columns if c.action == "field" and c.field}

    def custom_fields(self) -> dict[str, ColumnMapping]:
        """Custom field name → the column that fills it."""
        return {c.field: c for c in self.columns if c.action == "custom" and c.field}

    def effective_defaults(self) -> dict[str, str]:
        mapped = self.fields()
        return {k: v for k, v in self.defaults.items() if k not in mapped}

    def problems(self) -> list[str]:
        """What keeps this mapping from being used, in words for the user (empty when fine)."""
        found: list[str] = []
        targets = CONTACT_TARGETS if self.target == "contacts" else EVENT_TARGETS
        seen: dict[str, str] = {}
        for c in self.columns:
            if c.action == "skip":
                continue
            if not c.field:
                found.append(f"column {c.source!r} has no field name")
                continue
            if c.action == "field" and c.field not in targets:
                found.append(f"column {c.source!r}: {c.field!r} is not a field of {self.target}")
            if c.action == "custom" and not _valid_custom_name(c.field):
                found.append(
                    f"column {c.source!r}: {c.field!r} cannot name a custom field (use lower-case "
                    "letters, digits and _, not a name of a built-in field)"
                )
            key = f"{c.action}:{c.field}"
            if key in seen:
                found.append(f"columns {seen[key]!r} and {c.source!r} both fill {c.field!r}")
            seen[key] = c.source
        mapped = self.fields()
        missing = self.missing_fields()
        if "email" in missing:
            what = "contact" if self.target == "contacts" else "event's contact"
            found.append(f"no column gives the {what}'s email address or external id")
        if "occurred_at" in missing:
            found.append("no column gives the date of each event")
        if "full_name" in mapped and ("first_name" in mapped or "last_name" in mapped):
            found.append(
                "full_name is only split when there are no first and last name columns; "
                f"skip {mapped['full_name'].source!r} or map it to a custom field"
            )
        return found

    def missing_fields(self) -> tuple[str, ...]:
        """Fields an import needs that no column fills.

        ``email`` stands for "email or external id"; events also need ``occurred_at``.
        """
        mapped = self.fields()
        missing = [] if "email" in mapped or "external_id" in mapped else ["email"]
        if self.target == "events" and "occurred_at" not in mapped:
            missing.append("occurred_at")
        return tuple(missing)

    def require_usable(self, hint: str = "") -> None:
        """Raise a ``UserError`` listing every problem, if there are any, then ``hint``.

        The problems name columns and fields only; how to change the mapping depends on where
        it is changed, so the caller says it in ``hint``.
        """
        found = self.problems()
        if found:
            text = "the column mapping cannot be used: " + "; ".join(found)
            raise UserError(f"{text}. {hint}" if hint else text)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "target": self.target,
            "columns": [c.to_json() for c in self.columns],
            "defaults": dict(self.defaults),
            "notes": list(self.notes),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, data: MappingABC[str, Any] | str) -> Mapping:
        """A mapping saved by ``to_json`` (or its JSON text); ``UserError`` if malformed."""
        try:
            raw = json.loads(data) if isinstance(data, str) else data
            if raw.get("version") != 1:
                raise UserError(f"mapping: unknown version {raw.get('version')!r}")
            target = raw["target"]
            if target not in ("contacts", "events"):
                raise UserError(f"mapping: unknown target {target!r}")
            return cls(
                target=target,
                columns=tuple(ColumnMapping.from_json(c) for c in raw["columns"]),
                defaults={str(k): str(v) for k, v in (raw.get("defaults") or {}).items()},
                notes=tuple(str(n) for n in raw.get("notes") or ()),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise UserError(f"mapping: not a saved mapping ({exc})") from None

    def with_overrides(
        self,
        specs: Iterable[str],
        *,
        samples: MappingABC[str, Sequence[str]] | None = None,
        custom_fields: MappingABC[str, str] | None = None,
    ) -> Mapping:
        """This mapping changed by ``--map SOURCE=FIELD[:OPTION...]`` arguments.

        FIELD is a field of the target (``email``, ``occurred_at`` ...), ``skip``, an existing
        custom field, or ``custom:NAME`` for a new one. Options: a type (``text``, ``number``,
        ``date``, ``bool``, ``category``; custom fields only), ``dmy``/``mdy`` (day or month
        first), ``comma``/``point`` (decimal mark), ``inverted`` (consent: yes means
        unsubscribed). A column whose field another column takes over becomes a custom field.
        Unknown columns, fields and options are ``UserError``s naming them.
        """
        return apply_overrides(self, specs, samples=samples, custom_fields=custom_fields)


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
    samples = samples or {}
    custom_fields = custom_fields or {}
    index = _INDEX[target]
    notes: list[str] = []
    candidates: list[tuple[int, int, str, bool]] = []  # tier, position, field, inverted
    for pos, name in enumerate(header):
        key = alias_key(name)
        values = samples.get(name, ())
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
        chosen[pos] = (fld, inverted, how)

    if target == "contacts":
        _settle_names(header, chosen, taken, notes)

    columns: list[ColumnMapping] = []
    used_names: set[str] = set(RESERVED_NAMES)
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
    targets = CONTACT_TARGETS if mapping.target == "contacts" else EVENT_TARGETS
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
            targets,
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
                    columns[i] = _demote(other, columns, custom_fields)
        columns[pos] = new
    return replace(mapping, columns=tuple(columns))


DateWriting = Literal["day_month", "year_first", "compact"]

_DAY_MONTH_TEXT = re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_YEAR_FIRST_TEXT = re.compile(r"^\s*\d{4}[./-]\d{1,2}[./-]\d{1,2}")
_COMPACT_TEXT = re.compile(r"^\s*\d{8}\s*$")


def date_writing(values: Iterable[str]) -> DateWriting | None:
    """How a column writes its dates: with day and month first (``31/12/2024``, where their
    order matters), year first (ISO ``2024-12-31``), as ``20241231``, or none of these."""
    year_first = compact = False
    for value in values:
        if _DAY_MONTH_TEXT.match(value):
            return "day_month"
        year_first = year_first or bool(_YEAR_FIRST_TEXT.match(value))
        compact = compact or bool(_COMPACT_TEXT.match(value))
    if year_first:
        return "year_first"
    return "compact" if compact else None


def describe_type(ctype: ColumnType, values: Sequence[str] = (), *, detailed: bool = False) -> str:
    """A column's type with what was decided about it, read from its sampled ``values``.

    Short, for a table cell: ``date (ISO)``, ``date (YYYYMMDD)``, ``date (dd/mm)``,
    ``number (1,50)``, ``text``. Detailed, with the column's first date as read:
    ``date, day first: 04/05/2024 is 4 May 2024``.
    """
    if ctype.kind == "number" and ctype.decimal:
        mark = "comma" if ctype.decimal == "," else "point"
        example = f"1{ctype.decimal}50"
        return f"number, decimal {mark}: {example}" if detailed else f"number ({example})"
    if ctype.kind != "date":
        return ctype.kind
    writing = date_writing(values)
    if ctype.serials:
        how, short = "Excel date serials", "Excel"
    elif writing == "day_month":
        day_first = ctype.date_order != "mdy"
        how, short = ("day first", "dd/mm") if day_first else ("month first", "mm/dd")
    elif writing == "year_first":
        how, short = "year first (ISO)", "ISO"
    elif writing == "compact":
        how, short = "written YYYYMMDD", "YYYYMMDD"
    else:
        return "date"
    if not detailed:
        return f"date ({short})"
    return f"date, {how}" + _date_example(ctype, values)


def _date_example(ctype: ColumnType, values: Sequence[str]) -> str:
    """``: 04/05/2024 is 4 May 2024``, from the first value that reads as a date."""
    for value in values:
        try:
            moment = ctype.parse(value)
        except ValueProblem:
            continue
        if moment is not None:
            return f": {value.strip()} is {moment.day} {moment:%B %Y}"
    return ""


def custom_field_name(header: str, position: int = 0) -> str:
    """A custom field name from a header: ASCII snake_case (``Total Spent`` → ``total_spent``)."""
    name = strip_accents(header).casefold()
    name = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    if not name:
        return f"column_{position + 1}"
    if name[0].isdigit():
        name = f"field_{name}"
    return name


# --- helpers ------------------------------------------------------------------------------


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


def _target_type(
    fld: str, values: Sequence[str], spreadsheet: bool, decimal_hint: str | None
) -> tuple[ColumnType, bool, str]:
    kind = TARGET_TYPES.get(fld, "text")
    if kind == "date":
        guess = infer_column(values, name=fld, spreadsheet=spreadsheet)
        if guess.type.kind == "date":
            return guess.type, guess.ambiguous, guess.reason
        decision = decide_date_order(values)
        return ColumnType("date", date_order=decision.order), decision.ambiguous, decision.reason
    if kind == "number":
        decision = decide_decimal(values, decimal_hint)
        return ColumnType("number", decimal=decision.decimal), decision.ambiguous, decision.reason
    return ColumnType(kind), False, ""


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


def _unique(base: str, used: set[str]) -> str:
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}_{n}"
    return name


def _valid_custom_name(name: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*", name)) and name not in RESERVED_NAMES


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
    targets: Sequence[str],
    custom_fields: MappingABC[str, str],
    values: Sequence[str],
) -> ColumnMapping:
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
        if not _valid_custom_name(name):
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
    column: ColumnMapping, columns: Sequence[ColumnMapping], custom_fields: MappingABC[str, str]
) -> ColumnMapping:
    used = set(RESERVED_NAMES) | {c.field for c in columns if c.action == "custom" and c.field}
    used |= set(custom_fields)
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
