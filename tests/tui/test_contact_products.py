"""A contact's page at 80x24 shows what they bought, the most recent first; b brings it up."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from segdesk.tui.app import make_app
from segdesk.tui.screens.contact import ContactScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.workspace import Workspace
from tests.factories import add_orders, new_shop
from tests.order_lines import add_orders_with_lines
from tests.test_products import ANA, ORDERS, day
from tests.tui.helpers import plain, settle


async def test_the_contact_page_shows_what_they_bought(tmp_path: Path) -> None:
    db = new_shop(
        tmp_path, [{"email": f"p{i}@example.com", "first_name": f"P{i}"} for i in range(3)]
    )
    with Workspace.open(db) as ws:
        add_orders_with_lines(ws.engine, ORDERS)
    app = make_app(db=str(db))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in ("c", "enter"):  # the first contact, Ana
            await pilot.press(key)
            await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen) and screen.contact_id == ANA
        title = plain(screen.query_one("#bought-title", Static))
        assert "3 products" in title and "1 refunded or cancelled order left out" in title
        rows = [line.split() for line in plain(screen.query_one("#bought", Static)).splitlines()]
        assert rows[0] == ["Last", "bought", "Product", "Times", "Qty", "Amount"]
        assert rows[1:] == [
            ["2025-02-09", "House", "Blend", "2", "3", "70.00"],
            ["2025-02-09", "Paper", "Filters", "100", "1", "2", "15.00"],
            ["2025-01-05", "Cold", "Brew", "Kit", "1", "1", "39.00"],
        ]
        assert "Burr Grinder" not in plain(screen.query_one("#bought", Static))
        detail = screen.query_one("#detail", VerticalScroll)
        bought = screen.query_one("#bought", Static)
        assert bought.region.y >= detail.region.bottom  # below a screenful of fields
        await pilot.press("b")
        await settle(app, pilot)
        assert detail.region.y <= bought.region.y and bought.region.bottom <= detail.region.bottom
        assert ("b", "What they bought") in footer_keys(app)


def footer_keys(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The keys the footer shows, each fully inside the 80 columns."""
    keys = list(app.screen.query_one(Footer).query(FooterKey))
    assert all(k.region.right <= 80 for k in keys)
    return [(k.key, k.description) for k in keys]


async def test_orders_without_lines_say_so(tmp_path: Path) -> None:
    db = new_shop(tmp_path, [{"email": "old@example.com", "first_name": "Old"}])
    with Workspace.open(db) as ws:
        add_orders(ws.engine, 1, [(day(1, 1), 10.0), (day(2, 1), 12.0)])
    app = make_app(db=str(db))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in ("c", "enter"):
            await pilot.press(key)
            await settle(app, pilot)
        shown = plain(app.screen.query_one("#bought", Static))
        assert "Their 2 orders came from a file without product columns" in shown
