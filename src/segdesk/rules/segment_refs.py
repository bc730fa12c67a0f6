"""Finding the segments a rule names: a resolver over one database, and a cycle check.

``in segment "VIP customers"`` reads the current members of that segment, so a segment whose
rule reaches back to itself (A uses B, B uses A) could never be refreshed. Whoever saves a
definition asks :func:`find_cycle` first.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from segdesk.rules.errors import RuleError
from segdesk.rules.printer import name_text, string_text
from segdesk.rules.tree import Rule, referenced_segments
from segdesk.store.tables import Scheme, Segment

segment = Segment.__table__
scheme = Scheme.__table__


class DatabaseSegments:
    """A :class:`~segdesk.rules.compiler.SegmentResolver` over the ``segment`` and ``scheme``
    tables. Names match ignoring case. A model segment's name belongs to its scheme, so RFM's
    "At Risk" and lifecycle's "At risk" can both exist: ``in segment "At risk"`` is then an
    error that says to write ``lifecycle = "At risk"`` or ``rfm = "At Risk"``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def segment_id(self, name: str) -> int:
        rows = self.conn.execute(
            select(
                segment.c.id,
                segment.c.name,
                segment.c.scheme_id,
                segment.c.definition,
                scheme.c.name.label("scheme_name"),
            )
            .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
            .where(segment.c.deleted_at.is_(None))
        ).all()
        wanted = name.strip().casefold()
        found = [r for r in rows if r.name.strip().casefold() == wanted]
        if len(found) > 1:
            raise RuleError(f'more than one segment is called "{name}"', hint=_which_one(found))
        if not found:
            raise RuleError(
                f'there is no segment called "{name}"',
                hint=_did_you_mean(name, [r.name for r in rows]),
            )
        found_id: int = found[0].id
        return found_id

    def model_segment_id(self, model: str, name: str) -> int:
        schemes = {r.name: r.id for r in self.conn.execute(select(scheme.c.name, scheme.c.id))}
        scheme_id = _pick(schemes, model)
        if scheme_id is None:
            raise RuleError(f"the {model} model has not been run yet, so it has no segments")
        rows = self.conn.execute(
            select(segment.c.id, segment.c.name, segment.c.definition).where(
                segment.c.scheme_id == scheme_id, segment.c.deleted_at.is_(None)
            )
        ).all()
        # A model's segment may have been renamed to make way for a user's segment; its
        # definition keeps the model's own name for it.
        by_name = {(r.definition or {}).get("model_segment", r.name): r.id for r in rows}
        found = _pick(by_name, name)
        if found is None:
            known = ", ".join(f'"{n}"' for n in by_name)
            raise RuleError(
                f'the {model} model has no segment "{name}"', hint=f"its segments are {known}"
            )
        return found


def _which_one(rows: list[Any]) -> str:
    """How to name each of the segments that share a name: through its scheme. One of no
    scheme (only a database changed by hand holds one beside a model's) must be renamed."""
    ways = [
        f"{name_text(r.scheme_name)} = {string_text(_model_name(r))}"
        for r in sorted(rows, key=lambda r: r.scheme_name or "")
        if r.scheme_name is not None
    ]
    hint = "write " + " or ".join(ways) + " for the one you mean"
    own = [r.name for r in rows if r.scheme_name is None]
    return hint + (f', or rename your segment "{own[0]}"' if own else "")


def _model_name(row: Any) -> str:
    """The model's own name for its segment (kept when the segment was renamed)."""
    return str((row.definition or {}).get("model_segment", row.name))


def _pick(ids: dict[str, int], name: str) -> int | None:
    if name in ids:
        return ids[name]
    folded = [i for n, i in ids.items() if n.strip().casefold() == name.strip().casefold()]
    return folded[0] if len(folded) == 1 else None


def _did_you_mean(name: str, names: list[str]) -> str | None:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else None


def find_cycle(name: str, rule: Rule, rule_of: Callable[[str], Rule | None]) -> list[str] | None:
    """The chain of segments by which ``rule``, saved as segment ``name``, would refer back to
    itself (``["A", "B", "A"]``), or None. ``rule_of`` gives another segment's rule, or None
    for segments without one (static and model segments)."""
    stack: list[tuple[str, list[str]]] = [(n, [name, n]) for n in sorted(referenced_segments(rule))]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        if current == name:
            return path
        if current in seen:
            continue
        seen.add(current)
        other = rule_of(current)
        if other is not None:
            stack.extend((n, [*path, n]) for n in sorted(referenced_segments(other)))
    return None
