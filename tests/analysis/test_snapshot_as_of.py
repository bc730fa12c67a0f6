"""`segdesk snapshot --as-of DATE`: the members a look back works out, stored as a snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from segdesk.analysis.as_of import members_as_of
from segdesk.analysis.snapshots import snapshot_segments
from segdesk.workspace import Workspace
from tests.cli_runs import ok_json, run

DAY = date(2026, 6, 30)


def test_an_as_of_snapshot_holds_the_members_of_that_day(
    capsys: pytest.CaptureFixture[str], sample_copy: Path
) -> None:
    taken = ok_json(capsys, "snapshot", "--db", sample_copy, "--as-of", DAY.isoformat())
    ws = Workspace.open(sample_copy, mode="read")
    with ws.engine.connect() as conn:
        expected = members_as_of(conn, DAY, snapshot_segments(conn))
    stored = ws.snapshots.load(taken["id"])
    assert taken["kind"] == "as_of" and taken["as_of"] == DAY.isoformat()
    assert {k: set(v) for k, v in stored.items()} == {k: set(v) for k, v in expected.items()}
    # a look back differs from today for the segments defined by recent orders
    with ws.engine.connect() as conn:
        today = members_as_of(conn, date(2026, 11, 15), snapshot_segments(conn))
    assert any(set(today[k]) != set(expected[k]) for k in expected)


def test_a_date_after_today_or_not_a_date_is_one_line(
    capsys: pytest.CaptureFixture[str], sample_copy: Path
) -> None:
    late = run(capsys, "snapshot", "--db", sample_copy, "--as-of", "2999-01-01")
    bad = run(capsys, "snapshot", "--db", sample_copy, "--as-of", "June")
    assert late[0] == bad[0] == 2
    assert "after today" in late[2] and "YYYY-MM-DD" in bad[2]
    assert len(late[2].strip().splitlines()) == len(bad[2].strip().splitlines()) == 1
