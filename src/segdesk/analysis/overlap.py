"""How segments overlap (DESIGN §8): for the chosen segments, every pair's people in both, the
share of each in the other and their similarity (Jaccard), in one pass over their members held
as bitmaps; flags for near-duplicates, near-subsets and the size guardrails; and coverage, the
contacts in none of them.

Which segments take part by default: every active segment outside a scheme. A scheme (RFM,
lifecycle) puts each contact in exactly one of its segments, so its pairs are all zero and
would fill the matrix with empty cells, and its segments together hold everyone, so coverage
would always be complete. Name a scheme (``rfm``) to bring in its segments, or name any
segments, scheme segments included ("rfm: Champions"); every pair of the chosen is measured.

The over-segmentation guardrail counts the shop's active segments with each scheme as one:
a scheme is one way of dividing customers, acted on as a whole (RFM alone has eleven).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any, Literal

from pyroaring import BitMap
from sqlalchemy import Connection, func, select

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.set_measures import PairOverlap, pair_overlap
from segdesk.errors import NotFoundError
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.segments.lookup import SegmentInfo, find_segment, list_segments, qualified_name
from segdesk.store.tables import Contact

contact = Contact.__table__

NEAR_DUPLICATE = 0.8
"""Similarity (Jaccard) from which two segments are nearly the same people."""
NEAR_SUBSET = 0.95
"""Share of A in B from which A is nearly inside B."""
MIN_SIZE_PEOPLE = 50
MIN_SIZE_SHARE = 0.01
MAX_SEGMENTS = 8

FlagKind = Literal["near_duplicate", "near_subset", "too_small", "over_segmentation"]


def default_min_size(contacts: int) -> int:
    """The larger of 50 people and 1% of the contacts (rounded up: a segment is too small
    when it has fewer people than that)."""
    return max(MIN_SIZE_PEOPLE, ceil(contacts * MIN_SIZE_SHARE))


@dataclass(frozen=True)
class Guardrails:
    """The size guardrails in force: a segment with fewer than ``min_size`` people is too
    small to act on; more than ``max_segments`` active segments is over-segmentation."""

    min_size: int
    max_segments: int
    min_size_is_default: bool = True


@dataclass(frozen=True)
class OverlapSegment:
    id: int
    name: str
    """As the user names it: "scheme: name" for a scheme's segment."""
    count: int
    scheme: str | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.count}


@dataclass(frozen=True)
class OverlapPair:
    """Two chosen segments, ``a`` before ``b`` in the report's order."""

    a: str
    b: str
    measures: PairOverlap

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, **self.measures.to_json()}


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    segments: tuple[str, ...]
    """near_subset: the one nearly inside first, then the one around it."""
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "segments": list(self.segments), "message": self.message}


