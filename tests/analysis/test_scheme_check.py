"""The scheme check held to Python sets: gaps, double claims and who wins them, empty
segments, and segments never reached on hand-made as-of days."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, date, datetime
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap
from sqlalchemy import Connection

from segdesk.analysis.scheme_check import check_group, check_sets, never_reached
from segdesk.errors import NotFoundError
from segdesk.jobs import Cancelled
from segdesk.store.database import open_database
from segdesk.workspace import Workspace
from tests.analysis import generated_shop
from tests.cli_runs import ok_json, run
from tests.factories import add_orders, add_segment, new_shop

ids = st.sets(st.integers(min_value=1, max_value=60), max_size=40)


@settings(max_examples=60, deadline=None)
@given(ids, st.lists(ids, min_size=1, max_size=5))
def test_check_sets_equals_python_sets(everyone: set[int], sets: list[set[int]]) -> None:
    members = {i: BitMap(s) for i, s in enumerate(sets, start=1)}
    order = list(members)
    found = check_sets(BitMap(everyone), members, order)
    union = set().union(*sets)
    assert set(found.gaps) == everyone - union
    several = {c for c in union if sum(c in s for s in sets) > 1}
    assert set(found.several) == several
    assert found.pairs == {
        (a, b): len(sets[a - 1] & sets[b - 1])
        for a, b in combinations(order, 2)
        if sets[a - 1] & sets[b - 1]
    }
    for i in order:  # each person claimed twice goes to the first segment that has them
        first = {c for c in several if next(j for j in order if c in sets[j - 1]) == i}
        assert found.won[i] == len(first)
    assert found.empty == [i for i in order if not sets[i - 1]]


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """Six people; Cleo in none (a gap), Ben in A and B (a double claim B wins by priority),
    D with nobody."""
    db = new_shop(
        tmp_path,
        [
            {"email": f"{n.lower()}@example.com", "first_name": n}
            for n in ("Ana", "Ben", "Cleo", "Dan", "Eve", "Fay")
        ],
    )
    with Workspace.open(db) as ws:
        add_segment(ws.engine, "A", [1, 2], priority=1)
        add_segment(ws.engine, "B", [2, 4], priority=0)
        add_segment(ws.engine, "C", [5, 6])
        add_segment(ws.engine, "D", [1])
        with ws.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM segment_member WHERE segment_id = 4")
    return db


def test_a_planted_gap_and_double_claim(planted: Path) -> None:
    with Workspace.open(planted, mode="read") as ws:
        found = ws.profiles.check_group(["a", "C", "B", "D"], past=False)
    assert [(s.name, s.count, s.won) for s in found.segments] == [
        ("B", 2, 1),  # priority 0 first, then 1, then those without one as named
        ("A", 2, 0),
        ("C", 2, 0),
        ("D", 0, 0),
    ]
    assert (found.contacts, found.gaps, [p.label for p in found.gap_examples]) == (6, 1, ["Cleo"])
    assert (found.several, [p.label for p in found.several_examples]) == (1, ["Ben"])
    assert [c.to_json() for c in found.conflicts] == [
        {"a": "B", "b": "A", "both": 1, "winner": "B"}
    ]
    assert found.empty == ["D"]
    assert found.never_reached is None  # not checked without the members as of past days
    assert not found.exclusive


def members_of(db: Path) -> dict[str, set[int]]:
    with closing(sqlite3.connect(db)) as raw:
        rows = raw.execute(
            "SELECT s.name, m.contact_id FROM segment s JOIN segment_member m "
            "ON m.segment_id = s.id"
        ).fetchall()
    found: dict[str, set[int]] = {}
    for name, contact_id in rows:
        found.setdefault(name, set()).add(contact_id)
    return found


def test_a_group_of_generated_segments_equals_python_sets(tmp_path: Path) -> None:
    db = generated_shop.build(tmp_path)
    names = ["Mostly Germans", "Kit buyers", "Random", "Nobody"]
    sets = [members_of(db).get(n, set()) for n in names]
    with Workspace.open(db, mode="read") as ws:
        found = ws.profiles.check_group(names)
    everyone = set(range(1, generated_shop.CONTACTS + 1))
    assert found.gaps == len(everyone - set().union(*sets))
    assert {p.id for p in found.gap_examples} <= everyone - set().union(*sets)
    several = {c for c in everyone if sum(c in s for s in sets) > 1}
    assert found.several == len(several) > 0
    assert {(c.a, c.b): c.both for c in found.conflicts} == {
        (names[i], names[j]): len(sets[i] & sets[j])
        for i, j in combinations(range(4), 2)
        if sets[i] & sets[j]
    }
    assert found.empty == ["Nobody"]


def test_rfm_on_the_sample_is_exclusive(sample_copy: Path) -> None:
    sets = members_of(sample_copy)
    with Workspace.open(sample_copy, mode="read") as ws:
        found = ws.profiles.check_scheme("RFM")
        with pytest.raises(NotFoundError, match='no scheme called "nope": schemes are'):
            ws.profiles.check_scheme("nope")
    assert found.scheme == "rfm" and found.exclusive and found.conflicts == []
    assert found.segments[0].name == "Champions"
    assert {s.name: s.count for s in found.segments} == {
        s.name: len(sets.get(s.name, set())) for s in found.segments
    }
    assert sum(s.count for s in found.segments) == found.contacts


def days_of(sets: dict[date, dict[int, set[int]]]) -> dict[date, dict[int, BitMap]]:
    return {day: {s: BitMap(m) for s, m in by.items()} for day, by in sets.items()}


def test_never_reached_over_hand_made_days() -> None:
    by_day = days_of(
        {
            date(2025, 1, 31): {1: {1, 2}, 2: set(), 3: set()},
            date(2025, 2, 28): {1: {2}, 2: set(), 3: {7}},
            date(2025, 3, 31): {1: set()},  # 2 and 3 not listed: empty that day
        }
    )
    assert never_reached(by_day, [1, 2, 3, 4]) == [2, 4]
    assert never_reached({}, [1, 2]) is None


def test_the_check_asks_the_history_about_the_segments_empty_now(planted: Path) -> None:
    """A segment with members now has been reached: only D (empty now) is asked about."""
    asked: list[Sequence[int]] = []

    def history(conn: Connection, segment_ids: Sequence[int]) -> dict[date, dict[int, BitMap]]:
        asked.append(segment_ids)
        return days_of({date(2025, 1, 31): {1: {1}, 4: set()}, date(2025, 2, 28): {3: {5}}})

    engine = open_database(planted, mode="read")
    with engine.connect() as conn:
        found = check_group(conn, ["A", "B", "D"], history=history)
        assert asked == [[4]] and found.never_reached == ["D"]
        assert check_group(conn, ["A", "B"], history=history).never_reached == []
        assert asked == [[4]]  # nothing empty now: nothing to ask
    engine.dispose()


TODAY = date(2025, 7, 1)
SCHEME = {  # the shop's orders stopped in June 2024
    "Buyers": "orders.count >= 1",  # members now
    "Recent buyers": "orders.count in last 30 days >= 1",  # none now; some in early 2024
    "Two and not two": "orders.count >= 2 and orders.count < 2",  # no one, ever
}


@pytest.fixture(scope="module")
def lapsed_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten people who ordered from January to June 2024, three segments as one scheme."""
    db = new_shop(tmp_path_factory.mktemp("lapsed"), [{"email": f"p{i}@x.org"} for i in range(10)])
    with Workspace.open(db) as ws:
        for contact_id in range(1, 11):
            month = 1 + contact_id % 6
            orders = [(datetime(2024, month, day, tzinfo=UTC), 20.0) for day in (3, 17)]
            add_orders(ws.engine, contact_id, orders[: 1 + contact_id % 2])
        for name, rule in SCHEME.items():
            ws.segments.create(name, rule, today=TODAY)
    return db


