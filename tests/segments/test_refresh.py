"""Refresh: counts held to pandas, dependency order, one transaction, models, imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from segdesk.ingest.importer import ImportOptions
from segdesk.jobs import Cancelled
from segdesk.wording import undo_summary
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_orders
from tests.segments.conftest import SQL_LIKE, TODAY, contacts_frame, members, orders_frame


def table(ws: Workspace, sql: str) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def expected(ws: Workspace) -> dict[str, set[int]]:
    """Each rule's members worked out with pandas from the raw rows."""
    people = contacts_frame(ws)
    orders = orders_frame(ws)
    recent = orders[orders["day"] >= TODAY - dt.timedelta(days=90)]
    per_contact = orders.groupby("contact_id")["amount"].agg(["size", "sum"])
    city = people["city"].fillna("").str.strip().str.lower()
    return {
        "US": set(people[people["country"].str.strip().str.lower() == "us"]["id"]),
        "recent": set(recent.groupby("contact_id").size().loc[lambda s: s >= 2].index),
        "big": set(per_contact[per_contact["sum"] > 300].index),
        "paid plans": set(people[people["plan"].isin(["pro", "team"])]["id"]),
        "not Boston": set(people[city != "boston"]["id"]),
        "odd company": set(people[people["company"] == SQL_LIKE]["id"]),
    }


RULES = {
    "US": 'country = "US"',
    "recent": "orders.count in last 90 days >= 2",
    "big": "orders.total > 300",
    "paid plans": 'plan in ("pro", "team")',
    "not Boston": 'not (city = "Boston")',
    "odd company": 'company = "x\'; drop table contact; --"',
}


def test_counts_match_pandas(ws: Workspace) -> None:
    for name, rule in RULES.items():
        ws.segments.create(name, rule, today=TODAY)
    add_contacts(
        ws.engine,
        [{"id": 60, "email": "late@example.com", "country": "US", "attributes": {"plan": "pro"}}],
    )
    add_orders(
        ws.engine,
        60,
        [
            (dt.datetime(2025, 2, 20, tzinfo=dt.UTC), 350.0),
            (dt.datetime(2025, 2, 21, tzinfo=dt.UTC), 1.0),
        ],
    )
    result = ws.segments.refresh(today=TODAY)
    want = expected(ws)
    assert {n: members(ws, n) for n in RULES} == want
    assert result.counts == {n: len(ids) for n, ids in want.items()}
    stored = dict(table(ws, "SELECT name, member_count FROM segment"))
    assert stored == {n: len(ids) for n, ids in want.items()}
    assert 60 in want["US"] & want["recent"] & want["big"] & want["paid plans"]


def test_dependants_come_after_what_they_name(ws: Workspace) -> None:
    ws.segments.create("Z US", 'country = "US"', today=TODAY)
    ws.segments.create("A buyers", 'in segment "Z US" and orders.count >= 1', today=TODAY)
    add_contacts(ws.engine, [{"id": 61, "email": "n@example.com", "country": "US"}])
    add_orders(ws.engine, 61, [(dt.datetime(2025, 1, 5, tzinfo=dt.UTC), 20.0)])
    seen: list[tuple[int, int, str]] = []
    ws.segments.refresh(today=TODAY, progress=lambda d, t, n: seen.append((d, t, n)))
    assert seen == [(1, 2, "Z US"), (2, 2, "A buyers")]
    buyers = set(orders_frame(ws)["contact_id"])
    us = set(contacts_frame(ws).query("country.str.strip().str.lower() == 'us'")["id"])
    assert members(ws, "A buyers") == us & buyers
    assert 61 in members(ws, "A buyers")


def test_a_chain_is_refreshed_from_its_root(ws: Workspace) -> None:
    ws.segments.create("c", 'country = "US"', today=TODAY)
    ws.segments.create("b", 'in segment "C" and orders.count >= 1', today=TODAY)
    ws.segments.create("a", 'in segment "b" or in segment "c"', today=TODAY)
    ws.segments.create("d", "orders.count >= 1", today=TODAY)
    seen: list[str] = []
    ws.segments.refresh(today=TODAY, progress=lambda d, t, n: seen.append(n))
    assert seen == ["c", "d", "b", "a"]


def test_refreshing_one_segment_reads_the_others_as_they_are(ws: Workspace) -> None:
    ws.segments.create("Z US", 'country = "US"', today=TODAY)
    ws.segments.create("A buyers", 'in segment "Z US" and orders.count >= 1', today=TODAY)
    add_contacts(ws.engine, [{"id": 61, "email": "n@example.com", "country": "US"}])
    add_orders(ws.engine, 61, [(dt.datetime(2025, 1, 5, tzinfo=dt.UTC), 20.0)])
    result = ws.segments.refresh("A buyers", today=TODAY)
    assert list(result.counts) == ["A buyers"]
    assert 61 not in members(ws, "Z US") | members(ws, "A buyers")


def test_cancel_leaves_everything_as_it_was(ws: Workspace) -> None:
    ws.segments.create("US", 'country = "US"', today=TODAY)
    ws.segments.create("big", "orders.total > 300", today=TODAY)
    add_contacts(ws.engine, [{"id": 62, "email": "c@example.com", "country": "US"}])
    before = (
        table(ws, "SELECT * FROM segment_member ORDER BY 1, 2"),
        table(ws, "SELECT id, member_count, refreshed_at FROM segment ORDER BY id"),
    )
    calls: list[str] = []
    with pytest.raises(Cancelled):
        ws.segments.refresh(
            today=TODAY, progress=lambda d, t, n: calls.append(n), cancelled=lambda: bool(calls)
        )
    assert calls == ["US"]  # the first segment was refreshed, then rolled back
    after = (
        table(ws, "SELECT * FROM segment_member ORDER BY 1, 2"),
        table(ws, "SELECT id, member_count, refreshed_at FROM segment ORDER BY id"),
    )
    assert after == before


