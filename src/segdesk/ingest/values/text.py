"""Text cleanup that every kind of value starts from.

Surrounding whitespace, the ``'`` exports put before would-be formulas, stand-ins for "no
value", and ASCII folding for field names. It is apart because identifiers, numbers, dates,
emails, consent and names all build on it, and none of them on each other.
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may run as a formula; exports put a ``'`` before them."""

NULL_MARKERS = frozenset({"n/a", "na", "#n/a", "null", "none", "nan", "-", "--", "\u2014"})
"""Stand-ins for "no value" in number, date and bool columns (in text columns they are text)."""


def unneutralise(text: str) -> str:
    """Undo the ``'`` that exports put before a would-be formula: ``'=SUM(A1)`` → ``=SUM(A1)``.

    Only a quote directly before ``= + - @``, tab or carriage return is removed; values that
    start with those characters without the quote are kept exactly as they are.
    """
    if len(text) >= 2 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def clean_text(text: str) -> str:
    """Surrounding whitespace removed, then an export's formula guard undone.

    Only a value starting with ``'`` can carry a formula guard, so the others skip the call
    to ``unneutralise``: this runs for nearly every value of an import.
    """
    value = text.strip()
    if value[:1] == "'":
        return unneutralise(value)
    return value


def _clean_text_slow(text: str) -> str:
    """``clean_text`` written plainly: the reference its faster form is tested against."""
    return unneutralise(text.strip())


def is_empty(text: str) -> bool:
    return not text.strip()


def is_null_marker(text: str) -> bool:
    return text.strip().casefold() in NULL_MARKERS


def strip_accents(text: str) -> str:
    """ASCII letters for names of fields: ``Straße`` → ``Strasse``, ``Größe`` → ``Groesse``."""
    for src, dst in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("ß", "ss"),
    ):
        text = text.replace(src, dst)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
