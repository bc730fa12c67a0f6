"""Home alerts for segments that moved sharply since the last snapshot of an earlier day."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from pyroaring import BitMap

from segdesk.analysis.movement_alerts import since_words
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_segment, new_shop

TODAY = date(2025, 3, 1)


def _shop(tmp_path: Path) -> Path:
    """100 people, 60 in the US ("US", a rule), a static list of 60 and one of 10."""
    db = new_shop(
        tmp_path,
        [
            {
                "id": i,
                "email": f"p{i}@example.com",
                "country": "US" if i <= 60 else "CA",
                "consent": "subscribed",
            }
            for i in range(1, 101)
        ],
    )
    with Workspace.open(db) as ws:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        add_segment(ws.engine, "List", range(1, 61))
        add_segment(ws.engine, "Few", range(1, 11))
    return db


def _age_snapshots(db: Path, days: int) -> None:
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE snapshot SET taken_at = datetime(taken_at, ?)", (f"-{days} days",))


def _alerts(db: Path) -> list[str]:
    with Workspace.open(db, mode="read") as ws:
        return [a.text for a in ws.summary(date.today()).alerts]


def test_growth_and_a_change_of_people_are_named_small_segments_are_not(tmp_path: Path) -> None:
    db = _shop(tmp_path)
    with Workspace.open(db) as ws:
        ws.snapshots.take("last week")
    _age_snapshots(db, 8)
    with Workspace.open(db) as ws:
        add_contacts(
            ws.engine,
            [
                {"id": i, "email": f"p{i}@example.com", "country": "US", "consent": "subscribed"}
                for i in range(101, 121)
            ],
        )
        ws.segments.refresh()
        with ws.engine.begin() as conn:  # List swaps 25 of its 60 people; Few all of its 10
            conn.exec_driver_sql(
                "DELETE FROM segment_member WHERE contact_id <= 25 AND segment_id IN "
                "(SELECT id FROM segment WHERE name IN ('List', 'Few'))"
            )
            conn.exec_driver_sql(
                "INSERT INTO segment_member (segment_id, contact_id, joined_at) SELECT "
                "s.id, c.id, '2025-03-01' FROM segment s, contact c WHERE s.name IN "
                "('List', 'Few') AND c.id BETWEEN 61 AND 85"
            )
    alerts = _alerts(db)
    assert "US grew 33% since last week" in alerts
    assert "List changed 59% of its people since last week" in alerts
    assert not [a for a in alerts if a.startswith("Few")]


def test_todays_snapshots_are_passed_over_and_nothing_moved_says_nothing(tmp_path: Path) -> None:
    db = _shop(tmp_path)
    with Workspace.open(db) as ws:
        ws.snapshots.take()
    assert _alerts(db) == []  # only today's snapshot: nothing to compare with
    _age_snapshots(db, 3)
    assert _alerts(db) == []  # an earlier one, and nothing moved


def test_since_words() -> None:
    day = date(2025, 3, 1)
    assert [since_words(day - timedelta(days=n), day) for n in (1, 3, 9, 15, 40, 90)] == [
        "since yesterday",
        "in 3 days",
        "since last week",
        "in 2 weeks",
        "since last month",
        "since 2024-12-01",
    ]


def test_a_segment_that_moves_this_much_every_step_is_not_named(tmp_path: Path) -> None:
    """Churn swaps most of its people at every snapshot and again since the last one (the
    thresholds alone name it), as "New this month" does; Steady never did until now. Four
    earlier snapshots make three steps of history."""
    db = _shop(tmp_path)
    with Workspace.open(db) as ws:
        add_segment(ws.engine, "Churn", range(41, 101))
        add_segment(ws.engine, "Steady", range(26, 86))
        ids = {s.name: s.id for s in ws.segments.all()}
        today = date.today()
        for step in range(4):
            churn = range(1, 61) if step % 2 else range(41, 101)  # similarity 0.2 a step
            ws.snapshots.save(
                {ids["Churn"]: BitMap(churn), ids["Steady"]: BitMap(range(1, 61))},
                kind="as_of",
                as_of=today - timedelta(days=40 - 10 * step),
            )
    alerts = _alerts(db)
    assert "Steady changed 59% of its people since last week" in alerts
    assert not [a for a in alerts if a.startswith("Churn")]  # 0.2 again: as it always moves
