"""`segdesk stability NAME|SCHEME --backtest ...`: the JSON contract, the table in plain words,
and one-line refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runs import ok_json, run
from tests.conftest import SAMPLE_DB

RANGE = ("--from", "2026-06-01", "--to", "2026-10-31")


def test_json_has_the_contract_keys_with_one_measure_fewer_than_dates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = ok_json(capsys, "stability", "rfm", "--backtest", "monthly", *RANGE, "--db", SAMPLE_DB)
    assert {"dates", "segments", "transitions", "notes"} <= found.keys()
    assert found["dates"] == ["2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"]
    assert len(found["segments"]) == 11
    for series in found["segments"].values():
        assert len(series["size"]) == 5
        for key in ("retained", "entered", "exited", "jaccard"):
            assert len(series[key]) == 4
    assert sum(s["size"][0] for s in found["segments"].values()) == 3011
    move = found["transitions"][0]
    assert move.keys() == {"step", "from", "to", "count"}
    assert {m["step"] for m in found["transitions"]} == {0, 1, 2, 3}


def test_one_segment_prints_kept_joined_and_left_by_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "stability", "VIP customers", "--backtest", "weekly", *RANGE, "--db", SAMPLE_DB
    )
    assert code == 0
    assert out.splitlines()[0].split("\t") == [
        "date",
        "people",
        "kept",
        "joined",
        "left",
        "similarity",
    ]
    assert "2026-06-07" in out
    assert "Contact fields are read as they are today" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-02-30", "--to", "2026-10-31"), "--from: expected a date as YYYY-MM-DD"),
        (("--from", "2026-10-31", "--to", "2026-01-01"), "starts on 2026-10-31, after it ends"),
        (("--to", "2026-10-31"), "a backtest needs --from DATE"),
    ],
)
def test_a_mistake_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(
        capsys, "stability", "rfm", "--backtest", "monthly", *args, "--db", SAMPLE_DB
    )
    assert (code, out) == (2, "")
    assert err.startswith("segdesk: error: ") and err.count("\n") == 1
    assert message in err


def test_an_unknown_name_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(
        capsys, "stability", "Nobody", "--backtest", "monthly", *RANGE, "--db", SAMPLE_DB
    )
    assert code == 2
    assert err == 'segdesk: error: there is no segment or scheme called "Nobody"\n'
