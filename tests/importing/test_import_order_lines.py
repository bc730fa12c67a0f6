"""Line-item exports read as orders with their lines: Shopify, WooCommerce, Square, any file.

Each shape is imported as a new user would (the suggested mapping), and the orders, their
lines, quantities, totals and statuses are checked against the file; importing it again
changes nothing; undoing it leaves the database as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from segdesk.errors import UserError
from segdesk.ingest import importer
from segdesk.ingest.known_exports import order_export
from segdesk.ingest.mapping import suggest_mapping
from segdesk.ingest.values.order_status import normalise_status
from segdesk.store.utc_seconds import from_seconds
from segdesk.workspace import Workspace
from tests.factories import add_contacts
from tests.importing.test_import_chunks import SMALL_CHUNK

SHOPIFY = (
    "Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Vendor\n"
    "#1001,fay@example.com,paid,2024-06-30 12:05:00 +0200,EUR,49.20,5.00,0.00,54.20,"
    "2024-06-30 12:00:00 +0200,2,House Blend 250g,12.60,HB-250,Roastery\n"
    "#1001,fay@example.com,,,,,,,,,1,Cold Brew Kit,24.00,CB-KIT,Brewco\n"
    "#1002,gus@example.com,refunded,2024-07-01 09:05:00 -0400,EUR,13.00,0.00,0.00,13.00,"
    "2024-07-01 09:00:00 -0400,1,Decaf Colombia 250g,13.00,DC-250,Roastery\n"
    "#1003,fay@example.com,partially_refunded,2024-07-02 10:00:00 +0000,EUR,52.00,0.00,0.00,"
    "52.00,2024-07-02 10:00:00 +0000,1,Gift Card,40.00,,\n"
    "#1003,fay@example.com,,,,,,,,,4,Paper Filters,3.00,PF-100,Brewco\n"
    "#1004,hal@example.com,voided,,EUR,12.60,0.00,0.00,12.60,2024-07-03 08:00:00 +0000,1,"
    "House Blend 250g,12.60,HB-250,Roastery\n"
)

WOOCOMMERCE = (
    "Order Number,Order Status,Order Date,Billing First Name,Billing Email,Order Total,"
    "Item Name,SKU,Quantity,Item Cost,Item Total,Category\n"
    "1201,wc-completed,2024-05-02 10:15,Hana,hana@example.jp,61.50,House Blend 1kg,HB-1000,1,"
    "42.00,42.00,Beans\n"
    "1201,wc-completed,2024-05-02 10:15,Hana,hana@example.jp,61.50,Paper Filters,PF-100,3,"
    "6.50,19.50,Equipment\n"
    "1202,Processing,2024-05-03 11:00,Ivo,ivo@example.nl,15.00,Decaf Colombia 250g,DC-250,1,"
    "15.00,15.00,Beans\n"
    "1203,Cancelled,2024-05-04 12:00,Hana,hana@example.jp,35.00,Aeropress,AP-1,1,35.00,35.00,"
    "Equipment\n"
    "1204,On hold,2024-05-05 09:30,Ivo,ivo@example.nl,84.00,House Blend 1kg,HB-1000,2,42.00,"
    "84.00,Beans\n"
    "1205,failed,2024-05-06 09:30,Ivo,ivo@example.nl,6.50,Paper Filters,PF-100,1,6.50,6.50,"
    "Equipment\n"
)

SQUARE = (
    "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,"
    "Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,"
    "Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID\n"
    "2024-03-04,08:15:02,Europe/London,Coffee,Flat White,2,Regular,FW-R,,$7.00,$0.00,$7.00,"
    "$0.00,TX-AAA,P-1,Till,,,Payment,Market St,,SQ-001,Ann Lee,\n"
    "2024-03-04,08:15:02,Europe/London,Bakery,Croissant,1,,CR-1,,$3.20,-$0.20,$3.00,$0.00,"
    "TX-AAA,P-1,Till,,,Payment,Market St,,SQ-001,Ann Lee,\n"
    "2024-03-05,17:40:11,Europe/London,Beans,House Blend 250g,1,,HB-250,,$12.60,$0.00,"
    "$12.60,$0.00,TX-BBB,P-2,Till,,,Payment,Market St,,SQ-002,Bo Chen,\n"
    "2024-03-06,09:00:00,Europe/London,Beans,House Blend 250g,-1,,HB-250,,-$12.60,$0.00,"
    "-$12.60,$0.00,TX-CCC,P-3,Till,,,Refund,Market St,,SQ-002,Bo Chen,\n"
    "2024-03-07,08:00:00,Europe/London,Coffee,Flat White,1,Regular,FW-R,,$3.50,$0.00,$3.50,"
    "$0.00,TX-DDD,P-4,Till,,,Payment,Market St,,SQ-001,Ann Lee,\n"
    "2024-03-07,08:00:00,Europe/London,Coffee,Flat White,1,Regular,FW-R,,$3.50,$0.00,$3.50,"
    "$0.00,TX-DDD,P-4,Till,,,Payment,Market St,,SQ-001,Ann Lee,\n"
)

GENERIC = (
    "order id,email,date,product,category,qty,price,status\n"
    "A-1,jo@example.com,2024-02-01,Ethiopia Yirgacheffe 250g,Beans,2,11.50,paid\n"
    "A-2,kim@example.com,2024-02-03,Gift Box,Gifts,1,30.00,Refunded\n"
    "A-1,jo@example.com,2024-02-01,Aeropress,Equipment,1,35.00,paid\n"
    "A-3,kim@example.com,2024-02-04,Decaf Colombia 250g,Beans,3,13.00,Pending Payment\n"
    ",jo@example.com,2024-02-05,Paper Filters,Equipment,2,3.00,awaiting pickup\n"
)


def orders(ws: Workspace) -> list[dict[str, Any]]:
    """Every order by ref (or date for those without), as the database holds it."""
    rows = _query(
        ws,
        "SELECT e.ref, c.email, c.external_id, e.occurred_at, e.amount, e.quantity, e.status "
        "FROM event e JOIN contact c ON c.id = e.contact_id ORDER BY e.id",
    )
    return [
        {
            "ref": ref,
            "contact": email or external_id,
            "at": from_seconds(at).isoformat(" ")[:16],
            "amount": amount,
            "quantity": quantity,
            "status": status,
        }
        for ref, email, external_id, at, amount, quantity, status in rows
    ]


def lines(ws: Workspace) -> list[tuple[Any, ...]]:
    """Every line: its order's ref, number, product, sku, category, quantity, prices."""
    return [
        tuple(row)
        for row in _query(
            ws,
            "SELECT e.ref, l.line_no, l.product, l.sku, l.category, l.quantity, l.unit_price, "
            "l.line_total FROM order_line l JOIN event e ON e.id = l.event_id "
            "ORDER BY e.id, l.line_no",
        )
    ]


