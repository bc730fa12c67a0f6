"""One contact: fields, custom attributes, segment memberships, what they bought, orders and
other events.

What they bought is one line per product, the most recently bought first, from the lines of
orders that count (refunded, voided and cancelled ones left out). The events come last and
whole (up to the latest 200), so that End shows the oldest of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import show_if_latest
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from segdesk.analysis.products import ContactProducts
    from segdesk.contact_values import ContactDetail
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

FIELD_LABELS = {
    "email": "Email",
    "first_name": "First name",
    "last_name": "Last name",
    "external_id": "External id",
    "phone": "Phone",
    "company": "Company",
    "job_title": "Job title",
    "city": "City",
    "region": "Region",
    "postal_code": "Postal code",
    "country": "Country",
    "source": "Source",
    "consent": "Consent",
    "created_at": "Created",
    "updated_at": "Updated",
}


class ContactScreen(ReportsFailures, Screen[None]):
    TITLE = "Contact"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="contact.back"),
        Binding("b", "show_bought", "What they bought", id="contact.bought"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="contact.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="contact.up"),
        Binding("G,end", "scroll_to(True)", "End", show=False, id="contact.end"),
        Binding("g,home", "scroll_to(False)", "Top", show=False, id="contact.top"),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id

    def compose(self) -> ComposeResult:
        yield TitleBar("Contact")
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="heading", classes="section-title")
            yield Static(id="fields", classes="pairs")
            yield Static("Custom fields", classes="section-title")
            yield Static(id="attributes", classes="pairs")
            yield Static("Segments", classes="section-title")
            yield Static(id="segments")
            yield Static("What they bought", classes="section-title", id="bought-title")
            yield Static(id="bought")
            yield Static("Orders and events", classes="section-title", id="events-title")
            yield Static(id="events")
        yield Footer()

    def on_mount(self) -> None:
        workspace = self.app.workspace
        if workspace is not None:
            self._load(workspace)

    @work(thread=True, exclusive=True, group="contact-detail", exit_on_error=False)
    def _load(self, workspace: Workspace) -> None:
        detail = workspace.contacts.detail(self.contact_id)
        bought = workspace.products.bought_by(self.contact_id)
        show_if_latest(self.app, self._show, detail, bought)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        self.query_one("#heading", Static).update("This contact could not be shown.")
        return False

    def _show(self, d: ContactDetail, bought: ContactProducts) -> None:
        self.query_one("#heading", Static).update(d.name)
        self.query_one("#fields", Static).update(
            _pairs((FIELD_LABELS.get(k, k), v) for k, v in d.fields.items())
        )
        self.query_one("#attributes", Static).update(
            _pairs(sorted(d.attributes.items())) if d.attributes else "None"
        )
        self.query_one("#events-title", Static).update(events_title(d))
        self.query_one("#events", Static).update(_events(d) if d.events else "None yet")
        self.query_one("#segments", Static).update(
            ", ".join(map(str, d.segments)) if d.segments else "In no segment"
        )
        self.query_one("#bought-title", Static).update(_bought_title(bought))
        self.query_one("#bought", Static).update(_bought(bought))

    def action_scroll(self, lines: int) -> None:
        self.query_one("#detail", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_show_bought(self) -> None:
        """Bring what they bought to the top: it sits below a screenful of fields."""
        self.query_one("#detail", VerticalScroll).scroll_to_widget(
            self.query_one("#bought-title"), animate=False, top=True, immediate=True
        )

    def action_scroll_to(self, end: bool) -> None:
        detail = self.query_one("#detail", VerticalScroll)
        if end:
            detail.scroll_end(animate=False, immediate=True)
        else:
            detail.scroll_home(animate=False, immediate=True)


def events_title(d: ContactDetail) -> str:
    """The orders that count and their total, what was left out, and how many events show:
    "Orders and events · 12 orders, 840.00 in total · 1 refunded left out"."""
    parts = [
        "Orders and events",
        f"{d.order_count:,} {_plural(d.order_count, 'order')}, {d.order_total:,.2f} in total",
    ]
    if d.orders_left_out:
        shown = ", ".join(f"{n:,} {status}" for status, n in d.orders_left_out.items())
        parts.append(f"{shown} left out")
    if d.event_count > len(d.events):
        parts.append(f"latest {len(d.events)} of {d.event_count:,} shown")
    return " · ".join(parts)


def _pairs(items: Any) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in items:
        table.add_row(str(label), _show_value(value))
    return table


def _show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _table(*columns: tuple[str, JustifyMethod]) -> Table:
    """A borderless table with bold headings, as the contact page lays its lists out."""
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    for title, justify in columns:
        table.add_column(title, justify=justify)
    return table


def _events(d: ContactDetail) -> Table:
    table = _table(("Date", "left"), ("Kind", "left"), ("Amount", "right"), ("Qty", "right"))
    table.add_column("Ref")
    for e in d.events:
        table.add_row(
            e.occurred_at.strftime("%Y-%m-%d"),
            e.kind,
            "" if e.amount is None else f"{e.amount:,.2f}",
            "" if e.quantity is None else f"{e.quantity:g}",
            e.ref or "",
        )
    return table


def _bought_title(bought: ContactProducts) -> str:
    orders = bought.orders
    parts = ["What they bought"]
    if bought.products:
        parts.append(f"{len(bought.products):,} {_plural(len(bought.products), 'product')}")
    if orders.left_out:
        parts.append(
            f"{orders.left_out:,} refunded or cancelled {_plural(orders.left_out, 'order')} "
            "left out"
        )
    return " · ".join(parts)


def _bought(bought: ContactProducts) -> Table | str:
    without = bought.orders.without_lines
    if not bought.products:
        if without:
            return (
                f"Their {without:,} {_plural(without, 'order')} came from a file without "
                "product columns: no line items to show."
            )
        return "Nothing yet"
    table = _table(
        ("Last bought", "left"),
        ("Product", "left"),
        ("Times", "right"),
        ("Qty", "right"),
        ("Amount", "right"),
    )
    for p in bought.products:
        table.add_row(
            p.last_sold.strftime("%Y-%m-%d"),
            p.name,
            f"{p.orders:,}",
            f"{p.quantity:g}",
            f"{p.revenue:,.2f}",
        )
    if without:
        table.add_row("", f"and {without:,} {_plural(without, 'order')} without line items")
    return table


def _plural(n: int, noun: str) -> str:
    return noun if n == 1 else noun + "s"
