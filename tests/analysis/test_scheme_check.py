"""The scheme check held to Python sets: gaps, double claims and who wins them, empty
segments, and segments never reached on hand-made as-of days."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap
from sqlalchemy import Connection

from segdesk.analysis.scheme_check import check_sets, never_reached
from segdesk.errors import NotFoundError
from segdesk.workspace import Workspace
from tests.analysis import generated_shop
from tests.factories import add_segment, new_shop

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
        found = ws.profiles.check_group(["a", "C", "B", "D"])
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


def test_the_check_takes_the_members_as_of_each_day(planted: Path) -> None:
    asked: list[Sequence[int]] = []

    def history(conn: Connection, segment_ids: Sequence[int]) -> dict[date, dict[int, BitMap]]:
        asked.append(segment_ids)
        return days_of({date(2025, 1, 31): {1: {1}, 2: set()}, date(2025, 2, 28): {3: {5}}})

    with Workspace.open(planted, mode="read") as ws:
        found = ws.profiles.check_group(["A", "B", "C"], history=history)
    assert asked == [[2, 1, 3]]
    assert found.never_reached == ["B"]
