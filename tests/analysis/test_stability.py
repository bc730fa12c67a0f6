"""Stability figures held to Python sets over the stored members: on sample.db (snapshot,
change the data, refresh) and on generated schemes."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap

from segdesk.analysis.stability import NONE, Stability, Subject, measure_series
from segdesk.workspace import Workspace
from tests.conftest import SAMPLE_DB
from tests.stability_data import NO_PURCHASES, changed_sample

Sets = dict[int, set[int]]


def members_now(db: Path) -> Sets:
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT segment_id, contact_id FROM segment_member").fetchall()
    found: Sets = {}
    for segment_id, contact_id in rows:
        found.setdefault(segment_id, set()).add(contact_id)
    return found


def snapshot_members(db: Path) -> dict[int, Sets]:
    """Each snapshot's members, by snapshot id, as Python sets."""
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT snapshot_id, segment_id, members FROM snapshot_membership")
        found: dict[int, Sets] = {}
        for snapshot_id, segment_id, data in rows:
            found.setdefault(snapshot_id, {})[segment_id] = set(BitMap.deserialize(data))
    return found


def segments_of(db: Path) -> dict[str, list[tuple[int, str]]]:
    """Each scheme's segments by priority, and each other live segment alone, by name."""
    with sqlite3.connect(db) as raw:
        rows = raw.execute(
            "SELECT s.id, s.name, c.name FROM segment s LEFT JOIN scheme c ON c.id = s.scheme_id"
            " WHERE s.deleted_at IS NULL AND s.status != 'retired' ORDER BY s.priority, s.id"
        ).fetchall()
    subjects: dict[str, list[tuple[int, str]]] = {}
    for segment_id, name, scheme in rows:
        subjects.setdefault(scheme or name, []).append((segment_id, name))
    return subjects


class Changed:
    """sample.db snapshotted, changed and refreshed (``tests.stability_data``): the members
    before and after, read with sqlite3."""

    def __init__(self, folder: Path) -> None:
        shutil.copyfile(SAMPLE_DB, folder / "sample.db")
        self.before = members_now(folder / "sample.db")
        sample = changed_sample(folder)
        self.db, self.start, self.auto = sample.db, sample.start, sample.auto
        self.after = members_now(self.db)
        self.subjects = segments_of(self.db)
        self.held = snapshot_members(self.db)
        self.monthly = sorted(set(self.held) - {self.start, self.auto})
        """The sample's own snapshots, a year of month ends."""


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Changed:
    return Changed(tmp_path_factory.mktemp("stability"))


def expected(
    segments: list[tuple[int, str]], before: Sets, after: Sets
) -> dict[str, dict[str, list]]:
    out = {}
    for segment_id, name in segments:
        a, b = before.get(segment_id, set()), after.get(segment_id, set())
        both = len(a & b)
        out[name] = {
            "size": [len(a), len(b)],
            "retained": [both],
            "entered": [len(b - a)],
            "exited": [len(a - b)],
            "jaccard": [both / len(a | b) if a | b else None],
            "retention": [both / len(a) if a else None],
        }
    return out


def expected_transitions(
    segments: list[tuple[int, str]], before: Sets, after: Sets
) -> dict[tuple[str, str], int]:
    first = {name: before.get(i, set()) for i, name in segments}
    second = {name: after.get(i, set()) for i, name in segments}
    in_first = set().union(*first.values())
    in_second = set().union(*second.values())
    everyone = in_first | in_second
    first[NONE], second[NONE] = everyone - in_first, everyone - in_second
    return {
        (a, b): len(first[a] & second[b]) for a in first for b in second if (a, b) != (NONE, NONE)
    }


def test_the_change_moved_people_in_most_segments(changed: Changed) -> None:
    moved = [i for i in changed.after if changed.before.get(i) != changed.after[i]]
    assert len(moved) >= 10


