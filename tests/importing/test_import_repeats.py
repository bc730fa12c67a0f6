"""Rows that repeat a contact of the same file: counted as merged, never as updates, and an
import that leaves a stored contact as it was reports it unchanged and leaves it untouched."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from segdesk.cli import main
from segdesk.ingest import importer
from segdesk.store.tables import Contact, ImportChange
from segdesk.tui.screens.import_history import undo_question
from tests.factories import WHEN, add_contacts
from tests.importing.conftest import contacts

TWICE = "email,city\nann@example.com,Leeds\nANN@example.com,York\n"
"""One contact twice, the second row (another case of the email) changing the city."""


def counts(report) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return (report.read, report.inserted, report.updated, report.unchanged, report.merged)


def stamps(ws) -> list:  # type: ignore[no-untyped-def]
    table = Contact.__table__
    with ws.engine.connect() as conn:
        return list(conn.execute(select(table.c.updated_at).order_by(table.c.id)).scalars())


def changes(ws) -> int:
    with ws.engine.connect() as conn:
        return len(conn.execute(select(ImportChange.__table__.c.id)).all())


@pytest.fixture(params=[5000, 1], ids=["one chunk", "a chunk per row"])
def chunk_rows(request, monkeypatch) -> int:  # type: ignore[no-untyped-def]
    """Repeats in the same chunk and in a later one follow the same rules."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", request.param)
    return request.param


class TestRepeatsAreMerged:
    def test_a_repeat_of_a_new_contact_is_merged_not_updated(
        self, ws, write, run, chunk_rows
    ) -> None:
        report = run(write("twice.csv", TWICE))
        assert counts(report) == (2, 1, 0, 0, 1)
        assert report.to_json()["merged"] == 1
        assert [c["city"] for c in contacts(ws)] == ["York"]
        [history] = ws.imports.history()
        assert (history.updated, history.merged) == (0, 1)
        assert "changed" not in undo_question(history)
        assert ws.imports.undo(report.batch_id).contacts_restored == 0

    def test_a_repeat_of_a_stored_contact_counts_it_once(self, ws, write, run, chunk_rows) -> None:
        add_contacts(ws.engine, [{"email": "ann@example.com", "city": "Hull"}])
        report = run(write("twice.csv", TWICE))
        assert counts(report) == (2, 0, 1, 0, 1)
        assert [c["city"] for c in contacts(ws)] == ["York"]
        [history] = ws.imports.history()
        assert "gives the 1 contact it changed" in undo_question(history)
        ws.imports.undo(report.batch_id)
        assert [c["city"] for c in contacts(ws)] == ["Hull"]

    @pytest.mark.parametrize(
        ("rule", "city", "phone", "updated"),
        [("update", "York", "+44 2", 1), ("fill", "Hull", "+44 2", 1), ("skip", "Hull", None, 0)],
    )
    def test_the_merged_rows_meet_the_stored_contact_by_the_rule(
        self, ws, write, run, chunk_rows, rule, city, phone, updated
    ) -> None:
        add_contacts(ws.engine, [{"email": "ann@example.com", "city": "Hull"}])
        report = run(
            write(
                "twice.csv",
                "email,city,phone\nann@example.com,Leeds,+44 1\nann@example.com,York,+44 2\n",
            ),
            on_existing=rule,
        )
        assert counts(report) == (2, 0, updated, 1 - updated, 1)
        [ann] = contacts(ws)
        assert (ann["city"], ann["phone"]) == (city, phone)
        ws.imports.undo(report.batch_id)
        [ann] = contacts(ws)
        assert (ann["city"], ann["phone"]) == ("Hull", None)

    def test_cli_report_has_a_merged_line_and_key(self, tmp_path, write, capsys) -> None:
        path, db = write("twice.csv", TWICE), str(tmp_path / "cli.db")
        assert main(["import", "contacts", str(path), "--db", db, "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert {k: report[k] for k in ("inserted", "updated", "unchanged", "merged")} == {
            "inserted": 1,
            "updated": 0,
            "unchanged": 0,
            "merged": 1,
        }
        assert main(["import", "contacts", str(path), "--db", db, "--dry-run"]) == 0
        lines = [line.split() for line in capsys.readouterr().out.splitlines()]
        assert ["│", "merged", "│", "1", "│"] in lines


class TestUnchangedIsUnchanged:
    def test_reimport_with_a_repeat_changes_nothing(self, ws, write, run, chunk_rows) -> None:
        path = write("twice.csv", TWICE)
        run(path)
        before, stamped = contacts(ws), stamps(ws)
        again = run(path)
        assert counts(again) == (2, 0, 0, 1, 1)
        assert (contacts(ws), stamps(ws)) == (before, stamped)
        assert changes(ws) == 0
        assert "changed" not in undo_question(ws.imports.history()[0])

    def test_rows_that_cancel_out_leave_a_stored_contact_untouched(
        self, ws, write, run, chunk_rows
    ) -> None:
        add_contacts(ws.engine, [{"email": "ann@example.com", "city": "York"}])
        report = run(write("twice.csv", TWICE))  # Leeds, then back to York
        assert counts(report) == (2, 0, 0, 1, 1)
        assert stamps(ws) == [WHEN]
        assert changes(ws) == 0
