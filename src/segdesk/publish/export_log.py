"""The export log: every list written, with what, when, where, how many and who was left out.

One row per file. ``excluded_unsubscribed`` holds the unsubscribed left out; the options
hold the rest: the segments, the format's choices, the count left out by each reason, and a
holdout's groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from segdesk.store.tables import ExportLog

log = ExportLog.__table__


@dataclass(frozen=True)
class ExportEntry:
    """One export as the log lists it."""

    id: int
    what: str
    format: str
    path: str
    rows: int
    left_out: dict[str, int]
    segments: list[str]
    created_at: datetime
    options: dict[str, Any]

    @property
    def holdout(self) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.options.get("holdout")
        return found

    def to_json(self) -> dict[str, Any]:
        options = {k: v for k, v in self.options.items() if k not in ("left_out", "segments")}
        if self.holdout is not None:
            options["holdout"] = {k: v for k, v in self.holdout.items() if k != "members"}
        return {
            "id": self.id,
            "what": self.what,
            "format": self.format,
            "path": self.path,
            "rows": self.rows,
            "left_out": self.left_out,
            "segments": self.segments,
            "created_at": self.created_at.replace(tzinfo=UTC).isoformat(),
            "options": options,
        }


def record(
    conn: Connection,
    *,
    what: str,
    format: str,
    path: str,
    rows: int,
    segment_ids: list[int],
    segments: list[str],
    left_out: dict[str, int],
    options: dict[str, Any],
    now: datetime,
) -> int:
    """Add an export to the log (in the caller's transaction); its id."""
    result = conn.execute(
        log.insert().values(
            segment_id=segment_ids[0] if len(segment_ids) == 1 else None,
            what=what,
            format=format,
            path=path,
            rows=rows,
            excluded_unsubscribed=left_out.get("unsubscribed", 0),
            options={
                **options,
                "segments": segments,
                "segment_ids": segment_ids,
                "left_out": left_out,
            },
            created_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def entries(conn: Connection, limit: int | None = None) -> list[ExportEntry]:
    """The exports, newest first."""
    query = select(log).order_by(log.c.created_at.desc(), log.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_entry(r) for r in conn.execute(query)]


def _entry(row: Any) -> ExportEntry:
    options = dict(row.options or {})
    left_out = dict(options.get("left_out") or {})
    if row.excluded_unsubscribed and "unsubscribed" not in left_out:
        left_out["unsubscribed"] = row.excluded_unsubscribed
    return ExportEntry(
        id=row.id,
        what=row.what,
        format=row.format,
        path=row.path,
        rows=row.rows,
        left_out=left_out,
        segments=list(options.get("segments") or []),
        created_at=row.created_at,
        options=options,
    )


def holdout_exports(conn: Connection, segment_id: int) -> list[ExportEntry]:
    """Exports of the segment (alone or with others) that kept a holdout, newest first."""
    return [
        e
        for e in entries(conn)
        if e.holdout is not None and segment_id in (e.options.get("segment_ids") or [])
    ]
