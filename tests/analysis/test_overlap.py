"""Overlap figures, flags and coverage held to an independent computation with Python sets over
the member rows, on sample.db and on generated shops with a planted near-duplicate and a
planted subset; and the drill-down's people equal the set differences."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from math import ceil
from pathlib import Path
from typing import Any

import pytest

from segdesk.errors import NotFoundError
from segdesk.paths import sample_db
from segdesk.workspace import Workspace
from tests.factories import add_contacts


def member_rows(db: Path) -> tuple[dict[str, set[int]], dict[str, tuple[str, str | None]], int]:
    """Each live segment's members by its shown name ("scheme: name" in a scheme), each
    segment's (status, scheme), and the contact count: read with plain sqlite3."""
    with closing(sqlite3.connect(db)) as conn:
        segments = conn.execute(
            "SELECT s.id, s.name, s.status, c.name FROM segment s "
            "LEFT JOIN scheme c ON c.id = s.scheme_id WHERE s.deleted_at IS NULL"
        ).fetchall()
        pairs = conn.execute("SELECT segment_id, contact_id FROM segment_member").fetchall()
        contacts = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    shown = {sid: f"{scheme}: {name}" if scheme else name for sid, name, _, scheme in segments}
    members: dict[str, set[int]] = {name: set() for name in shown.values()}
    for sid, cid in pairs:
        if sid in shown:
            members[shown[sid]].add(cid)
    info = {shown[sid]: (status, scheme) for sid, _, status, scheme in segments}
    return members, info, contacts


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def expected(
    names: list[str],
    members: dict[str, set[int]],
    info: dict[str, tuple[str, str | None]],
    contacts: int,
    min_size: int | None = None,
    max_segments: int = 8,
) -> dict[str, Any]:
    """The report as DESIGN §8 and docs/overlap.md define it, from Python sets."""
    minimum = max(50, ceil(contacts / 100)) if min_size is None else min_size
    pairs, duplicates, subsets = [], [], []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            sa, sb = members[a], members[b]
            both = len(sa & sb)
            jaccard = ratio(both, len(sa | sb))
            share_a, share_b = ratio(both, len(sa)), ratio(both, len(sb))
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    "both": both,
                    "share_a_in_b": share_a,
                    "share_b_in_a": share_b,
                    "jaccard": jaccard,
                }
            )
            if jaccard is not None and jaccard >= 0.8:
                duplicates.append([a, b])
                continue
            subsets += [[x, y] for x, y, s in ((a, b, share_a), (b, a, share_b)) if s and s >= 0.95]
    small = [[n] for n in names if len(members[n]) < minimum]
    active = [n for n, (status, _) in info.items() if status == "active"]
    counted = [n for n in active if info[n][1] is None] + sorted(
        {info[n][1] for n in active if info[n][1] is not None}  # type: ignore[misc]
    )
    over = [sorted(counted)] if len(counted) > max_segments else []
    union = set().union(*(members[n] for n in names))
    return {
        "segments": [{"name": n, "count": len(members[n])} for n in names],
        "pairs": pairs,
        "coverage": {"contacts": contacts, "in_none": contacts - len(union)},
        "flags": {
            "near_duplicate": duplicates,
            "near_subset": subsets,
            "too_small": small,
            "over_segmentation": over,
        },
    }


