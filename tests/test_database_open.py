"""Opening a database: a read never writes, a database is made only on purpose, and a file
that cannot be written to (read-only, in a read-only folder, a full disk) gives one line and
exit 2, never a traceback, and is left as it was."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.errors import UserError
from segdesk.ingest import importer
from segdesk.store import engine as store_engine
from segdesk.workspace import Workspace
from tests.conftest import SAMPLE_DB
from tests.importing.test_import_atomic import contacts_file
from tests.reliability.kills import integrity, snapshot

READ_COMMANDS = [
    ["contacts"],
    ["fields"],
    ["imports"],
    ["segment", "list"],
    ["segment", "show", "Champions"],
    ["segment", "count", "--rule", "orders.count >= 2"],
    ["segment", "members", "Champions"],
    ["segment", "explain", "Champions", "id:1"],
    ["model", "rfm", "--as-of", "2024-06-01"],
    ["model", "lifecycle", "--as-of", "2024-06-01", "--contacts"],
    ["segment", "document", "VIP customers"],
    ["reviews", "--days", "30"],
    ["overlap"],
    ["overlap", "VIP customers", "Gift buyers", "--people", "both"],
]
WRITE_COMMANDS = [
    ["segment", "create", "Fans", "--rule", "orders.count >= 2"],
    ["segment", "refresh"],
    ["imports", "undo", "1"],
    ["model", "rfm"],
    ["segment", "document", "Champions", "--set", "owner=Ana"],
    ["segment", "review-done", "Champions"],
    ["overlap", "VIP customers", "Gift buyers", "--people", "both", "--save", "Gifting VIPs"],
]
NOBODY = 65534


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _beside(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name))


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _people(folder: Path, rows: int = 2) -> Path:
    path = folder / "people.csv"
    path.write_text("email,first_name\n" + "".join(f"p{i}@example.com,P{i}\n" for i in range(rows)))
    return path


class TestMissingDatabase:
    """`segdesk --db /no/such/dir/x.db contacts` used to make the folders and an empty
    database, and said "Contacts (0 of 0)"."""

    @pytest.mark.parametrize("argv", READ_COMMANDS, ids=" ".join)
    def test_a_read_refuses_it_and_makes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
    ) -> None:
        db = tmp_path / "no" / "such" / "x.db"
        code, out, err = _run(capsys, *argv, "--db", str(db))
        assert (code, out) == (2, "")
        assert _one_line(err).startswith(f"segdesk: error: no database at {db}")
        assert not (tmp_path / "no").exists()

    @pytest.mark.parametrize("argv", WRITE_COMMANDS, ids=" ".join)
    def test_a_change_refuses_it_and_makes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
    ) -> None:
        db = tmp_path / "x.db"
        code, out, err = _run(capsys, *argv, "--db", str(db))
        assert (code, out) == (2, "")
        assert _one_line(err).startswith(f"segdesk: error: no database at {db}")
        assert list(tmp_path.iterdir()) == []

    def test_an_import_makes_it_and_says_so(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        db, people = tmp_path / "x.db", _people(tmp_path)
        code, out, _ = _run(capsys, "import", "contacts", str(people), "--db", str(db), "--json")
        assert code == 0
        report = json.loads(out)
        assert report["decisions"][0] == f"created the new database {db}"
        assert report["inserted"] == 2
        assert oct(db.stat().st_mode & 0o777) == "0o600"
        code, out, _ = _run(capsys, "import", "contacts", str(people), "--db", str(db), "--json")
        assert not any("created" in d for d in json.loads(out)["decisions"])

    def test_an_import_says_so_in_words(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COLUMNS", "300")  # the whole path on one line
        db = tmp_path / "x.db"
        code, out, _ = _run(capsys, "import", "contacts", str(_people(tmp_path)), "--db", str(db))
        assert code == 0
        assert f"created the new database {db}" in " ".join(out.split())

    def test_an_import_makes_no_folder(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        db = tmp_path / "no" / "such" / "x.db"
        code, out, err = _run(capsys, "import", "contacts", str(_people(tmp_path)), "--db", str(db))
        assert (code, out) == (2, "")
        line = _one_line(err)
        assert line == f"segdesk: error: cannot create {db}: the folder {db.parent} does not exist"
        assert not (tmp_path / "no").exists()

    def test_a_dry_run_makes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        db, people = tmp_path / "x.db", _people(tmp_path, rows=3)
        argv = ["import", "contacts", str(people), "--db", str(db), "--dry-run", "--json"]
        code, out, _ = _run(capsys, *argv)
        assert code == 0
        report = json.loads(out)
        assert (report["dry_run"], report["inserted"]) == (True, 3)
        assert report["decisions"][0].startswith(f"no database at {db} yet")
        assert _beside(db) == []

    @pytest.mark.parametrize("broken", ["no date column", "unclosed quote"])
    def test_an_import_that_fails_leaves_no_database(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        broken: str,
    ) -> None:
        """The database made for an import that does not land is removed again: refused
        before it starts, or failing on its tenth chunk."""
        db = tmp_path / "x.db"
        if broken == "unclosed quote":
            monkeypatch.setattr(importer, "CHUNK_ROWS", 100)
            what, people = "contacts", contacts_file(tmp_path / "c.csv", 1000, broken_at=950)
        else:
            what, people = "events", _people(tmp_path)
        code, _, err = _run(capsys, "import", what, str(people), "--db", str(db))
        assert code == 2
        _one_line(err)
        assert _beside(db) == []


class TestReadsChangeNothing:
    """Read commands used to switch a database to WAL, rewriting it: `segment count` inside a
    clone left `sample.db` modified."""

    @pytest.mark.parametrize("argv", READ_COMMANDS, ids=" ".join)
    def test_the_file_is_byte_for_byte_the_same(
        self, sample_copy: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
    ) -> None:
        before = _sha(sample_copy)
        code, out, err = _run(capsys, *argv, "--db", str(sample_copy))
        assert code == 0, err
        assert out
        assert _sha(sample_copy) == before
        assert _beside(sample_copy) == ["sample.db"]
        with closing(sqlite3.connect(sample_copy)) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)

    def test_a_read_workspace_cannot_write(self, sample_copy: Path) -> None:
        before = _sha(sample_copy)
        with Workspace.open(sample_copy, mode="read") as ws:
            assert ws.segments.count_rule("orders.count >= 2") > 0
            with pytest.raises(UserError, match="it is read-only"):
                ws.segments.create("Fans", "orders.count >= 2")
        assert _sha(sample_copy) == before

    def test_a_database_needing_an_upgrade_is_not_upgraded_by_a_read(
        self, sample_copy: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with closing(sqlite3.connect(sample_copy)) as conn, conn:
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
        before = _sha(sample_copy)
        code, out, err = _run(capsys, "contacts", "--db", str(sample_copy))
        assert (code, out) == (2, "")
        line = _one_line(err)
        assert f"{sample_copy} has the layout of an older Segment Desk (schema 0" in line
        assert "open it once in the app or with a command that changes data" in line
        assert _sha(sample_copy) == before
        assert _beside(sample_copy) == ["sample.db"]

    def test_another_programs_database_is_neither_read_nor_changed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        db = tmp_path / "notes.db"
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("CREATE TABLE note (body TEXT)")
        before = _sha(db)
        code, _, err = _run(capsys, "contacts", "--db", str(db))
        assert code == 2
        assert _one_line(err) == f"segdesk: error: {db} is not a Segment Desk database"
        code, _, err = _run(capsys, "import", "contacts", str(_people(tmp_path)), "--db", str(db))
        assert code == 2
        assert "belongs to another program" in _one_line(err)
        assert _sha(db) == before


# Read-only files and folders -----------------------------------------------------------------
# Root writes to anything, so as root the commands run as an unprivileged user, in a folder
# outside pytest's private temporary folders (which only root may enter).


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="segdesk-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def _as_user(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``segdesk ARGV`` in a subprocess, as an unprivileged user when the tests run as root
    (after handing ``folder`` to that user)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("as root, this needs setpriv to run as another user")
        for path in (folder, *folder.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": str(folder / "data")}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "segdesk", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=60,
    )


def _database(folder: Path, journal: str) -> Path:
    """A small database with two contacts, in WAL or rollback-journal mode, closed cleanly."""
    db = folder / "shop.db"
    people = _people(folder)
    assert main(["import", "contacts", str(people), "--db", str(db), "--json"]) == 0
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(f"PRAGMA journal_mode={journal}")
    assert _beside(db) == ["shop.db"]
    return db


@pytest.mark.parametrize(
    ("journal", "file_mode", "folder_mode"),
    [
        ("wal", 0o444, 0o755),
        ("delete", 0o444, 0o755),
        ("wal", 0o444, 0o555),
        ("delete", 0o444, 0o555),
        ("wal", 0o644, 0o555),
        ("delete", 0o644, 0o555),
    ],
)
def test_a_read_only_database_is_read_and_not_written(
    shared: Path, capsys: pytest.CaptureFixture[str], journal: str, file_mode: int, folder_mode: int
) -> None:
    """Reading works; an import gives one line (it ended in a traceback for a read-only WAL
    database); the file and its folder stay as they were."""
    inner = shared / "data-folder"
    inner.mkdir()
    db = _database(inner, journal)
    capsys.readouterr()
    more = _people(shared, rows=5)
    before = _sha(db)
    db.chmod(file_mode)
    inner.chmod(folder_mode)

    read = _as_user(shared, "contacts", "--db", str(db), "--json")
    assert read.returncode == 0, read.stderr
    assert [c["email"] for c in json.loads(read.stdout)] == ["p0@example.com", "p1@example.com"]

    write = _as_user(shared, "import", "contacts", str(more), "--db", str(db))
    assert (write.returncode, write.stdout) == (2, "")
    why = "the file is read-only" if file_mode == 0o444 else "its folder is read-only"
    assert _one_line(write.stderr) == f"segdesk: error: cannot write to {db}: {why}"

    assert _sha(db) == before
    assert _beside(db) == ["shop.db"]


def test_no_new_database_in_a_read_only_folder(shared: Path) -> None:
    folder = shared / "locked"
    folder.mkdir()
    people = _people(shared)
    folder.chmod(0o555)
    db = folder / "new.db"
    result = _as_user(shared, "import", "contacts", str(people), "--db", str(db))
    assert (result.returncode, result.stdout) == (2, "")
    line = _one_line(result.stderr)
    assert line == f"segdesk: error: cannot create {db}: the folder {folder} is read-only"
    assert list(folder.iterdir()) == []


# A full disk ---------------------------------------------------------------------------------


def test_a_full_disk_gives_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated by capping the file a few pages above its size, as a full disk would."""
    db = tmp_path / "shop.db"
    assert main(["import", "contacts", str(_people(tmp_path)), "--db", str(db), "--json"]) == 0
    capsys.readouterr()
    with closing(sqlite3.connect(db)) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    before = snapshot(db)
    pragmas = store_engine.connection_pragmas

    def capped(dbapi_connection: sqlite3.Connection, *, read_only: bool) -> None:
        pragmas(dbapi_connection, read_only=read_only)
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(store_engine, "connection_pragmas", capped)
    big = _people(tmp_path, rows=20_000)
    code, out, err = _run(capsys, "import", "contacts", str(big), "--db", str(db))
    assert (code, out) == (2, "")
    line = _one_line(err)
    assert line == f"segdesk: error: cannot write to {db}: the disk is full (nothing was changed)"
    monkeypatch.undo()
    assert snapshot(db) == before
    assert integrity(db) == ["ok"]


def test_the_sample_database_is_in_rollback_journal_mode() -> None:
    """The reads above leave a rollback-journal database without -wal and -shm files; the
    bundled sample is one, so a read inside a clone leaves `git status` clean."""
    with closing(sqlite3.connect(f"{SAMPLE_DB.as_uri()}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
