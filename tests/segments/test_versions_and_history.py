"""Each refresh's size is kept (the trend and each version's count); versions compared;
what the segments screen lists; members page by page; what depends on a segment."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from segdesk.cli import main
from segdesk.errors import NotFoundError
from segdesk.rules import FieldCatalog, parse, to_text
from segdesk.segments.versions import layout
from segdesk.store.database import open_database
from segdesk.workspace import Workspace
from tests.factories import drop_order_summary
from tests.segments.conftest import TODAY, members

LATER = TODAY + dt.timedelta(days=30)


def sizes(ws: Workspace, name: str) -> list[tuple[int, int]]:
    """(version, count) of every recorded refresh, read with hand-written SQL."""
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.version, r.member_count FROM segment_refresh r "
                "JOIN segment s ON s.id = r.segment_id WHERE s.name = :name ORDER BY r.id"
            ),
            {"name": name},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


class TestSizeHistory:
    def test_create_edit_and_refreshes_each_record_the_size_and_version(
        self, ws: Workspace
    ) -> None:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        first = len(members(ws, "Buyers"))
        ws.segments.edit("Buyers", "orders.count >= 2", "only repeat buyers", today=TODAY)
        second = len(members(ws, "Buyers"))
        ws.segments.refresh(today=LATER)
        third = len(members(ws, "Buyers"))
        ws.segments.refresh("Buyers", today=LATER)
        assert sizes(ws, "Buyers") == [(1, first), (2, second), (2, third), (2, third)]
        history = ws.segment_views.size_history("Buyers")
        assert [(p.version, p.members) for p in history] == sizes(ws, "Buyers")
        assert all(p.refreshed_at.tzinfo is not None for p in history)

    def test_static_lists_copies_and_models_record_theirs(self, ws: Workspace) -> None:
        ws.segments.create("Frozen", 'country = "US"', static=True, today=TODAY)
        ws.segments.duplicate("Frozen", "Frozen copy")
        ws.models.run_rfm(TODAY, save=True)
        frozen = len(members(ws, "Frozen"))
        assert sizes(ws, "Frozen") == [(1, frozen)]
        assert sizes(ws, "Frozen copy") == [(1, frozen)]
        assert sizes(ws, "Champions") == [(1, len(members(ws, "Champions")))]

    def test_a_purge_takes_the_history_with_it(self, ws: Workspace) -> None:
        ws.segments.create("Gone", "orders.count >= 1", today=TODAY)
        ws.segments.delete("Gone")
        ws.segments.purge("Gone")
        with ws.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM segment_refresh")).scalar() == 0

    def test_migration_starts_the_history_with_the_size_stored(self, tmp_path: Path) -> None:
        """A schema 4 database (no history table) gets one point per live segment: the
        size and version it has."""
        db = tmp_path / "old.db"
        with Workspace.open(db) as ws:
            ws.segments.create("Everyone", "orders.count >= 0", today=TODAY)
            ws.segments.create("Deleted", "orders.count >= 0", today=TODAY)
            ws.segments.delete("Deleted")
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("DROP TABLE segment_refresh")
            conn.execute("DROP TABLE segment_review")
            conn.execute("DROP TABLE backtest_run")
            drop_order_summary(conn)
            conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
            conn.execute("UPDATE segment SET member_count = 7, version = 3 WHERE name = 'Everyone'")
        open_database(db, mode="write").dispose()
        with closing(sqlite3.connect(db)) as conn:
            rows = conn.execute(
                "SELECT s.name, r.version, r.member_count FROM segment_refresh r "
                "JOIN segment s ON s.id = r.segment_id"
            ).fetchall()
        assert rows == [("Everyone", 3, 7)]


class TestVersions:
    def test_each_version_with_its_last_recorded_count(self, ws: Workspace) -> None:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY, reason="launch")
        ws.segments.refresh(today=LATER)
        at_one = len(members(ws, "Buyers"))
        ws.segments.edit("Buyers", "orders.count >= 2", "repeat buyers", today=TODAY)
        entries = ws.segment_views.versions("buyers")
        assert [(v.version, v.reason, v.rule, v.members) for v in entries] == [
            (1, "launch", "orders.count >= 1", at_one),
            (2, "repeat buyers", "orders.count >= 2", len(members(ws, "Buyers"))),
        ]

    def test_diff_shows_conditions_taken_out_and_put_in(self, ws: Workspace) -> None:
        ws.segments.create("US pro", 'country = "US" and plan = "pro"', today=TODAY)
        one = len(members(ws, "US pro"))
        ws.segments.edit(
            "US pro", 'country = "US" and plan = "team" and age > 30', "team plans", today=TODAY
        )
        two = len(members(ws, "US pro"))
        diff = ws.segment_views.diff("US pro", 1, 2)
        assert [(line.mark, line.text) for line in diff.lines] == [
            (" ", 'country = "US"'),
            ("-", 'and plan = "pro"'),
            ("+", 'and plan = "team"'),
            ("+", "and age > 30"),
        ]
        assert (diff.old.members, diff.new.members, diff.member_change) == (one, two, two - one)
        backwards = ws.segment_views.diff("US pro", 2, 1)
        assert sorted((line.mark, line.text) for line in backwards.lines) == [
            (" ", 'country = "US"'),
            ("+", 'and plan = "pro"'),
            ("-", "and age > 30"),
            ("-", 'and plan = "team"'),
        ]

    def test_unknown_version_says_which_there_are(self, ws: Workspace) -> None:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        with pytest.raises(NotFoundError, match='"Buyers" has no version 4; it has version 1'):
            ws.segment_views.diff("Buyers", 1, 4)

    @pytest.mark.parametrize(
        "rule",
        [
            'country = "US"',
            'country = "US" and (plan = "pro" or plan = "team") and not (city = "Boston")',
            'plan = "pro" and age > 30 or country = "CA"',
            '(plan = "pro" or age > 30) and (country = "CA" or country = "US")',
        ],
    )
    def test_a_rule_laid_out_in_lines_joins_back_to_its_text(
        self, ws: Workspace, rule: str
    ) -> None:
        with ws.engine.connect() as conn:
            tree = parse(rule, FieldCatalog.from_connection(conn))
        lines = layout(tree)
        assert " ".join(lines) == to_text(tree)
        assert parse(" ".join(lines), FieldCatalog.from_connection(ws.engine.connect())) == tree


class TestOverview:
    def test_trend_is_the_last_sizes_oldest_first_with_owner_and_review(
        self, ws: Workspace
    ) -> None:
        ws.segments.create("Buyers", "orders.count in last 90 days >= 1", today=TODAY)
        for days in range(0, 400, 25):
            ws.segments.refresh("Buyers", today=TODAY + dt.timedelta(days=days))
        with ws.engine.begin() as conn:
            conn.execute(
                text("UPDATE segment SET owner = 'Ana', next_review = '2025-04-01'"),
            )
        overview = ws.segment_views.overview()
        assert overview.contacts == 40
        (line,) = overview.segments
        recorded = [count for _version, count in sizes(ws, "Buyers")]
        assert line.trend == tuple(recorded[-12:])
        assert recorded[0] != recorded[-1]  # the window moves: the trend has a shape
        assert (line.owner, line.next_review) == ("Ana", dt.date(2025, 4, 1))
        assert line.to_json()["trend"] == list(line.trend)


class TestMembersAndDependencies:
    def test_member_pages_search_like_the_contacts_list(self, ws: Workspace) -> None:
        info = ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        ids = sorted(members(ws, "Buyers"))
        views = ws.segment_views
        assert views.count_members(info.id) == len(ids)
        total = len(ids)
        assert [r.id for r in views.members_page(info.id, 0, 5)] == ids[:5]
        assert [r.id for r in views.members_page(info.id, total - 3, 5, total=total)] == ids[-3:]
        one = ids[0]
        assert views.count_members(info.id, f"person{one}@") == 1
        assert [r.id for r in views.members_page(info.id, 0, 5, f"PERSON{one}@")] == [one]

    def test_dependencies_name_rules_pins_and_scheme(self, ws: Workspace) -> None:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        ws.segments.create("US buyers", 'in segment "Buyers" and country = "US"', today=TODAY)
        ws.segments.pin("Buyers", "person1@example.com", "include")
        found = ws.segment_views.dependencies("buyers")
        assert (found.segment, found.used_by, found.pins, found.scheme) == (
            "Buyers",
            ("US buyers",),
            1,
            None,
        )
        assert found.blocks_delete == 'the rule of "US buyers" names it'
        assert ws.segment_views.dependencies("US buyers").blocks_delete is None
        ws.models.run_rfm(TODAY, save=True)
        model = ws.segment_views.dependencies("Champions")
        assert model.scheme == "rfm" and "scheme" in (model.blocks_delete or "")


class TestVersionsCommand:
    @pytest.fixture
    def db(self, ws: Workspace) -> Path:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        ws.segments.edit("Buyers", "orders.count >= 1 and age > 30", "only grown-ups", today=TODAY)
        return Path(str(ws.engine.url.database))

    def run(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
        code = main(["segment", "versions", *args])
        out, err = capsys.readouterr()
        return code, out, err

    def test_json_lists_versions(
        self, db: Path, ws: Workspace, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = self.run(capsys, "buyers", "--json", "--db", str(db))
        assert (code, err) == (0, "")
        listed = json.loads(out)
        assert listed["segment"] == "Buyers"
        assert [
            (v["version"], v["reason"], v["rule"], v["members"]) for v in listed["versions"]
        ] == [
            (1, "created", "orders.count >= 1", sizes(ws, "Buyers")[0][1]),
            (2, "only grown-ups", "orders.count >= 1 and age > 30", len(members(ws, "Buyers"))),
        ]
        assert set(listed["versions"][0]) == {"version", "created_at", "reason", "rule", "members"}

    def test_text_lists_versions(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _err = self.run(capsys, "Buyers", "--db", str(db))
        assert code == 0
        lines = out.splitlines()
        assert lines[0].split("\t") == ["version", "saved", "members", "reason", "rule"]
        assert lines[2].split("\t")[3:] == ["only grown-ups", "orders.count >= 1 and age > 30"]

    def test_diff_in_text_and_json(
        self, db: Path, ws: Workspace, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before, after = sizes(ws, "Buyers")[0][1], len(members(ws, "Buyers"))
        code, out, _err = self.run(capsys, "Buyers", "--diff", "1", "2", "--db", str(db))
        assert code == 0
        assert out.splitlines()[0] == "Buyers: version 1 → version 2"
        assert "  orders.count >= 1" in out.splitlines()
        assert "+ and age > 30" in out.splitlines()
        assert out.splitlines()[-1] == f"members: {before} → {after} ({after - before:+})"
        code, out, _err = self.run(capsys, "Buyers", "--diff", "1", "2", "--json", "--db", str(db))
        diff = json.loads(out)
        assert diff["rule_diff"] == [
            {"change": "same", "text": "orders.count >= 1"},
            {"change": "added", "text": "and age > 30"},
        ]
        assert diff["members"] == {"from": before, "to": after, "change": after - before}
        assert (diff["from"]["version"], diff["to"]["version"]) == (1, 2)

    def test_a_missing_version_is_the_users_mistake(
        self, db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _out, err = self.run(capsys, "Buyers", "--diff", "1", "9", "--db", str(db))
        assert code == 2
        assert "has no version 9; it has versions 1 and 2" in err

    def test_reads_without_writing(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        db.chmod(0o400)
        code, _out, err = self.run(capsys, "Buyers", "--db", str(db))
        assert code == 0 and "error" not in err
