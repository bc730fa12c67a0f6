"""Orders with their lines, written straight into a database, and the same rows for pandas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from tests.order_rows import add_order


@dataclass(frozen=True)
class Item:
    product: str | None
    sku: str | None
    category: str | None
    quantity: float
    unit_price: float

    @property
    def total(self) -> float:
        return round(self.quantity * self.unit_price, 2)


@dataclass(frozen=True)
class Order:
    contact_id: int
    when: datetime
    items: Sequence[Item]
    status: str | None = "paid"


def add_orders_with_lines(engine: Engine, orders: Sequence[Order]) -> None:
    """Each order as an event (amount and quantity the sums of its lines) with its lines."""
    for order in orders:
        add_order(
            engine,
            order.contact_id,
            order.when,
            round(sum(i.total for i in order.items), 2),
            quantity=sum(i.quantity for i in order.items),
            status=order.status,
            lines=[
                {
                    "product": i.product,
                    "sku": i.sku,
                    "category": i.category,
                    "quantity": i.quantity,
                    "unit_price": i.unit_price,
                    "line_total": i.total,
                }
                for i in order.items
            ],
        )


def line_records(orders: Sequence[Order]) -> list[dict[str, object]]:
    """One record per line with its order's number, contact, time and status."""
    return [
        {
            "order": number,
            "contact_id": order.contact_id,
            "when": order.when,
            "status": order.status,
            "product": i.product,
            "sku": i.sku,
            "category": i.category,
            "quantity": i.quantity,
            "line_total": i.total,
        }
        for number, order in enumerate(orders, start=1)
        for i in order.items
    ]
