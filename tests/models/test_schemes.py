"""Saved schemes: their segments and members, runs kept, rules naming them, and refresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, select

from segdesk.errors import NotFoundError, UserError
from segdesk.models.lifecycle import Thresholds
from segdesk.models.runner import refresh_scheme, run_lifecycle, run_rfm
from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule, parse
from segdesk.store.tables import ModelRun, Scheme, Segment, SegmentMember
from tests.factories import add_contacts, add_segment
from tests.models.conftest import ANCHOR, NOW, all_contact_ids

scheme = Scheme.__table__
segment = Segment.__table__
member = SegmentMember.__table__
LATER = NOW + dt.timedelta(days=30)


def memberships(conn: Connection, scheme_name: str) -> dict[int, str]:
    """contact id → the model's name of their segment in the scheme (fails on duplicates)."""
    rows = conn.execute(
        select(member.c.contact_id, segment.c.definition)
        .join(segment, segment.c.id == member.c.segment_id)
        .join(scheme, scheme.c.id == segment.c.scheme_id)
        .where(scheme.c.name == scheme_name)
    ).all()
    found = {r.contact_id: r.definition["model_segment"] for r in rows}
    assert len(found) == len(rows), "a contact is in two segments of one scheme"
    return found


def scheme_id(conn: Connection, name: str) -> int:
    return conn.execute(select(scheme.c.id).where(scheme.c.name == name)).scalar_one()


def test_a_saved_run_stores_the_scheme_segments_members_and_run(
    sample_engine: Engine, unsegmented_copy: Path
) -> None:
    with sample_engine.begin() as conn:
        result = run_rfm(conn, as_of=ANCHOR, now=NOW)
    with sample_engine.connect() as conn:
        [(kind, params)] = conn.execute(
            select(scheme.c.kind, scheme.c.params).where(scheme.c.name == "rfm")
        ).all()
        assert (kind, params) == ("rfm", {"quantiles": [0.2, 0.4, 0.6, 0.8]})
        rows = conn.execute(
            select(
                segment.c.name,
                segment.c.kind,
                segment.c.definition,
                segment.c.priority,
                segment.c.member_count,
            ).order_by(segment.c.priority)
        ).all()
        assert [r.name for r in rows] == list(result.sizes)
        assert all(r.kind == "model" for r in rows)
        assert [r.definition for r in rows] == [
            {"model": "rfm", "model_segment": name} for name in result.sizes
        ]
        assert [r.priority for r in rows] == list(range(11))
        placed = memberships(conn, "rfm")
        assert sorted(placed) == all_contact_ids(unsegmented_copy)
        by_segment = {name: 0 for name in result.sizes}
        for name in placed.values():
            by_segment[name] += 1
        assert by_segment == result.sizes == {r.name: r.member_count for r in rows}
        expected = dict(zip(result.contacts["contact_id"], result.contacts["segment"], strict=True))
        assert {c: s for c, s in placed.items() if s != "No purchases"} == expected
        [run] = conn.execute(select(ModelRun.__table__)).all()
        assert run.as_of == ANCHOR
        assert run.breakpoints == result.breakpoints.to_json()


def test_model_segments_make_way_for_user_segments(fresh_engine: Engine) -> None:
    add_contacts(fresh_engine, [{"id": 1}, {"id": 2}])
    add_segment(fresh_engine, "champions", [1])
    add_segment(fresh_engine, "Champions (rfm)", [1])
    with fresh_engine.begin() as conn:
        run_rfm(conn, as_of=ANCHOR, now=NOW)
    with fresh_engine.connect() as conn:
        names = (
            conn.execute(select(segment.c.name).where(segment.c.scheme_id.is_not(None)))
            .scalars()
            .all()
        )
        assert "Champions (rfm) 2" in names and "No purchases" in names
        resolved = DatabaseSegments(conn).model_segment_id("RFM", "champions")
        assert (
            conn.execute(select(segment.c.name).where(segment.c.id == resolved)).scalar_one()
            == "Champions (rfm) 2"
        )


def test_rules_name_model_segments(sample_engine: Engine) -> None:
    with sample_engine.begin() as conn:
        result = run_rfm(conn, as_of=ANCHOR, now=NOW)
        run_lifecycle(conn, as_of=ANCHOR, thresholds=Thresholds(), now=NOW)
    with sample_engine.connect() as conn:
        catalog = FieldCatalog.from_connection(conn)
        rule = parse('rfm = "Champions" and lifecycle = "Active"', catalog)
        query = compile_rule(rule, catalog, ANCHOR, DatabaseSegments(conn))
        found = set(conn.execute(query).scalars())
        placed_rfm, placed_life = memberships(conn, "rfm"), memberships(conn, "lifecycle")
    expected = {c for c, s in placed_rfm.items() if s == "Champions"}
    expected &= {c for c, s in placed_life.items() if s == "Active"}
    assert found == expected
    assert len({c for c, s in placed_rfm.items() if s == "Champions"}) == result.sizes["Champions"]


