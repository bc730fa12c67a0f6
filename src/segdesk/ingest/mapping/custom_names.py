"""Names for custom fields: ASCII snake_case from a header, unique, and never reserved.

A custom field cannot take the name of a built-in field or a word of the rule language. Apart
because suggestions, ``--map`` and the check of a whole mapping all name custom fields by these
same rules.
"""

from __future__ import annotations

import re

from segdesk.ingest.mapping.targets import CONTACT_TARGETS, EVENT_TARGETS, LINE_TARGETS, Target
from segdesk.ingest.values.text import strip_accents
from segdesk.store.fields import CORE_FIELD_NAMES

ORDER_FIELD_NAMES = frozenset({"status", *LINE_TARGETS})
"""Fields of an order and its lines. Reserved in events files only, where a custom field so
named would be confused with them in a rule; a contact keeps its custom ``status``."""

FIELD_NAMES = frozenset({*CORE_FIELD_NAMES, *CONTACT_TARGETS, *EVENT_TARGETS}) - ORDER_FIELD_NAMES
"""Names of built-in fields; a custom field named like one gets ``_2`` (``email_2``)."""

RULE_WORDS = frozenset(
    {
        "id",
        "kind",
        "attributes",
        "orders",
        "segment",
        "and",
        "or",
        "not",
        "in",
        "is",
        "between",
        "contains",
        "empty",
        "within",
        "before",
        "after",
        "last",
        "true",
        "false",
    }
)
"""Words the rule language or the tables use; a custom field named so gets ``_field``."""

RESERVED_NAMES = FIELD_NAMES | RULE_WORDS
"""Names a custom field of a contact cannot take."""


def reserved_names(target: Target) -> frozenset[str]:
    """Names a custom field of ``target`` cannot take."""
    return RESERVED_NAMES | ORDER_FIELD_NAMES if target == "events" else RESERVED_NAMES


def custom_field_name(header: str, position: int = 0) -> str:
    """A custom field name from a header: ASCII snake_case (``Total Spent`` → ``total_spent``)."""
    name = strip_accents(header).casefold()
    name = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    if not name:
        return f"column_{position + 1}"
    if name[0].isdigit():
        name = f"field_{name}"
    return name


def _unique(base: str, used: set[str]) -> str:
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}_{n}"
    return name


def _valid_custom_name(name: str, target: Target = "contacts") -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*", name)) and name not in reserved_names(target)
