"""How the command line shows a rule error: the message and its column on the first line, the
rule and a caret under the column only when stderr is a terminal (a log or a script keeps one
line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.cli.rule_errors import rule_error_lines
from segdesk.rules import RuleError
from segdesk.store.database import open_database

RULE = 'country = "US" and agee > 3'


@pytest.fixture
def db(tmp_path: Path) -> str:
    open_database(tmp_path / "shop.db").dispose()
    return str(tmp_path / "shop.db")


def count(db: str, rule: str) -> list[str]:
    return ["segment", "count", "--db", db, "--rule", rule]


@pytest.mark.parametrize(
    "argv",
    [
        lambda db: count(db, RULE),
        lambda db: ["segment", "create", "X", "--db", db, "--rule", RULE],
    ],
    ids=["count", "create"],
)
def test_into_a_pipe_a_rule_error_is_one_line(
    db: str, capsys: pytest.CaptureFixture[str], argv
) -> None:
    assert main(argv(db)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == ['segdesk: error: unknown field "agee" (column 20)']


def test_at_a_terminal_the_rule_and_a_caret_follow() -> None:
    error = RuleError('unknown field "agee"', 20)
    assert rule_error_lines(error, RULE, terminal=True) == [
        'segdesk: error: unknown field "agee" (column 20)',
        '  country = "US" and agee > 3',
        "  " + " " * 19 + "^",
    ]
    assert rule_error_lines(error, RULE, terminal=False) == [
        'segdesk: error: unknown field "agee" (column 20)'
    ]


def test_the_first_line_is_whole_even_when_the_message_quotes_line_breaks() -> None:
    error = RuleError('unknown field "a\nb\u2028c"', 1)
    for terminal in (True, False):
        lines = rule_error_lines(error, "`a\nb\u2028c` = 1", terminal=terminal)
        assert lines == ['segdesk: error: unknown field "a\\nb\\u2028c" (column 1)']


def test_without_a_column_there_is_nothing_to_point_at() -> None:
    error = RuleError('there is no segment called "VIP"')
    lines = rule_error_lines(error, 'in segment "VIP"', terminal=True)
    assert lines == ['segdesk: error: there is no segment called "VIP"']


def test_a_long_rule_is_cut_around_the_column_to_fit_80_columns() -> None:
    rule = " or ".join(f'city = "c{i}"' for i in range(300)) + " or agee > 3"
    column = rule.index("agee") + 1
    first, shown, caret = rule_error_lines(RuleError("x", column), rule, terminal=True)
    assert first == f"segdesk: error: x (column {column})"
    assert len(shown) <= 80 and shown.startswith("  …") and "agee > 3" in shown
    assert shown[caret.index("^") :].startswith("agee")


def test_wide_characters_and_tabs_keep_the_caret_under_its_column() -> None:
    rule = 'city\t= "東京" and agee > 3'
    error = RuleError("x", rule.index("agee") + 1)
    _, shown, caret = rule_error_lines(error, rule, terminal=True)
    assert "\t" not in shown
    # 東京 takes two cells each at a terminal
    assert caret.index("^") == shown.index("agee") + 2
