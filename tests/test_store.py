"""The store: file safety, SQLite settings, schema version and migrations."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from segdesk.errors import UserError
from segdesk.paths import default_db
from segdesk.store.database import open_database
from segdesk.store.engine import database_url, make_engine
from segdesk.store.fields import CORE_FIELD_NAMES
from segdesk.store.migrations import (
    Migration,
    backup_path,
    current_version,
    ensure_schema,
    read_version,
)
from segdesk.store.seconds_columns import SECONDS_COLUMNS
from segdesk.store.tables import Event, SQLModel
from segdesk.store.utc_seconds import UtcSeconds
from segdesk.workspace import Workspace
from tests.factories import drop_order_summary


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _version(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("select value from meta where key='schema_version'").fetchone()[0]


class TestNewDatabase:
    def test_file_and_default_data_folder_are_private(self) -> None:
        """The default data folder is the one folder made for a database (see
        tests/test_database_open.py for the others, which are refused)."""
        db = default_db()
        assert not db.parent.exists()
        engine = open_database(db)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
            for sidecar in ("segdesk.db-wal", "segdesk.db-shm"):
                assert _mode(db.with_name(sidecar)) == 0o600, sidecar
        engine.dispose()
        assert _mode(db) == 0o600
        assert _mode(db.parent) == 0o700

    def test_sqlite_settings(self, tmp_path: Path) -> None:
        engine = open_database(tmp_path / "a.db")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        engine.dispose()

    def test_stamped_with_current_version_and_core_fields(self, tmp_path: Path) -> None:
        engine = open_database(tmp_path / "a.db")
        with engine.connect() as conn:
            assert read_version(conn) == current_version()
            names = [r[0] for r in conn.exec_driver_sql("select name from field order by id")]
        engine.dispose()
        assert names == list(CORE_FIELD_NAMES)

    def test_foreign_keys_are_enforced(self, tmp_path: Path) -> None:
        engine = open_database(tmp_path / "a.db")
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                Event.__table__.insert(),
                {
                    "contact_id": 999,
                    "kind": "order",
                    "attributes": {},
                    "occurred_at": datetime(2025, 1, 1, tzinfo=UTC),
                },
            )
        engine.dispose()

    def test_url_target(self, tmp_path: Path) -> None:
        db = tmp_path / "by-url.db"
        engine = open_database(f"sqlite:///{db}")
        engine.dispose()
        assert _version(db) == str(current_version())
        assert _mode(db) == 0o600

    def test_reopening_keeps_data(self, tmp_path: Path) -> None:
        db = tmp_path / "a.db"
        engine = open_database(db)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "insert into contact (email, consent, created_at, updated_at) "
                "values ('a@b.co', 'unknown', '2025-01-01', '2025-01-01')"
            )
        engine.dispose()
        engine = open_database(db)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("select email from contact").scalar() == "a@b.co"
        engine.dispose()


class TestBadTargets:
    def test_not_a_database(self, tmp_path: Path) -> None:
        notes = tmp_path / "notes.txt"
        notes.write_text("just some text, certainly not SQLite\n" * 100)
        with pytest.raises(UserError, match=r"notes\.txt: file is not a database"):
            open_database(notes)
        assert notes.read_text().startswith("just some text")

    def test_folder_cannot_be_created(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(UserError, match=r"cannot create .*a\.db: the folder .* does not"):
            open_database(blocker / "sub" / "a.db")

    def test_newer_schema_is_refused(self, tmp_path: Path) -> None:
        db = tmp_path / "a.db"
        open_database(db).dispose()
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("update meta set value='99' where key='schema_version'")
            conn.commit()
        with pytest.raises(UserError, match="newer Segment Desk"):
            open_database(db)


def _add_column(conn) -> None:  # type: ignore[no-untyped-def]
    conn.exec_driver_sql("alter table contact add column nickname varchar")


def _broken(conn) -> None:  # type: ignore[no-untyped-def]
    conn.exec_driver_sql("alter table contact add column half_done varchar")
    conn.exec_driver_sql("this is not sql")


FIRST_RELEASE = Path(__file__).parent / "fixtures" / "schema_v1.sql"
"""A database made by the first released schema (version 1), frozen as SQL."""


def _first_release(tmp_path: Path) -> Path:
    db = tmp_path / "old.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.executescript(FIRST_RELEASE.read_text(encoding="utf-8"))
    db.chmod(0o600)
    return db


def _emails(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [r[0] for r in conn.execute("select email from contact order by id")]


def _layout(db: Path) -> dict[str, object]:
    """Each table's columns and indexes, as sets: a migrated database and a new one must
    agree although ALTER TABLE appends columns where CREATE TABLE would not."""
    with closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        layout: dict[str, object] = {}
        for table in tables:
            columns = {r[1:4] + r[5:] for r in conn.execute(f'pragma table_info("{table}")')}
            indexes = {
                (r[2], tuple(c[2] for c in conn.execute(f'pragma index_info("{r[1]}")')))
                for r in conn.execute(f'pragma index_list("{table}")')
            }
            layout[table] = (columns, indexes)
    return layout


class TestFirstReleasedSchema:
    def test_a_writing_open_brings_it_to_the_current_schema_keeping_a_copy(
        self, tmp_path: Path
    ) -> None:
        """Opened to write, a database of the first release gets this version's tables, keeps
        its data, and (once there is a migration to run) leaves a copy of itself beside it."""
        db = _first_release(tmp_path)
        open_database(db, mode="write").dispose()
        assert _version(db) == str(current_version())
        backup = backup_path(db, 1)
        if current_version() > 1:
            assert _version(backup) == "1"
            assert _emails(backup) == ["ann@example.com", "bob@example.com"]
        else:
            assert not backup.exists()
        new = tmp_path / "new.db"
        open_database(new).dispose()
        assert _layout(db) == _layout(new), "a change of the tables needs a migration"
        with Workspace.open(db, mode="read") as ws:
            assert ws.contacts.count_contacts() == 2
            assert [run.status for run in ws.imports.history()] == ["done", "done"]
            assert ws.segments.detail("Repeat buyers").info.count == 1


class TestMigrations:
    """The migration machinery, with migrations made up for the test, from the first
    release's schema."""

    def _engine(self, db: Path):  # type: ignore[no-untyped-def]
        return make_engine(database_url(db))

    def test_backup_then_migrate(self, tmp_path: Path) -> None:
        db = _first_release(tmp_path)
        migrations = (Migration(2, "add nickname", _add_column),)
        engine = self._engine(db)
        backup = ensure_schema(engine, migrations)
        engine.dispose()

        assert backup == backup_path(db, 1)
        assert _version(backup) == "1"
        assert _mode(backup) == 0o600
        assert _emails(backup) == ["ann@example.com", "bob@example.com"]
        with closing(sqlite3.connect(backup)) as conn:
            columns = [r[1] for r in conn.execute("pragma table_info(contact)")]
            assert "nickname" not in columns
        assert _version(db) == "2"
        assert _emails(db) == ["ann@example.com", "bob@example.com"]
        with closing(sqlite3.connect(db)) as conn:
            assert "nickname" in [r[1] for r in conn.execute("pragma table_info(contact)")]

    def test_failed_migration_changes_nothing(self, tmp_path: Path) -> None:
        db = _first_release(tmp_path)
        migrations = (Migration(2, "broken", _broken),)
        engine = self._engine(db)
        with pytest.raises(Exception, match="syntax error"):
            ensure_schema(engine, migrations)
        engine.dispose()
        assert _version(db) == "1"
        with closing(sqlite3.connect(db)) as conn:
            assert "half_done" not in [r[1] for r in conn.execute("pragma table_info(contact)")]
        assert backup_path(db, 1).exists()

    def test_up_to_date_database_is_not_backed_up(self, tmp_path: Path) -> None:
        db = tmp_path / "current.db"
        open_database(db).dispose()
        engine = self._engine(db)
        assert ensure_schema(engine) is None
        engine.dispose()
        assert not backup_path(db, current_version()).exists()


