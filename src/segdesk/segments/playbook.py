"""A segment's playbook (DESIGN §7): what the segment is for and how the shop works it.

Every field is set from text as a user types it (the command line's ``--set FIELD=VALUE``,
the app's form) or from a value of its type, checked, and stored on the segment row. A blank
value clears the field. A mistake is a UserError that starts with the field's name. Playbook
edits are not versions of the segment: they change no definition. See docs/playbooks.md.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, update

from segdesk.errors import UserError
from segdesk.segments.cadence import Cadence, parse_cadence
from segdesk.segments.lookup import PLAYBOOK_FIELDS, find_segment
from segdesk.segments.reviews import ReviewRecord, review_log
from segdesk.store.tables import Segment

segment = Segment.__table__

Kind = Literal["text", "line", "date", "list", "kpis", "cadence", "status"]
KINDS: dict[str, Kind] = {
    "goal": "text",
    "target": "line",
    "deadline": "date",
    "owner": "line",
    "stakeholders": "list",
    "data_sources": "list",
    "use_cases": "list",
    "channels": "list",
    "message_tone": "text",
    "offer": "text",
    "next_actions": "list",
    "kpis": "kpis",
    "review_cadence": "cadence",
    "next_review": "date",
    "playbook_status": "status",
}
assert tuple(KINDS) == PLAYBOOK_FIELDS
LIST_FIELDS = tuple(f for f, kind in KINDS.items() if kind in ("list", "kpis"))
DOCUMENTED_BY = ("goal", "owner", "next_review")
"""The fields a playbook needs before it counts as documented."""
PLAYBOOK_STATUSES = ("draft", "active", "paused", "done")
"""draft: being written; active: being worked; paused: on hold; done: finished, no reviews."""
ALIASES = {
    "status": "playbook_status",
    "cadence": "review_cadence",
    "tone": "message_tone",
    "message": "message_tone",
}
TEXT_LIMIT = 2000
LINE_LIMIT = 200
ITEMS_LIMIT = 30

COMPARISONS = (">=", "<=", "≥", "≤", ">", "<")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KPI = re.compile(r"(?P<name>.*?)\s*(?P<op>>=|<=|≥|≤|>|<|=)\s*(?P<target>.*)")


@dataclass(frozen=True)
class Kpi:
    """A measure and its target, kept as typed: "25%", ">= 120 orders", "under 5 days"."""

    name: str
    target: str

    @property
    def text(self) -> str:
        """As typed back: "Orders: 120", "Repeat purchase rate >= 25%"."""
        joint = " " if self.target.startswith(COMPARISONS) else ": "
        return f"{self.name}{joint}{self.target}"

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "target": self.target}


@dataclass(frozen=True)
class Playbook:
    """A segment's playbook, every field (None or empty when not filled in), and the reviews
    recorded for it, oldest first."""

    segment: str
    goal: str | None = None
    target: str | None = None
    deadline: dt.date | None = None
    owner: str | None = None
    stakeholders: tuple[str, ...] = ()
    data_sources: tuple[str, ...] = ()
    use_cases: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    message_tone: str | None = None
    offer: str | None = None
    next_actions: tuple[str, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    review_cadence: str | None = None
    next_review: dt.date | None = None
    playbook_status: str | None = None
    reviews: tuple[ReviewRecord, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """The fields still to fill in before the playbook counts as documented."""
        return tuple(f for f in DOCUMENTED_BY if getattr(self, f) is None)

    @property
    def documented(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, Any]:
        fields = {f: json_value(getattr(self, f)) for f in KINDS}
        return {
            "segment": self.segment,
            "documented": self.documented,
            "missing": list(self.missing),
            **fields,
            "reviews": [r.to_json() for r in self.reviews],
        }


def json_value(value: Any) -> Any:
    """A field's value as JSON gives it: dates in ISO form, KPIs as name and target."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [v.to_json() if isinstance(v, Kpi) else json_value(v) for v in value]
    return value


