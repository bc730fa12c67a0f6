"""A segment in full, as ``segment show`` prints it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from segdesk.rules import FieldCatalog, to_english
from segdesk.segments.lookup import (
    PLAYBOOK_FIELDS,
    SegmentInfo,
    VersionInfo,
    find_segment,
    segment_info,
    stored_rule,
    versions,
)
from segdesk.segments.pins import Pin, pins_of


@dataclass(frozen=True)
class SegmentDetail:
    """The list entry, the rule in text and English, the versions, the pins and the playbook.

    ``source`` says where a static list came from (``{"from": "rule", "as_of": ...}``);
    ``playbook`` has only the playbook fields that are filled in, by field name."""

    info: SegmentInfo
    english: str | None
    source: dict[str, Any] | None
    versions: tuple[VersionInfo, ...]
    pins: tuple[Pin, ...]
    playbook: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.info.to_json(),
            "rule": self.info.rule,
            "english": self.english,
            "source": self.source,
            "versions": [v.to_json() for v in self.versions],
            "pins": [p.to_json() for p in self.pins],
            "playbook": {
                name: value.isoformat() if isinstance(value, dt.date) else value
                for name, value in self.playbook.items()
            },
        }


def segment_detail(conn: Connection, name: str) -> SegmentDetail:
    """Everything ``segment show`` prints about the segment called ``name``."""
    row = find_segment(conn, name)
    rule = stored_rule(row)
    return SegmentDetail(
        info=segment_info(conn, row),
        english=to_english(rule, FieldCatalog.from_connection(conn)) if rule is not None else None,
        source=(row.definition or {}).get("static") if row.kind == "static" else None,
        versions=tuple(versions(conn, row.id)),
        pins=tuple(pins_of(conn, row.id)),
        playbook={f: v for f in PLAYBOOK_FIELDS if (v := row._mapping[f]) not in (None, [], "")},
    )