def test_refresh_reproduces_a_run(sample_engine: Engine) -> None:
    with sample_engine.begin() as conn:
        direct = run_rfm(conn, as_of=ANCHOR, now=NOW)
        expected = memberships(conn, "rfm")
    with sample_engine.begin() as conn:
        run_rfm(conn, as_of=dt.date(2025, 1, 31), now=NOW)
        assert memberships(conn, "rfm") != expected
    with sample_engine.begin() as conn:
        sizes = refresh_scheme(conn, scheme_id(conn, "rfm"), today=ANCHOR, now=LATER)
        assert sizes == direct.sizes
        assert memberships(conn, "rfm") == expected
        runs = conn.execute(select(ModelRun.__table__.c.as_of).order_by(ModelRun.id)).scalars()
        assert list(runs) == [ANCHOR, dt.date(2025, 1, 31), ANCHOR]


def test_refresh_keeps_the_lifecycle_thresholds(sample_engine: Engine) -> None:
    limits = Thresholds(new_days=10, active_days=20, lapsed_days=40)
    with sample_engine.begin() as conn:
        run_lifecycle(conn, as_of=dt.date(2026, 1, 1), thresholds=limits, now=NOW)
    with sample_engine.begin() as conn:
        sizes = refresh_scheme(conn, scheme_id(conn, "lifecycle"), today=ANCHOR, now=LATER)
        assert conn.execute(select(scheme.c.params)).scalar_one() == limits.to_json()
    with sample_engine.connect() as conn:
        direct = run_lifecycle(conn, as_of=ANCHOR, thresholds=limits, now=NOW, save=False)
    assert sizes == direct.sizes
    assert sizes != run_defaults(sample_engine)


def run_defaults(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return run_lifecycle(conn, as_of=ANCHOR, thresholds=Thresholds(), now=NOW, save=False).sizes


def test_refresh_returns_the_stored_names(fresh_engine: Engine) -> None:
    add_contacts(fresh_engine, [{"id": 1}])
    add_segment(fresh_engine, "Never purchased", [1])
    with fresh_engine.begin() as conn:
        run_lifecycle(conn, as_of=ANCHOR, thresholds=Thresholds(), now=NOW)
        sizes = refresh_scheme(conn, scheme_id(conn, "lifecycle"), today=ANCHOR, now=LATER)
    assert sizes == {
        "New": 0,
        "Active": 0,
        "At risk": 0,
        "Lapsed": 0,
        "Never purchased (lifecycle)": 1,
    }


def test_members_who_stay_keep_the_time_they_joined(sample_engine: Engine) -> None:
    earlier = dt.date(2026, 8, 1)
    with sample_engine.begin() as conn:
        before = run_rfm(conn, as_of=earlier, now=NOW)
        first = memberships(conn, "rfm")
        after = run_rfm(conn, as_of=ANCHOR, now=LATER)
        second = memberships(conn, "rfm")
        joined = dict(
            conn.execute(
                select(member.c.contact_id, member.c.joined_at)
                .join(segment, segment.c.id == member.c.segment_id)
                .where(segment.c.scheme_id == scheme_id(conn, "rfm"))
            ).all()
        )
        total = conn.execute(select(func.count()).select_from(member)).scalar_one()
    stayed = {c for c in second if first[c] == second[c]}
    assert 0 < len(stayed) < len(second) == total
    assert {joined[c].replace(tzinfo=dt.UTC) for c in stayed} == {NOW}
    assert {joined[c].replace(tzinfo=dt.UTC) for c in second if c not in stayed} == {LATER}
    assert before.sizes != after.sizes


def test_refresh_rejects_unknown_and_other_schemes(fresh_engine: Engine) -> None:
    with fresh_engine.begin() as conn:
        with pytest.raises(NotFoundError, match="no scheme with id 99"):
            refresh_scheme(conn, 99, today=ANCHOR, now=NOW)
        made = conn.execute(
            scheme.insert(), {"name": "clusters", "kind": "cluster", "created_at": NOW}
        ).inserted_primary_key[0]
        with pytest.raises(UserError, match='"clusters" \\(cluster\\) cannot be refreshed'):
            refresh_scheme(conn, made, today=ANCHOR, now=NOW)