def line_keys(ws: Workspace) -> list[tuple[Any, ...]]:
    """Each line's contact and time against its order's: they must be the order's."""
    return _query(
        ws,
        "SELECT l.contact_id = e.contact_id, l.occurred_at = e.occurred_at "
        "FROM order_line l JOIN event e ON e.id = l.event_id",
    )


def _query(ws: Workspace, sql: str) -> list[Any]:
    with ws.engine.connect() as conn:
        return list(conn.exec_driver_sql(sql).all())


def state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the import history (an undo marks its import undone)."""
    with sqlite3.connect(path) as db:
        names = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in ("import_batch", "meta")
        ]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}


def _check_again_and_undo(ws: Workspace, run: Any, path: Path, tmp_path: Path, **options: Any):
    """Importing the file again changes nothing; undoing the first import restores all."""
    before = state(tmp_path / "shop.db")
    first = run(path, "events", **options)
    stored = state(tmp_path / "shop.db")
    again = run(path, "events", **options)
    assert (again.read, again.inserted, again.merged, again.unchanged, again.lines) == (
        first.read - first.rejected,
        0,
        0,
        first.read - first.rejected,
        0,
    )
    assert state(tmp_path / "shop.db") == stored
    ws.imports.undo(again.batch_id)
    ws.imports.undo(first.batch_id)
    assert state(tmp_path / "shop.db") == before
    return first


class TestShopify:
    """The order's values on its first row only; later rows repeat Name and Email."""

    def test_orders_lines_quantities_totals_and_statuses(self, ws, write, run) -> None:
        report = run(write("orders_export.csv", SHOPIFY), "events")
        assert (report.read, report.inserted, report.merged, report.rejected) == (6, 4, 2, 0)
        assert report.lines == 6
        assert orders(ws) == [
            _o("#1001", "fay@example.com", "2024-06-30T10:00", 54.2, 3.0, "paid"),
            _o("#1002", "gus@example.com", "2024-07-01T13:00", 13.0, 1.0, "refunded"),
            _o("#1003", "fay@example.com", "2024-07-02T10:00", 52.0, 5.0, "partially refunded"),
            _o("#1004", "hal@example.com", "2024-07-03T08:00", 12.6, 1.0, "voided"),
        ]
        assert lines(ws) == [
            ("#1001", 1, "House Blend 250g", "HB-250", None, 2.0, 12.6, 25.2),
            ("#1001", 2, "Cold Brew Kit", "CB-KIT", None, 1.0, 24.0, 24.0),
            ("#1002", 1, "Decaf Colombia 250g", "DC-250", None, 1.0, 13.0, 13.0),
            ("#1003", 1, "Gift Card", None, None, 1.0, 40.0, 40.0),
            ("#1003", 2, "Paper Filters", "PF-100", None, 4.0, 3.0, 12.0),
            ("#1004", 1, "House Blend 250g", "HB-250", None, 1.0, 12.6, 12.6),
        ]
        assert set(line_keys(ws)) == {(1, 1)}
        assert "looks like a Shopify order export" in " ".join(report.decisions)
        assert report.quality.warnings == {}

    def test_again_changes_nothing_and_undo_is_exact(self, ws, write, run, tmp_path) -> None:
        add_contacts(ws.engine, [{"email": "fay@example.com"}])
        path = write("orders_export.csv", SHOPIFY)
        _check_again_and_undo(ws, run, path, tmp_path)


