"""Finding stored segments by name and describing them as plain values.

Names are unique among segments that are not deleted, compared ignoring case, as rules name
segments (``in segment "vip"`` finds "VIP"). A deleted segment keeps its row (and its
history) under the name "Name (deleted #ID)", which frees the name for a new segment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import Connection, Row, select

from segdesk.errors import NotFoundError, UserError
from segdesk.rules import Rule, from_json, referenced_segments
from segdesk.store.tables import Scheme, Segment, SegmentVersion

segment = Segment.__table__
version_table = SegmentVersion.__table__
scheme = Scheme.__table__

STATUSES = ("draft", "active", "retired")
PLAYBOOK_FIELDS = (
    "goal",
    "target",
    "deadline",
    "owner",
    "stakeholders",
    "data_sources",
    "use_cases",
    "channels",
    "message_tone",
    "offer",
    "next_actions",
    "kpis",
    "review_cadence",
    "next_review",
    "playbook_status",
)


@dataclass(frozen=True)
class SegmentInfo:
    """One segment as the list and the detail views show it."""

    id: int
    name: str
    kind: str
    status: str
    version: int
    count: int | None
    refreshed_at: dt.datetime | None
    scheme: str | None
    rule: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "count": self.count,
            "version": self.version,
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
            "scheme": self.scheme,
        }


@dataclass(frozen=True)
class VersionInfo:
    """One stored definition of a segment, with when and why it changed."""

    version: int
    rule: str | None
    reason: str | None
    created_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "rule": self.rule,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
        }


def live() -> Any:
    """The condition for segments that are not deleted."""
    return segment.c.deleted_at.is_(None)


def find_segment(conn: Connection, name: str) -> Row[Any]:
    """The live segment called ``name``, ignoring case; NotFoundError if none.

    A model segment's name belongs to its scheme, so two schemes can both have one (RFM's
    "At Risk", lifecycle's "At risk"): then ``name`` is refused with the qualified names that
    tell them apart, "scheme: name" (``rfm: At Risk``), which this also accepts."""
    rows = conn.execute(
        select(segment, scheme.c.name.label("scheme_name"))
        .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
        .where(live())
    ).all()
    wanted = name.strip().casefold()
    found = [r for r in rows if r.name.strip().casefold() == wanted]
    if len(found) > 1:
        named = " or ".join(f'"{qualified_name(r.scheme_name, r.name)}"' for r in found)
        raise UserError(
            f'more than one segment is called "{name}": name the one you mean as {named}'
        )
    if not found:
        found = _in_scheme(rows, name)
    if not found:
        raise NotFoundError(f'there is no segment called "{name}"')
    return found[0]


def qualified_name(scheme_name: str | None, name: str) -> str:
    """A segment's name with its scheme's before it ("lifecycle: At risk"), which finds it
    where another scheme has a segment of the same name."""
    return f"{scheme_name}: {name}" if scheme_name else name


def _in_scheme(rows: Sequence[Row[Any]], name: str) -> list[Row[Any]]:
    """The segment a qualified name ("rfm: At Risk") names: by its name in that scheme, else
    by the model's own name for it (a segment renamed "Champions (rfm)" is "rfm: Champions")."""
    prefix, colon, rest = name.partition(":")
    if not colon:
        return []
    wanted_scheme, wanted = prefix.strip().casefold(), rest.strip().casefold()
    mine = [r for r in rows if r.scheme_name and r.scheme_name.casefold() == wanted_scheme]
    by_name = [r for r in mine if r.name.strip().casefold() == wanted]
    return by_name or [
        r for r in mine if str((r.definition or {}).get("model_segment", "")).casefold() == wanted
    ]


def find_deleted_segment(conn: Connection, name: str) -> Row[Any]:
    """A deleted segment, by its stored name ("Name (deleted #ID)") or its name before."""
    rows = conn.execute(select(segment).where(segment.c.deleted_at.is_not(None))).all()
    for row in sorted(rows, key=lambda r: r.deleted_at, reverse=True):
        if row.name == name or original_name(row) == name:
            return row
    raise NotFoundError(f'there is no deleted segment called "{name}"')


