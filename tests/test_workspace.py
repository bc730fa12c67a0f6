"""The Workspace and its contacts facade: summary, fields, contact search, pages and detail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from segdesk.contact_values import ContactRecord, Membership
from segdesk.errors import NotFoundError
from segdesk.store.fields import FieldInfo
from segdesk.store.tables import Event
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_orders, add_segment

PEOPLE = [
    {
        "email": "ana.lopez@bakery.example",
        "first_name": "Ana",
        "last_name": "López",
        "company": "Sunrise Bakery",
        "city": "Austin",
        "country": "US",
        "external_id": "00042",
        "consent": "subscribed",
        "attributes": {"plan": "pro", "age": 34},
    },
    {
        "email": "ben@example.com",
        "first_name": "Ben",
        "last_name": "Okafor",
        "company": "Okafor & Sons",
        "city": "Leeds",
        "country": "GB",
        "external_id": "00043",
        "consent": "unsubscribed",
    },
    {
        "email": None,
        "first_name": "Cleo",
        "last_name": "Ana-Maria",
        "company": "100% Coffee_Co",
        "city": None,
        "country": "DE",
        "external_id": "X-7",
    },
    {
        "email": "dev@sunrise.example",
        "first_name": "Dev",
        "last_name": "Patel",
        "company": "Sunrise Bakery",
        "city": "Austin",
        "country": "US",
        "external_id": None,
        "consent": "subscribed",
    },
]


@pytest.fixture
def ws(tmp_path: Path):
    workspace = Workspace.open(tmp_path / "shop.db")
    add_contacts(workspace.engine, PEOPLE)
    utc = UTC
    add_orders(
        workspace.engine,
        1,
        [(datetime(2025, 1, 5, tzinfo=utc), 20.0), (datetime(2025, 2, 9, tzinfo=utc), 35.5)],
    )
    add_orders(workspace.engine, 1, [(datetime(2025, 3, 1, tzinfo=utc), None)], kind="webinar")
    add_orders(workspace.engine, 2, [(datetime(2024, 6, 1, tzinfo=utc), 12.25)])
    add_segment(
        workspace.engine,
        "Austin bakers",
        [1, 4],
        goal="Grow repeat orders",
        owner="Ana",
        next_review=date(2025, 1, 1),
    )
    add_segment(workspace.engine, "A retired one", [1], status="retired")
    yield workspace
    workspace.close()


class TestSearch:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ana", [1, 3]),  # first name, and inside a last name
            ("ANA", [1, 3]),  # case does not matter
            ("sunrise", [1, 4]),  # company and email domain
            ("00042", [1]),  # external id, leading zeros kept
            ("ben@example.com", [2]),  # whole email
            ("ana sunrise", [1]),  # every word must match somewhere
            ("ana austin", [1]),  # the city is searched too
            ("lopez", [1]),  # accents ignored: "lopez" finds "López"
            ("LÓPEZ", [1]),  # and "LÓPEZ" finds it too
            ("0%", [3]),  # % is a plain character, not a wildcard
            ("e_c", [3]),  # _ too
            ("zzz", []),
            ("  ", [1, 2, 3, 4]),  # blank search shows everyone
        ],
    )
    def test_search(self, ws: Workspace, text: str, expected: list[int]) -> None:
        rows = ws.contacts.contacts_page(0, 50, text)
        assert [r.id for r in rows] == expected
        assert ws.contacts.count_contacts(text) == len(expected)

    def test_pages(self, ws: Workspace) -> None:
        assert [r.id for r in ws.contacts.contacts_page(0, 2)] == [1, 2]
        assert [r.id for r in ws.contacts.contacts_page(2, 2)] == [3, 4]
        assert ws.contacts.contacts_page(4, 2) == []
        row = ws.contacts.contacts_page(0, 1)[0]
        assert (row.name, row.email, row.company, row.consent) == (
            "Ana López",
            "ana.lopez@bakery.example",
            "Sunrise Bakery",
            "subscribed",
        )


class TestRecords:
    def test_keyed_by_field_name_with_custom_fields(self, ws: Workspace) -> None:
        [found] = ws.contacts.records(search="lopez@")
        assert found.attributes == {"plan": "pro", "age": 34}
        record = found.to_json()
        assert record["id"] == found.id == 1
        assert record["email"] == "ana.lopez@bakery.example"
        assert record["external_id"] == "00042"
        assert record["first_name"] == "Ana"
        assert record["last_name"] == "López"
        assert record["consent"] == "subscribed"
        assert record["plan"] == "pro"
        assert record["age"] == 34
        assert record["created_at"] == "2025-03-01T12:00:00+00:00"
        for key in ("phone", "company", "city", "postal_code", "country", "job_title", "region"):
            assert key in record

    def test_a_custom_field_never_hides_a_core_one(self) -> None:
        record = ContactRecord(1, {"email": "a@example.com"}, {"email": "old", "tier": "gold"})
        assert record.to_json() == {"id": 1, "email": "a@example.com", "tier": "gold"}

    def test_limit(self, ws: Workspace) -> None:
        assert [r.id for r in ws.contacts.records(limit=3)] == [1, 2, 3]


class TestDetail:
    def test_contact_with_orders_events_and_segments(self, ws: Workspace) -> None:
        d = ws.contacts.detail(1)
        assert d.name == "Ana López"
        assert d.fields["company"] == "Sunrise Bakery"
        assert d.attributes == {"plan": "pro", "age": 34}
        assert [(e.occurred_at.date().isoformat(), e.kind) for e in d.events] == [
            ("2025-03-01", "webinar"),
            ("2025-02-09", "order"),
            ("2025-01-05", "order"),
        ]
        assert (d.event_count, d.order_count, d.order_total) == (3, 2, 55.5)
        assert d.segments == [Membership("A retired one", "retired"), Membership("Austin bakers")]
        assert [str(m) for m in d.segments] == ["A retired one (retired)", "Austin bakers"]

    def test_orders_that_do_not_count_are_left_out_and_counted_by_status(
        self, ws: Workspace
    ) -> None:
        at = datetime(2025, 4, 1, tzinfo=UTC)
        statuses = ["refunded", "cancelled", "refunded", "voided", "pending", "paid"]
        with ws.engine.begin() as conn:
            conn.execute(
                Event.__table__.insert(),
                [
                    {"contact_id": 2, "kind": "order", "occurred_at": at, "amount": 100.0 + i}
                    | {"status": status, "dedup_key": f"s-{i}", "attributes": {}}
                    for i, status in enumerate(statuses)
                ],
            )
        d = ws.contacts.detail(2)
        # the 12.25 order has no status (counts like paid), and the pending and paid ones
        assert (d.event_count, d.order_count, d.order_total) == (7, 3, 12.25 + 104.0 + 105.0)
        assert d.orders_left_out == {"refunded": 2, "cancelled": 1, "voided": 1}
        assert list(d.orders_left_out) == ["refunded", "cancelled", "voided"]
        assert ws.contacts.detail(1).orders_left_out == {}

    def test_contact_without_anything(self, ws: Workspace) -> None:
        d = ws.contacts.detail(3)
        assert d.name == "Cleo Ana-Maria"
        assert (d.events, d.order_count, d.order_total, d.segments) == ([], 0, 0.0, [])

    def test_missing_contact(self, ws: Workspace) -> None:
        with pytest.raises(NotFoundError, match="no contact with id 99"):
            ws.contacts.detail(99)


class TestSummary:
    def test_figures_and_alerts(self, ws: Workspace) -> None:
        s = ws.summary(today=date(2025, 6, 1))
        assert (s.contacts, s.orders, s.other_events) == (4, 3, 1)
        # Segments as the home list shows them, the retired one too; a documented playbook has a
        # goal, an owner and a next review; only active ones are due.
        assert (s.segments, s.documented, s.reviews_due) == (2, 1, 1)
        assert (s.imports, s.schemes, s.snapshots, s.exports) == (0, 0, 0, 0)
        assert [a.text for a in s.alerts] == [
            "1 contact without email",
            "1 unsubscribed",
            "1 with unknown consent",
        ]

    def test_empty_database(self, tmp_path: Path) -> None:
        with Workspace.open(tmp_path / "new.db") as ws:
            s = ws.summary()
            assert (s.contacts, s.orders, s.segments, s.alerts) == (0, 0, 0, ())


def test_fields_lists_core_fields(ws: Workspace) -> None:
    fields = ws.fields()
    assert fields[0] == FieldInfo(
        "email", "Email", "text", "core", "Email address, trimmed and lower-cased"
    )
    assert fields[0].to_json() == {
        "name": "email",
        "label": "Email",
        "type": "text",
        "origin": "core",
        "description": "Email address, trimmed and lower-cased",
    }
    assert {f.name: f.type for f in fields}["country"] == "category"
