"""`segdesk segment ...`: JSON shapes, exit codes, and values that only look like SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runs import ok_json, run
from tests.factories import new_shop

TODAY = "2025-03-01"
ODD = "x'; drop table contact; --"


@pytest.fixture
def trio(tmp_path: Path) -> Path:
    """Three contacts: two in the US (written two ways), one in Canada; two companies whose
    names look like SQL."""
    return new_shop(
        tmp_path,
        [
            {
                "id": 1,
                "email": "mia@example.com",
                "external_id": "007",
                "country": "US",
                "company": ODD,
            },
            {"id": 2, "email": "leo@example.com", "country": "CA", "company": "Acme"},
            {"id": 3, "email": "ida@example.com", "country": "us", "company": "O'Brien; --"},
        ],
    )


def test_create_list_show_count(trio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    created = ok_json(capsys, "segment", "create", "US", "--rule", "country = 'us'", "--db", trio)
    assert created["name"] == "US" and created["count"] == 2 and created["version"] == 1
    listed = ok_json(capsys, "segment", "list", "--db", trio)
    assert [
        (s["name"], s["kind"], s["count"], s["status"], s["version"], s["scheme"]) for s in listed
    ] == [("US", "rule", 2, "active", 1, None)]
    assert set(listed[0]) >= {"name", "kind", "count", "status", "version", "refreshed_at"}
    shown = ok_json(capsys, "segment", "show", "US", "--db", trio)
    assert (shown["rule"], shown["english"], shown["version"]) == (
        'country = "us"',
        "country is us",
        1,
    )
    assert [v["version"] for v in shown["versions"]] == [1]
    assert ok_json(capsys, "segment", "count", "--rule", 'country != "US"', "--db", trio) == {
        "count": 1
    }


def test_edit_refresh_members_explain(trio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok_json(capsys, "segment", "create", "US", "--rule", 'country = "US"', "--db", trio)
    edited = ok_json(
        capsys,
        "segment",
        "edit",
        "US",
        "--rule",
        'country in ("US", "CA")',
        "--reason",
        "North America",
        "--db",
        trio,
    )
    assert (edited["version"], edited["count"]) == (2, 3)
    refreshed = ok_json(capsys, "segment", "refresh", "--today", TODAY, "--db", trio)
    assert refreshed == {"refreshed": 1, "schemes": [], "segments": {"US": 3}, "snapshot": None}
    one = ok_json(capsys, "segment", "refresh", "US", "--db", trio)
    assert one["segments"] == {"US": 3}
    listed = ok_json(capsys, "segment", "members", "US", "--limit", "2", "--db", trio)
    everyone = ok_json(capsys, "contacts", "--db", trio)
    assert listed == everyone[:2]
    why = ok_json(capsys, "segment", "explain", "US", "007", "--today", TODAY, "--db", trio)
    assert (why["contact_id"], why["verdict"], why["rule"]["value"]) == (1, True, 'country = "US"')


def test_lifecycle_commands(trio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok_json(capsys, "segment", "create", "US", "--rule", 'country = "US"', "--db", trio)
    assert ok_json(capsys, "segment", "rename", "US", "Americans", "--db", trio)["name"] == (
        "Americans"
    )
    assert ok_json(capsys, "segment", "duplicate", "Americans", "Copy", "--db", trio)["count"] == 2
    pinned = ok_json(
        capsys,
        "segment",
        "pin",
        "Copy",
        "leo@example.com",
        "--include",
        "--note",
        "partner",
        "--db",
        trio,
    )
    assert (pinned["contact_id"], pinned["mode"], pinned["note"]) == (2, "include", "partner")
    assert ok_json(capsys, "segment", "refresh", "Copy", "--db", trio)["segments"] == {"Copy": 3}
    ok_json(capsys, "segment", "unpin", "Copy", "leo@example.com", "--db", trio)
    assert ok_json(capsys, "segment", "retire", "Copy", "--db", trio)["status"] == "retired"
    assert ok_json(capsys, "segment", "reactivate", "Copy", "--db", trio)["count"] == 2
    deleted = ok_json(capsys, "segment", "delete", "Copy", "--db", trio)
    assert deleted["deleted"] == "Copy" and deleted["kept_as"].startswith("Copy (deleted #")
    assert ok_json(capsys, "segment", "purge", "Copy", "--db", trio) == {"purged": "Copy"}
    assert [s["name"] for s in ok_json(capsys, "segment", "list", "--db", trio)] == ["Americans"]
    static = ok_json(
        capsys, "segment", "create", "Two", "--contact", "007", "--contact", "id:2", "--db", trio
    )
    assert (static["kind"], static["count"]) == ("static", 2)


def test_rule_error_exits_2_in_one_line(trio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not at a terminal, so without the caret drawing (tests/test_cli_rule_errors.py)."""
    code, out, err = run(
        capsys, "segment", "count", "--rule", 'country = "US" and agee > 3', "--db", trio
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == ['segdesk: error: unknown field "agee" (column 20)']


@pytest.mark.parametrize(
    "argv",
    [
        ["segment", "show", "Nope"],
        ["segment", "create", "X", "--rule", 'in segment "Nope"'],
        ["segment", "explain", "Nope", "007"],
        ["segment", "count", "--rule", "country = 'US'", "--today", "2025-02-30"],
        ["segment", "pin", "X", "007"],
    ],
)
def test_user_mistakes_exit_2(
    trio: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = run(capsys, *argv, "--db", trio)
    assert code == 2 and err.startswith("segdesk: error:") and "Traceback" not in err


def test_values_that_look_like_sql_are_only_values(
    trio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = f'company = "{ODD}" or company contains "; --" or company = "O\'Brien; --"'
    assert ok_json(capsys, "segment", "count", "--rule", rule, "--db", trio) == {"count": 2}
    name = "'; drop table segment; --"
    ok_json(capsys, "segment", "create", name, "--rule", rule, "--db", trio)
    assert [m["id"] for m in ok_json(capsys, "segment", "members", name, "--db", trio)] == [1, 3]
    assert len(ok_json(capsys, "contacts", "--db", trio)) == 3
    assert [s["name"] for s in ok_json(capsys, "segment", "list", "--db", trio)] == [name]


def test_text_output(trio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "segment", "create", "US", "--rule", 'country = "US"', "--db", trio)
    assert code == 0 and out == 'Created "US" (rule, active, version 1): 2 contacts\n'
    code, out, _ = run(capsys, "segment", "explain", "US", "mia@example.com", "--db", trio)
    assert out.splitlines()[:2] == [
        'mia@example.com is in "US"',
        '  ✓ country = "US"   (country = "US")',
    ]
    code, out, _ = run(capsys, "segment", "refresh", "--db", trio)
    assert code == 0 and out.splitlines()[0] == "Refreshed 1 segment"
