"""Products: what was bought, over the whole shop, by one contact, and the names a rule can use.

``segdesk.analysis.products`` holds the queries; this facade opens the connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from segdesk.analysis.products import ContactProducts, ProductNames, ProductsReport, Sort


class Products:
    """Reading order lines; nothing here writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def report(self, sort: Sort = "revenue", limit: int | None = None) -> ProductsReport:
        """Products with buyers, orders, quantity, revenue and first and last sale, the
        largest by ``sort`` first; refunded, voided and cancelled orders left out."""
        from segdesk.analysis.products import products_report

        with self._engine.connect() as conn:
            return products_report(conn, sort, limit)

    def bought_by(self, contact_id: int) -> ContactProducts:
        """What one contact bought, the most recently bought product first."""
        from segdesk.analysis.products import contact_products

        with self._engine.connect() as conn:
            return contact_products(conn, contact_id)

    def names(self) -> ProductNames:
        """Product names, SKUs and categories a rule can name, the most bought first."""
        from segdesk.analysis.products import product_names

        with self._engine.connect() as conn:
            return product_names(conn)