@dataclass(frozen=True)
class Coverage:
    contacts: int
    in_none: int
    """Contacts in none of the chosen segments."""

    def to_json(self) -> dict[str, Any]:
        return {"contacts": self.contacts, "in_none": self.in_none}


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: the row's segment against the column's."""

    both: int
    share: float | None
    """Of the row's people, the share also in the column's."""
    jaccard: float | None


@dataclass(frozen=True)
class OverlapReport:
    segments: tuple[OverlapSegment, ...]
    pairs: tuple[OverlapPair, ...]
    """Every pair once, in the order of ``segments`` (0-1, 0-2, ..., 1-2, ...)."""
    coverage: Coverage
    flags: tuple[Flag, ...]
    guardrails: Guardrails

    def to_json(self) -> dict[str, Any]:
        return {
            "segments": [s.to_json() for s in self.segments],
            "pairs": [p.to_json() for p in self.pairs],
            "coverage": self.coverage.to_json(),
            "flags": [f.to_json() for f in self.flags],
        }

    def pair(self, i: int, j: int) -> OverlapPair:
        """The pair of segments ``i`` and ``j`` (``i != j``), whichever comes first."""
        low, high = sorted((i, j))
        n = len(self.segments)
        if low == high or high >= n:
            raise IndexError(f"no pair of segments {i} and {j}")
        return self.pairs[low * n - low * (low + 1) // 2 + high - low - 1]

    def cell(self, row: int, column: int) -> Cell:
        """Segment ``row`` against segment ``column``; on the diagonal, a segment with itself."""
        if row == column:
            size = self.segments[row].count
            return Cell(size, 1.0 if size else None, 1.0 if size else None)
        measures = self.pair(row, column).measures
        share = measures.share_a_in_b if row < column else measures.share_b_in_a
        return Cell(measures.both, share, measures.jaccard)


def overlap_report(
    conn: Connection,
    names: Sequence[str] | None = None,
    *,
    min_size: int | None = None,
    max_segments: int | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> OverlapReport:
    """Measure every pair of the named segments (default: every active segment outside a
    scheme; a scheme's name stands for its segments). Progress counts rows of the matrix."""
    every = list_segments(conn)
    chosen = _chosen(conn, every, names)
    contacts = conn.execute(select(func.count()).select_from(contact)).scalar_one()
    guardrails = Guardrails(
        min_size=default_min_size(contacts) if min_size is None else min_size,
        max_segments=MAX_SEGMENTS if max_segments is None else max_segments,
        min_size_is_default=min_size is None,
    )
    job = Job(progress, cancelled, total=len(chosen) + 1)
    job.check()
    members = current_members(conn, [info.id for info in chosen])
    sets = [members[info.id] for info in chosen]
    job.step("members read")
    segments = tuple(
        OverlapSegment(info.id, _name(info), len(found), info.scheme)
        for info, found in zip(chosen, sets, strict=True)
    )
    pairs: list[OverlapPair] = []
    for i, a in enumerate(sets):
        for j in range(i + 1, len(sets)):
            pairs.append(OverlapPair(segments[i].name, segments[j].name, pair_overlap(a, sets[j])))
        job.step(segments[i].name)
    covered = len(BitMap.union(*sets)) if sets else 0
    flags = [
        *_pair_flags(pairs),
        *_small_flags(segments, guardrails),
        *_over_segmentation(every, guardrails),
    ]
    return OverlapReport(
        segments=segments,
        pairs=tuple(pairs),
        coverage=Coverage(contacts, contacts - covered),
        flags=tuple(flags),
        guardrails=guardrails,
    )


def _name(info: SegmentInfo) -> str:
    return qualified_name(info.scheme, info.name)


def _chosen(
    conn: Connection, every: list[SegmentInfo], names: Sequence[str] | None
) -> list[SegmentInfo]:
    if not names:
        return [s for s in every if s.status == "active" and s.scheme is None]
    by_id = {s.id: s for s in every}
    chosen: dict[int, SegmentInfo] = {}
    for name in names:
        try:
            found = [by_id[find_segment(conn, name).id]]
        except NotFoundError:
            found = _scheme_segments(every, name)
            if not found:
                raise NotFoundError(f'there is no segment or scheme called "{name}"') from None
        for info in found:
            chosen.setdefault(info.id, info)
    return list(chosen.values())


def _scheme_segments(every: list[SegmentInfo], name: str) -> list[SegmentInfo]:
    wanted = name.strip().casefold()
    return [s for s in every if s.scheme and s.scheme.casefold() == wanted and s.status == "active"]


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _pair_flags(pairs: list[OverlapPair]) -> list[Flag]:
    """A near-duplicate is flagged once (merging says it all); otherwise each direction in
    which one segment is nearly inside the other."""
    flags: list[Flag] = []
    for pair in pairs:
        m = pair.measures
        if m.jaccard is not None and m.jaccard >= NEAR_DUPLICATE:
            flags.append(
                Flag(
                    "near_duplicate",
                    (pair.a, pair.b),
                    f'"{pair.a}" and "{pair.b}" are nearly the same people (similarity '
                    f"{_percent(m.jaccard)}, {m.both:,} people in both): consider merging them.",
                )
            )
            continue
        for inner, outer, share in (
            (pair.a, pair.b, m.share_a_in_b),
            (pair.b, pair.a, m.share_b_in_a),
        ):
            if share is not None and share >= NEAR_SUBSET:
                flags.append(
                    Flag(
                        "near_subset",
                        (inner, outer),
                        f'{_percent(share)} of "{inner}" are also in "{outer}": consider '
                        f'making "{inner}" a sub-segment of "{outer}".',
                    )
                )
    return flags


def _small_flags(segments: Sequence[OverlapSegment], guardrails: Guardrails) -> list[Flag]:
    return [
        Flag(
            "too_small",
            (s.name,),
            f'"{s.name}" has {_people(s.count)}, fewer than '
            f"the minimum of {guardrails.min_size:,}: too small to act on.",
        )
        for s in segments
        if s.count < guardrails.min_size
    ]


def _over_segmentation(every: list[SegmentInfo], guardrails: Guardrails) -> list[Flag]:
    active = [s for s in every if s.status == "active"]
    own = [s.name for s in active if s.scheme is None]
    schemes = sorted({s.scheme for s in active if s.scheme is not None})
    counted = len(own) + len(schemes)
    if counted <= guardrails.max_segments:
        return []
    parts = f"{len(own):,} segments"
    if schemes:
        parts += f" and {len(schemes)} scheme{'s' if len(schemes) > 1 else ''}, each counted once"
    return [
        Flag(
            "over_segmentation",
            (*own, *schemes),
            f"{counted:,} active segments ({parts}), more than the limit of "
            f"{guardrails.max_segments:,}: consider merging or retiring some.",
        )
    ]