class TestWooCommerce:
    """Every row repeats the order's values; statuses in WooCommerce's words."""

    def test_orders_lines_quantities_totals_and_statuses(self, ws, write, run) -> None:
        report = run(write("woo-orders.csv", WOOCOMMERCE), "events")
        assert (report.read, report.inserted, report.merged, report.rejected) == (6, 5, 1, 0)
        assert report.lines == 6
        assert orders(ws) == [
            _o("1201", "hana@example.jp", "2024-05-02T10:15", 61.5, 4.0, "paid"),
            _o("1202", "ivo@example.nl", "2024-05-03T11:00", 15.0, 1.0, "paid"),
            _o("1203", "hana@example.jp", "2024-05-04T12:00", 35.0, 1.0, "cancelled"),
            _o("1204", "ivo@example.nl", "2024-05-05T09:30", 84.0, 2.0, "pending"),
            _o("1205", "ivo@example.nl", "2024-05-06T09:30", 6.5, 1.0, "voided"),
        ]
        assert lines(ws) == [
            ("1201", 1, "House Blend 1kg", "HB-1000", "Beans", 1.0, 42.0, 42.0),
            ("1201", 2, "Paper Filters", "PF-100", "Equipment", 3.0, 6.5, 19.5),
            ("1202", 1, "Decaf Colombia 250g", "DC-250", "Beans", 1.0, 15.0, 15.0),
            ("1203", 1, "Aeropress", "AP-1", "Equipment", 1.0, 35.0, 35.0),
            ("1204", 1, "House Blend 1kg", "HB-1000", "Beans", 2.0, 42.0, 84.0),
            ("1205", 1, "Paper Filters", "PF-100", "Equipment", 1.0, 6.5, 6.5),
        ]
        assert "looks like a WooCommerce order export" in " ".join(report.decisions)
        assert report.quality.warnings == {}

    def test_again_changes_nothing_and_undo_is_exact(self, ws, write, run, tmp_path) -> None:
        _check_again_and_undo(ws, run, write("woo-orders.csv", WOOCOMMERCE), tmp_path)