def test_only_the_segment_empty_on_every_month_end_is_never_reached(lapsed_shop: Path) -> None:
    reports: list[tuple[int, int, str]] = []
    with Workspace.open(lapsed_shop, mode="read") as ws:
        found = ws.profiles.check_group(
            list(SCHEME), today=TODAY, progress=lambda *r: reports.append(r)
        )
        with pytest.raises(Cancelled):
            ws.profiles.check_group(list(SCHEME), today=TODAY, cancelled=lambda: True)
    assert found.empty == ["Recent buyers", "Two and not two"]
    assert found.never_reached == ["Two and not two"]
    month_ends = 18  # January 2024 to June 2025: every one read, one segment stays empty
    assert reports[-1] == (month_ends, month_ends, "2025-06-30") and len(reports) == month_ends


def test_scheme_check_cli_says_never_reached(lapsed_shop: Path, capsys) -> None:
    names = ("--segments", ",".join(SCHEME), "--db", lapsed_shop)
    assert ok_json(capsys, "scheme", "check", *names)["never_reached"] == ["Two and not two"]
    assert ok_json(capsys, "scheme", "check", *names, "--now-only")["never_reached"] is None
    code, out, _ = run(capsys, "scheme", "check", *names)
    assert code == 0
    assert "Never reached on any month end of the order history: Two and not two." in out
