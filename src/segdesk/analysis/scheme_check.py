"""The scheme check (DESIGN §8): are the segments of a scheme really mutually exclusive?

A scheme is a model's (``rfm``, ``lifecycle``) or any group of segments a user names. The
check finds the gaps (people in none of them), the people claimed by several (counted per
pair, with the segment that wins by priority) and the segments with no members now. Members
that can never be reached, segments empty at every as-of date of the order history, need the
members as of past dates: :func:`never_reached` takes them, day by day, from a
:data:`HistoryReader` (the month ends of :mod:`segdesk.analysis.scheme_history`), asked only
about the segments empty now, since one with members now has been reached.

Priority: a lower ``segment.priority`` wins (the models number theirs 0, 1, 2... in their
order); segments without one come after those with one, in the order given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, islice
from typing import Any

from pyroaring import BitMap
from sqlalchemy import Connection, func, select

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.set_measures import Members, pair_overlap
from segdesk.errors import NotFoundError
from segdesk.segments.lookup import find_segment, live
from segdesk.store.tables import Contact, Scheme, Segment

contact = Contact.__table__
scheme = Scheme.__table__
segment = Segment.__table__

EXAMPLES = 5
"""People named as examples of a gap or of a double claim."""

MembersByDay = Mapping[dt.date, Mapping[int, Members]]
"""Segment id → members, for each as-of day."""
HistoryReader = Callable[[Connection, Sequence[int]], MembersByDay]
"""Reads the members of the given segments as of each day of the order history."""


@dataclass(frozen=True)
class Claimant:
    """A segment of the scheme, in priority order."""

    segment_id: int
    name: str
    priority: int | None
    count: int
    won: int
    """People it shares with another segment of the scheme and keeps by priority."""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "priority": self.priority, "count": self.count, "won": self.won}


@dataclass(frozen=True)
class Conflict:
    """Two segments that claim the same people; the first by priority wins them."""

    a: str
    b: str
    both: int
    winner: str

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "both": self.both, "winner": self.winner}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str | None

    @property
    def label(self) -> str:
        """The name, else the email, else ``id:N``."""
        return self.name or self.email or f"id:{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email}


@dataclass(frozen=True)
class SchemeCheck:
    scheme: str | None
    """The scheme's name; ``None`` for a group of segments the user named."""
    segments: list[Claimant]
    contacts: int
    gaps: int
    gap_examples: list[Person]
    several: int
    """People claimed by more than one segment."""
    several_examples: list[Person]
    conflicts: list[Conflict]
    """Every pair with people in both, the most people first."""
    empty: list[str]
    """Segments with no members now."""
    never_reached: list[str] | None
    """Segments empty at every as-of day of the order history; ``None``: not checked."""

    @property
    def exclusive(self) -> bool:
        """Every contact in exactly one segment."""
        return not self.gaps and not self.several

    def to_json(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "segments": [s.to_json() for s in self.segments],
            "contacts": self.contacts,
            "gaps": {"count": self.gaps, "examples": [p.to_json() for p in self.gap_examples]},
            "conflicts": {
                "count": self.several,
                "examples": [p.to_json() for p in self.several_examples],
                "pairs": [c.to_json() for c in self.conflicts],
            },
            "empty": self.empty,
            "never_reached": self.never_reached,
        }


@dataclass(frozen=True)
class SetCheck:
    """The check over sets alone: what :class:`SchemeCheck` is made from."""

    gaps: BitMap
    several: BitMap
    pairs: dict[tuple[int, int], int]
    """(winner, loser) → people in both, for the pairs with any."""
    won: dict[int, int]
    empty: list[int]


def check_sets(everyone: Members, members: Mapping[int, Members], order: Sequence[int]) -> SetCheck:
    """Gaps, double claims and empty segments of the segments ``order`` (priority order, the
    winner first) over ``everyone``."""
    claimed, several = BitMap(), BitMap()
    for segment_id in order:
        several |= claimed & members[segment_id]
        claimed |= members[segment_id]
    pairs = {}
    for a, b in combinations(order, 2):
        both = pair_overlap(members[a], members[b]).both
        if both:
            pairs[(a, b)] = both
    left, won = BitMap(several), {}
    for segment_id in order:
        won[segment_id] = left.intersection_cardinality(members[segment_id])
        left -= members[segment_id]
    return SetCheck(
        gaps=BitMap(everyone) - claimed,
        several=several,
        pairs=pairs,
        won=won,
        empty=[s for s in order if not members[s]],
    )


