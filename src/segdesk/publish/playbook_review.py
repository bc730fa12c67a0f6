"""The review figures of a playbook: a segment's profile beside everyone, its overlap with
other segments, its stability between snapshots, its kept backtests and the test against
control of its holdout exports; and a scheme's profiles, stability and backtest side by
side. Each section is left out when its data does not exist (no snapshots, no backtest
kept, no holdout export). Counts and shares only, never a contact.

A profile is as of the scheme's latest run, else the day of the segment's last refresh
(UTC), so that a playbook reads no clock (``playbook_facts.profile_day``). In a scheme's
playbook the opening compares its segments' figures, and each segment's part gives only
what sets it apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pyroaring import BitMap
from sqlalchemy import Connection

from segdesk.analysis.backtest_runs import KeptBacktest, backtests_of_segment, latest_backtests
from segdesk.analysis.member_sets import current_members
from segdesk.analysis.overlap import overlap_report
from segdesk.analysis.profiles import (
    APART_RULE,
    DASH,
    SegmentProfile,
    comparison_rows,
    figure,
    money,
    percent,
)
from segdesk.analysis.set_measures import change, pair_overlap
from segdesk.analysis.snapshots import SnapshotInfo, list_snapshots, load_snapshot, snapshot_sizes
from segdesk.analysis.stability import find_subject, measure_series
from segdesk.publish.document import (
    Block,
    Bullets,
    Fields,
    Paragraph,
    Section,
    Table,
    Trend,
    section,
)
from segdesk.publish.playbook_facts import SchemeFacts, SegmentFacts
from segdesk.segments.lookup import list_segments, qualified_name
from segdesk.wording import count

OVERLAPS_SHOWN = 5
"""The segments a playbook names as overlapping most."""
IN_SCHEME_SHOWN = 3
"""In a scheme's playbook, with a part for each of its segments: the overlapping segments
and the values that set a segment apart it names, so that the whole stays short to read
(and quick to preview)."""
CADENCE_WORDS = {"monthly": ("Monthly", "month end"), "weekly": ("Weekly", "Sunday")}
AVERAGE_NOTE = Paragraph(
    "Average time in a segment counts a stay going on at the first or the last date only as "
    "far as the dates see, so it is at least that long."
)
_R12 = frozenset({1, 2})


# A segment -----------------------------------------------------------------------------------


def profile(_conn: Connection, seg: SegmentFacts) -> Section | None:
    found = seg.profile
    if found is None:
        return None
    if seg.in_scheme:  # the scheme's opening compares the figures
        return section("What sets it apart", _apart(found, IN_SCHEME_SHOWN, label=None))
    return section(
        "Profile beside everyone",
        [
            Paragraph(
                f"As of {found.today}, from the orders that count (refunds, voids and "
                "cancellations left out)."
            ),
            Table(("Measure", "This segment", "Everyone"), tuple(comparison_rows(found)), _R12),
            *_apart(found),
        ],
    )


def overlap(conn: Connection, seg: SegmentFacts) -> Section | None:
    info = seg.detail.info
    others = [s for s in list_segments(conn) if s.status == "active" and s.id != info.id]
    if not others:
        return None
    members = current_members(conn, [info.id, *(s.id for s in others)])
    own = members[info.id]
    if not own:
        return None
    measured = [(s, pair_overlap(own, members[s.id])) for s in others]
    shared = [(s, m) for s, m in measured if m.both]
    if not shared:
        return None
    shared.sort(key=lambda sm: (-(sm[1].jaccard or 0.0), -sm[1].both, sm[0].name))
    top = shared[: IN_SCHEME_SHOWN if seg.in_scheme else OVERLAPS_SHOWN]
    rows = tuple(
        (
            qualified_name(s.scheme, s.name),
            f"{m.both:,}",
            percent(m.share_a_in_b),
            percent(m.jaccard),
        )
        for s, m in top
    )
    own_name = qualified_name(info.scheme, info.name)
    report = overlap_report(conn, [own_name, *(qualified_name(s.scheme, s.name) for s, _ in top)])
    flags = tuple(
        f.message for f in report.flags if f.kind != "over_segmentation" and own_name in f.segments
    )
    more = len(shared) - len(top)
    said = f"The {count(len(top), 'segment')} it shares most people with (by similarity)"
    return section(
        "Overlap with other segments",
        [
            Paragraph(f"{said}; {count(more, 'other')} share a few." if more else f"{said}."),
            Table(
                ("Segment", "People in both", "Share of this segment", "Similarity"),
                rows,
                frozenset({1, 2, 3}),
            ),
            Bullets(flags) if flags else None,
        ],
    )


def stability(conn: Connection, seg: SegmentFacts) -> Section | None:
    segment_id = seg.detail.info.id
    holding = _snapshots_holding(conn, [segment_id])
    if len(holding) < 2:
        return None
    first, last = holding[-2], holding[-1]
    before, after = (
        load_snapshot(conn, s.id, [segment_id]).get(segment_id, BitMap()) for s in (first, last)
    )
    moved = change(before, after)
    sizes = _snapshot_sizes(conn, [segment_id], holding)[segment_id]
    return section(
        "Stability",
        [
            Fields(
                (
                    ("Between", f"snapshot {_snapshot(first)} and {_snapshot(last)}"),
                    (
                        "Kept / joined / left",
                        f"{moved.retained:,} kept, {moved.entered:,} joined, {moved.exited:,} left",
                    ),
                    ("Similarity", percent(moved.jaccard)),
                    ("Retention", percent(moved.retention)),
                )
            ),
            Trend(
                sizes,
                f"{sizes[0]:,} → {sizes[-1]:,} ({sizes[-1] - sizes[0]:+,}) over "
                f"{count(len(sizes), 'snapshot')} since {holding[0].day}",
            ),
        ],
    )


def backtests(conn: Connection, seg: SegmentFacts) -> Section | None:
    segment_id = seg.detail.info.id
    blocks: list[Block | None] = []
    for run in backtests_of_segment(conn, segment_id):
        series = run.of_segment(segment_id)
        assert series is not None
        blocks.append(Paragraph(_run_words(run)))
        blocks.append(
            Fields(
                (
                    ("Mean similarity", percent(series.mean_similarity)),
                    ("Mean retention", percent(series.mean_retention)),
                    ("Average time in the segment", _days(series.average_days)),
                )
            )
        )
        sizes = series.sizes
        blocks.append(
            Trend(sizes, f"{sizes[0]:,} → {sizes[-1]:,} ({sizes[-1] - sizes[0]:+,})")
            if len(sizes) > 1
            else None
        )
    return section("Backtest", [*blocks, AVERAGE_NOTE] if blocks else [])


def holdout(conn: Connection, seg: SegmentFacts) -> Section | None:
    from segdesk.publish.export_log import holdout_exports
    from segdesk.publish.holdout import response

    rows: list[tuple[str, ...]] = []
    for entry in holdout_exports(conn, seg.detail.info.id):
        if entry.holdout is None:
            continue
        found = response(conn, entry.id, entry.created_at, entry.holdout)
        day = f"{_day(found.exported_at)}"
        for label, group in (("Test (sent)", found.test), ("Control (held back)", found.control)):
            rows.append(
                (
                    day,
                    label,
                    f"{group.people:,}",
                    f"{group.buyers:,}",
                    figure(group.orders_per_person, 2),
                    money(group.revenue_per_person),
                )
            )
    if not rows:
        return None
    return section(
        "Test against control",
        [
            Paragraph(
                "For each export with a holdout: how the people sent the list (test) and the "
                "people held back (control) ordered after the export, orders that count."
            ),
            Table(
                (
                    "Exported",
                    "Group",
                    "People",
                    "Buyers",
                    "Orders per person",
                    "Revenue per person",
                ),
                tuple(rows),
                frozenset({2, 3, 4, 5}),
            ),
        ],
    )


# A scheme ------------------------------------------------------------------------------------


def scheme_profiles(
    _conn: Connection, _scheme: SchemeFacts, segments: Sequence[SegmentFacts]
) -> Section | None:
    profiles = [s.profile for s in segments if s.profile is not None]
    if not profiles:
        return None
    rows = tuple(
        (
            p.name,
            f"{p.segment.size:,}",
            percent(p.segment.revenue_share),
            money(p.segment.average_order_value),
            figure(p.segment.orders_per_person),
            figure(p.segment.median_days_since_last_order),
        )
        for p in profiles
    )
    everyone = profiles[0].everyone
    rows += (
        (
            "Everyone",
            f"{everyone.size:,}",
            percent(everyone.revenue_share),
            money(everyone.average_order_value),
            figure(everyone.orders_per_person),
            figure(everyone.median_days_since_last_order),
        ),
    )
    header = (
        "Segment",
        "People",
        "Share of revenue",
        "Average order",
        "Orders per person",
        "Median days since last order",
    )
    return section(
        "Profiles",
        [
            Paragraph(f"As of {profiles[0].today}, from the orders that count."),
            Table(header, rows, frozenset({1, 2, 3, 4, 5})),
        ],
    )


def scheme_stability(
    conn: Connection, scheme: SchemeFacts, _segments: Sequence[SegmentFacts]
) -> Section | None:
    subject = find_subject(conn, scheme.name)
    if not subject.ids:
        return None
    holding = _snapshots_holding(conn, subject.ids)
    if len(holding) < 2:
        return None
    first, last = holding[-2], holding[-1]
    series = [load_snapshot(conn, s.id, subject.ids) for s in (first, last)]
    measured = measure_series(subject, [first.day, last.day], series)
    rows = tuple(
        (
            s.name,
            f"{s.sizes[0]:,}",
            f"{s.sizes[1]:,}",
            f"{s.changes[0].retained:,}",
            f"{s.changes[0].entered:,}",
            f"{s.changes[0].exited:,}",
            percent(s.changes[0].jaccard),
        )
        for s in measured.segments
    )
    header = ("Segment", first.name, last.name, "Kept", "Joined", "Left", "Similarity")
    return section(
        "Stability",
        [
            Paragraph(f"Between snapshot {_snapshot(first)} and {_snapshot(last)}."),
            Table(header, rows, frozenset(range(1, 7))),
        ],
    )


def scheme_backtests(
    conn: Connection, scheme: SchemeFacts, _segments: Sequence[SegmentFacts]
) -> Section | None:
    blocks: list[Block | None] = []
    for run in latest_backtests(conn, scheme.name):
        rows = tuple(
            (
                s.name,
                f"{s.sizes[0]:,}" if s.sizes else "",
                f"{s.sizes[-1]:,}" if s.sizes else "",
                percent(s.mean_similarity),
                percent(s.mean_retention),
                _days(s.average_days),
            )
            for s in run.segments
        )
        first, last = run.dates[0], run.dates[-1]
        header = (
            "Segment",
            str(first),
            str(last),
            "Mean similarity",
            "Mean retention",
            "Average time",
        )
        blocks.append(Paragraph(_run_words(run)))
        blocks.append(Table(header, rows, frozenset(range(1, 6))))
    return section("Backtest", [*blocks, AVERAGE_NOTE] if blocks else [])


# Words ---------------------------------------------------------------------------------------


def _apart(
    found: SegmentProfile, limit: int | None = None, label: str | None = "What sets it apart"
) -> list[Block]:
    if not found.apart:
        return []
    return [
        Paragraph(APART_RULE, label=label),
        Bullets(tuple(s.sentence() for s in found.apart[:limit])),
    ]


def _snapshots_holding(conn: Connection, segment_ids: list[int]) -> list[SnapshotInfo]:
    """The snapshots that hold any of the segments, oldest first."""
    sizes = snapshot_sizes(conn, segment_ids)
    return [s for s in list_snapshots(conn, people_of=()) if s.id in sizes]


def _snapshot_sizes(
    conn: Connection, segment_ids: list[int], holding: Sequence[SnapshotInfo]
) -> dict[int, tuple[int, ...]]:
    sizes = snapshot_sizes(conn, segment_ids)
    return {i: tuple(sizes[s.id].get(i, 0) for s in holding) for i in segment_ids}


def _snapshot(found: SnapshotInfo) -> str:
    return f"{found.name} ({found.day})" if found.label else f"{found.name} of {found.day}"


def _run_words(run: KeptBacktest) -> str:
    label, unit = CADENCE_WORDS.get(run.cadence, (run.cadence.capitalize(), "date"))
    of = f"the {run.scheme} scheme" if run.scheme else f'"{run.subject}"'
    return (
        f"{label} backtest of {of}: {count(len(run.dates), unit)} from {run.dates[0]} to "
        f"{run.dates[-1]}, run on {_day(run.run_at)}."
    )


def _days(days: float | None) -> str:
    return DASH if days is None else count(round(days), "day")


def _day(when: dt.datetime) -> dt.date:
    return when.astimezone(dt.UTC).date() if when.tzinfo else when.date()
