"""A refresh of the segments that an import (or an undo) makes due is recorded with it: killed
between its commit and the refresh, the database says the segments are out of date; a read
says so on stderr, a writing command or the app finishes the refresh."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.workspace import Workspace
from tests.faults import (
    CY_ORDERS,
    REPEAT_BUYERS,
    killed_before_refresh,
    repeat_buyers_shop,
    segments_due,
)
from tests.reliability.kills import integrity


def _members(db: Path) -> list[str]:
    with Workspace.open(db, mode="read") as ws:
        return sorted(r.fields["email"] for r in ws.segments.members(REPEAT_BUYERS))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    db = repeat_buyers_shop(tmp_path / "shop.db")
    assert _members(db) == ["ann@example.com"]
    return db


@pytest.fixture
def killed_import(shop: Path, tmp_path: Path) -> Path:
    """The shop after an import of Cy's two orders that was killed before the refresh."""
    orders = tmp_path / "orders.csv"
    orders.write_text(CY_ORDERS)
    killed_before_refresh("import", "events", str(orders), "--db", str(shop))
    return shop


def test_a_kill_between_import_and_refresh_leaves_the_refresh_due(
    killed_import: Path,
) -> None:
    db = killed_import
    assert integrity(db) == ["ok"]
    with Workspace.open(db, mode="read") as ws:
        assert [(run.id, run.status) for run in ws.imports.history()] == [(1, "done")]
        assert ws.segments.out_of_date_since() == "import 1"
    assert segments_due(db) == "import 1"
    assert _members(db) == ["ann@example.com"]  # stale: Cy has two orders now


def test_a_read_says_the_segments_are_out_of_date_and_changes_nothing(
    killed_import: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = killed_import
    before = _sha(db)
    assert main(["segment", "list", "--db", str(db), "--json"]) == 0
    out, err = capsys.readouterr()
    assert REPEAT_BUYERS in out
    assert err.splitlines() == [
        "segdesk: segments are out of date since import 1: `segdesk segment refresh` updates them"
    ]
    assert _sha(db) == before


def test_home_shows_it_among_the_alerts(killed_import: Path) -> None:
    with Workspace.open(killed_import, mode="read") as ws:
        summary = ws.summary()
    assert summary.segments_due == "import 1"
    assert summary.alerts[0].text == "segments out of date since import 1"


def test_a_writing_command_finishes_the_refresh(
    killed_import: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = killed_import
    assert (
        main(["segment", "pin", REPEAT_BUYERS, "bob@example.com", "--exclude", "--db", str(db)])
        == 0
    )
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        "segdesk: segments were out of date since import 1: 1 segment brought up to date"
    ]
    assert segments_due(db) is None
    assert _members(db) == ["ann@example.com", "cy@example.com"]
    assert main(["contacts", "--db", str(db), "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_refreshing_every_segment_clears_it(
    killed_import: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = killed_import
    assert main(["segment", "refresh", "--db", str(db), "--json"]) == 0
    assert capsys.readouterr().err == ""
    assert segments_due(db) is None
    assert _members(db) == ["ann@example.com", "cy@example.com"]


def test_a_kill_between_undo_and_refresh_leaves_the_refresh_due(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(CY_ORDERS)
    assert main(["import", "events", str(orders), "--db", str(shop), "--json"]) == 0
    assert segments_due(shop) is None
    assert _members(shop) == ["ann@example.com", "cy@example.com"]

    killed_before_refresh("imports", "undo", "1", "--db", str(shop))
    assert integrity(shop) == ["ok"]
    assert segments_due(shop) == "the undo of import 1"
    assert _members(shop) == ["ann@example.com", "cy@example.com"]  # stale: Cy's orders went

    capsys.readouterr()
    assert (
        main(["segment", "create", "Everyone", "--rule", "email is not empty", "--db", str(shop)])
        == 0
    )
    assert "out of date since the undo of import 1" in capsys.readouterr().err
    assert segments_due(shop) is None
    assert _members(shop) == ["ann@example.com"]


def test_without_segments_no_refresh_is_recorded_or_run(tmp_path: Path) -> None:
    """Nothing to refresh: no row, and the import ends without starting a refresh (which
    would have been killed)."""
    db, orders = tmp_path / "plain.db", tmp_path / "orders.csv"
    Workspace.open(db).close()
    orders.write_text(CY_ORDERS)
    killed_before_refresh("import", "events", str(orders), "--db", str(db), expected=0)
    assert segments_due(db) is None
