"""Every way an import writes a contact stores its folded search text with it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from segdesk.ingest import importer
from segdesk.store.search_text import SEARCHED_FIELDS, search_text
from segdesk.store.tables import Contact
from segdesk.workspace import Workspace
from tests.factories import add_contacts


def _stored_and_expected(ws: Workspace) -> tuple[dict[int, str], dict[int, str]]:
    table = Contact.__table__
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.id, table.c.search_text, *(table.c[n] for n in SEARCHED_FIELDS))
        ).all()
    return {r[0]: r[1] for r in rows}, {r[0]: search_text(*r[2:]) for r in rows}


def _found(ws: Workspace, search: str) -> list[str | None]:
    return [row.email for row in ws.contacts.contacts_page(0, 50, search)]


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_inserted_merged_and_updated_contacts(
    chunk: int, monkeypatch: pytest.MonkeyPatch, ws, write, run
) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk)  # rows of one contact in two chunks
    add_contacts(ws.engine, [{"email": "kept@example.com", "city": "Leeds"}])
    report = run(
        write(
            "c.csv",
            "email,first_name,last_name,city,company\n"
            "kept@example.com,Jürgen,Weiß,Malmö,\n"  # updates a stored contact
            "new@example.com,Björn,,,\n"  # a new contact...
            "NEW@example.com,,Müller,,Café Noir\n"  # ...that a later row merges into
            "solo@example.com,Zoë,,Kraków,\n",  # a new contact on its own
        )
    )
    assert (report.inserted, report.updated, report.merged) == (2, 1, 1)
    stored, expected = _stored_and_expected(ws)
    assert stored == expected
    assert _found(ws, "jurgen weiss malmo") == ["kept@example.com"]
    assert _found(ws, "leeds") == []
    assert _found(ws, "bjorn muller cafe") == ["new@example.com"]
    assert _found(ws, "krakow") == ["solo@example.com"]


def test_a_later_import_and_its_undo(ws, write, run) -> None:
    run(write("a.csv", "email,city\nana@example.com,Köln\n"))
    later = run(write("b.csv", "email,city\nana@example.com,Zürich\n"))
    assert _found(ws, "zurich") == ["ana@example.com"]
    ws.imports.undo(later.batch_id)
    stored, expected = _stored_and_expected(ws)
    assert stored == expected
    assert _found(ws, "zurich") == []
    assert _found(ws, "koln") == ["ana@example.com"]


def test_contacts_an_events_import_creates(ws, write, run) -> None:
    run(
        write("o.csv", "email,date,amount\nÅsa@example.com,2024-01-02,5\n"),
        "events",
        maps=("date=occurred_at",),
    )
    stored, expected = _stored_and_expected(ws)
    assert stored == expected != {}
    assert _found(ws, "asa@") == ["åsa@example.com"]
