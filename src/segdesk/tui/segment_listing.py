"""The segments screen's rows: filtered, sorted, schemes grouped and folded, and the words and
marks its cells show. Plain values, no Textual: the screen draws them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segdesk.segments.overview import SegmentLine


SORTS = ("name", "people", "review")
SORT_LABELS = {"name": "name", "people": "people", "review": "next review"}
SCHEME_LABELS = {"rfm": "RFM", "lifecycle": "Lifecycle"}
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class ListedRow:
    """A line of the list: a segment, or the heading of a scheme's group."""

    key: str
    line: SegmentLine | None = None
    scheme: str | None = None
    members: tuple[SegmentLine, ...] = ()
    """A heading's segments (all of them, folded or not)."""
    folded: bool = False

    @property
    def is_heading(self) -> bool:
        return self.line is None


def segment_key(segment_id: int) -> str:
    return f"segment:{segment_id}"


def scheme_key(scheme: str) -> str:
    return f"scheme:{scheme}"


def scheme_label(scheme: str) -> str:
    return SCHEME_LABELS.get(scheme, scheme)


def listed_rows(
    lines: Iterable[SegmentLine],
    *,
    search: str = "",
    sort: str = "name",
    show_retired: bool = False,
    folded: frozenset[str] = frozenset(),
) -> list[ListedRow]:
    """Segments without a scheme first, then each scheme under its heading, in the order the
    segments come; each group sorted by ``sort``. A search (every word in the name, owner or
    scheme, ignoring case) unfolds the groups it finds something in."""
    words = search.casefold().split()
    groups: dict[str | None, list[SegmentLine]] = {}
    for line in lines:
        if line.info.status == "retired" and not show_retired:
            continue
        haystack = " ".join(
            (line.info.name, line.owner or "", scheme_label(line.info.scheme or ""))
        ).casefold()
        if all(word in haystack for word in words):
            groups.setdefault(line.info.scheme, []).append(line)
    rows = [ListedRow(segment_key(s.info.id), s) for s in sorted_lines(groups.pop(None, []), sort)]
    for scheme, members in groups.items():
        assert scheme is not None
        shut = scheme in folded and not words
        rows.append(
            ListedRow(scheme_key(scheme), scheme=scheme, members=tuple(members), folded=shut)
        )
        if not shut:
            rows.extend(ListedRow(segment_key(s.info.id), s) for s in sorted_lines(members, sort))
    return rows


def sorted_lines(lines: Sequence[SegmentLine], sort: str) -> list[SegmentLine]:
    """By name; by people, most first; or by next review, soonest first. Segments without
    the value go last, by name."""
    by_name = sorted(lines, key=lambda s: s.info.name.casefold())
    if sort == "people":
        return sorted(by_name, key=lambda s: (s.info.count is None, -(s.info.count or 0)))
    if sort == "review":
        return sorted(by_name, key=lambda s: (s.next_review is None, s.next_review or dt.date.min))
    return by_name


def review_words(next_review: dt.date | None, today: dt.date) -> tuple[str, str]:
    """When the next review is, in words, and how urgent: ``overdue``, ``soon`` (within a
    week) or ``later``; ("", "later") when none is set."""
    if next_review is None:
        return "", "later"
    days = (next_review - today).days
    if days < 0:
        return f"{-days}d overdue", "overdue"
    if days == 0:
        return "today", "soon"
    if days <= DUE_SOON_DAYS:
        return f"in {days} day{'s' if days > 1 else ''}", "soon"
    return next_review.isoformat(), "later"


def share(count: int | None, contacts: int) -> str:
    if count is None:
        return "—"
    return f"{count / contacts:.1%}" if contacts else "—"


def people(count: int | None) -> str:
    return "—" if count is None else f"{count:,}"
