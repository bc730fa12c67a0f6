"""Exports of known services recognised by their columns, and what to suggest for them.

A Mailchimp audience export of subscribed members has no status column: every row is a
subscriber, yet nothing in the file says so, and a shape alone never sets anyone subscribed.
When such a file is recognised, the import suggests the option that gives everyone in it a
consent, for the user to choose.
"""

from __future__ import annotations

from collections.abc import Sequence
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
