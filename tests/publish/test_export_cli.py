"""`segdesk export list` and `segdesk exports` as a user runs them: the report, the log,
one line and exit 2 for a mistake, and a killed export leaving nothing under its name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runs import ok_json, run
from tests.faults import wait_for
from tests.publish.shop import make_shop


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shop(tmp_path_factory.mktemp("shop"))


def test_json_report_and_the_log(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "club.csv"
    args = ["export", "list", "Club", "-o", target, "--format", "mailchimp", "--db", shop]
    report = ok_json(capsys, *args, "--holdout", "50%", "--seed", "4")
    assert {k: report[k] for k in ("rows", "left_out", "path", "holdout")} == {
        "rows": 1,
        "left_out": {"unsubscribed": 1, "no_email": 1},
        "path": str(target),
        "holdout": {"share": 0.5, "seed": 4, "test": 1, "control": 1},
    }
    entries = ok_json(capsys, "exports", "--db", shop)
    newest = entries[0]
    assert newest["path"] == str(target.resolve())
    assert (newest["format"], newest["rows"], newest["segments"]) == ("mailchimp", 1, ["Club"])
    assert newest["left_out"] == {"unsubscribed": 1, "no_email": 1}
    assert newest["holdout_response"]["test"]["people"] == 1
    assert "members" not in json.dumps(newest)


def test_a_folder_gets_one_file_per_segment(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = ok_json(capsys, "export", "list", "Club", "Team", "-o", tmp_path, "--db", shop)
    assert [(Path(f["path"]).name, f["rows"]) for f in report["files"]] == [
        ("Club.csv", 3),
        ("Team.csv", 3),
    ]
    assert report["path"] is None


def test_human_report(shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "list", "Club", "-o", tmp_path / "c.xlsx", "--db", shop)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f'Wrote 3 contacts of "Club" to {tmp_path / "c.xlsx"} (Excel workbook)',
        "  left out: 1 unsubscribed (--include-unsubscribed keeps them)",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nobody"], 'there is no segment called "Nobody"'),
        (["Club", "--fields", "email,shoe_size"], 'unknown field "shoe_size"'),
        (["Club", "--joined-since", "2025-13-01"], "'2025-13-01' is not a day"),
        (["Club", "--left-since", "2020-01-01"], "needs a snapshot"),
        (["Club", "--seed", "3"], "--seed goes with --holdout"),
        (["Club", "--holdout", "1.5%x"], "holdout share"),
        (["Club", "--format", "hubspot", "--anonymise"], "anonymised list has no email"),
    ],
)
def test_mistakes_exit_2_in_one_line(
    shop: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, out, err = run(capsys, "export", "list", *args, "-o", tmp_path / "x.csv", "--db", shop)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_named(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "x.csv"
    code, _out, err = run(capsys, "export", "list", "Club", "-o", target, "--db", shop)
    missing = tmp_path / "missing"
    assert (code, err) == (
        2,
        f"segdesk: error: cannot write {target}: the folder {missing} does not exist\n",
    )
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        code, _out, err = run(capsys, "export", "list", "Club", "-o", locked / "x", "--db", shop)
        assert code == 2 and "is read-only" in err


KILLED_MID_WRITE = """
import sys, time
from pathlib import Path
import segdesk.publish.files as files

ready = Path(sys.argv[1])
rows = files.CsvSink.rows

def stuck(self, chunk):
    rows(self, chunk)
    self._text.flush()
    ready.touch()
    time.sleep(60)

files.CsvSink.rows = stuck
from segdesk.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""The CLI, stopping for good once it has written its first rows."""


def test_a_killed_export_leaves_no_file_under_the_target_name(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, ready = tmp_path / "club.csv", tmp_path / "ready"
    command = ["export", "list", "Club", "-o", str(target), "--db", str(shop)]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE, str(ready), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: ready.exists() or proc.poll() is not None, "the first rows written")
        assert proc.poll() is None, "the export ended before it was killed"
        (partial,) = tmp_path.glob(".club.csv.*.partial")
        assert partial.stat().st_size > 0
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not target.exists()
    code, _out, err = run(capsys, *command)
    assert (code, err) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["club.csv", "ready"]
