"""What was bought: products with their buyers, orders, quantity and revenue, for the whole
shop (`segdesk products`), for one contact (its page), and as the names a rule can use
(`segdesk fields`).

A product is the name on its order lines, or the SKU where a line has no name: the sizes of
one coffee (HB-12, HB-32) are one product with two SKUs. Refunded, voided and cancelled
orders are left out (``store.order_status``); orders without lines (imported before lines
were kept, or from a file without product columns) are counted apart, never as a product.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, exists, func, literal, select

from segdesk.store.order_status import LEFT_OUT, counted
from segdesk.store.tables import Event, OrderLine

line = OrderLine.__table__
event = Event.__table__

Sort = Literal["revenue", "buyers", "orders", "name"]
SORTS: tuple[Sort, ...] = ("revenue", "buyers", "orders", "name")
UNNAMED = "(no name)"
"""The product of lines that have neither a name nor a SKU."""
ORDER_KIND = "order"

_name = func.coalesce(line.c.product, line.c.sku, literal(UNNAMED))
_amount = func.coalesce(line.c.line_total, line.c.quantity * line.c.unit_price)
"""A line's amount: its total, else quantity times unit price."""
LINE_PRODUCT = _name
"""The product a line belongs to (its name, else its SKU), for the profiles to count by."""


@dataclass(frozen=True)
class ProductFigures:
    """One product over the orders that count."""

    name: str
    skus: tuple[str, ...]
    categories: tuple[str, ...]
    buyers: int
    """Distinct contacts."""
    orders: int
    quantity: float
    revenue: float
    first_sold: datetime
    last_sold: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "product": self.name,
            "skus": list(self.skus),
            "categories": list(self.categories),
            "buyers": self.buyers,
            "orders": self.orders,
            "quantity": self.quantity,
            "revenue": self.revenue,
            "first_sold": self.first_sold.isoformat(),
            "last_sold": self.last_sold.isoformat(),
        }


@dataclass(frozen=True)
class OrderCounts:
    """The orders behind the figures: those with lines, those without, those left out."""

    with_lines: int
    without_lines: int
    """Orders that count but have no lines: in no product's figures."""
    left_out: int
    """Refunded, voided and cancelled orders, lines or not."""

    def to_json(self) -> dict[str, Any]:
        return {
            "with_lines": self.with_lines,
            "without_lines": self.without_lines,
            "left_out": self.left_out,
            "left_out_statuses": list(LEFT_OUT),
        }


@dataclass(frozen=True)
class ProductsReport:
    """``segdesk products``: the products in the order asked, at most ``limit`` of them."""

    products: list[ProductFigures]
    product_count: int
    """All products, also those the limit left out."""
    orders: OrderCounts
    sort: Sort

    def to_json(self) -> dict[str, Any]:
        return {
            "sort": self.sort,
            "product_count": self.product_count,
            "orders": self.orders.to_json(),
            "products": [p.to_json() for p in self.products],
        }


@dataclass(frozen=True)
class ContactProducts:
    """What one contact bought, the most recently bought product first."""

    products: list[ProductFigures]
    orders: OrderCounts


@dataclass(frozen=True)
class NamedValue:
    """A product name, SKU or category a rule can name, with how many bought it."""

    value: str
    buyers: int
    orders: int

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "buyers": self.buyers, "orders": self.orders}


@dataclass(frozen=True)
class ProductNames:
    """Every product name, SKU and category on the lines of orders that count, the most
    bought first (by buyers, then orders)."""

    products: list[NamedValue]
    skus: list[NamedValue]
    categories: list[NamedValue]


def products_report(
    conn: Connection, sort: Sort = "revenue", limit: int | None = None
) -> ProductsReport:
    figures = sorted_figures(_figures(conn), sort)
    return ProductsReport(
        products=figures if limit is None else figures[:limit],
        product_count=len(figures),
        orders=_order_counts(conn),
        sort=sort,
    )


def contact_products(conn: Connection, contact_id: int) -> ContactProducts:
    """Through the contact's events (indexed by contact) to their lines (indexed by event)."""
    mine = event.c.contact_id == contact_id
    by_name = sorted_figures(_figures(conn, mine), "name")
    figures = sorted(by_name, key=lambda p: p.last_sold, reverse=True)
    return ContactProducts(figures, _order_counts(conn, mine))


def product_names(conn: Connection) -> ProductNames:
    return ProductNames(
        products=_named(conn, line.c.product),
        skus=_named(conn, line.c.sku),
        categories=_named(conn, line.c.category),
    )


def sorted_figures(figures: Iterable[ProductFigures], sort: Sort) -> list[ProductFigures]:
    """Largest first by ``sort`` (A to Z for ``name``), ties by name."""
    by_name = sorted(figures, key=lambda p: (p.name.casefold(), p.name))
    if sort == "name":
        return by_name
    return sorted(by_name, key=lambda p: getattr(p, sort), reverse=True)


def _counted_lines(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(line.join(event, event.c.id == line.c.event_id))
        .where(counted(event.c.status))
    )


def _figures(conn: Connection, where: ColumnElement[bool] | None = None) -> list[ProductFigures]:
    def narrowed(query: Select[Any]) -> Select[Any]:
        return query if where is None else query.where(where)

    skus: dict[str, list[str]] = defaultdict(list)
    categories: dict[str, list[str]] = defaultdict(list)
    for pairs, column in ((skus, line.c.sku), (categories, line.c.category)):
        query = narrowed(_counted_lines(_name, column).where(column.is_not(None)).distinct())
        for name, value in conn.execute(query):
            pairs[name].append(value)
    query = narrowed(
        _counted_lines(
            _name,
            func.count(event.c.contact_id.distinct()),
            func.count(line.c.event_id.distinct()),
            func.coalesce(func.sum(line.c.quantity), 0.0),
            func.coalesce(func.sum(_amount), 0.0),
            func.min(event.c.occurred_at),
            func.max(event.c.occurred_at),
        ).group_by(_name)
    )
    return [
        ProductFigures(
            name=name,
            skus=tuple(sorted(skus[name])),
            categories=tuple(sorted(categories[name])),
            buyers=buyers,
            orders=orders,
            quantity=float(quantity),
            revenue=round(float(revenue), 2),
            first_sold=first,
            last_sold=last,
        )
        for name, buyers, orders, quantity, revenue, first, last in conn.execute(query)
    ]


def _order_counts(conn: Connection, where: ColumnElement[bool] | None = None) -> OrderCounts:
    has_lines = exists().where(line.c.event_id == event.c.id)
    keep = counted(event.c.status)
    query = select(
        func.count().filter(keep & has_lines),
        func.count().filter(keep & ~has_lines),
        func.count().filter(~keep),
    ).where(event.c.kind == ORDER_KIND)
    if where is not None:
        query = query.where(where)
    with_lines, without_lines, left_out = conn.execute(query).one()
    return OrderCounts(with_lines, without_lines, left_out)


def _named(conn: Connection, column: Any) -> list[NamedValue]:
    buyers = func.count(event.c.contact_id.distinct())
    orders = func.count(line.c.event_id.distinct())
    query = (
        _counted_lines(column, buyers, orders)
        .where(column.is_not(None))
        .group_by(column)
        .order_by(buyers.desc(), orders.desc(), column)
    )
    return [NamedValue(value, b, o) for value, b, o in conn.execute(query)]