class TestSquare:
    """Itemised transactions: no order total, so the sale's is the sum of its net sales."""

    def test_orders_lines_quantities_totals_and_statuses(self, ws, write, run) -> None:
        report = run(write("items-2024.csv", SQUARE), "events")
        assert (report.read, report.inserted, report.merged, report.rejected) == (6, 4, 2, 0)
        assert report.lines == 6
        assert orders(ws) == [
            _o("TX-AAA", "SQ-001", "2024-03-04T00:00", 10.0, 3.0, "paid"),
            _o("TX-BBB", "SQ-002", "2024-03-05T00:00", 12.6, 1.0, "paid"),
            _o("TX-CCC", "SQ-002", "2024-03-06T00:00", -12.6, -1.0, "refunded"),
            _o("TX-DDD", "SQ-001", "2024-03-07T00:00", 7.0, 2.0, "paid"),
        ]
        assert lines(ws) == [
            ("TX-AAA", 1, "Flat White", "FW-R", "Coffee", 2.0, None, 7.0),
            ("TX-AAA", 2, "Croissant", "CR-1", "Bakery", 1.0, None, 3.0),
            ("TX-BBB", 1, "House Blend 250g", "HB-250", "Beans", 1.0, None, 12.6),
            ("TX-CCC", 1, "House Blend 250g", "HB-250", "Beans", -1.0, None, -12.6),
            # two identical rows are two items sold, as two identical orders are two orders
            ("TX-DDD", 1, "Flat White", "FW-R", "Coffee", 1.0, None, 3.5),
            ("TX-DDD", 2, "Flat White", "FW-R", "Coffee", 1.0, None, 3.5),
        ]
        assert "contacts matched by external id" in report.decisions
        assert report.quality.warnings == {"amounts below zero (refunds?)": 1}

    def test_again_changes_nothing_and_undo_is_exact(self, ws, write, run, tmp_path) -> None:
        _check_again_and_undo(ws, run, write("items-2024.csv", SQUARE), tmp_path)


class TestGenericFile:
    """Names no shop uses alone; an order's rows apart; no total column; no ref on a row."""

    def test_orders_lines_quantities_totals_and_statuses(self, ws, write, run) -> None:
        report = run(write("sales.csv", GENERIC), "events")
        assert (report.read, report.inserted, report.merged, report.rejected) == (5, 4, 1, 0)
        assert report.lines == 5
        assert orders(ws) == [
            _o("A-1", "jo@example.com", "2024-02-01T00:00", 58.0, 3.0, "paid"),
            _o("A-2", "kim@example.com", "2024-02-03T00:00", 30.0, 1.0, "refunded"),
            _o("A-3", "kim@example.com", "2024-02-04T00:00", 39.0, 3.0, "pending"),
            _o(None, "jo@example.com", "2024-02-05T00:00", 6.0, 2.0, "awaiting pickup"),
        ]
        assert lines(ws) == [
            ("A-1", 1, "Ethiopia Yirgacheffe 250g", None, "Beans", 2.0, 11.5, 23.0),
            ("A-1", 2, "Aeropress", None, "Equipment", 1.0, 35.0, 35.0),
            ("A-2", 1, "Gift Box", None, "Gifts", 1.0, 30.0, 30.0),
            ("A-3", 1, "Decaf Colombia 250g", None, "Beans", 3.0, 13.0, 39.0),
            (None, 1, "Paper Filters", None, "Equipment", 2.0, 3.0, 6.0),
        ]
        assert any(d.startswith("'status': read as order statuses") for d in report.decisions)

    def test_again_changes_nothing_and_undo_is_exact(self, ws, write, run, tmp_path) -> None:
        _check_again_and_undo(ws, run, write("sales.csv", GENERIC), tmp_path)

    def test_the_same_mapping_with_map(self, ws, write, run) -> None:
        """Columns named as no alias knows them, mapped with ``--map``."""
        text = (
            "Bestellung,Kunde,Tag,Artikelbez,Warengr,Stk,EP,Summe,Zustand\n"
            "B1,jo@example.com,2024-02-01,Aeropress,Equipment,1,35.00,35.00,bezahlt\n"
            "B1,jo@example.com,2024-02-01,Filter,Equipment,2,3.00,6.00,bezahlt\n"
        )
        report = run(
            write("de.csv", text),
            "events",
            maps=(
                "Bestellung=ref",
                "Kunde=email",
                "Tag=occurred_at",
                "Artikelbez=product",
                "Warengr=category",
                "Stk=quantity",
                "EP=unit_price",
                "Summe=line_total",
                "Zustand=status",
            ),
        )
        assert (report.inserted, report.merged, report.lines) == (1, 1, 2)
        assert orders(ws) == [
            _o("B1", "jo@example.com", "2024-02-01T00:00", 41.0, 3.0, "bezahlt"),
        ]
        assert lines(ws) == [
            ("B1", 1, "Aeropress", None, "Equipment", 1.0, 35.0, 35.0),
            ("B1", 2, "Filter", None, "Equipment", 2.0, 3.0, 6.0),
        ]