def field_name(key: str) -> str:
    """The playbook field a user named ("next-review", "Next review", "cadence" alike)."""
    name = re.sub(r"[\s-]+", "_", key.strip().lower())
    name = ALIASES.get(name, name)
    if name in KINDS:
        return name
    close = difflib.get_close_matches(name, list(KINDS), n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    raise UserError(
        f'there is no playbook field "{key.strip()}"; {hint}the fields are: {", ".join(KINDS)}'
    )


def parse_value(field: str, value: object) -> Any:
    """The value ``field`` stores for ``value`` (text as typed, or a value of its type);
    None for a blank value, which clears the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = KINDS[field]
    if kind in ("text", "line"):
        return _text(field, value, one_line=kind == "line")
    if kind == "date":
        return parse_date(field, value)
    if kind == "cadence":
        return value.text if isinstance(value, Cadence) else parse_cadence(_str(field, value)).text
    if kind == "status":
        return _status(_str(field, value))
    items = split_items(value) if isinstance(value, str) else list(_items(field, value))
    if len(items) > ITEMS_LIMIT:
        raise UserError(f"{field}: {len(items)} entries; at most {ITEMS_LIMIT}")
    if kind == "kpis":
        return [parse_kpi(item).to_json() for item in items] or None
    return [_text(field, item, one_line=True) for item in items] or None


def split_items(text: str) -> list[str]:
    """A list typed as text: entries separated by ``;`` or on lines of their own."""
    return [item.strip() for item in re.split(r"[;\n]", text) if item.strip()]


def _items(field: str, value: object) -> list[object]:
    if not isinstance(value, list | tuple):
        raise UserError(f"{field}: expected a list, got {value!r}")
    return [item for item in value if not (isinstance(item, str) and not item.strip())]


def _str(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise UserError(f"{field}: expected text, got {value!r}")
    return value


def _text(field: str, value: object, *, one_line: bool) -> str:
    text = _str(field, value).strip()
    limit = LINE_LIMIT if one_line else TEXT_LIMIT
    if one_line and "\n" in text:
        raise UserError(f"{field}: one line only")
    if len(text) > limit:
        raise UserError(f"{field}: {len(text):,} characters; at most {limit:,}")
    return text


def parse_date(field: str, value: object) -> dt.date:
    """A date typed as YYYY-MM-DD (or a date)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = _str(field, value).strip()
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f'{field}: "{text}" is not a day of the calendar') from None
    raise UserError(f'{field}: expected a date as YYYY-MM-DD, got "{text}"')


def _status(text: str) -> str:
    status = text.strip().lower()
    if status not in PLAYBOOK_STATUSES:
        raise UserError(
            f'playbook_status: "{text.strip()}" is not a status; use {", ".join(PLAYBOOK_STATUSES)}'
        )
    return status


def parse_kpi(item: object) -> Kpi:
    """A KPI as "name: target" or "name >= target" (the comparison is kept in the target),
    or a value with a name and a target."""
    if isinstance(item, Kpi):
        return item
    if isinstance(item, Mapping):
        name, target = str(item.get("name") or ""), str(item.get("target") or "")
    else:
        text = _str("kpis", item).strip()
        name, target = _split_kpi(text)
    name, target = name.strip(), target.strip()
    if not name or not target:
        said = item if isinstance(item, str) else f"{name}: {target}"
        raise UserError(
            f'kpis: "{said}" needs a name and a target, as "name: target" '
            '(e.g. "Repeat purchase rate: 25%")'
        )
    for text in (name, target):
        _text("kpis", text, one_line=True)
    return Kpi(name, target)


def _split_kpi(text: str) -> tuple[str, str]:
    if ":" in text:
        name, _, target = text.partition(":")
        return name, target
    match = _KPI.fullmatch(text)
    if match is None:
        return text, ""
    op, target = match["op"], match["target"].strip()
    return match["name"], target if op == "=" or not target else f"{op} {target}"


def update_playbook(
    conn: Connection, name: str, values: Mapping[str, object], *, now: dt.datetime
) -> None:
    """Set the fields of ``values`` (by field name; None or blank clears one), all or none."""
    row = find_segment(conn, name)
    changes = {}
    for key, value in values.items():
        field = field_name(key)
        changes[field] = parse_value(field, value)
    if changes:
        conn.execute(
            update(segment).where(segment.c.id == row.id).values(**changes, updated_at=now)
        )


def read_playbook(conn: Connection, name: str) -> Playbook:
    """The playbook of the segment called ``name``, with its reviews."""
    row = find_segment(conn, name)
    values: dict[str, Any] = {}
    for field, kind in KINDS.items():
        stored = row._mapping[field]
        if kind == "kpis":
            values[field] = tuple(parse_kpi(k) for k in stored or ())
        elif kind == "list":
            values[field] = tuple(str(item) for item in stored or ())
        else:
            values[field] = None if stored == "" else stored
    return Playbook(segment=row.name, **values, reviews=tuple(review_log(conn, row.id)))


def field_text(value: Any) -> str:
    """A field's value in one line of text, as the command line and lists show it."""
    if isinstance(value, tuple | list):
        return "; ".join(v.text if isinstance(v, Kpi) else field_text(v) for v in value)
    if isinstance(value, Mapping):
        return parse_kpi(value).text
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else " ".join(str(value).split())