def test_every_segment_and_scheme_equals_python_sets(changed: Changed) -> None:
    with Workspace.open(changed.db, mode="read") as ws:
        for name, segments in changed.subjects.items():
            found = ws.snapshots.stability(name).to_json()
            assert found["segments"] == expected(segments, changed.before, changed.after), name
            assert [s["id"] for s in found["snapshots"]] == [
                changed.start,
                changed.auto,
            ]
            if name in ("rfm", "lifecycle"):
                moves = {(t["from"], t["to"]): t["count"] for t in found["transitions"]}
                assert moves == expected_transitions(segments, changed.before, changed.after)
            else:
                assert found["transitions"] == []


def test_scheme_rows_add_up_to_the_first_snapshot_plus_none(changed: Changed) -> None:
    with Workspace.open(changed.db, mode="read") as ws:
        for scheme in ("rfm", "lifecycle"):
            found = ws.snapshots.stability(scheme, "start", str(changed.auto))
            rows = [sum(row) for row in found.matrix()]
            sizes = [s.sizes[0] for s in found.segments]
            assert rows[:-1] == sizes
            in_any = set().union(
                *(changed.after.get(i, set()) for i, _ in changed.subjects[scheme])
            )
            in_first = set().union(
                *(changed.before.get(i, set()) for i, _ in changed.subjects[scheme])
            )
            assert rows[-1] == len(in_any - in_first)


def test_new_buyers_leave_no_purchases(changed: Changed) -> None:
    with Workspace.open(changed.db, mode="read") as ws:
        found = ws.snapshots.stability("rfm")
    row = dict(zip(found.names, found.matrix()[found.names.index("No purchases")], strict=True))
    assert sum(n for name, n in row.items() if name != "No purchases") >= 40


def test_a_contacts_history_lists_its_segments_in_each_snapshot(changed: Changed) -> None:
    contact_id = sorted(changed.before[NO_PURCHASES])[0]
    names = {i: n for segs in changed.subjects.values() for i, n in segs}
    with Workspace.open(changed.db, mode="read") as ws:
        history = ws.snapshots.contact_history(str(contact_id))
    assert [h.snapshot.id for h in history] == [*changed.monthly, changed.start, changed.auto]
    assert len(changed.monthly) == 12
    sets_of = [changed.held[i] for i in changed.monthly] + [changed.before, changed.after]
    for entry, sets in zip(history, sets_of, strict=True):
        held = {names[i].casefold() for i, ids in sets.items() if contact_id in ids and i in names}
        shown = {name.split(": ")[-1].casefold() for name in entry.segments}
        assert shown == held


# Generated schemes -------------------------------------------------------------------------

people = st.sets(st.integers(min_value=1, max_value=300), max_size=120)


@st.composite
def partition(draw: st.DrawFn) -> dict[int, set[int]]:
    """People spread over three segments (ids 1 to 3), each in one at most."""
    everyone = draw(people)
    places = draw(st.lists(st.integers(0, 3), min_size=len(everyone), max_size=len(everyone)))
    split: dict[int, set[int]] = {1: set(), 2: set(), 3: set()}
    for person, place in zip(sorted(everyone), places, strict=True):
        if place:
            split[place].add(person)
    return split


SCHEME = Subject("grp", "grp", ((1, "A"), (2, "B"), (3, "C")))


@settings(max_examples=60, deadline=None)
@given(partition(), partition())
def test_generated_scheme_equals_python_sets(before: Sets, after: Sets) -> None:
    found: Stability = measure_series(
        SCHEME,
        [date(2025, 1, 1), date(2025, 2, 1)],
        [{k: BitMap(v) for k, v in before.items()}, {k: BitMap(v) for k, v in after.items()}],
    )
    segments = list(SCHEME.segments)
    assert found.to_json()["segments"] == expected(segments, before, after)
    moves = {(t.source, t.target): t.count for t in found.transitions}
    assert moves == expected_transitions(segments, before, after)
    rows = [sum(row) for row in found.matrix()]
    in_first = set().union(*before.values())
    everyone = in_first | set().union(*after.values())
    assert rows == [len(before[i]) for i in (1, 2, 3)] + [len(everyone - in_first)]