def test_schema_version_constant_matches_migrations() -> None:
    from segdesk.store.version import SCHEMA_VERSION

    assert current_version() == SCHEMA_VERSION


def test_a_schema_7_database_gains_the_kept_backtests_table_after_a_backup(
    tmp_path: Path,
) -> None:
    db = tmp_path / "seven.db"
    open_database(db).dispose()
    with closing(sqlite3.connect(db)) as conn:  # as schema 7 left it
        conn.execute("drop table backtest_run")
        drop_order_summary(conn)
        conn.execute("update meta set value='7' where key='schema_version'")
        conn.commit()
    open_database(db, mode="write").dispose()
    assert _version(db) == str(current_version())
    backup = backup_path(db, 7)
    assert _version(backup) == "7"

    def tables(path: Path) -> set[str]:
        with closing(sqlite3.connect(path)) as conn:
            return {r[0] for r in conn.execute("select name from sqlite_master")}

    assert "backtest_run" in tables(db) and "backtest_run" not in tables(backup)
    assert {"ix_backtest_run_segment_id", "ix_backtest_run_scheme_id"} <= tables(db)


def _as_schema_9(db: Path) -> None:
    """Put the times of orders back as schema 9 kept them: text in DATETIME columns."""
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("PRAGMA writable_schema = ON")
        for table, columns in SECONDS_COLUMNS.items():
            (sql,) = conn.execute(
                "select sql from sqlite_master where type = 'table' and name = ?", (table,)
            ).fetchone()
            for column in columns:
                sql = sql.replace(f"{column} BIGINT", f"{column} DATETIME")
            conn.execute(
                "update sqlite_master set sql = ? where type = 'table' and name = ?", (sql, table)
            )
        conn.execute("update meta set value = '9' where key = 'schema_version'")
    with closing(sqlite3.connect(db)) as conn, conn:
        for change in ("insert", "update", "delete"):  # the migration makes them again
            conn.execute(f"drop trigger order_summary_{change}")
        for table, columns in SECONDS_COLUMNS.items():
            for column in columns:
                conn.execute(
                    f"update {table} set {column} = "
                    f"strftime('%Y-%m-%d %H:%M:%S.000000', {column}, 'unixepoch')"
                )


