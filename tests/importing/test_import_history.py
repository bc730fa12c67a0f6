"""Import history and undo: created rows removed, changed rows restored, refusals explained."""

from __future__ import annotations

import pytest

from segdesk.errors import NotFoundError, UserError
from tests.factories import add_contacts
from tests.importing.conftest import contacts, events


def test_history_lists_runs_newest_first(ws, write, run) -> None:
    run(write("a.csv", "email\na@example.com\n"))
    run(write("b.csv", "email\nb@example.com\nbad\n"))
    [second, first] = ws.imports.history()
    assert (second.file_name, second.read, second.inserted, second.rejected) == ("b.csv", 2, 1, 1)
    assert (first.id, first.status, first.target) == (1, "done", "contacts")


def test_undo_contacts_import_restores_everything(ws, write, run) -> None:
    add_contacts(
        ws.engine,
        [
            {
                "email": "kept@example.com",
                "city": "Leeds",
                "consent": "subscribed",
                "attributes": {"plan": "pro"},
            }
        ],
    )
    before = contacts(ws)
    report = run(
        write(
            "c.csv",
            "email,city,plan,consent\n"
            "kept@example.com,York,team,unsubscribed\n"
            "new@example.com,Hull,free,subscribed\n",
        )
    )
    assert (report.inserted, report.updated) == (1, 1)
    result = ws.imports.undo(report.batch_id)
    assert (result.contacts_removed, result.contacts_restored, result.events_removed) == (1, 1, 0)
    assert contacts(ws) == before
    assert ws.imports.history()[0].status == "undone"
    with pytest.raises(UserError, match=r"import \d+ is undone already"):
        ws.imports.undo(report.batch_id)


def test_undo_events_import_removes_events_and_created_contacts(ws, write, run) -> None:
    add_contacts(ws.engine, [{"email": "fay@example.com"}])
    report = run(
        write(
            "o.csv",
            "email,date,amount\nfay@example.com,2024-01-02,5\nnew@example.com,2024-01-03,6\n",
        ),
        "events",
        maps=("date=occurred_at",),
    )
    assert (report.inserted, report.contacts_created) == (2, 1)
    result = ws.imports.undo(report.batch_id)
    assert (result.events_removed, result.contacts_removed) == (2, 1)
    assert events(ws) == []
    assert [c["email"] for c in contacts(ws)] == ["fay@example.com"]


def test_undo_refused_when_a_later_import_depends_on_it(ws, write, run) -> None:
    first = run(write("c.csv", "email\nnew@example.com\n"))
    later = run(
        write("o.csv", "email,date,amount\nnew@example.com,2024-01-03,6\n"),
        "events",
        maps=("date=occurred_at",),
    )
    refusal = (
        f"import {first.batch_id} cannot be undone yet: import {later.batch_id} (o.csv) added "
        f"events to contacts it created; undo import {later.batch_id} first"
    )
    assert ws.imports.undo_refusal(first.batch_id) == refusal
    with pytest.raises(UserError) as refused:
        ws.imports.undo(first.batch_id)
    assert str(refused.value) == refusal
    assert ws.imports.undo_refusal(later.batch_id) is None
    ws.imports.undo(later.batch_id)
    ws.imports.undo(first.batch_id)
    assert contacts(ws) == []


def test_undo_unknown_import(ws) -> None:
    with pytest.raises(NotFoundError, match="no import with id 42"):
        ws.imports.undo(42)


def test_home_alerts_come_from_the_last_import(ws, write, run) -> None:
    run(write("b.csv", "email,name\nb@example.com,B\nnot an email,N\n,Nobody\n"))
    alerts = ws.summary().alerts
    texts = [a.text for a in alerts]
    # The row with the invalid email is one of the two rejected ones: counted once.
    assert "2 rows rejected by the last import (b.csv), 1 with an invalid email" in texts
    assert [a.count for a in alerts if "b.csv" in a.text] == [2]
    assert ws.summary().imports == 1


def test_the_latest_import_to_undo_first_is_named(ws, write, run) -> None:
    first = run(write("c.csv", "email\nnew@example.com\n"))
    orders = ("o1.csv", "o2.csv", "o3.csv")
    for day, name in enumerate(orders, start=1):
        run(
            write(name, f"email,date,amount\nnew@example.com,2024-01-0{day},6\n"),
            "events",
            maps=("date=occurred_at",),
        )
    assert "undo import 4 first" in ws.imports.undo_refusal(first.batch_id)
    ws.imports.undo(4)
    assert "import 3 (o2.csv)" in ws.imports.undo_refusal(first.batch_id)


def test_undo_refusal_names_pins_and_states(ws, write, run) -> None:
    report = run(write("c.csv", "email\nnew@example.com\n"))
    ws.segments.create("VIP", 'email ends with "@vip.example"')
    ws.segments.pin("VIP", "new@example.com", "include")
    assert ws.imports.undo_refusal(report.batch_id) == (
        f"import {report.batch_id} created contacts that 1 segment pin names; "
        "remove those pins first"
    )
    ws.segments.unpin("VIP", "new@example.com")
    assert ws.imports.undo_refusal(report.batch_id) is None
    ws.imports.undo(report.batch_id)
    assert ws.imports.undo_refusal(report.batch_id) == f"import {report.batch_id} is undone already"
    with pytest.raises(NotFoundError, match="no import with id 42"):
        ws.imports.undo_refusal(42)
