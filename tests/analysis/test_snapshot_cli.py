"""`segdesk snapshot`, `snapshots`, `snapshot delete` and `stability`: the sample's year of
monthly snapshots, the JSON contract and the one-line refusals (exit 2)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli_runs import ok_json, run


def test_snapshots_and_stability_from_the_command_line(
    sample_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", sample_copy)
    monthly = ok_json(capsys, "snapshots", *db)
    assert [s["label"] for s in monthly] == [f"month {n} of 12" for n in range(1, 13)]
    assert {(s["kind"], s["segments"], s["people"]) for s in monthly} == {("as_of", 32, 3011)}
    last = ok_json(capsys, "stability", "Lapsed big spenders", *db)  # the last two months
    assert last["dates"] == ["2026-09-30", "2026-10-31"]
    pair = ("--from", "month 1 of 12", "--to", "month 12 of 12")
    year = ok_json(capsys, "stability", "Lapsed big spenders", *pair, *db)
    assert year["dates"] == ["2025-11-30", "2026-10-31"]
    assert year["segments"]["Lapsed big spenders"]["size"] == [11, 67]  # drifting

    with closing(sqlite3.connect(sample_copy)) as raw, raw:  # a shop without snapshots
        raw.execute("DELETE FROM snapshot_membership")
        raw.execute("DELETE FROM snapshot")
    code, out, err = run(capsys, "stability", "rfm", *db)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "needs two snapshots" in err

    first = ok_json(capsys, "snapshot", "--label", "Monday", *db)
    assert (first["label"], first["kind"], first["segments"], first["people"]) == (
        "Monday",
        "manual",
        32,
        3011,
    )
    code, _, err = run(capsys, "stability", "rfm", *db)
    assert code == 2 and "only one" in err
    second = ok_json(capsys, "snapshot", *db)
    listed = ok_json(capsys, "snapshots", *db)
    assert [s["id"] for s in listed] == [first["id"], second["id"]]

    found = ok_json(capsys, "stability", "rfm", "--from", "monday", "--to", str(second["id"]), *db)
    assert set(found) >= {"dates", "segments", "transitions"}
    assert len(found["dates"]) == 2
    champions = found["segments"]["Champions"]
    assert set(champions) >= {"size", "retained", "entered", "exited", "jaccard"}
    assert champions["size"] == [400, 400] and champions["jaccard"] == [1.0]
    assert {"from", "to", "count"} == set(found["transitions"][0])
    one = ok_json(capsys, "stability", "VIP customers", *db)
    assert list(one["segments"]) == ["VIP customers"] and one["transitions"] == []

    history = ok_json(capsys, "snapshots", "--contact", "1", *db)
    assert [h["id"] for h in history] == [first["id"], second["id"]]
    assert "rfm: At Risk" in history[0]["contact_segments"]

    code, out, err = run(capsys, "stability", "rfm", "--from", "no such snapshot", *db)
    assert code == 2 and err.count("\n") == 1 and "no snapshot" in err
    code, _, err = run(capsys, "stability", "no such segment", *db)
    assert code == 2 and err.count("\n") == 1

    deleted = ok_json(capsys, "snapshot", "delete", "Monday", *db)
    assert deleted["id"] == first["id"]
    assert [s["id"] for s in ok_json(capsys, "snapshots", *db)] == [second["id"]]
    code, _, err = run(capsys, "snapshot", "delete", str(first["id"]), *db)
    assert code == 2 and err.count("\n") == 1