def _times(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(db)) as conn:
        return {
            table: conn.execute(
                f"select {', '.join(columns)}, {', '.join(f'typeof({c})' for c in columns)} "
                f"from {table} order by rowid"
            ).fetchall()
            for table, columns in SECONDS_COLUMNS.items()
        }


def test_migration_10_keeps_the_times_of_orders_as_seconds(
    sample_copy: Path, tmp_path: Path
) -> None:
    """A schema 9 database (times as text) is backed up, then holds every time of an order as
    the same second in an integer, the tables laid out as a new database's."""
    before = _times(sample_copy)
    _as_schema_9(sample_copy)
    old = _times(sample_copy)
    assert old["event"][0][1] == "text" and old["event"][0][0].endswith(".000000")
    open_database(sample_copy, mode="write").dispose()
    assert _version(sample_copy) == str(current_version())
    assert _times(backup_path(sample_copy, 9)) == old
    after = _times(sample_copy)
    assert after == before and len(after["event"]) > 20_000
    assert {kind for rows in after.values() for row in rows for kind in row[len(row) // 2 :]} == {
        "integer"
    }
    new = tmp_path / "new.db"
    open_database(new).dispose()
    assert _layout(sample_copy) == _layout(new)
    with closing(sqlite3.connect(sample_copy)) as conn:
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        triggers = conn.execute("select name from sqlite_master where type = 'trigger'")
        assert {name for (name,) in triggers} == {
            f"order_summary_{change}" for change in ("insert", "update", "delete")
        }


def test_seconds_columns_name_every_time_held_as_seconds() -> None:
    """The list the demo's date shift reads (without SQLAlchemy) is the models' own."""
    held = {
        table.name: tuple(c.name for c in table.columns if isinstance(c.type, UtcSeconds))
        for table in SQLModel.metadata.tables.values()
    }
    assert {name: columns for name, columns in held.items() if columns} == SECONDS_COLUMNS
