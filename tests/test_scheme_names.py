"""Segment names belong to their scheme: RFM's "At Risk" and lifecycle's "At risk" both keep
their names; a name two schemes share is ambiguous and says how to name the one meant."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from segdesk.cli import main
from segdesk.errors import UserError
from segdesk.rules import RuleError
from segdesk.store.migrations import backup_path
from segdesk.workspace import Workspace
from tests.factories import add_segment
from tests.test_store import _layout

SCHEMA_3 = Path(__file__).parent / "fixtures" / "schema_v3_schemes.sql"
"""Schema 3, with lifecycle's "At risk" stored as "At risk (lifecycle)" and two rules that
named RFM's and lifecycle's segment by their names then."""

RUN_DAY = dt.date(2026, 11, 1)


def _schema_3(tmp_path: Path) -> Path:
    db = tmp_path / "old.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.executescript(SCHEMA_3.read_text(encoding="utf-8"))
    db.chmod(0o600)
    return db


def _members(db: Path) -> dict[str, set[int]]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT s.name, m.contact_id FROM segment s JOIN segment_member m"
            " ON m.segment_id = s.id WHERE s.scheme_id IS NULL"
        ).fetchall()
    found: dict[str, set[int]] = {}
    for name, contact in rows:
        found.setdefault(name, set()).add(contact)
    return found


class TestMigration:
    def test_a_schema_3_database_gets_the_names_back_and_its_rules_keep_their_meaning(
        self, tmp_path: Path
    ) -> None:
        db = _schema_3(tmp_path)
        before = _members(db)
        with Workspace.open(db, mode="write") as ws:
            names = {(s.scheme, s.name) for s in ws.segments.all()}
            assert ("lifecycle", "At risk") in names and ("rfm", "At Risk") in names
            assert not any("(" in name for scheme, name in names if scheme)
            slipping = ws.segments.detail("Slipping (lifecycle)")
            assert slipping.info.rule == 'lifecycle = "At risk"'
            assert ws.segments.detail("Slipping (RFM)").info.rule == (
                'rfm = "At Risk" or lifecycle = "Lapsed"'
            )
            assert slipping.info.version == 2
            ws.segments.refresh(today=RUN_DAY)
        assert _members(db) == before
        assert backup_path(db, 3).exists()
        new = tmp_path / "new.db"
        Workspace.open(new).close()
        assert _layout(db) == _layout(new)

    def test_the_rewritten_rules_say_why_in_their_history(self, tmp_path: Path) -> None:
        db = _schema_3(tmp_path)
        Workspace.open(db, mode="write").close()
        with closing(sqlite3.connect(db)) as conn:
            reasons = conn.execute(
                "SELECT rule_text, reason FROM segment_version WHERE version = 2 ORDER BY id"
            ).fetchall()
        assert reasons == [
            ('lifecycle = "At risk"', "model segments are now named within their scheme"),
            (
                'rfm = "At Risk" or lifecycle = "Lapsed"',
                "model segments are now named within their scheme",
            ),
        ]


class TestNamesWithinSchemes:
    def test_both_schemes_keep_their_own_names(self, sample_copy: Path) -> None:
        with Workspace.open(sample_copy) as ws:
            found = {(s.scheme, s.name) for s in ws.segments.all() if s.scheme}
        assert {("rfm", "At Risk"), ("lifecycle", "At risk")} <= found

    def test_a_name_is_unique_within_its_scheme_ignoring_case(self, sample_copy: Path) -> None:
        with Workspace.open(sample_copy) as ws:
            add_segment(ws.engine, "At risk", [1])  # no scheme: allowed
            with pytest.raises(IntegrityError):
                add_segment(ws.engine, "at RISK", [1])
            with pytest.raises(IntegrityError):
                add_segment(ws.engine, "at risk", [1], scheme_id=1, kind="model")

    def test_a_users_segment_keeps_its_name_before_a_model_run(self, shop: Path) -> None:
        with Workspace.open(shop) as ws:
            ws.segments.create("At Risk", 'email ends with "@example.com"')
            ws.models.run_rfm(RUN_DAY, save=True)
            ws.models.run_lifecycle(RUN_DAY, save=True)
            found = {(s.scheme, s.name) for s in ws.segments.all()}
        made_way = {("rfm", "At Risk (rfm)"), ("lifecycle", "At risk (lifecycle)")}
        assert {(None, "At Risk"), *made_way} <= found


class TestAmbiguousNames:
    def test_in_segment_with_a_shared_name_says_how_to_name_each(self, sample_copy: Path) -> None:
        with Workspace.open(sample_copy) as ws, pytest.raises(RuleError) as caught:
            ws.segments.count_rule('in segment "At risk"')
        assert caught.value.problem == 'more than one segment is called "At risk"'
        assert caught.value.hint == (
            'write lifecycle = "At risk" or rfm = "At Risk" for the one you mean'
        )

    def test_the_scheme_forms_find_each(self, sample_copy: Path) -> None:
        with Workspace.open(sample_copy) as ws:
            rfm = ws.segments.count_rule('rfm = "At Risk"')
            lifecycle = ws.segments.count_rule('lifecycle = "at risk"')
            assert rfm == ws.segments.detail("rfm: At Risk").info.count
            assert lifecycle == ws.segments.detail("Lifecycle: at risk").info.count
            assert rfm != lifecycle

    def test_a_lookup_by_a_shared_name_names_the_qualified_forms(self, sample_copy: Path) -> None:
        with Workspace.open(sample_copy) as ws, pytest.raises(UserError) as caught:
            ws.segments.detail("at risk")
        assert str(caught.value) == (
            'more than one segment is called "at risk": name the one you mean as '
            '"rfm: At Risk" or "lifecycle: At risk"'
        )


class TestCommandLine:
    def run(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    def test_in_segment_with_a_shared_name_exits_2_with_the_way_out(
        self, sample_copy: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = self.run(
            capsys, "segment", "count", "--rule", 'in segment "At risk"', "--db", str(sample_copy)
        )
        assert (code, out) == (2, "")
        assert 'write lifecycle = "At risk" or rfm = "At Risk"' in err

    def test_show_takes_the_qualified_name(
        self, sample_copy: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        db = str(sample_copy)
        code, _, err = self.run(capsys, "segment", "show", "At risk", "--db", db)
        assert code == 2 and '"lifecycle: At risk"' in err
        code, out, _ = self.run(
            capsys, "segment", "show", "lifecycle: At risk", "--json", "--db", db
        )
        assert code == 0
        shown = json.loads(out)
        assert (shown["name"], shown["scheme"]) == ("At risk", "lifecycle")
