"""The story sample.db tells through its year of monthly snapshots (docs/stability.md): most
segments hold still, Lapsed big spenders drifts, Wholesale buyers nearly duplicates Trade
accounts. Figures held to Python sets read straight from the file with sqlite3."""

from __future__ import annotations

import calendar
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from statistics import median

import pytest
from pyroaring import BitMap

from segdesk.workspace import Workspace
from tests.conftest import SAMPLE_DB

ANCHOR = date(2026, 11, 15)
MONTHS = 12


@dataclass(frozen=True)
class Story:
    snapshots: list[tuple[int, str, str, date]]
    """id, label, kind, as-of day; oldest first."""
    held: dict[int, dict[str, set[int]]]
    """Snapshot id → segment name → its members then (the shop's own segments)."""
    now: dict[str, set[int]]
    """The shop's own active segments' members now."""


@pytest.fixture(scope="module")
def story() -> Story:
    with closing(sqlite3.connect(f"{SAMPLE_DB.as_uri()}?mode=ro", uri=True)) as raw:
        snapshots = [
            (i, label, kind, date.fromisoformat(day))
            for i, label, kind, day in raw.execute(
                "SELECT id, label, kind, as_of FROM snapshot ORDER BY as_of, id"
            )
        ]
        names = dict(
            raw.execute(
                "SELECT id, name FROM segment WHERE scheme_id IS NULL AND deleted_at IS NULL"
            ).fetchall()
        )
        held: dict[int, dict[str, set[int]]] = {}
        for snapshot_id, segment_id, data in raw.execute(
            "SELECT snapshot_id, segment_id, members FROM snapshot_membership"
        ):
            if segment_id in names:
                members = set(BitMap.deserialize(data))
                held.setdefault(snapshot_id, {})[names[segment_id]] = members
        now: dict[str, set[int]] = {}
        for name, contact_id in raw.execute(
            "SELECT s.name, m.contact_id FROM segment s JOIN segment_member m "
            "ON m.segment_id = s.id WHERE s.scheme_id IS NULL AND s.deleted_at IS NULL "
            "AND s.status = 'active'"
        ):
            now.setdefault(name, set()).add(contact_id)
    return Story(snapshots, held, now)


def similarity(a: set[int], b: set[int]) -> float | None:
    return len(a & b) / len(a | b) if a | b else None


def month_ends_before(day: date, count: int) -> list[date]:
    ends, year, month = [], day.year, day.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
    return ends[::-1]


def test_a_year_of_month_end_snapshots_labelled_by_their_place(story: Story) -> None:
    assert [(label, kind, day) for _, label, kind, day in story.snapshots] == [
        (f"month {n} of {MONTHS}", "as_of", day)
        for n, day in enumerate(month_ends_before(ANCHOR, MONTHS), start=1)
    ]
    with Workspace.open(SAMPLE_DB, mode="read") as ws:
        listed = ws.snapshots.all()
        last = ws.snapshots.find("month 12 of 12")
    assert [s.id for s in listed] == [i for i, *_ in story.snapshots]
    assert last.as_of == ANCHOR.replace(day=1) - timedelta(days=1)


def test_most_segments_hold_still_from_month_to_month(story: Story) -> None:
    months = [story.held[i] for i, *_ in story.snapshots]
    steady = []
    for name in story.now:
        steps = [similarity(a[name], b[name]) for a, b in pairwise(months)]
        if median(s for s in steps if s is not None) >= 0.8:
            steady.append(name)
    assert len(steady) >= 0.75 * len(story.now) > 10
    assert "New this month" not in steady  # new people each month, by what it is

    with Workspace.open(SAMPLE_DB, mode="read") as ws:  # the screen's last step, for each
        for name in story.now:
            found = ws.snapshots.stability(name).segments[0].changes[0]
            assert found.jaccard == similarity(months[-2][name], months[-1][name]), name


def test_lapsed_big_spenders_drifts_upward(story: Story) -> None:
    sizes = [len(story.held[i]["Lapsed big spenders"]) for i, *_ in story.snapshots]
    assert sizes[-1] >= 5 * sizes[0] and sizes[-1] == max(sizes)
    assert sum(b >= a for a, b in pairwise(sizes)) >= MONTHS - 2  # rising, month on month
    with Workspace.open(SAMPLE_DB, mode="read") as ws:
        series = dict(ws.snapshots.sizes("Lapsed big spenders").segments)
    assert [p.size for p in series["Lapsed big spenders"]] == sizes


def test_overlap_flags_wholesale_buyers_as_nearly_trade_accounts(story: Story) -> None:
    near = similarity(story.now["Wholesale buyers"], story.now["Trade accounts"])
    assert near is not None and near >= 0.8
    others = [
        (a, b)
        for a in story.now
        for b in story.now
        if a < b and (similarity(story.now[a], story.now[b]) or 0) >= 0.8
    ]
    assert others == [("Trade accounts", "Wholesale buyers")]
    with Workspace.open(SAMPLE_DB, mode="read") as ws:
        flags = ws.overlap.report().flags
    duplicates = [f for f in flags if f.kind == "near_duplicate"]
    assert [set(f.segments) for f in duplicates] == [{"Trade accounts", "Wholesale buyers"}]
    assert f"similarity {near:.0%}" in duplicates[0].message and "merg" in duplicates[0].message


def test_home_alerts_leave_out_segments_that_turn_over_every_month(story: Story) -> None:
    """New this month changes most of its people between any two times, by what it is: the
    thresholds alone would name it on every home screen."""
    last = story.held[story.snapshots[-1][0]]
    turned = similarity(last["New this month"], story.now["New this month"])
    assert turned is not None and turned < 0.7 and len(story.now["New this month"]) >= 50
    with Workspace.open(SAMPLE_DB, mode="read") as ws:
        alerts = [a.text for a in ws.summary(ANCHOR).alerts]
    assert not [a for a in alerts if a.startswith("New")]
    assert "Champions changed 63% of its people in 2 weeks" in alerts  # more than ever before


def test_the_home_review_card_counts_flagged_pairs_and_drifting_segments(story: Story) -> None:
    """Pairs nearly the same people, or one nearly inside the other, by Python sets."""
    flagged = 0
    for a, b in ((a, b) for a in story.now for b in story.now if a < b):
        both = len(story.now[a] & story.now[b])
        if (similarity(story.now[a], story.now[b]) or 0) >= 0.8:
            flagged += 1
        else:
            flagged += sum(both >= 0.95 * len(story.now[x]) > 0 for x in (a, b))
    with Workspace.open(SAMPLE_DB, mode="read") as ws:
        summary = ws.summary(ANCHOR)
    assert summary.overlaps == flagged >= 1
    assert summary.drifting == 2  # Champions and Promising, the two alerts above
