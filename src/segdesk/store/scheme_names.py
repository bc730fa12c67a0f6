"""Migration 4: a segment's name is unique within its scheme, no longer across all segments.

Before, a model segment whose name another scheme already had (ignoring case) was stored with
the scheme's name after it: lifecycle's "At risk" became "At risk (lifecycle)" because RFM has
"At Risk". The migration drops the table-wide unique name, adds the unique index per scheme
(:data:`tables.SEGMENT_NAME_INDEX`), gives such segments back the model's own name, and
rewrites the rules that named a model segment by a name that now means two segments, so that
each rule still finds the members it found before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, inspect, select, text

from segdesk.store import tables

segment = tables.Segment.__table__
scheme = tables.Scheme.__table__
version_table = tables.SegmentVersion.__table__

REASON = "model segments are now named within their scheme"


def name_segments_within_schemes(conn: Connection) -> None:
    """The migration itself: the constraint, then the names, then the rules."""
    if _drop_table_wide_unique_name(conn):
        tables.SEGMENT_NAME_INDEX.create(conn)
    rows = _live_segments(conn)
    before = _Names(rows)
    for row in rows:
        free_name = _model_name_back(row, rows)
        if free_name is not None:
            conn.execute(segment.update().where(segment.c.id == row.id).values(name=free_name))
            row.name = free_name
    after = _Names(rows)
    now = tables.utcnow()
    for row in rows:
        if row.kind == "rule" and isinstance(row.definition, dict) and "rule" in row.definition:
            _keep_meaning(conn, row, before, after, now)


@dataclass
class _Row:
    id: int
    name: str
    kind: str
    scheme_id: int | None
    scheme_name: str | None
    definition: Any
    rule_text: str | None
    version: int

    @property
    def model_name(self) -> str | None:
        found = self.definition.get("model_segment") if isinstance(self.definition, dict) else None
        return found if isinstance(found, str) and self.scheme_id is not None else None


class _Names:
    """How ``in segment "NAME"`` resolved at one moment: exactly, else ignoring case when that
    finds one segment (before the migration), or only when one segment has the name ignoring
    case (after it: two then make the rule ambiguous)."""

    def __init__(self, rows: list[_Row]) -> None:
        self.exact = {r.name: r for r in rows}
        self.folded: dict[str, list[_Row]] = {}
        for r in rows:
            self.folded.setdefault(r.name.strip().casefold(), []).append(r)

    def old(self, name: str) -> _Row | None:
        found = self.folded.get(name.strip().casefold(), [])
        return self.exact.get(name) or (found[0] if len(found) == 1 else None)

    def new(self, name: str) -> _Row | None:
        found = self.folded.get(name.strip().casefold(), [])
        return found[0] if len(found) == 1 else None


def _live_segments(conn: Connection) -> list[_Row]:
    query = (
        select(
            segment.c.id,
            segment.c.name,
            segment.c.kind,
            segment.c.scheme_id,
            scheme.c.name.label("scheme_name"),
            segment.c.definition,
            segment.c.rule_text,
            segment.c.version,
        )
        .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
        .where(segment.c.deleted_at.is_(None))
        .order_by(segment.c.id)
    )
    return [_Row(**row._mapping) for row in conn.execute(query)]


def _model_name_back(row: _Row, rows: list[_Row]) -> str | None:
    """The model's own name for a segment renamed "Name (scheme)" or "Name (scheme) 2" to
    make way, when its scheme and the segments of no scheme leave that name free."""
    wanted = row.model_name
    if wanted is None or row.scheme_name is None:
        return None
    suffix = rf" \({re.escape(row.scheme_name)}\)( \d+)?"
    if re.fullmatch(re.escape(wanted) + suffix, row.name) is None:
        return None
    folded = wanted.casefold()
    for other in rows:
        same_place = other.scheme_id in (None, row.scheme_id)
        if other.id != row.id and same_place and other.name.casefold() == folded:
            return None
    return wanted


def _keep_meaning(conn: Connection, row: _Row, before: _Names, after: _Names, now: Any) -> None:
    """Rewrite ``in segment "X"`` as ``scheme = "Name"`` where X no longer finds the model
    segment it found, with a new version that says why."""
    text_now = row.rule_text or ""
    rule, changed = _rewrite(row.definition["rule"], before, after)
    if not changed:
        return
    for old_name, target in changed:
        assert target.scheme_name is not None and target.model_name is not None
        through_scheme = f"{_model(target.scheme_name)} = {_string(target.model_name)}"
        text_now = text_now.replace(f"in segment {_string(old_name)}", through_scheme)
    definition = {**row.definition, "rule": rule}
    number = row.version + 1
    conn.execute(
        segment.update()
        .where(segment.c.id == row.id)
        .values(definition=definition, rule_text=text_now, version=number, updated_at=now)
    )
    conn.execute(
        version_table.insert(),
        {
            "segment_id": row.id,
            "version": number,
            "definition": definition,
            "rule_text": text_now,
            "reason": REASON,
            "created_at": now,
        },
    )


def _rewrite(node: Any, before: _Names, after: _Names) -> tuple[Any, list[tuple[str, _Row]]]:
    """The rule's JSON with the model segments it names by a name that changed meaning named
    through their scheme; and the (name, segment) pairs it rewrote."""
    if not isinstance(node, dict):
        return node, []
    if "in_segment" in node:
        name = node["in_segment"]
        target = before.old(name)
        if target is None or target.model_name is None or after.new(name) is target:
            return node, []
        return {"model": target.scheme_name, "in": [target.model_name]}, [(name, target)]
    changes: list[tuple[str, _Row]] = []
    out = dict(node)
    for key in ("and", "or"):
        if isinstance(node.get(key), list):
            items = [_rewrite(item, before, after) for item in node[key]]
            out[key] = [item for item, _ in items]
            changes += [change for _, found in items for change in found]
    if "not" in node:
        out["not"], found = _rewrite(node["not"], before, after)
        changes += found
    return out, changes


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _string(value: str) -> str:
    """A string as the rule printer writes it."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in value) + '"'


def _model(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f"`{name}`"


def _drop_table_wide_unique_name(conn: Connection) -> bool:
    """Whether the table had the unique name, now dropped. SQLite cannot drop a constraint:
    the table is made again without it, its rows and indexes kept; foreign keys into it are
    checked at commit (the same ids are back by then). Other databases drop the constraint."""
    if conn.dialect.name != "sqlite":
        dropped = False
        for found in inspect(conn).get_unique_constraints("segment"):
            if found["column_names"] == ["name"]:
                conn.execute(text(f'ALTER TABLE segment DROP CONSTRAINT "{found["name"]}"'))
                dropped = True
        return dropped
    create = conn.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'segment'")
    ).scalar_one()
    without, count = re.subn(r",\s*UNIQUE \(name\)", "", create)
    if count == 0:  # made by this version already, with the index
        return False
    indexes = conn.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'segment'")
    ).scalars()
    index_sql = [sql for sql in indexes if sql]
    columns = ", ".join(f'"{r[1]}"' for r in conn.execute(text('PRAGMA table_info("segment")')))
    conn.execute(text("PRAGMA defer_foreign_keys = ON"))
    conn.execute(text("CREATE TEMP TABLE segment_before_4 AS SELECT * FROM segment"))
    conn.execute(text("DROP TABLE segment"))
    conn.execute(text(without))
    conn.execute(
        text(f"INSERT INTO segment ({columns}) SELECT {columns} FROM temp.segment_before_4")
    )
    conn.execute(text("DROP TABLE temp.segment_before_4"))
    for sql in index_sql:
        conn.execute(text(sql))
    return True
