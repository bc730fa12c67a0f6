"""The review measures held to plain Python sets, and current members read from sample.db."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pyroaring import BitMap

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.set_measures import change, from_bytes, pair_overlap, to_bytes
from segdesk.workspace import Workspace

ids = st.sets(st.integers(min_value=1, max_value=400), max_size=120)


@given(ids, ids)
def test_pair_overlap_equals_python_sets(a: set[int], b: set[int]) -> None:
    found = pair_overlap(BitMap(a), BitMap(b))
    both = len(a & b)
    assert found.both == both
    assert found.share_a_in_b == (both / len(a) if a else None)
    assert found.share_b_in_a == (both / len(b) if b else None)
    assert found.jaccard == (both / len(a | b) if a | b else None)


@given(ids, ids)
def test_change_equals_python_sets(before: set[int], after: set[int]) -> None:
    found = change(BitMap(before), BitMap(after))
    assert (found.retained, found.entered, found.exited) == (
        len(before & after),
        len(after - before),
        len(before - after),
    )
    assert found.retention == (len(before & after) / len(before) if before else None)
    assert found.jaccard == (len(before & after) / len(before | after) if before | after else None)


@given(ids)
def test_bytes_round_trip(members: set[int]) -> None:
    assert set(from_bytes(to_bytes(BitMap(members)))) == members


def test_current_members_match_the_member_table(sample_copy: Path) -> None:
    with sqlite3.connect(sample_copy) as raw:
        rows = raw.execute("SELECT segment_id, contact_id FROM segment_member").fetchall()
        empty_id = raw.execute("SELECT max(id) + 1000 FROM segment").fetchone()[0]
    expected: dict[int, set[int]] = {}
    for segment_id, contact_id in rows:
        expected.setdefault(segment_id, set()).add(contact_id)
    ws = Workspace.open(sample_copy)
    with ws.engine.connect() as conn:
        every = current_members(conn)
        chosen = current_members(conn, [*sorted(expected)[:2], empty_id])
    assert {k: set(v) for k, v in every.items()} == expected
    assert list(chosen) == [*sorted(expected)[:2], empty_id]
    assert set(chosen[empty_id]) == set()
