"""Text whose values are separated by runs of spaces or tabs, told apart from aligned columns."""

from __future__ import annotations

import pytest

from segdesk.ingest import ReadOptions, inspect_file, iter_rows


def lines_and_values(rows):
    return [(r.line, r.values) for r in rows]


def test_statistics_output_with_one_space_between_names(read):
    shape, rows = read("stats_table.txt")
    assert shape.format == "whitespace"
    assert shape.layout == "values separated by spaces or tabs"
    assert shape.layout_reason == "runs of spaces or tabs split the first lines into 5 columns"
    assert shape.delimiter is None
    assert shape.header == ("id", "email", "first_name", "city", "spend")
    assert lines_and_values(rows) == [
        (2, ("1", "ann@example.com", "Ann", "Rome", "10.50")),
        (3, ("2", "bob@example.com", "Bob", "Milan", "3.00")),
        (5, ("3", "cy@example.com", "Cy", "Turin", "120.25")),
    ]


def test_shop_export_with_runs_of_tabs(read):
    shape, rows = read("shop_tabs.txt")
    assert (shape.format, shape.encoding.name) == ("whitespace", "cp1252")
    assert shape.header == ("KDNR", "EMAIL", "ORT", "UMSATZ")
    assert lines_and_values(rows) == [
        (2, ("0001", "kai@example.de", "Bonn", "12,50")),
        (3, ("0002", "lea@example.de", "Köln", "7,00")),
        (4, ("0003", "mo@example.de", "München", "100,00")),
    ]


def test_two_names_one_space_apart_are_two_columns(read):
    shape, rows = read("half_aligned.txt")
    assert shape.format == "whitespace"
    assert shape.header == ("id", "email", "first_name", "city")
    assert rows[0].values == ("1", "ann@example.com", "Ann", "Rome")


@pytest.mark.parametrize("word", ["whitespace", "spaces"])
def test_whitespace_chosen_by_the_user(corpus, word):
    shape = inspect_file(corpus / "half_aligned.txt", ReadOptions(delimiter=word))
    assert (shape.format, shape.layout_reason) == (
        "whitespace",
        "values separated by spaces or tabs, chosen by you",
    )
    assert shape.header == ("id", "email", "first_name", "city")


def test_one_space_everywhere_is_whitespace_when_chosen(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text('id name city\n1 "Ann Lee" Rome\n2 Bob ""\n')
    shape = inspect_file(path, ReadOptions(delimiter="whitespace"))
    assert shape.header == ("id", "name", "city")
    assert lines_and_values(iter_rows(shape)) == [
        (2, ("1", "Ann Lee", "Rome")),
        (3, ("2", "Bob", "")),  # a quoted empty value keeps its place
    ]


def test_aligned_stays_its_own_choice(corpus):
    shape = inspect_file(corpus / "half_aligned.txt", ReadOptions(delimiter="aligned"))
    assert (shape.format, shape.layout_reason) == (
        "aligned",
        "columns aligned with spaces, chosen by you",
    )
    assert shape.header == ("id", "email", "first_name city")


def test_aligned_log_is_still_read_as_aligned_columns(read):
    # Its last line has no REF: runs of spaces alone would not give it five values.
    shape, _ = read("transactions.log")
    assert shape.format == "aligned"


def test_a_missing_value_cannot_be_placed(tmp_path):
    path = tmp_path / "gaps.txt"
    lines = [f"{i}    p{i}@example.com    Name{i}    Town{i}" for i in range(1, 21)]
    lines[4] = "5    p5@example.com    Town5"
    path.write_text("id email name city\n" + "\n".join(lines) + "\n")
    shape = inspect_file(path)
    assert shape.format == "whitespace"
    bad = [r for r in iter_rows(shape) if r.problem]
    assert [(r.line, r.problem) for r in bad] == [
        (
            6,
            "this row has 3 values but the header names 4 columns; with values separated "
            "by spaces, which one is missing cannot be told",
        )
    ]


def test_a_one_column_list_of_names_stays_one_column(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Full Name\nAnn Lee\nBob Ray\nCy Doe\n")
    shape = inspect_file(path)
    assert shape.header == ("Full Name",)
