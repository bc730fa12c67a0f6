"""The demo copy's dates move so that its history ends yesterday, and nothing a rule or a model
sees changes with them."""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from segdesk.demo import fresh_demo_copy
from segdesk.paths import sample_db
from segdesk.store.database import open_database
from segdesk.store.seconds_columns import SECONDS_COLUMNS
from segdesk.store.time_shift import move_dates
from segdesk.store.utc_seconds import SECONDS_A_DAY, from_seconds
from segdesk.workspace import Workspace

ANCHOR = date(2026, 11, 15)
TODAY = date(2027, 3, 2)
DAYS = (TODAY - ANCHOR).days
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def every_value(path: Path) -> dict[tuple[str, str], list[Any]]:
    """(table, column) → its values in rowid order, for every table with a rowid."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out: dict[tuple[str, str], list[Any]] = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            for i, column in enumerate(columns):
                out[table, column] = [row[i] for row in rows]
        return out


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_demo_copy(tmp_path_factory.mktemp("demo") / "demo.db", today=TODAY)


def test_every_date_anywhere_moves_by_the_same_days(moved: Path) -> None:
    """Any text that reads as a day, in any column, JSON included, is that day moved: a new
    table or document with dates that the move misses fails here."""
    before, after = every_value(sample_db()), every_value(moved)
    assert before.keys() == after.keys()
    checked = 0
    for key, values in before.items():
        table, column = key
        if column in SECONDS_COLUMNS.get(table, ()):
            assert all(
                new - old == DAYS * SECONDS_A_DAY
                for old, new in zip(values, after[key], strict=True)
            )
            checked += len(values)
            continue
        for old, new in zip(values, after[key], strict=True):
            if key == ("meta", "value") or not isinstance(old, str):
                continue
            days = ISO_DAY.findall(old)
            expected = [(date.fromisoformat(d) + timedelta(days=DAYS)).isoformat() for d in days]
            if key == ("segment", "rule_text") or key == ("segment_version", "rule_text"):
                assert not days, f"{key}: a rule with a fixed date cannot be moved: {old}"
            assert ISO_DAY.findall(new) == expected, (key, old, new)
            checked += len(days)
    assert checked > 40_000  # events, contacts, members, versions: every one seen


def test_times_of_day_and_null_dates_are_kept(moved: Path) -> None:
    before, after = every_value(sample_db()), every_value(moved)
    old, new = before["contact", "created_at"][0], after["contact", "created_at"][0]
    assert new[10:] == old[10:] and len(new) == len(old)
    old, new = before["event", "occurred_at"][0], after["event", "occurred_at"][0]
    assert (new - old) % SECONDS_A_DAY == 0 and old % SECONDS_A_DAY != 0
    deleted = after["segment", "deleted_at"]
    assert deleted and all(value is None for value in deleted)


def test_the_anchor_becomes_today(moved: Path) -> None:
    with closing(sqlite3.connect(moved)) as conn:
        (anchor,) = conn.execute("SELECT value FROM meta WHERE key='sample_anchor'").fetchone()
    assert anchor == TODAY.isoformat()


def test_a_refresh_on_the_new_today_changes_no_member(moved: Path) -> None:
    with Workspace.open(moved) as ws:
        stored = {s.name: s.count for s in ws.segments.all()}
        result = ws.segments.refresh(today=TODAY)
        refreshed = {s.name: s.count for s in ws.segments.all()}
        rfm = ws.models.run_rfm(TODAY, save=False)
    assert len(stored) >= 20 and sum(stored.values()) > 5_000
    assert refreshed == stored
    assert result.counts
    with Workspace.open(shutil.copy(sample_db(), moved.with_name("anchored.db"))) as sample:
        anchored = sample.models.run_rfm(ANCHOR, save=False)
    assert rfm.sizes == anchored.sizes


def test_moving_back_and_forth_restores_the_text(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_database(path).dispose()
    stamp = "2026-01-31 23:59:59.123456"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO contact (consent, created_at, updated_at, attributes) "
            "VALUES ('unknown', ?, ?, NULL)",
            (stamp, stamp),
        )
        conn.commit()
        move_dates(conn, 0)
        move_dates(conn, 1)
        assert conn.execute("SELECT created_at FROM contact").fetchone() == (
            "2026-02-01 23:59:59.123456",
        )
        move_dates(conn, -1)
        assert conn.execute("SELECT created_at, attributes FROM contact").fetchone() == (
            stamp,
            None,
        )


def test_the_moved_demo_reads_as_up_to_yesterday(moved: Path) -> None:
    with closing(sqlite3.connect(moved)) as conn:
        (last,) = conn.execute("SELECT max(occurred_at) FROM event").fetchone()
    assert from_seconds(last).date() == TODAY - timedelta(days=1)


def test_playbook_reviews_fall_due_in_the_demo_s_first_week(moved: Path) -> None:
    with Workspace.open(moved, mode="read") as ws:
        due = ws.playbooks.reviews(7, TODAY)
    assert [(r.segment, r.when) for r in due] == [
        ("At Risk", "2 days late"),
        ("VIP customers", "in 2 days"),
        ("Lapsed big spenders", "in 5 days"),
    ]


def test_the_triggers_are_the_same_afterwards(moved: Path) -> None:
    """The order summary's triggers are set aside while every date moves, then put back."""

    def triggers(path: Path) -> list[tuple[str, str]]:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            return conn.execute(query).fetchall()

    assert triggers(moved) == triggers(sample_db()) != []
