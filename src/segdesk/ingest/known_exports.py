"""Exports of known services recognised by their columns, and what to suggest for them.

A Mailchimp audience export of subscribed members has no status column: every row is a
subscriber, yet nothing in the file says so, and a shape alone never sets anyone subscribed.
When such a file is recognised, the import suggests the option that gives everyone in it a
consent, for the user to choose.

A shop's order export (Shopify, WooCommerce, Square) is recognised so that each of its columns
is suggested for the field it means there: Square's ``Net Sales`` is a line's total, not the
order's; Shopify's ``Name`` is the order number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from segdesk.ingest.mapping.aliases import alias_key
from segdesk.ingest.mapping.columns import Mapping

FileConsent = Literal["subscribed", "unsubscribed"]
"""A consent given to everyone in a file."""

_MAILCHIMP_MEMBERS = frozenset({"memberrating", "leid", "euid"})
_MAILCHIMP_SUBSCRIBED = frozenset({"optintime", "confirmtime"})
_MAILCHIMP_LEFT = frozenset({"unsubtime", "cleantime"})


def is_mailchimp_subscribed(header: Sequence[str]) -> bool:
    """Whether the columns are those of Mailchimp's export of subscribed members: member
    columns and opt-in times, without the unsubscribe or clean times of the other exports."""
    keys = {alias_key(name) for name in header}
    return (
        bool(keys & _MAILCHIMP_MEMBERS)
        and bool(keys & _MAILCHIMP_SUBSCRIBED)
        and not keys & _MAILCHIMP_LEFT
    )


def suggested_consent(
    header: Sequence[str], mapping: Mapping, chosen: FileConsent | None
) -> FileConsent | None:
    """The consent to suggest for everyone in a contacts file, or None: "subscribed" for a
    Mailchimp export of subscribed members when nothing gives consent yet."""
    if chosen is not None or mapping.target != "contacts":
        return None
    if "consent" in mapping.fields() or "consent" in mapping.effective_defaults():
        return None
    return "subscribed" if is_mailchimp_subscribed(header) else None


@dataclass(frozen=True)
class OrderExport:
    """A shop's order export: how to know it by its columns, and what its columns are.

    ``fields`` maps folded header names (``alias_key``) to the fields they fill, ahead of the
    general aliases: the first of two names for one field that the file has wins.
    """

    name: str
    signs: tuple[frozenset[str], ...]
    """Each set names columns of which the file must have at least one."""
    fields: tuple[tuple[str, str], ...]

    def matches(self, keys: set[str]) -> bool:
        return all(keys & sign for sign in self.signs)

    def note(self) -> str:
        return (
            f"looks like a {self.name} order export: the rows with one order reference are one "
            "order, each row one of its line items"
        )


def _keys(*names: str) -> frozenset[str]:
    return frozenset(alias_key(name) for name in names)


def _fields(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((alias_key(name), target) for name, target in pairs)


ORDER_EXPORTS: tuple[OrderExport, ...] = (
    OrderExport(
        "Shopify",
        (_keys("Name"), _keys("Financial Status"), _keys("Lineitem name")),
        _fields(
            ("Name", "ref"),
            ("Email", "email"),
            ("Financial Status", "status"),
            ("Total", "amount"),
            ("Created at", "occurred_at"),
            ("Lineitem quantity", "quantity"),
            ("Lineitem name", "product"),
            ("Lineitem price", "unit_price"),
            ("Lineitem sku", "sku"),
        ),
    ),
    OrderExport(
        "WooCommerce",
        (
            _keys("Order Number", "Order ID"),
            _keys("Order Status"),
            _keys("Item Name", "Product Name", "Item Cost", "Item #"),
            _keys("Billing Email", "Email (Billing)", "Billing First Name", "First Name (Billing)"),
        ),
        _fields(
            ("Order Number", "ref"),
            ("Order ID", "ref"),
            ("Order Status", "status"),
            ("Order Date", "occurred_at"),
            ("Billing Email", "email"),
            ("Email (Billing)", "email"),
            ("Order Total", "amount"),
            ("Order Total Amount", "amount"),
            ("Item Name", "product"),
            ("Product Name", "product"),
            ("SKU", "sku"),
            ("Category", "category"),
            ("Product Categories", "category"),
            ("Quantity", "quantity"),
            ("Quantity (- Refund)", "quantity"),
            ("Qty", "quantity"),
            ("Item Cost", "unit_price"),
            ("Item Price", "unit_price"),
            ("Item Total", "line_total"),
            ("Line Total", "line_total"),
        ),
    ),
    OrderExport(
        "Square",
        (_keys("Transaction ID"), _keys("Event Type"), _keys("Item"), _keys("Net Sales")),
        _fields(
            ("Transaction ID", "ref"),
            ("Date", "occurred_at"),
            ("Customer ID", "external_id"),
            ("Event Type", "status"),
            ("Item", "product"),
            ("SKU", "sku"),
            ("Category", "category"),
            ("Qty", "quantity"),
            ("Net Sales", "line_total"),
        ),
    ),
)
"""Shopify's order export (a row per line item; the order's values on its first row only),
WooCommerce order exports with a row per product (as the common export plugins write them:
every row repeats the order's values) and Square's item details (a row per item sold; the
sale's total is the sum of the items' net sales, and its event type, Payment or Refund, its
status)."""


def order_export(header: Sequence[str]) -> OrderExport | None:
    """The shop whose order export has these columns, if one does."""
    keys = {alias_key(name) for name in header}
    return next((export for export in ORDER_EXPORTS if export.matches(keys)), None)