def never_reached(members_by_day: MembersByDay, segment_ids: Sequence[int]) -> list[int] | None:
    """The segments of ``segment_ids`` with no member on any day of ``members_by_day`` (a
    segment a day does not list counts as empty that day); ``None`` without any day."""
    if not members_by_day:
        return None
    return [
        s for s in segment_ids if not any(len(day.get(s, ())) for day in members_by_day.values())
    ]


def check_scheme(
    conn: Connection, name: str, *, history: HistoryReader | None = None
) -> SchemeCheck:
    """The check of the scheme called ``name`` (ignoring case), over its segments that are
    not deleted or retired."""
    found = conn.execute(
        select(scheme.c.id, scheme.c.name).where(func.lower(scheme.c.name) == name.strip().lower())
    ).first()
    if found is None:
        known = conn.execute(select(scheme.c.name).order_by(scheme.c.name)).scalars().all()
        said = f": schemes are {', '.join(known)}" if known else ": no model has run yet"
        raise NotFoundError(f'there is no scheme called "{name}"{said}')
    rows = conn.execute(
        select(segment.c.id, segment.c.name, segment.c.priority)
        .where(live(), segment.c.scheme_id == found.id, segment.c.status != "retired")
        .order_by(segment.c.priority, segment.c.name)
    ).all()
    return _check(conn, found.name, [(r.id, r.name, r.priority) for r in rows], history)


def check_group(
    conn: Connection, names: Sequence[str], *, history: HistoryReader | None = None
) -> SchemeCheck:
    """The check of the segments ``names`` taken as one scheme."""
    rows = [find_segment(conn, n) for n in names]
    chosen = list({r.id: (r.id, r.name, r.priority) for r in rows}.values())
    return _check(conn, None, chosen, history)


def _check(
    conn: Connection,
    scheme_name: str | None,
    chosen: Sequence[tuple[int, str, int | None]],
    history: HistoryReader | None,
) -> SchemeCheck:
    ranked = sorted(chosen, key=lambda c: (c[2] is None, c[2] or 0))
    order = [c[0] for c in ranked]
    names = {c[0]: c[1] for c in ranked}
    members = current_members(conn, order)
    everyone = everyone_ids(conn)
    found = check_sets(everyone, members, order)
    unreachable = _never_reached(conn, found.empty, history)
    return SchemeCheck(
        scheme=scheme_name,
        segments=[
            Claimant(i, name, priority, len(members[i]), found.won[i])
            for i, name, priority in ranked
        ],
        contacts=len(everyone),
        gaps=len(found.gaps),
        gap_examples=people(conn, islice(found.gaps, EXAMPLES)),
        several=len(found.several),
        several_examples=people(conn, islice(found.several, EXAMPLES)),
        conflicts=sorted(
            (Conflict(names[a], names[b], both, names[a]) for (a, b), both in found.pairs.items()),
            key=lambda c: -c.both,
        ),
        empty=[names[s] for s in found.empty],
        never_reached=None if unreachable is None else [names[s] for s in unreachable],
    )


def _never_reached(
    conn: Connection, empty: list[int], history: HistoryReader | None
) -> list[int] | None:
    """Of the segments empty now, those empty on every day ``history`` reads."""
    if history is None:
        return None
    if not empty:
        return []
    return never_reached(history(conn, empty), empty)


def everyone_ids(conn: Connection) -> BitMap:
    """Every contact's id: a range when the ids have no holes, else read."""
    low, high, n = conn.execute(
        select(func.min(contact.c.id), func.max(contact.c.id), func.count())
    ).one()
    if not n:
        return BitMap()
    if high - low + 1 == n:
        return BitMap(range(low, high + 1))
    return BitMap(conn.execute(select(contact.c.id)).scalars())


def people(conn: Connection, ids: Any) -> list[Person]:
    wanted = list(ids)
    if not wanted:
        return []
    rows = conn.execute(
        select(contact.c.id, contact.c.first_name, contact.c.last_name, contact.c.email)
        .where(contact.c.id.in_(wanted))
        .order_by(contact.c.id)
    )
    return [
        Person(r.id, " ".join(p for p in (r.first_name, r.last_name) if p), r.email) for r in rows
    ]
