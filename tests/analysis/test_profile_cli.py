"""`segdesk profile` and `segdesk scheme check`: the JSON contract, the tables, and one line
with exit 2 for a name that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runs import ok_json, run

FIGURES = {
    "size",
    "share",
    "buyers",
    "without_orders",
    "orders",
    "revenue",
    "revenue_share",
    "average_order_value",
    "orders_per_person",
    "median_days_since_last_order",
    "consent",
}


def test_profile_json_keys(capsys: pytest.CaptureFixture[str], sample_copy: Path) -> None:
    found = ok_json(
        capsys, "profile", "Trade accounts", "--db", sample_copy, "--today", "2026-11-15"
    )
    assert set(found) == {"name", "scheme", "today", "segment", "everyone", "apart", "apart_rule"}
    assert set(found["segment"]) == set(found["everyone"]) == FIGURES
    assert set(found["segment"]["consent"]) == {"subscribed", "unsubscribed", "unknown"}
    first = found["apart"][0]
    assert set(first) == {
        "field",
        "label",
        "value",
        "count",
        "share",
        "everyone_count",
        "everyone_share",
        "lift",
    }
    assert (first["field"], first["value"], first["count"]) == ("trade_account", "yes", 132)


def test_profile_table(capsys: pytest.CaptureFixture[str], sample_copy: Path) -> None:
    code, out, _err = run(capsys, "profile", "trade accounts", "--db", sample_copy)
    assert code == 0
    assert "People\t132\t3,011" in out
    assert "Trade account is yes\t100% (132)\t4.4% (132)\t22.8x" in out


def test_scheme_check_json(capsys: pytest.CaptureFixture[str], sample_copy: Path) -> None:
    found = ok_json(capsys, "scheme", "check", "lifecycle", "--db", sample_copy)
    assert set(found) == {
        "scheme",
        "segments",
        "contacts",
        "gaps",
        "conflicts",
        "empty",
        "never_reached",
    }
    assert found["scheme"] == "lifecycle"
    assert found["gaps"] == {"count": 0, "examples": []}
    assert found["conflicts"] == {"count": 0, "examples": [], "pairs": []}
    assert set(found["segments"][0]) == {"name", "priority", "count", "won"}
    group = ok_json(
        capsys,
        "scheme",
        "check",
        "--segments",
        "VIP customers, Lapsed big spenders",
        "--db",
        sample_copy,
    )
    assert group["scheme"] is None
    assert group["conflicts"]["pairs"] == [
        {"a": "VIP customers", "b": "Lapsed big spenders", "both": 7, "winner": "VIP customers"}
    ]
    assert set(group["gaps"]["examples"][0]) == {"id", "name", "email"}


def test_scheme_check_table(capsys: pytest.CaptureFixture[str], sample_copy: Path) -> None:
    code, out, _err = run(
        capsys,
        "scheme",
        "check",
        "--segments",
        "VIP customers,Lapsed big spenders",
        "--db",
        sample_copy,
    )
    assert code == 0
    assert "Claimed by several: 7 people, such as" in out
    assert "VIP customers\tLapsed big spenders\t7\tVIP customers" in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["profile", "Nope"], 'there is no segment called "Nope"'),
        (["scheme", "check", "nope"], 'there is no scheme called "nope"'),
        (["scheme", "check", "--segments", "VIP customers,Nope"], 'no segment called "Nope"'),
        (["profile", "VIP customers", "--today", "soon"], "expected a date as YYYY-MM-DD"),
    ],
)
def test_unknown_names_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], sample_copy: Path, argv: list[str], said: str
) -> None:
    code, out, err = run(capsys, *argv, "--db", sample_copy)
    assert (code, out) == (2, "")
    assert said in err and err.count("\n") == 1
