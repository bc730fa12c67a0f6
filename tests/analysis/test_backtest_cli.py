"""`segdesk stability NAME|SCHEME --backtest ...`: the JSON contract, the table in plain words,
one-line refusals, and the run kept for the playbook (so each test writes to one copy of the
sample, shared by the module)."""

from __future__ import annotations

import shutil

import pytest

from segdesk.workspace import Workspace
from tests.cli_runs import ok_json, run
from tests.conftest import SAMPLE_DB as PACKAGED

RANGE = ("--from", "2026-06-01", "--to", "2026-10-31")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tmp_path_factory.mktemp("backtest_cli") / "sample.db"
    shutil.copyfile(PACKAGED, target)
    return str(target)


def test_json_has_the_contract_keys_with_one_measure_fewer_than_dates(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    found = ok_json(capsys, "stability", "rfm", "--backtest", "monthly", *RANGE, "--db", db)
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
    with Workspace.open(db, mode="read") as ws:
        (kept,) = ws.backtests.latest("rfm")
    assert (kept.cadence, kept.start.isoformat(), kept.end.isoformat()) == (
        "monthly",
        "2026-06-01",
        "2026-10-31",
    )
    assert [d.isoformat() for d in kept.dates] == found["dates"]
    assert {s.name: list(s.sizes) for s in kept.segments} == {
        name: series["size"] for name, series in found["segments"].items()
    }


def test_one_segment_prints_kept_joined_and_left_by_date(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(
        capsys, "stability", "VIP customers", "--backtest", "weekly", *RANGE, "--db", db
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
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str, db: str
) -> None:
    code, out, err = run(capsys, "stability", "rfm", "--backtest", "monthly", *args, "--db", db)
    assert (code, out) == (2, "")
    assert err.startswith("segdesk: error: ") and err.count("\n") == 1
    assert message in err


def test_an_unknown_name_exits_2(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _out, err = run(
        capsys, "stability", "Nobody", "--backtest", "monthly", *RANGE, "--db", db
    )
    assert code == 2
    assert err == 'segdesk: error: there is no segment or scheme called "Nobody"\n'
