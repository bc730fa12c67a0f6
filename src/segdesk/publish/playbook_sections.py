"""The sections of a playbook, in order: each is one function from what was read to a
`Section`, or None when its data does not exist (the section is then left out).

A new section is a function ``(conn, segment) -> Section | None`` (or ``(conn, scheme,
segments)`` for a scheme's opening) placed in `SEGMENT_SECTIONS` (or `SCHEME_SECTIONS`) where
it should appear; it may read more through ``conn``, the connection the playbook is read in.
See docs/playbooks.md, "Adding a section".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeAlias

from sqlalchemy import Connection

from segdesk.publish.document import (
    Bullets,
    Code,
    Fields,
    Paragraph,
    Section,
    Table,
    Trend,
    section,
)
from segdesk.publish.model_definitions import scheme_label, scheme_method, segment_definition
from segdesk.publish.playbook_facts import SchemeFacts, SegmentFacts
from segdesk.publish.playbook_review import (
    backtests,
    holdout,
    overlap,
    profile,
    scheme_backtests,
    scheme_profiles,
    scheme_stability,
    stability,
)
from segdesk.wording import count

SegmentSection: TypeAlias = Callable[[Connection, SegmentFacts], Section | None]
SchemeSection: TypeAlias = Callable[
    [Connection, SchemeFacts, Sequence[SegmentFacts]], Section | None
]


def purpose(_conn: Connection, seg: SegmentFacts) -> Section | None:
    p = seg.playbook
    return section(
        "Purpose and goal",
        [
            Paragraph(p.goal) if p.goal else None,
            _fields(
                ("Target", p.target),
                ("Deadline", _day(p.deadline)),
                ("Playbook status", p.playbook_status),
            ),
        ],
    )


def people_involved(_conn: Connection, seg: SegmentFacts) -> Section | None:
    p = seg.playbook
    return section(
        "Owner and stakeholders",
        [_fields(("Owner", p.owner), ("Stakeholders", "; ".join(p.stakeholders)))],
    )


def size_and_trend(_conn: Connection, seg: SegmentFacts) -> Section | None:
    info = seg.detail.info
    if info.count is None:
        return None
    share = f", {info.count / seg.contacts:.1%} of {count(seg.contacts, 'contact')}"
    when = f", as of {info.refreshed_at.astimezone(dt.UTC):%Y-%m-%d}" if info.refreshed_at else ""
    sizes = tuple(point.members for point in seg.history)
    trend = None
    if len(sizes) > 1:
        first, last = seg.history[0], seg.history[-1]
        change = last.members - first.members
        trend = Trend(
            sizes,
            f"{first.members:,} → {last.members:,} ({change:+,}) over "
            f"{count(len(sizes), 'refresh', 'refreshes')} since "
            f"{first.refreshed_at.astimezone(dt.UTC):%Y-%m-%d}",
        )
    return section(
        "Size, share and trend",
        [
            Paragraph(
                f"{count(info.count, 'person', 'people')}{share if seg.contacts else ''}{when}."
            ),
            trend,
        ],
    )


def definition(_conn: Connection, seg: SegmentFacts) -> Section | None:
    detail = seg.detail
    model = None
    if seg.scheme is not None and seg.model_segment is not None:
        model = segment_definition(seg.scheme, seg.model_segment)
    source = None
    if detail.source:
        source = "A fixed list, frozen from " + ", ".join(
            f"{k} {v}" for k, v in detail.source.items()
        )
    return section(
        "Definition",
        [
            Code(detail.info.rule) if detail.info.rule else None,
            Paragraph(detail.english, label="In plain English") if detail.english else None,
            Paragraph(
                model,
                label=f"Made by the {scheme_label(seg.scheme.name)} model" if seg.scheme else None,
            )
            if model
            else None,
            Paragraph(source) if source else None,
        ],
    )


def use_cases(_conn: Connection, seg: SegmentFacts) -> Section | None:
    return _list("Use cases", seg.playbook.use_cases)


def channels(_conn: Connection, seg: SegmentFacts) -> Section | None:
    return _list("Channels", seg.playbook.channels)


def message(_conn: Connection, seg: SegmentFacts) -> Section | None:
    tone = seg.playbook.message_tone
    return section("Message and tone", [Paragraph(tone) if tone else None])


def offer(_conn: Connection, seg: SegmentFacts) -> Section | None:
    said = seg.playbook.offer
    return section("Offer", [Paragraph(said) if said else None])


def next_actions(_conn: Connection, seg: SegmentFacts) -> Section | None:
    return _list("Next actions", seg.playbook.next_actions, numbered=True)


def kpis(_conn: Connection, seg: SegmentFacts) -> Section | None:
    rows = tuple((k.name, k.target) for k in seg.playbook.kpis)
    return section("KPIs", [Table(("KPI", "Target"), rows) if rows else None])


def review(_conn: Connection, seg: SegmentFacts) -> Section | None:
    p = seg.playbook
    done = tuple((_day(r.reviewed_on) or "", r.reviewed_by or "", r.note or "") for r in p.reviews)
    return section(
        "Review",
        [
            _fields(("Cadence", p.review_cadence), ("Next review", _day(p.next_review))),
            Table(("Reviewed on", "By", "Note"), done) if done else None,
        ],
    )


def data_sources(_conn: Connection, seg: SegmentFacts) -> Section | None:
    return _list("Data sources", seg.playbook.data_sources)


def change_log(_conn: Connection, seg: SegmentFacts) -> Section | None:
    rows = tuple(
        (
            str(v.version),
            f"{v.created_at.astimezone(dt.UTC):%Y-%m-%d}",
            "" if v.members is None else f"{v.members:,}",
            v.reason or "",
            v.rule or "",
        )
        for v in reversed(seg.versions)
    )
    header = ("Version", "Saved", "People", "Reason", "Rule")
    return section("Change log", [Table(header, rows, right=frozenset({0, 2})) if rows else None])


SEGMENT_SECTIONS: tuple[SegmentSection, ...] = (
    purpose,
    people_involved,
    size_and_trend,
    definition,
    use_cases,
    channels,
    message,
    offer,
    next_actions,
    kpis,
    review,
    data_sources,
    profile,
    overlap,
    stability,
    backtests,
    holdout,
    change_log,
)
"""A segment's sections, in the order they appear."""


