"""`segdesk products`: what was bought, product by product; and the products group of
`segdesk fields`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, open_workspace, positive_int, print_json

if TYPE_CHECKING:
    from segdesk.analysis.products import NamedValue, OrderCounts, ProductNames, ProductsReport

SORT_CHOICES = ("revenue", "buyers", "orders", "name")
TABLE_LIMIT = 50
NAMES_SHOWN = 10
"""Product names, SKUs and categories `segdesk fields` shows of each without --all."""
LEFT_OUT = "refunded, voided and cancelled orders left out"
NAME_TERMS = (
    ("products", "orders(product)", "text", "product", "product name on an order's lines"),
    ("skus", "orders(sku)", "text", "SKU", "SKU on an order's lines"),
    ("categories", "orders(category)", "category", "category", "category on an order's lines"),
)
"""(ProductNames attribute, name in `fields --json`, type, word in the table, description)."""


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    products = commands.add_parser(
        "products",
        parents=[common],
        help="products with their buyers, orders, quantity and revenue",
        description="Products with their buyers (distinct contacts), orders, quantity, "
        "revenue and first and last sale, from the lines of orders; refunded, voided and "
        "cancelled orders are left out.",
    )
    products.add_argument(
        "--sort",
        choices=SORT_CHOICES,
        default="revenue",
        help="largest first by revenue (default), buyers or orders; or by name",
    )
    products.add_argument(
        "--limit",
        metavar="N",
        type=positive_int,
        default=None,
        help=f"at most N products (default: {TABLE_LIMIT} in a table, all with --json)",
    )
    products.add_argument("--json", action="store_true", help="print JSON")
    products.set_defaults(handler=cmd_products)


def cmd_products(args: argparse.Namespace) -> int:
    limit = args.limit if args.limit is not None or args.json else TABLE_LIMIT
    with open_workspace(args, "read") as ws:
        report = ws.products.report(args.sort, limit)
    if args.json:
        print_json(report.to_json())
        return EXIT_OK
    _print_report(report)
    return EXIT_OK


def _print_report(report: ProductsReport) -> None:
    from segdesk.output import print_table

    shown, total = len(report.products), report.product_count
    if total == 0:
        note(
            "No order has line items, so there are no products to show: import orders from "
            "a file with product columns (name, SKU, quantity, price) to see them here."
        )
        note(_orders_note(report.orders))
        return
    which = f"{total:,}" if shown == total else f"top {shown:,} of {total:,}"
    print_table(
        f"Products ({which}, by {report.sort})",
        ["product", "sku", "category", "buyers", "orders", "quantity", "revenue", "first", "last"],
        [
            [
                p.name,
                ", ".join(p.skus),
                ", ".join(p.categories),
                f"{p.buyers:,}",
                f"{p.orders:,}",
                quantity_text(p.quantity),
                f"{p.revenue:,.2f}",
                p.first_sold.strftime("%Y-%m-%d"),
                p.last_sold.strftime("%Y-%m-%d"),
            ]
            for p in report.products
        ],
    )
    if shown < total:
        note(f"and {total - shown:,} more (--limit N shows more)")
    note(_orders_note(report.orders))


def _orders_note(orders: OrderCounts) -> str:
    from segdesk.wording import count

    parts = [f"From {count(orders.with_lines, 'order')} with line items"]
    if orders.without_lines:
        parts.append(f"{count(orders.without_lines, 'order')} without line items (in no product)")
    parts.append(f"{count(orders.left_out, 'refunded, voided or cancelled order')} left out")
    return "; ".join(parts) + "."


def names_json(names: ProductNames) -> list[dict[str, Any]]:
    """The products group of `segdesk fields --json`: every value, the most bought first."""
    entries = []
    for attribute, name, kind, _word, description in NAME_TERMS:
        values: list[NamedValue] = getattr(names, attribute)
        entries.append(
            {
                "name": name,
                "type": kind,
                "origin": "products",
                "description": f"{description}; counts: buyers and orders, {LEFT_OUT}",
                "values": [v.value for v in values],
                "counts": [v.to_json() for v in values],
            }
        )
    return entries


def print_names(names: ProductNames, *, every: bool) -> None:
    """The products group of `segdesk fields`: the most bought of each kind, or ``every``."""
    from segdesk.output import print_table

    rows, more = [], []
    for attribute, _name, _kind, word, _description in NAME_TERMS:
        values: list[NamedValue] = getattr(names, attribute)
        shown = values if every else values[:NAMES_SHOWN]
        rows += [[v.value, word, f"{v.buyers:,}", f"{v.orders:,}"] for v in shown]
        if len(values) > len(shown):
            more.append(f"{len(values) - len(shown):,} more {word}s")
    if not rows:
        return
    print()
    print_table(
        "Products, SKUs and categories a rule can name", ["name", "kind", "buyers", "orders"], rows
    )
    if more:
        note(f"and {', '.join(more)} (--all lists them)")
    note(f"Buyers and orders from the lines of orders; {LEFT_OUT}.")


def quantity_text(quantity: float) -> str:
    return f"{quantity:,.0f}" if quantity == int(quantity) else f"{quantity:,.2f}"


def note(text: str) -> None:
    """A line under a table: beside it at a terminal, on stderr when the rows are piped, so
    that a file gets only the table (as `print_table` does with the title)."""
    print(text, file=sys.stdout if sys.stdout.isatty() else sys.stderr)
