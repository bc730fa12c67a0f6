"""What the import says to a user: types as decided, counts in words, hints where they apply."""

from __future__ import annotations

import pytest

from segdesk.cli import main
from segdesk.errors import UserError
from segdesk.ingest.history import UndoReport
from segdesk.ingest.import_report import Quality, default_rejects_path
from segdesk.ingest.mapping import date_writing, describe_type, suggest_mapping
from segdesk.ingest.values import ColumnType
from segdesk.output import column_lines
from segdesk.wording import count, undo_summary


@pytest.mark.parametrize(
    ("values", "short", "detailed"),
    [
        (
            ["2024-03-01 10:00:00"],
            "date (ISO)",
            "date, year first (ISO): 2024-03-01 10:00:00 is 1 March 2024",
        ),
        (
            ["20241231", ""],
            "date (YYYYMMDD)",
            "date, written YYYYMMDD: 20241231 is 31 December 2024",
        ),
        (
            ["n/a", "04/05/2024", "31/12/2024"],
            "date (dd/mm)",
            "date, day first: 04/05/2024 is 4 May 2024",
        ),
        (
            ["12/31/2024", "04/05/2024"],
            "date (mm/dd)",
            "date, month first: 12/31/2024 is 31 December 2024",
        ),
    ],
)
def test_date_columns_say_how_their_dates_are_written(values, short, detailed) -> None:
    column = suggest_mapping(["Email", "Date"], "events", samples={"Date": values}).column("Date")
    assert column.type.kind == "date"
    assert describe_type(column.type, values) == short
    assert describe_type(column.type, values, detailed=True) == detailed


def test_date_writing_and_number_labels() -> None:
    assert date_writing(["2024-01-02", "03/04/2024"]) == "day_month"
    assert date_writing(["2024/01/02"]) == "year_first"
    assert date_writing(["20240102"]) == "compact"
    assert date_writing(["soon", ""]) is None
    assert describe_type(ColumnType("date", date_order="dmy"), []) == "date"
    assert describe_type(ColumnType("number", decimal=",")) == "number (1,50)"
    assert describe_type(ColumnType("number", decimal="."), detailed=True) == (
        "number, decimal point: 1.50"
    )
    assert describe_type(ColumnType("category")) == "category"


def test_column_lines_name_each_column() -> None:
    samples = {"E-Mail": ["a@example.com"], "Joined": ["2024-05-06"], "Notes": ["x"]}
    mapping = suggest_mapping(list(samples), samples=samples).with_overrides(["Notes=skip"])
    assert column_lines(mapping, samples) == [
        "'E-Mail' → email, text",
        "'Joined' → custom field joined, date (ISO)",
        "'Notes' is skipped",
    ]


def test_counts_in_words() -> None:
    assert count(1, "invalid email address", "invalid email addresses") == "1 invalid email address"
    assert count(0, "row") == "0 rows"
    assert count(1200, "row") == "1,200 rows"
    assert undo_summary(UndoReport(3, 1, 0, 0)) == "Undid import 3: removed 1 contact."
    assert undo_summary(UndoReport(4, 2, 1, 5)) == (
        "Undid import 4: removed 2 contacts and 5 events, and gave 1 contact their previous "
        "values back."
    )
    assert undo_summary(UndoReport(5, 0, 0, 0)) == "Undid import 5: it had changed nothing."
    assert undo_summary(UndoReport(6, 0, 0, 1, orders_restored=3)) == (
        "Undid import 6: removed 1 event, and gave 3 orders their previous values back."
    )


def test_events_are_not_given_the_contacts_custom_fields(ws, write, run) -> None:
    run(write("people.csv", "email,tier\na@example.com,gold\n"))
    assert ws.imports.custom_fields() == {"tier": "text"}
    orders = write("orders.csv", "email,date,tier\na@example.com,2024-01-02,1\n")
    events = ws.imports.suggest_mapping(ws.imports.inspect(orders), "events")
    tier = events.column("tier")
    assert tier.reason.startswith("new custom field")
    assert tier.type.kind == "number"  # typed from its own values, not the contacts' field
    contacts = ws.imports.suggest_mapping(ws.imports.inspect(orders), "contacts")
    assert contacts.column("tier").reason == "existing custom field"


def test_default_rejects_paths_do_not_collide(tmp_path) -> None:
    source = tmp_path / "shop.csv"
    first = default_rejects_path(source)
    first.parent.mkdir(parents=True, exist_ok=True)
    first.write_text("taken")
    second = default_rejects_path(source)
    assert second != first
    assert second.parent == first.parent
    assert second.name.startswith("shop-") and second.name.endswith("-rejects.csv")


def test_cli_adds_its_hint_to_mapping_problems(tmp_path, capsys) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,city\nAnn,Rome\n", encoding="utf-8")
    code = main(["import", "contacts", str(people), "--db", str(tmp_path / "shop.db")])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "no column gives the contact's email address or external id" in err
    assert (
        'Choose columns with --map "COLUMN=FIELD", FIELD being email (or external_id); '
        "the columns: 'name', 'city'." in err
    )


def test_mapping_problems_have_no_command_line_words() -> None:
    no_date = suggest_mapping(["Email", "Total"], "events")
    assert all("--map" not in p for p in no_date.problems())
    with pytest.raises(UserError) as caught:
        no_date.require_usable()
    assert "--map" not in str(caught.value)


def test_quality_lines_in_the_singular() -> None:
    quality = Quality(invalid_emails=1, duplicates_merged=1, repeated_refs=1)
    assert quality.lines() == [
        "1 invalid email address (rejected)",
        "1 row repeated a contact of this file and was merged into it (later non-empty values win)",
        "1 row repeated an order id of this file and was put into that order (its total, "
        "status and date come from its first row; quantities add up)",
    ]
    plural = Quality(invalid_emails=2, duplicates_merged=3).lines()
    assert plural[0] == "2 invalid email addresses (rejected)"
    assert plural[1].startswith("3 rows repeated a contact of this file and were merged")
