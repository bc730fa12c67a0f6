"""The review measures of DESIGN §8 over two sets of contact ids.

Sets are roaring bitmaps (``pyroaring.BitMap``): a million ids take a few hundred kilobytes
and an intersection is a word-wise AND, so a matrix of twenty segments, or a year of
snapshots, is measured without touching the database again.

A measure with nothing to divide by (the share of an empty segment in another, the
similarity of two empty sets) is ``None``: shown as a dash, left out of every flag, never
a made-up 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyroaring import BitMap, FrozenBitMap

Members = BitMap | FrozenBitMap
"""A set of contact ids."""


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or ``None`` when there is nothing to divide by."""
    return part / whole if whole else None


def jaccard(a: Members, b: Members) -> float | None:
    """People in both over people in either (``None`` when both are empty)."""
    return ratio(a.intersection_cardinality(b), a.union_cardinality(b))


@dataclass(frozen=True)
class PairOverlap:
    """How two segments overlap: people in both, the share of each in the other, similarity."""

    size_a: int
    size_b: int
    both: int
    share_a_in_b: float | None
    """Of A's people, the share also in B."""
    share_b_in_a: float | None
    jaccard: float | None
    """Similarity: people in both over people in either."""

    def to_json(self) -> dict[str, Any]:
        return {
            "both": self.both,
            "share_a_in_b": self.share_a_in_b,
            "share_b_in_a": self.share_b_in_a,
            "jaccard": self.jaccard,
        }


def pair_overlap(a: Members, b: Members) -> PairOverlap:
    """The overlap of ``a`` and ``b`` in one intersection."""
    both = a.intersection_cardinality(b)
    size_a, size_b = len(a), len(b)
    return PairOverlap(
        size_a=size_a,
        size_b=size_b,
        both=both,
        share_a_in_b=ratio(both, size_a),
        share_b_in_a=ratio(both, size_b),
        jaccard=ratio(both, size_a + size_b - both),
    )


@dataclass(frozen=True)
class Change:
    """How one segment changed from one time to a later one: kept, joined, left."""

    before: int
    after: int
    retained: int
    """Kept: in it both times."""
    entered: int
    """Joined: in it only the second time."""
    exited: int
    """Left: in it only the first time."""
    jaccard: float | None
    retention: float | None
    """Of the people in it the first time, the share still in it the second."""

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            "retained": self.retained,
            "entered": self.entered,
            "exited": self.exited,
            "jaccard": self.jaccard,
            "retention": self.retention,
        }


def change(before: Members, after: Members) -> Change:
    """Kept, joined and left between ``before`` and ``after``."""
    retained = before.intersection_cardinality(after)
    size_before, size_after = len(before), len(after)
    return Change(
        before=size_before,
        after=size_after,
        retained=retained,
        entered=size_after - retained,
        exited=size_before - retained,
        jaccard=ratio(retained, size_before + size_after - retained),
        retention=ratio(retained, size_before),
    )


def to_bytes(members: Members) -> bytes:
    """The portable roaring serialisation, as stored in ``snapshot_membership.members``."""
    return bytes(members.serialize())


def from_bytes(data: bytes) -> FrozenBitMap:
    """The set stored by :func:`to_bytes`."""
    return FrozenBitMap.deserialize(data)