def test_retired_segments_are_left_alone_drafts_are_not(ws: Workspace) -> None:
    ws.segments.create("US", 'country = "US"', today=TODAY)
    ws.segments.create("Draft US", 'country = "US"', today=TODAY, status="draft")
    ws.segments.set_status("US", "retired")
    before = members(ws, "US")
    add_contacts(ws.engine, [{"id": 63, "email": "r@example.com", "country": "US"}])
    result = ws.segments.refresh(today=TODAY)
    assert list(result.counts) == ["Draft US"]
    assert members(ws, "US") == before
    assert 63 in members(ws, "Draft US")


def test_staying_members_keep_the_time_they_joined(ws: Workspace) -> None:
    ws.segments.create("US", 'country = "US"', today=TODAY)
    first = dict(table(ws, "SELECT contact_id, joined_at FROM segment_member"))
    add_contacts(ws.engine, [{"id": 64, "email": "j@example.com", "country": "US"}])
    ws.segments.refresh(today=TODAY)
    second = dict(table(ws, "SELECT contact_id, joined_at FROM segment_member"))
    assert {k: second[k] for k in first} == first
    assert second[64] > max(first.values())


def test_models_run_again_before_the_rules(ws: Workspace) -> None:
    ws.models.run_rfm(TODAY, save=True)
    ws.segments.create("Champions US", 'rfm = "Champions" and country = "US"', today=TODAY)
    later = TODAY + dt.timedelta(days=200)
    seen: list[str] = []
    result = ws.segments.refresh(today=later, progress=lambda d, t, n: seen.append(n))
    assert seen == ["rfm", "Champions US"]
    assert result.schemes == ["rfm"]
    assert table(ws, "SELECT as_of FROM model_run ORDER BY id") == [
        (TODAY.isoformat(),),
        (later.isoformat(),),
    ]
    us = set(contacts_frame(ws).query("country.str.strip().str.lower() == 'us'")["id"])
    assert members(ws, "Champions US") == members(ws, "Champions") & us


class TestAfterImport:
    def _import(self, ws: Workspace, tmp_path: Path, dry_run: bool = False) -> dict:
        path = tmp_path / "more.csv"
        path.write_text("email,country\nnew1@example.com,US\nnew2@example.com,FR\n")
        shape = ws.imports.inspect(path)
        mapping = ws.imports.suggest_mapping(shape, "contacts")
        report = ws.imports.run(
            shape,
            mapping,
            ImportOptions(target="contacts", dry_run=dry_run),
            rejects=tmp_path / "rejects.csv",
        )
        return report.to_json()

    def test_segments_follow_an_import(self, ws: Workspace, tmp_path: Path) -> None:
        ws.segments.create("US", 'country = "US"', today=dt.date.today())
        ws.segments.create_static("Picked", contacts=["C001"])
        before = members(ws, "US")
        report = self._import(ws, tmp_path)
        assert report["segments_refreshed"] == 1
        assert report["decisions"][-1] == "1 segment brought up to date"
        (new_id,) = table(ws, "SELECT id FROM contact WHERE email = 'new1@example.com'")[0]
        assert members(ws, "US") == before | {new_id}

    def test_an_undo_takes_the_segments_and_lists_back(self, ws: Workspace, tmp_path: Path) -> None:
        ws.segments.create("US", 'country = "US"', today=dt.date.today())
        before = members(ws, "US")
        report = self._import(ws, tmp_path)
        ws.segments.create_static("Picked", contacts=["C001", "new1@example.com"])
        assert len(members(ws, "US")) == len(before) + 1
        result = ws.imports.undo(report["batch_id"])
        assert (result.contacts_removed, result.segments_refreshed) == (2, 1)
        assert members(ws, "US") == before
        sizes = dict(table(ws, "SELECT name, member_count FROM segment"))
        assert (
            sizes
            == {"US": len(before), "Picked": 1}
            == {name: len(members(ws, name)) for name in sizes}
        )

    def test_a_broken_segment_does_not_undo_the_import(self, ws: Workspace, tmp_path: Path) -> None:
        ws.segments.create("Pro", 'plan = "pro"', today=TODAY)
        with ws.engine.begin() as conn:
            conn.execute(text("DELETE FROM field WHERE name = 'plan'"))
        report = self._import(ws, tmp_path)
        assert (report["inserted"], report["segments_refreshed"]) == (2, 0)
        assert report["decisions"][-1].startswith(
            'segments were not refreshed: cannot refresh "Pro": unknown field "plan"'
        )
        undone = ws.imports.undo(report["batch_id"])
        assert (undone.contacts_removed, undone.segments_refreshed) == (2, 0)
        assert undo_summary(undone).startswith(
            "Undid import 1: removed 2 contacts. Segments were not refreshed: "
            'cannot refresh "Pro": unknown field "plan"'
        )

    def test_dry_run_refreshes_nothing(self, ws: Workspace, tmp_path: Path) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        assert "segments_refreshed" not in self._import(ws, tmp_path, dry_run=True)

    def test_no_segments(self, tmp_path: Path) -> None:
        with Workspace.open(tmp_path / "empty.db") as empty:
            report = self._import(empty, tmp_path)
        assert report["segments_refreshed"] == 0
        assert not any("up to date" in line for line in report["decisions"])
