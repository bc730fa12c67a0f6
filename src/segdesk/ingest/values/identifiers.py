"""Ids, postal codes and phone numbers, kept as text so that leading zeros and ``+`` survive.

Excel's ``="00123"`` and a leading ``'`` are unwrapped; a number a spreadsheet shortened to
``1.23457E+11`` is refused. Apart from the numbers because these values look like numbers but
must never be read as one.
"""

from __future__ import annotations

import re

from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text

_SHORTENED_NUMBER = re.compile(r"^\d(?:[.,]\d+)?E\+\d+$", re.IGNORECASE)


def clean_identifier(text: str) -> str:
    """An id, postal code or phone number kept as text: leading zeros and ``+`` survive.

    Excel's text trick ``="00123"`` is unwrapped, and a leading ``'`` (which exports such as
    Shopify's put before ids, zips and phones to keep them text) is dropped: an id never
    starts with an apostrophe. A number a spreadsheet has shortened to
    ``1.23457E+11`` is a problem: the real digits are gone and must not be stored as an id.
    """
    if is_plain_identifier(text):
        return text
    return _clean_identifier_slow(text)


def is_plain_identifier(text: str) -> bool:
    """True when ``clean_identifier`` returns ``text`` as it is, decided without its rules.

    That holds for a value with no surrounding whitespace that starts with neither ``'`` nor
    ``=`` and cannot be a shortened number (which starts with a digit and holds ``E+``).
    Almost every id, phone number and postal code qualifies, so an import skips the rules.
    """
    if not text:
        return False
    first = text[0]
    return (
        first not in "'="
        and not first.isspace()
        and not text[-1].isspace()
        and not (first.isdigit() and "+" in text)
    )


def _clean_identifier_slow(text: str) -> str:
    """``clean_identifier`` by its full rules, for any value; the reference in tests."""
    value = clean_text(text)
    if len(value) >= 3 and value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    elif value.startswith("'"):
        value = value[1:].strip()
    if _SHORTENED_NUMBER.match(value):
        raise ValueProblem(
            f"{value!r} is a number shortened by a spreadsheet; the original digits are lost"
        )
    return value