def found(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its flags grouped by kind (the messages are checked apart)."""
    flags: dict[str, list[list[str]]] = {
        k: [] for k in ("near_duplicate", "near_subset", "too_small", "over_segmentation")
    }
    for flag in report["flags"]:
        segments = flag["segments"]
        flags[flag["kind"]].append(
            sorted(segments) if flag["kind"] == "over_segmentation" else segments
        )
        assert flag["message"]
    return {**report, "flags": flags}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    db = tmp_path_factory.mktemp("overlap") / "sample.db"
    shutil.copyfile(sample_db(), db)
    with Workspace.open(db, mode="read") as ws:
        yield ws, db


def test_sample_default_is_every_active_segment_outside_a_scheme(sample) -> None:
    ws, db = sample
    members, info, contacts = member_rows(db)
    own = [n for n, (status, scheme) in info.items() if status == "active" and scheme is None]
    report = ws.overlap.report().to_json()
    assert [s["name"] for s in report["segments"]] == sorted(own)
    assert found(report) == expected(sorted(own), members, info, contacts)
    assert found(report)["flags"]["too_small"] == [["VIPs slipping away"]]


def test_sample_scheme_named_brings_its_segments_and_guardrails_apply(sample) -> None:
    ws, db = sample
    members, info, contacts = member_rows(db)
    report = ws.overlap.report(
        ["lifecycle", "VIP customers", "rfm: Champions"], min_size=200, max_segments=20
    )
    names = [s.name for s in report.segments]
    assert names[:5] == [
        "lifecycle: New",
        "lifecycle: Active",
        "lifecycle: At risk",
        "lifecycle: Lapsed",
        "lifecycle: Never purchased",
    ]
    assert names[5:] == ["VIP customers", "rfm: Champions"]
    assert found(report.to_json()) == expected(
        names, members, info, contacts, min_size=200, max_segments=20
    )
    # a scheme's segments never share anyone
    assert all(report.pair(i, j).measures.both == 0 for i in range(5) for j in range(i + 1, 5))


def test_unknown_name_is_refused(sample) -> None:
    ws, _ = sample
    with pytest.raises(NotFoundError, match='no segment or scheme called "Nobody"'):
        ws.overlap.report(["VIP customers", "Nobody"])


def test_cells_read_the_pair_from_either_side(sample) -> None:
    ws, _ = sample
    report = ws.overlap.report(["VIP customers", "VIPs slipping away", "Gift buyers"])
    vip, slipping = report.segments[0], report.segments[1]
    assert report.cell(1, 0).share == 1.0  # everyone slipping away is a VIP
    assert report.cell(0, 1).share == pytest.approx(slipping.count / vip.count)
    assert report.cell(0, 1).both == report.cell(1, 0).both == slipping.count
    assert report.cell(2, 2).both == report.segments[2].count


# Generated shops -----------------------------------------------------------------------------

CONTACTS = 600


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    """600 contacts and static segments drawn at random, with planted near-duplicates
    (Twin A and B: 100 and 108 of the same people), a planted subset (Inner, all inside
    Outer), a segment too small, an empty one and an exact copy."""
    db = tmp_path_factory.mktemp("overlap-gen") / "shop.db"
    rng = random.Random(12)
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, [{"email": f"p{i}@example.com"} for i in range(1, CONTACTS + 1)])
        everyone = list(range(1, CONTACTS + 1))
        twin = rng.sample(everyone, 108)
        outer = rng.sample(everyone, 300)
        lists = {
            "Twin A": twin[:100],
            "Twin B": twin,
            "Outer": outer,
            "Inner": rng.sample(outer, 40),
            "Tiny": rng.sample(everyone, 7),
            **{f"Random {k}": rng.sample(everyone, rng.randint(60, 400)) for k in range(4)},
        }
        for name, ids in lists.items():
            ws.segments.create_static(name, contacts=[f"id:{i}" for i in ids])
        ws.segments.create_static("Outer copy", from_segment="Outer")
        ws.segments.create("Nobody", "orders.count >= 1", static=True)
        ws.segments.create("Retired", 'email ends with "1@example.com"')
        ws.segments.set_status("Retired", "retired")
    with Workspace.open(db, mode="read") as ws:
        yield ws, db


def test_generated_matches_python_sets(generated) -> None:
    ws, db = generated
    members, info, contacts = member_rows(db)
    report = ws.overlap.report()
    names = [s.name for s in report.segments]
    assert "Retired" not in names and "Nobody" in names
    assert found(report.to_json()) == expected(names, members, info, contacts)
    flags = found(report.to_json())["flags"]
    assert ["Twin A", "Twin B"] in flags["near_duplicate"]
    assert ["Outer", "Outer copy"] in flags["near_duplicate"]
    assert ["Inner", "Outer"] in flags["near_subset"]
    assert ["Inner", "Outer copy"] in flags["near_subset"]
    assert flags["too_small"] == [["Inner"], ["Nobody"], ["Tiny"]]
    assert flags["over_segmentation"]  # 11 active segments, more than 8


@pytest.mark.parametrize("min_size, max_segments", [(0, 100), (120, 11), (8, 10)])
def test_generated_guardrails_as_set(generated, min_size: int, max_segments: int) -> None:
    ws, db = generated
    members, info, contacts = member_rows(db)
    report = ws.overlap.report(min_size=min_size, max_segments=max_segments)
    names = [s.name for s in report.segments]
    assert found(report.to_json()) == expected(
        names, members, info, contacts, min_size=min_size, max_segments=max_segments
    )


def test_empty_segments_measure_as_none(generated) -> None:
    ws, _ = generated
    pair = ws.overlap.report(["Nobody", "Tiny"]).pairs[0]
    assert pair.to_json() == {
        "a": "Nobody",
        "b": "Tiny",
        "both": 0,
        "share_a_in_b": None,
        "share_b_in_a": 0.0,
        "jaccard": 0.0,
    }


@pytest.mark.parametrize("part", ["both", "only_a", "only_b"])
def test_drill_down_people_are_the_set_differences(generated, part: str) -> None:
    ws, db = generated
    members, _, _ = member_rows(db)
    a, b = members["Twin B"], members["Random 0"]
    wanted = {"both": a & b, "only_a": a - b, "only_b": b - a}[part]
    pair = ws.overlap.pair("twin b", "Random 0")
    total = ws.overlap.count_people(pair, part)  # type: ignore[arg-type]
    assert total == len(wanted)
    pages = [
        ws.overlap.people_page(pair, part, offset, 25, total)  # type: ignore[arg-type]
        for offset in range(0, total, 25)
    ]
    ids = [row.id for page in pages for row in page]
    assert ids == sorted(wanted)


def test_drill_down_saved_as_a_static_segment(tmp_path: Path, generated) -> None:
    _, source = generated
    db = tmp_path / "copy.db"
    shutil.copyfile(source, db)
    members, _, _ = member_rows(db)
    with Workspace.open(db, mode="write") as ws:
        pair = ws.overlap.pair("Outer", "Random 1")
        saved = ws.overlap.save_people(pair, "only_a", "Outer but not Random 1")
        assert (saved.kind, saved.status) == ("static", "active")
        assert saved.count == len(members["Outer"] - members["Random 1"])
        detail = ws.segments.detail("Outer but not Random 1")
        assert detail.source == {
            "from": "overlap",
            "a": "Outer",
            "b": "Random 1",
            "people": "only_a",
        }
        inside = min(members["Outer"] - members["Random 1"])
        why = ws.segments.explain("Outer but not Random 1", f"id:{inside}")
    assert (
        set(member_rows(db)[0]["Outer but not Random 1"]) == members["Outer"] - members["Random 1"]
    )
    assert why.reasons == [
        'in the frozen list (made from the people in "Outer" but not in "Random 1"); a static '
        "segment does not change on refresh"
    ]