def summary(
    _conn: Connection, _scheme: SchemeFacts, segments: Sequence[SegmentFacts]
) -> Section | None:
    rows = tuple(
        (
            s.name,
            "" if s.detail.info.count is None else f"{s.detail.info.count:,}",
            _share(s),
            s.playbook.owner or "",
            _day(s.playbook.next_review) or "",
            s.playbook.playbook_status or "",
        )
        for s in segments
    )
    header = ("Segment", "People", "Share", "Owner", "Next review", "Playbook")
    return section("Segments", [Table(header, rows, right=frozenset({1, 2})) if rows else None])


def method(
    _conn: Connection, scheme: SchemeFacts, _segments: Sequence[SegmentFacts]
) -> Section | None:
    said = scheme_method(scheme)
    return section("How the scheme sorts contacts", [Paragraph(said) if said else None])


SCHEME_SECTIONS: tuple[SchemeSection, ...] = (
    summary,
    method,
    scheme_profiles,
    scheme_stability,
    scheme_backtests,
)
"""The opening of a scheme's playbook, before its segments."""


def _fields(*pairs: tuple[str, str | None]) -> Fields | None:
    kept = tuple((label, value) for label, value in pairs if value)
    return Fields(kept) if kept else None


def _list(title: str, items: tuple[str, ...], *, numbered: bool = False) -> Section | None:
    return section(title, [Bullets(items, numbered) if items else None])


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _share(seg: SegmentFacts) -> str:
    size = seg.detail.info.count
    return f"{size / seg.contacts:.1%}" if size is not None and seg.contacts else ""