class TestRowsOfOneOrder:
    def test_a_row_giving_another_total_keeps_the_first_and_is_named(self, ws, write, run):
        text = (
            "order id,email,date,total,product,qty,status\n"
            "A-1,jo@example.com,2024-02-01,50.00,Aeropress,1,paid\n"
            "A-1,jo@example.com,2024-02-01,60.00,Filter,2,refunded\n"
            "A-1,jo@example.com,2024-02-01,50.00,Scoop,1,paid\n"
        )
        report = run(write("sales.csv", text), "events")
        assert (report.inserted, report.merged, report.unchanged, report.lines) == (1, 2, 0, 3)
        assert orders(ws) == [_o("A-1", "jo@example.com", "2024-02-01T00:00", 50.0, 4.0, "paid")]
        assert report.quality.warnings == {
            "rows giving their order another total than its first row did (the first at line "
            "3); the first total was kept": 1,
            "rows giving their order another status than its first row did (the first at line "
            "3); the first status was kept": 1,
        }

    def test_rows_without_line_fields_add_their_quantities(self, ws, write, run) -> None:
        text = (
            "order id,email,date,total,qty\n"
            "A-1,jo@example.com,2024-02-01,50.00,1\n"
            "A-1,jo@example.com,2024-02-01,,2\n"
        )
        report = run(write("sales.csv", text), "events")
        assert (report.inserted, report.merged, report.unchanged, report.lines) == (1, 1, 0, 0)
        assert orders(ws) == [_o("A-1", "jo@example.com", "2024-02-01T00:00", 50.0, 3.0, None)]
        assert lines(ws) == []

    def test_a_row_whose_order_never_gets_a_date_is_rejected(self, ws, write, run) -> None:
        text = (
            "Name,Email,Created at,Total,Lineitem name,Lineitem quantity\n"
            "#1,jo@example.com,2024-02-01,5.00,Scoop,1\n"
            "#2,jo@example.com,,,Filter,1\n"
            "#2,,,,Filter,1\n"
        )
        report = run(write("orders.csv", text), "events")
        assert (report.inserted, report.merged, report.rejected) == (1, 0, 2)
        assert [(r.line, r.reason) for r in report.rejects_preview] == [
            (3, "no date for the event"),
            (4, "no email, the key of this import"),
        ]


