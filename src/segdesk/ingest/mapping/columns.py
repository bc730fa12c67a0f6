"""What each column of a file becomes: ``ColumnMapping`` per column, ``Mapping`` per file.

With the checks that keep a mapping from being used and the JSON form an import is saved with.
These are the types the rest of the mapping, the importer, the history, the CLI and the app
work with, so they hold no algorithm: suggestions and the ``--map`` syntax build on them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Any, Literal

from segdesk.errors import UserError
from segdesk.ingest.mapping.custom_names import _valid_custom_name
from segdesk.ingest.mapping.targets import CONTACT_TARGETS, EVENT_TARGETS, Target
from segdesk.ingest.values.column_types import ColumnType

Action = Literal["field", "custom", "skip"]


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
    type: ColumnType = dataclasses.field(default_factory=ColumnType)  # `field` is taken above
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
    defaults: dict[str, str] = dataclasses.field(default_factory=dict)
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
            if c.action == "custom" and not _valid_custom_name(c.field, self.target):
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
        # The syntax builds on these types, so it is imported here rather than above.
        from segdesk.ingest.mapping.map_syntax import apply_overrides

        return apply_overrides(self, specs, samples=samples, custom_fields=custom_fields)