def original_name(row: Row[Any]) -> str:
    """The name a deleted segment had before it was deleted."""
    suffix = deleted_suffix(row.id)
    name: str = row.name
    return name.removesuffix(suffix) if row.deleted_at is not None else name


def deleted_suffix(segment_id: int) -> str:
    return f" (deleted #{segment_id})"


def check_name_free(conn: Connection, name: str, *, ignore_id: int | None = None) -> str:
    """``name`` tidied; refused when blank or when a live segment has it (ignoring case)."""
    tidy = name.strip()
    if not tidy:
        raise UserError("a segment needs a name")
    rows = conn.execute(select(segment.c.id, segment.c.name, segment.c.deleted_at)).all()
    for row in rows:
        if row.id == ignore_id:
            continue
        if row.name == tidy or (row.deleted_at is None and row.name.casefold() == tidy.casefold()):
            raise UserError(f'there is already a segment called "{row.name}"')
    return tidy


def stored_rule(row: Row[Any]) -> Rule | None:
    """The rule of a rule segment, else None."""
    if row.kind != "rule" or not row.definition:
        return None
    return from_json(row.definition)


def rule_lookup(conn: Connection) -> dict[str, Rule]:
    """Each live rule segment's rule, by name."""
    rows = conn.execute(select(segment).where(live(), segment.c.kind == "rule")).all()
    return {r.name: rule for r in rows if (rule := stored_rule(r)) is not None}


def rule_of_factory(rules: dict[str, Rule]) -> Any:
    """``rule_of(name)`` for :func:`segdesk.rules.find_cycle`: exact, else ignoring case."""
    folded = {n.casefold(): r for n, r in rules.items()}

    def rule_of(name: str) -> Rule | None:
        return rules.get(name) or folded.get(name.strip().casefold())

    return rule_of


def dependants(conn: Connection, name: str, *, statuses: tuple[str, ...] = STATUSES) -> list[str]:
    """Live rule segments (of the given statuses) whose rule names segment ``name``."""
    wanted = name.strip().casefold()
    rows = conn.execute(
        select(segment).where(live(), segment.c.kind == "rule", segment.c.status.in_(statuses))
    ).all()
    found = []
    for row in rows:
        rule = stored_rule(row)
        names = referenced_segments(rule) if rule is not None and row.name != name else set()
        if any(n.strip().casefold() == wanted for n in names):
            found.append(row.name)
    return sorted(found)


def list_segments(conn: Connection) -> list[SegmentInfo]:
    """Every live segment: rule and static segments by name, then each scheme's in order."""
    query = (
        select(segment, scheme.c.name.label("scheme_name"))
        .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
        .where(live())
        .order_by(
            segment.c.scheme_id.is_not(None), scheme.c.name, segment.c.priority, segment.c.name
        )
    )
    return [_info(row) for row in conn.execute(query)]


def segment_info(conn: Connection, row: Row[Any]) -> SegmentInfo:
    scheme_name = None
    if row.scheme_id is not None:
        scheme_name = conn.execute(
            select(scheme.c.name).where(scheme.c.id == row.scheme_id)
        ).scalar_one_or_none()
    return _info(row, scheme_name)


def _info(row: Row[Any], scheme_name: str | None = None) -> SegmentInfo:
    mapping = row._mapping
    return SegmentInfo(
        id=row.id,
        name=row.name,
        kind=row.kind,
        status=row.status,
        version=row.version,
        count=row.member_count,
        refreshed_at=aware(row.refreshed_at),
        scheme=mapping.get("scheme_name", scheme_name),
        rule=row.rule_text,
    )


def versions(conn: Connection, segment_id: int) -> list[VersionInfo]:
    rows = conn.execute(
        select(version_table)
        .where(version_table.c.segment_id == segment_id)
        .order_by(version_table.c.version)
    )
    return [VersionInfo(r.version, r.rule_text, r.reason, aware(r.created_at)) for r in rows]


@overload
def aware(when: dt.datetime) -> dt.datetime: ...
@overload
def aware(when: dt.datetime | None) -> dt.datetime | None: ...
def aware(when: dt.datetime | None) -> dt.datetime | None:
    """Stored times come back naive; they are UTC."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=dt.UTC)