class TestChunks:
    """The writer works a chunk at a time; an order's rows may be in several, anywhere."""

    @staticmethod
    def _file(orders_count: int) -> str:
        """Shopify-like: each order's first row, then its other rows, some far below."""
        rows = ["Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name"]
        late: list[str] = []
        for n in range(1, orders_count + 1):
            rows.append(f"#{n},c{n % 7}@example.com,paid,{n}.00,2024-01-{n % 28 + 1:02d},1,A{n}")
            rows.append(f"#{n},c{n % 7}@example.com,,,,2,B{n}")
            (late if n % 3 == 0 else rows).append(f"#{n},c{n % 7}@example.com,,,,3,C{n}")
        return "\n".join([*rows, *late]) + "\n"

    def test_split_orders_are_put_together_as_in_one_chunk(
        self, ws, write, run, tmp_path, monkeypatch
    ) -> None:
        text = self._file(120)  # 360 rows: four chunks of 97
        one = Workspace.open(tmp_path / "one.db")
        try:
            shape = one.imports.inspect(write("one.csv", text))
            one.imports.run(
                shape,
                one.imports.suggest_mapping(shape, "events"),
                importer.ImportOptions(target="events"),
                rejects=tmp_path / "r1.csv",
            )
            whole = (orders(one), lines(one))
        finally:
            one.close()
        monkeypatch.setattr(importer, "CHUNK_ROWS", SMALL_CHUNK)
        report = run(write("split.csv", text), "events")
        assert (report.read, report.inserted, report.merged, report.lines) == (360, 120, 240, 360)
        assert (orders(ws), lines(ws)) == whole
        assert orders(ws)[2] == _o("#3", "c3@example.com", "2024-01-04T00:00", 3.0, 6.0, "paid")
        assert [line[:3] for line in lines(ws) if line[0] == "#3"] == [
            ("#3", 1, "A3"),
            ("#3", 2, "B3"),
            ("#3", 3, "C3"),
        ]
        again = run(write("split.csv", text), "events")
        assert (again.inserted, again.merged, again.unchanged, again.lines) == (0, 0, 360, 0)

    def test_a_row_before_its_order_in_an_earlier_chunk_waits_for_it(
        self, ws, write, run, monkeypatch
    ) -> None:
        monkeypatch.setattr(importer, "CHUNK_ROWS", SMALL_CHUNK)
        filler = [f"#f{n},a@example.com,paid,1.00,2024-01-01,1,F" for n in range(SMALL_CHUNK)]
        text = "\n".join(
            [
                "Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name",
                "#9,b@example.com,,,,2,Early",
                *filler,
                "#9,b@example.com,paid,9.00,2024-01-09,1,Dated",
            ]
        )
        report = run(write("late.csv", text + "\n"), "events")
        assert (report.inserted, report.merged, report.rejected) == (SMALL_CHUNK + 1, 1, 0)
        assert orders(ws)[-1] == _o("#9", "b@example.com", "2024-01-09T00:00", 9.0, 3.0, "paid")
        # numbered as it was taken up, after the lines of its order's chunk (docs/import.md)
        assert [line[1:3] for line in lines(ws) if line[0] == "#9"] == [(1, "Dated"), (2, "Early")]


class TestReportAndHistory:
    def test_counts_in_the_json_text_and_history(self, ws, write, run) -> None:
        report = run(write("orders_export.csv", SHOPIFY), "events")
        data = report.to_json()
        assert {k: data[k] for k in ("read", "inserted", "merged", "rejected", "lines")} == {
            "read": 6,
            "inserted": 4,
            "merged": 2,
            "rejected": 0,
            "lines": 6,
        }
        [run_] = ws.imports.history()
        assert (run_.read, run_.inserted, run_.merged, run_.lines) == (6, 4, 2, 6)
        assert run_.to_json()["lines"] == 6


def _o(
    ref: str | None, contact: str, at: str, amount: Any, quantity: Any, status: str | None
) -> dict[str, Any]:
    """An order as ``orders`` lists it."""
    return {
        "ref": ref,
        "contact": contact,
        "at": at.replace("T", " "),
        "amount": amount,
        "quantity": quantity,
        "status": status,
    }


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("paid", "paid"),
        ("Completed", "paid"),
        ("wc-processing", "paid"),
        ("Payment", "paid"),
        ("pending", "pending"),
        ("wc-on-hold", "pending"),
        ("authorized", "pending"),
        ("partially_paid", "pending"),
        ("REFUNDED", "refunded"),
        ("Refund", "refunded"),
        ("partially_refunded", "partially refunded"),
        ("Partially Refunded", "partially refunded"),
        ("voided", "voided"),
        ("failed", "voided"),
        ("expired", "voided"),
        ("Canceled", "cancelled"),
        ("wc-cancelled", "cancelled"),
        ("  Awaiting Pickup ", "awaiting pickup"),
        ("", None),
    ],
)
def test_status_words(written: str, stored: str | None) -> None:
    assert normalise_status(written) == stored


def test_order_field_names_are_kept_for_events_only() -> None:
    """A contacts file keeps a custom "status"; in an events file it would be the order's."""
    contacts = suggest_mapping(["email", "Status"], samples={"Status": ["gold"]})
    assert contacts.column("Status").field == "status"
    mapping = suggest_mapping(["email", "date", "Status", "Product"], "events")
    skipped = mapping.with_overrides(["Status=skip"])
    assert [c.field for c in skipped.columns] == ["email", "occurred_at", None, "product"]
    with pytest.raises(UserError, match="cannot name a custom field"):
        mapping.with_overrides(["Status=custom:status"])


def test_only_the_three_shops_are_recognised() -> None:
    assert order_export(["order id", "email", "date", "product", "status"]) is None
    assert order_export(["Email", "Financial Status", "Lineitem name"]) is None  # no Name
