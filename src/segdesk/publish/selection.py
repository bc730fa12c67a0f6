"""Who goes into a list: the segments' members (or their movers), without the unsubscribed
unless asked, without those lacking an email address for an email platform, then split for a
holdout. Each left out is counted by its reason, before anything is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pyroaring import BitMap
from sqlalchemy import Connection, or_, select

from segdesk.analysis.member_sets import current_members
from segdesk.publish.holdout import Holdout, split
from segdesk.publish.movers import Since, joined_since, left_since
from segdesk.segments.lookup import find_segment, qualified_name
from segdesk.store.tables import Contact

contact = Contact.__table__

UNSUBSCRIBED = "unsubscribed"
NO_EMAIL = "no_email"
REASONS = {UNSUBSCRIBED: "unsubscribed", NO_EMAIL: "without an email address"}
"""Why a contact is left out of a list, in the order they are checked: a contact left out
for the first is not counted again for the second."""


def left_out_words(left_out: Mapping[str, int]) -> str:
    """The people left out by reason, in words ("12 unsubscribed, 3 without an email
    address"); empty when none were, for the command line and the app alike."""
    return ", ".join(f"{n:,} {REASONS.get(r, r)}" for r, n in left_out.items() if n)


@dataclass(frozen=True)
class SegmentRef:
    id: int
    name: str
    """As the user knows it; a model segment whose name another scheme shares is qualified
    ("rfm: At Risk")."""


def find_segments(conn: Connection, names: Sequence[str]) -> list[SegmentRef]:
    """The live segments named, in order, each once; a name that finds none is refused."""
    found: list[SegmentRef] = []
    for name in names:
        row = find_segment(conn, name)
        shown = qualified_name(row.scheme_name, row.name) if ":" in name else row.name
        if all(s.id != row.id for s in found):
            found.append(SegmentRef(row.id, shown))
    return found


@dataclass(frozen=True)
class Choice:
    """What decides who is in a list, beside its segments."""

    email_needed: bool = False
    include_unsubscribed: bool = False
    joined_since: Since | None = None
    left_since: Since | None = None
    holdout_share: float | None = None
    seed: int = 0


@dataclass
class Selection:
    """The people of one file: each segment's chosen members, the ids written, the ones left
    out by reason, and the holdout split when asked."""

    segments: list[SegmentRef]
    members: dict[int, BitMap]
    ids: BitMap
    left_out: dict[str, int] = field(default_factory=dict)
    holdout: Holdout | None = None

    @property
    def rows(self) -> int:
        return len(self.ids)

    def names_of(self, contact_id: int) -> list[str]:
        """The names of the chosen segments this contact is in, in the order asked."""
        return [s.name for s in self.segments if contact_id in self.members[s.id]]


def select_people(conn: Connection, segments: list[SegmentRef], choice: Choice) -> Selection:
    current = current_members(conn, [s.id for s in segments])
    members: dict[int, BitMap] = {}
    for s in segments:
        now = current[s.id]
        if choice.joined_since is None and choice.left_since is None:
            members[s.id] = now
            continue
        chosen = BitMap()
        if choice.joined_since is not None:
            chosen |= joined_since(conn, s.id, now, choice.joined_since)
        if choice.left_since is not None:
            chosen |= left_since(conn, s.id, now, choice.left_since, s.name)
        members[s.id] = chosen
    everyone = BitMap.union(BitMap(), *members.values())
    ids = BitMap(everyone)
    left_out: dict[str, int] = {}
    if not choice.include_unsubscribed:
        left_out[UNSUBSCRIBED] = _leave_out(
            ids, _ids_where(conn, contact.c.consent == UNSUBSCRIBED)
        )
    if choice.email_needed:
        left_out[NO_EMAIL] = _leave_out(
            ids, _ids_where(conn, or_(contact.c.email.is_(None), contact.c.email == ""))
        )
    holdout = None
    if choice.holdout_share is not None:
        holdout = split(ids, choice.holdout_share, choice.seed)
        ids = BitMap(holdout.test)
    return Selection(segments, members, ids, left_out, holdout)


def _leave_out(ids: BitMap, out: BitMap) -> int:
    """Take ``out`` from ``ids``; how many were taken."""
    before = len(ids)
    ids -= out
    return before - len(ids)


def _ids_where(conn: Connection, condition: object) -> BitMap:
    return BitMap(r[0] for r in conn.execute(select(contact.c.id).where(condition)))  # type: ignore[arg-type]
