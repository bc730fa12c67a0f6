"""A segment's versions with the member count each one had, and the difference between two.

A version's count is the size at the last refresh made while it was the segment's current
version (``segment_refresh``); a version replaced before any refresh was recorded (older
databases) has none. The rule is compared line by line, one line per condition of its top
level (``and``/``or`` starting the line), so that an edit shows as the conditions it took out
and put in rather than as two long lines.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from segdesk.errors import NotFoundError
from segdesk.rules import And, Or, Rule, from_json, to_text
from segdesk.segments.lookup import aware, find_segment
from segdesk.store.tables import SegmentRefresh, SegmentVersion

version_table = SegmentVersion.__table__
refresh = SegmentRefresh.__table__

CHANGES = {" ": "same", "-": "removed", "+": "added"}


@dataclass(frozen=True)
class VersionEntry:
    """One version: when, why, its rule, and its member count when one was recorded."""

    version: int
    created_at: dt.datetime
    reason: str | None
    rule: str | None
    members: int | None
    lines: tuple[str, ...]
    """The rule, one condition of its top level per line (see :func:`rule_lines`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "created_at": self.created_at.isoformat(),
            "reason": self.reason,
            "rule": self.rule,
            "members": self.members,
        }


@dataclass(frozen=True)
class DiffLine:
    change: str
    """``same``, ``removed`` or ``added``."""
    text: str

    @property
    def mark(self) -> str:
        return {"same": " ", "removed": "-", "added": "+"}[self.change]

    def to_json(self) -> dict[str, Any]:
        return {"change": self.change, "text": self.text}


@dataclass(frozen=True)
class VersionDiff:
    """Two versions of one segment side by side: the rule's lines and the member counts."""

    segment: str
    old: VersionEntry
    new: VersionEntry
    lines: tuple[DiffLine, ...]

    @property
    def member_change(self) -> int | None:
        if self.old.members is None or self.new.members is None:
            return None
        return self.new.members - self.old.members

    def members_text(self) -> str:
        """``308 → 277 (-31)``; a count not recorded says so."""

        def shown(n: int | None) -> str:
            return "not recorded" if n is None else f"{n:,}"

        said = f"{shown(self.old.members)} → {shown(self.new.members)}"
        change = self.member_change
        return said if change is None else f"{said} ({change:+,})"

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "from": self.old.to_json(),
            "to": self.new.to_json(),
            "rule_diff": [line.to_json() for line in self.lines],
            "members": {
                "from": self.old.members,
                "to": self.new.members,
                "change": self.member_change,
            },
        }


def segment_versions(conn: Connection, name: str) -> list[VersionEntry]:
    """Every version of the segment called ``name``, oldest first."""
    row = find_segment(conn, name)
    counts = _counts_by_version(conn, row.id)
    rows = conn.execute(
        select(version_table)
        .where(version_table.c.segment_id == row.id)
        .order_by(version_table.c.version)
    )
    return [
        VersionEntry(
            version=r.version,
            created_at=aware(r.created_at),
            reason=r.reason,
            rule=r.rule_text,
            members=counts.get(r.version),
            lines=tuple(rule_lines(r.definition, r.rule_text)),
        )
        for r in rows
    ]


def diff_versions(conn: Connection, name: str, old: int, new: int) -> VersionDiff:
    """The difference from version ``old`` to version ``new`` (either may be the later)."""
    row = find_segment(conn, name)
    entries = {v.version: v for v in segment_versions(conn, row.name)}
    for number in (old, new):
        if number not in entries:
            have = {1: "version 1 only", 2: "versions 1 and 2"}.get(
                len(entries), f"versions 1 to {len(entries)}"
            )
            raise NotFoundError(f'"{row.name}" has no version {number}; it has {have}')
    a, b = entries[old], entries[new]
    return VersionDiff(row.name, a, b, tuple(diff_lines(a.lines, b.lines)))


def diff_lines(old: tuple[str, ...], new: tuple[str, ...]) -> list[DiffLine]:
    """Every line of both, in order, each marked same, removed or added."""
    return [
        DiffLine(CHANGES[line[0]], line[2:])
        for line in difflib.ndiff(list(old), list(new))
        if line[0] in CHANGES
    ]


def rule_lines(definition: Any, rule_text: str | None) -> list[str]:
    """A stored rule one top-level condition per line; joined with spaces, the lines are its
    canonical text. A definition that is not a rule (a static list) is its text on one line."""
    if isinstance(definition, dict) and "rule" in definition:
        return layout(from_json(definition))
    return [rule_text] if rule_text else []


def layout(rule: Rule) -> list[str]:
    if not isinstance(rule, And | Or):
        return [to_text(rule)]
    word = "and" if isinstance(rule, And) else "or"
    parts = [_grouped(item, rule) for item in rule.items]
    return [parts[0], *(f"{word} {part}" for part in parts[1:])]


def _grouped(item: Rule, parent: And | Or) -> str:
    # As the printer groups: an and inside an or needs no parentheses, anything else does.
    needs = isinstance(item, Or) or (isinstance(item, And) and isinstance(parent, And))
    return f"({to_text(item)})" if needs else to_text(item)


def _counts_by_version(conn: Connection, segment_id: int) -> dict[int, int]:
    """Each version's size at its last recorded refresh."""
    rows = conn.execute(
        select(refresh.c.version, refresh.c.member_count)
        .where(refresh.c.segment_id == segment_id)
        .order_by(refresh.c.refreshed_at, refresh.c.id)
    )
    return {version: count for version, count in rows}
