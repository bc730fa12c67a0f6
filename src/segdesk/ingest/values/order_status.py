"""An order's status read as one of six words, whatever shop wrote it.

Shopify (``Financial Status``), WooCommerce (``Order Status``) and Square (``Event Type``) each
have their words; a rule, RFM and revenue figures need one vocabulary, because refunded,
voided and cancelled orders are left out of counts and revenue by default. The decisions, for
words that are not the six themselves:

- paid: completed, complete, processing (WooCommerce: payment received, not yet shipped),
  captured, settled, succeeded, payment (Square's event type of a sale);
- pending: pending payment, on hold, awaiting payment, unpaid, authorized (money promised,
  not yet taken), partially paid;
- refunded: refund (Square), fully refunded; partially refunded: partial refund;
- voided: void, failed, declined, expired (no money changed hands);
- cancelled: canceled, cancel.

Anything else is kept lower-cased (``draft``, ``on backorder``): a rule can still ask for it,
and it is counted like paid.
"""

from __future__ import annotations

import re

from segdesk.ingest.values.text import clean_text

ORDER_STATUSES = ("paid", "pending", "refunded", "partially refunded", "voided", "cancelled")

_WORDS: dict[str, str] = {
    **{status: status for status in ORDER_STATUSES},
    "completed": "paid",
    "complete": "paid",
    "processing": "paid",
    "captured": "paid",
    "settled": "paid",
    "succeeded": "paid",
    "payment": "paid",
    "pending payment": "pending",
    "on hold": "pending",
    "awaiting payment": "pending",
    "unpaid": "pending",
    "authorized": "pending",
    "authorised": "pending",
    "partially paid": "pending",
    "refund": "refunded",
    "fully refunded": "refunded",
    "partial refund": "partially refunded",
    "partially refund": "partially refunded",
    "void": "voided",
    "failed": "voided",
    "declined": "voided",
    "expired": "voided",
    "canceled": "cancelled",
    "cancel": "cancelled",
}

_SEPARATORS = re.compile(r"[\s_-]+")


def normalise_status(text: str) -> str | None:
    """One of ``ORDER_STATUSES`` for a shop's word, the text lower-cased when no word is known,
    None for an empty value. ``wc-completed``, ``partially_refunded`` and ``On-Hold`` are read
    as written with spaces and without WooCommerce's ``wc-`` prefix."""
    written = clean_text(text).lower()
    if not written:
        return None
    folded = _SEPARATORS.sub(" ", written).strip()
    folded = folded.removeprefix("wc ")
    return _WORDS.get(folded, written)
