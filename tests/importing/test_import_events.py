"""Importing orders and other events: contacts found or created, never a doubled event."""

from __future__ import annotations

from tests.factories import add_contacts
from tests.importing.conftest import contacts, events

TRANSACTIONS = (
    "DATE      CUSTOMER_ID  AMOUNT   QTY  STORE\n"
    "--------  -----------  -------  ---  -----\n"
    "20240105  000123         19.99    1  LEEDS\n"
    "20240105  000123         19.99    1  LEEDS\n"
    "20240212  004567        120.00   12  YORK\n"
    "\n"
    "20240301  000123       1250.50    3  LEEDS\n"
    "20240302  089000          5.00    1  YORK\n"
    "20240303  000999         -7.50    1  LEEDS\n"
)

SHOPIFY = (
    "Name,Email,Financial Status,Paid at,Subtotal,Total,Created at,Lineitem quantity,"
    "Lineitem name\n"
    "#1001,fay@example.com,paid,2024-06-30 12:05:00 +0200,100.00,123.00,"
    "2024-06-30 12:00:00 +0200,2,Rye loaf\n"
    "#1001,fay@example.com,,,,,2024-06-30 12:00:00 +0200,1,Bagel\n"
    "#1002,gus@example.com,paid,2024-07-01 09:00:00 -0400,8.50,9.61,"
    "2024-07-01 08:59:00 -0400,1,Bagel\n"
    "#1003,not-an-email,paid,2024-07-02 09:00:00 -0400,8.50,9.61,"
    "2024-07-02 08:59:00 -0400,1,Bagel\n"
)


def _order(contact_id, when, amount, qty, ref=None, **attributes):  # type: ignore[no-untyped-def]
    return {
        "contact_id": contact_id,
        "kind": "order",
        "occurred_at": when,
        "amount": amount,
        "quantity": qty,
        "ref": ref,
        "attributes": attributes,
    }


class TestTransactionLog:
    def test_aligned_log_with_repeated_identical_rows(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "fay@example.com", "external_id": "000123"}])
        report = run(write("tx.log", TRANSACTIONS), "events")
        assert (
            report.read,
            report.inserted,
            report.unchanged,
            report.rejected,
            report.contacts_created,
        ) == (6, 6, 0, 0, 3)
        assert report.quality.warnings == {"amounts below zero (refunds?)": 1}
        assert "contacts matched by external id" in report.decisions
        assert events(ws) == [
            _order(1, "2024-01-05T00:00:00+00:00", 19.99, 1.0, store="LEEDS"),
            _order(1, "2024-01-05T00:00:00+00:00", 19.99, 1.0, store="LEEDS"),
            _order(2, "2024-02-12T00:00:00+00:00", 120.0, 12.0, store="YORK"),
            _order(1, "2024-03-01T00:00:00+00:00", 1250.5, 3.0, store="LEEDS"),
            _order(3, "2024-03-02T00:00:00+00:00", 5.0, 1.0, store="YORK"),
            _order(4, "2024-03-03T00:00:00+00:00", -7.5, 1.0, store="LEEDS"),
        ]
        assert [c["external_id"] for c in contacts(ws)] == ["000123", "004567", "089000", "000999"]

    def test_reimport_never_doubles(self, ws, write, run) -> None:
        path = write("tx.log", TRANSACTIONS)
        run(path, "events")
        stored = events(ws)
        again = run(path, "events")
        assert (again.read, again.inserted, again.unchanged, again.contacts_created) == (6, 0, 6, 0)
        assert events(ws) == stored

    def test_a_third_identical_row_later_is_one_more_order(self, ws, write, run) -> None:
        run(write("tx.log", TRANSACTIONS), "events")
        longer = TRANSACTIONS + "20240105  000123         19.99    1  LEEDS\n"
        report = run(write("tx2.log", longer), "events")
        assert (report.inserted, report.unchanged) == (1, 6)
        assert sum(e["amount"] == 19.99 for e in events(ws)) == 3

    def test_unknown_contacts_rejected_when_asked(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "fay@example.com", "external_id": "000123"}])
        report = run(write("tx.log", TRANSACTIONS), "events", create_missing=False)
        assert (report.inserted, report.rejected, report.contacts_created) == (3, 3, 0)
        assert [(r.line, r.reason) for r in report.rejects_preview] == [
            (5, "no contact with external id '004567'"),
            (8, "no contact with external id '089000'"),
            (9, "no contact with external id '000999'"),
        ]
        assert len(contacts(ws)) == 1


class TestShopOrders:
    def test_order_ids_line_items_and_time_zones(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "fay@example.com"}])
        report = run(write("orders.csv", SHOPIFY), "events")
        assert (
            report.read,
            report.inserted,
            report.merged,
            report.unchanged,
            report.rejected,
            report.contacts_created,
            report.lines,
        ) == (4, 2, 1, 0, 1, 1, 3)
        assert report.quality.repeated_refs == 1
        assert report.rejects_preview[0].line == 5
        assert events(ws) == [
            _order(
                1,
                "2024-06-30T10:00:00+00:00",
                123.0,
                3.0,
                "#1001",
                paid_at="2024-06-30T10:05:00",
                subtotal=100.0,
            ),
            _order(
                2,
                "2024-07-01T12:59:00+00:00",
                9.61,
                1.0,
                "#1002",
                paid_at="2024-07-01T13:00:00",
                subtotal=8.5,
            ),
        ]

    def test_other_kinds_of_event(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "fay@example.com"}])
        report = run(
            write("webinar.csv", "email,date,title\nfay@example.com,2024-09-01,Brewing at home\n"),
            "events",
            maps=("date=occurred_at",),
            kind="webinar",
        )
        assert report.inserted == 1
        [webinar] = events(ws)
        assert (webinar["kind"], webinar["amount"], webinar["attributes"]) == (
            "webinar",
            None,
            {"title": "Brewing at home"},
        )
