"""The drill-down from a pair of segments: the people in both, in the first only, or in the
second only, counted and paged as the contacts list is, and saved as a static segment.

The people are read from ``segment_member`` in SQL, so a page of a million-member part costs
a page, not the whole part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Select, exists, func, select

from segdesk.contact_values import LIST_COLUMNS, ContactRow, page_window
from segdesk.segments.lookup import find_segment, qualified_name
from segdesk.segments.static import create_static_from_query
from segdesk.store.tables import Contact, Scheme, SegmentMember

contact = Contact.__table__
member = SegmentMember.__table__
scheme = Scheme.__table__

Part = Literal["both", "only_a", "only_b"]
PARTS: tuple[Part, ...] = ("both", "only_a", "only_b")


@dataclass(frozen=True)
class PairNames:
    """Two segments found by name, each with the name the report shows."""

    a_id: int
    a: str
    b_id: int
    b: str

    def words(self, part: Part) -> str:
        """Who ``part`` is, in words: 'in both "A" and "B"'."""
        return {
            "both": f'in both "{self.a}" and "{self.b}"',
            "only_a": f'in "{self.a}" but not in "{self.b}"',
            "only_b": f'in "{self.b}" but not in "{self.a}"',
        }[part]


def find_pair(conn: Connection, a: str, b: str) -> PairNames:
    """The two segments named (NotFoundError for either unknown)."""
    first, second = find_segment(conn, a), find_segment(conn, b)
    return PairNames(first.id, _shown(conn, first), second.id, _shown(conn, second))


def _shown(conn: Connection, row: Any) -> str:
    scheme_name = None
    if row.scheme_id is not None:
        scheme_name = conn.execute(
            select(scheme.c.name).where(scheme.c.id == row.scheme_id)
        ).scalar_one()
    return qualified_name(scheme_name, row.name)


def _in(segment_id: int) -> Any:
    return exists().where(member.c.segment_id == segment_id, member.c.contact_id == contact.c.id)


def _where(pair: PairNames, part: Part) -> Any:
    first, second = _in(pair.a_id), _in(pair.b_id)
    if part == "both":
        return first & second
    if part == "only_a":
        return first & ~second
    return second & ~first


def part_ids(pair: PairNames, part: Part) -> Select[Any]:
    """The contact ids of ``part``, as a SELECT."""
    return select(contact.c.id).where(_where(pair, part))


def count_part(conn: Connection, pair: PairNames, part: Part) -> int:
    found: int = conn.execute(
        select(func.count()).select_from(contact).where(_where(pair, part))
    ).scalar_one()
    return found


def part_page(
    conn: Connection,
    pair: PairNames,
    part: Part,
    offset: int,
    limit: int,
    total: int | None = None,
) -> list[ContactRow]:
    """People ``offset`` to ``offset + limit`` of ``part``, in id order."""
    descending, skip, take = page_window(offset, limit, total)
    query = select(*(contact.c[c] for c in LIST_COLUMNS)).where(_where(pair, part))
    query = query.order_by(contact.c.id.desc() if descending else contact.c.id)
    rows = [ContactRow(*row) for row in conn.execute(query.offset(skip).limit(take))]
    return rows[::-1] if descending else rows


def save_part(conn: Connection, name: str, pair: PairNames, part: Part, *, now: dt.datetime) -> int:
    """Freeze ``part`` as a static segment called ``name``; returns its id."""
    source = {"from": "overlap", "a": pair.a, "b": pair.b, "people": part}
    return create_static_from_query(
        conn, name, part_ids(pair, part), source, now=now, reason=f"people {pair.words(part)}"
    )
