"""What hangs on a segment: asked before it is deleted, so the question can say so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from segdesk.segments.lookup import dependants, find_segment, segment_info
from segdesk.store.tables import SegmentPin

pin = SegmentPin.__table__


@dataclass(frozen=True)
class Dependencies:
    """A segment's members, the rule segments that name it, its pins and its scheme."""

    segment: str
    kind: str
    members: int
    used_by: tuple[str, ...]
    pins: int
    scheme: str | None

    @property
    def blocks_delete(self) -> str | None:
        """Why the segment cannot be deleted, or None when it can."""
        if self.kind == "model":
            return f'it belongs to the scheme "{self.scheme}", which decides its members'
        if self.used_by:
            names = ", ".join(f'"{n}"' for n in self.used_by)
            return f"the rule of {names} {'names' if len(self.used_by) == 1 else 'name'} it"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "kind": self.kind,
            "members": self.members,
            "used_by": list(self.used_by),
            "pins": self.pins,
            "scheme": self.scheme,
        }


def dependencies(conn: Connection, name: str) -> Dependencies:
    row = find_segment(conn, name)
    info = segment_info(conn, row)
    pins = conn.execute(
        select(func.count()).select_from(pin).where(pin.c.segment_id == row.id)
    ).scalar_one()
    return Dependencies(
        segment=row.name,
        kind=row.kind,
        members=row.member_count or 0,
        used_by=tuple(dependants(conn, row.name)),
        pins=pins,
        scheme=info.scheme,
    )
