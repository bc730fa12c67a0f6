"""The text a contact is found by: its searched fields folded, stored in ``contact.search_text``.

A search ignores case and accents ("bjorn" finds "Björn", "muller" finds "Müller"). SQL cannot
fold accents portably, and folding in SQL at each search (``lower()`` per column, or a Python
function called by SQLite for every row) costs seconds at a million contacts. So every path
that writes a contact stores its searched fields folded in one column, and a search folds its
words the same way and looks for each in that column with ``LIKE``: portable, one column.

Standard library only: the quick reader folds search words before SQLAlchemy has loaded.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

SEARCHED_FIELDS = ("first_name", "last_name", "email", "company", "external_id", "city")
"""The contact fields a search looks in, in the order their values are joined."""

_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ħ": "h"}
    | {"\u0131": "i"}  # dotless i
)
"""Common letters that Unicode does not decompose into a base letter and a mark."""


def fold(text: str) -> str:
    """``text`` without case or accents: decomposed (NFKD) and casefolded (``ß`` → ``ss``;
    decomposed again, as casefolding may compose), with the combining marks dropped and a few
    letters that do not decompose spelt plainly."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_LETTERS)


def search_text(*values: str | None) -> str:
    """The stored search text of a contact whose searched fields (in ``SEARCHED_FIELDS``
    order) hold ``values``; empty values are left out."""
    return fold(" ".join(filter(None, values)))


def search_text_of(fields: Mapping[str, Any]) -> str:
    """The stored search text of a contact given as field name → value."""
    return search_text(*(fields.get(name) for name in SEARCHED_FIELDS))


def search_words(text: str | None) -> list[str]:
    """The folded words of a search: each must appear in a contact's search text.

    Folded before splitting, so that no word holds a space (NFKD turns some characters into
    one) and matches across two fields."""
    return fold(text or "").split()
