"""`segdesk overlap`: the JSON contract, the guardrail options and the remembered ones, the
drill-down with --people and --save, and one line with exit 2 for a user's mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from segdesk.paths import sample_db
from segdesk.settings import save_overlap_guardrails
from tests.cli_runs import ok_json, run


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("overlap-cli") / "sample.db"
    shutil.copyfile(sample_db(), target)
    return target


def test_json_has_exactly_the_contract_keys(capsys, db: Path) -> None:
    report = ok_json(capsys, "overlap", "--db", db)
    assert set(report) == {"segments", "pairs", "coverage", "flags"}
    assert set(report["segments"][0]) == {"name", "count"}
    assert set(report["pairs"][0]) == {
        "a",
        "b",
        "both",
        "share_a_in_b",
        "share_b_in_a",
        "jaccard",
    }
    assert set(report["coverage"]) == {"contacts", "in_none"}
    assert {tuple(sorted(f)) for f in report["flags"]} == {("kind", "message", "segments")}
    n = len(report["segments"])
    assert len(report["pairs"]) == n * (n - 1) // 2


def test_guardrails_from_options_else_remembered(capsys, db: Path) -> None:
    def kinds(*options: str) -> dict[str, int]:
        report = ok_json(capsys, "overlap", "--db", db, *options)
        found: dict[str, int] = {}
        for flag in report["flags"]:
            found[flag["kind"]] = found.get(flag["kind"], 0) + 1
        return found

    assert kinds()["too_small"] == 1  # VIPs slipping away, 13 people
    assert kinds("--min-size", "0", "--max-segments", "17") == {
        "near_subset": 2,  # VIPs slipping away in VIP customers and in Holiday gift buyers
        "near_duplicate": 1,  # Trade accounts and Wholesale buyers
    }
    save_overlap_guardrails(200, 30)
    assert kinds()["too_small"] == 5  # 73, 136, 132, 117 and 13 people
    assert "over_segmentation" not in kinds()
    assert kinds("--min-size", "0").get("too_small") is None


def test_table_in_plain_words(capsys, db: Path) -> None:
    code, out, err = run(capsys, "overlap", "--db", db, "VIP customers", "VIPs slipping away")
    assert code == 0
    assert "people in both" in out and "similarity" in out
    assert "jaccard" not in out.lower()
    assert "in none of these segments" in err  # notes go to stderr when piped


def test_people_of_a_pair_then_saved(capsys, db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)
    pair = ("VIP customers", "Gift buyers")
    both = ok_json(capsys, "overlap", "--db", copy, *pair, "--people", "both")
    report = ok_json(capsys, "overlap", "--db", copy, *pair)
    assert both["count"] == report["pairs"][0]["both"] == len(both["contacts"])
    assert (both["a"], both["b"], both["people"]) == (*pair, "both")
    only_a = ok_json(capsys, "overlap", "--db", copy, *pair, "--people", "only-a", "--limit", "5")
    assert only_a["count"] == report["segments"][0]["count"] - both["count"]
    assert len(only_a["contacts"]) == 5

    saved = ok_json(
        capsys, "overlap", "--db", copy, *pair, "--people", "both", "--save", "Gifting VIPs"
    )
    assert saved["saved"]["name"] == "Gifting VIPs"
    listed = {s["name"]: s for s in ok_json(capsys, "segment", "list", "--db", copy)}
    assert (listed["Gifting VIPs"]["kind"], listed["Gifting VIPs"]["count"]) == (
        "static",
        both["count"],
    )


@pytest.mark.parametrize(
    "argv, said",
    [
        (["Nobody"], 'there is no segment or scheme called "Nobody"'),
        (["VIP customers", "--people", "both"], "--people needs two segments"),
        (["--save", "X"], "--save and --limit go with --people"),
        (["A", "B", "--people", "neither"], "invalid choice"),
        (["--min-size", "-3"], "expected 0 or more"),
    ],
)
def test_mistakes_exit_2_in_one_line(capsys, db: Path, argv: list[str], said: str) -> None:
    code, out, err = run(capsys, "overlap", "--db", db, *argv)
    assert (code, out) == (2, "")
    assert said in err and err.count("\n") == 1


def test_saving_under_a_taken_name_is_refused(capsys, db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)
    argv = ("overlap", "--db", copy, "VIP customers", "Gift buyers", "--people", "both")
    code, _, err = run(capsys, *argv, "--save", "Gift buyers")
    assert code == 2 and 'there is already a segment called "Gift buyers"' in err
