"""Tables on the command line: one line per row, at a terminal and through a pipe."""

from __future__ import annotations

import re

import pytest

from segdesk.output import print_table

LONG_EMAIL = "maximiliane.oberstaufen-hinterberger@a-very-long-domain-name.example.com"
ROWS = [
    [LONG_EMAIL, "Maximiliane Oberstaufen-Hinterberger", "Kaffeerösterei am Markt", "1,204"],
    ["ana@example.com", "Ana\tLopez", "Line\nbreak", "7"],
]
COLUMNS = ["email", "name", "company", "orders"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_piped_rows_are_tab_separated_and_whole(capsys: pytest.CaptureFixture[str]) -> None:
    print_table("People (2)", COLUMNS, ROWS)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "email\tname\tcompany\torders",
        f"{LONG_EMAIL}\tMaximiliane Oberstaufen-Hinterberger\tKaffeerösterei am Markt\t1,204",
        "ana@example.com\tAna Lopez\tLine break\t7",
    ]
    assert "People (2)" in err


def test_terminal_rows_stay_on_one_line_at_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "80")
    print_table("People (2)", COLUMNS, ROWS)
    lines = [ANSI.sub("", line).rstrip() for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == "People (2)"
    body = [line for line in lines[2:] if line]
    assert len(body) == len(ROWS)
    assert all(len(line) <= 80 for line in lines)
    assert "…" in body[0] and body[0].endswith("1,204")
    assert body[1].startswith("ana@example.com") and body[1].endswith("7")


def test_days_are_never_cut(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cut day ("2025-03…") reads as another: days keep their width, like figures."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "80")
    columns = ["product", "sku", "category", "buyers", "orders", "qty", "revenue", "first", "last"]
    row = ["Wholesale Espresso 1 kg", "WS-ES-1KG", "Beans", "117", "2,205", "16,252", "289,084.82"]
    print_table("Products", columns, [[*row, "2023-11-30", "2026-11-14"]])
    lines = [ANSI.sub("", line).rstrip() for line in capsys.readouterr().out.splitlines()]
    assert lines[-1].endswith("2023-11-30 2026-11-14") and "…" in lines[-1]
    assert len(lines[-1]) <= 80
