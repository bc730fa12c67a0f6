"""Consent and status values read as subscribed, unsubscribed or unknown.

The words come from mailing tools and shops (Mailchimp, HubSpot, Shopify) as well as plain
yes/no. Apart because they are the vocabulary of marketing exports and of no type: the mapping
also uses them to decide whether a status column holds consent at all.
"""

from __future__ import annotations

from typing import Literal

from segdesk.ingest.values.booleans import FALSE_WORDS, TRUE_WORDS
from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text

Consent = Literal["subscribed", "unsubscribed", "unknown"]

_SUBSCRIBED = frozenset(
    {
        "subscribed",
        "subscriber",
        "opted in",
        "opt in",
        "optin",
        "opted-in",
        "opt-in",
        "confirmed",
        "double opt-in",
        "marketing contact",
        "accepts marketing",
        "yes",
        "y",
        "true",
        "t",
        "1",
        "on",
        "ja",
        "j",
        "wahr",
        "angemeldet",
        "abonniert",
    }
)
_UNSUBSCRIBED = frozenset(
    {
        "unsubscribed",
        "opted out",
        "opt out",
        "optout",
        "opted-out",
        "opt-out",
        "cleaned",
        "bounced",
        "hard bounce",
        "non-marketing contact",
        "do not email",
        "redacted",
        "invalid",
        "no",
        "n",
        "false",
        "f",
        "0",
        "off",
        "nein",
        "falsch",
        "abgemeldet",
    }
)
_UNKNOWN = frozenset(
    {
        "unknown",
        "pending",
        "transactional",
        "not subscribed",
        "not_subscribed",
        "never subscribed",
        "non-subscribed",
        "nonsubscribed",
        "archived",
        "unbekannt",
    }
)


def normalise_consent(text: str, *, inverted: bool = False) -> Consent:
    """``subscribed``, ``unsubscribed`` or ``unknown`` from a consent or status value.

    yes/true/subscribed/opted in mean subscribed; no/false/unsubscribed/cleaned/opted out mean
    unsubscribed; pending, transactional, "not subscribed" and an empty value mean unknown (no
    choice recorded either way). With ``inverted`` (a column named "unsubscribed", "opt out"),
    a yes/no word means the opposite, while status words keep their meaning. HubSpot's
    "Non-marketing contact" counts as unsubscribed, so such people are not emailed by mistake.
    """
    value = " ".join(clean_text(text).casefold().replace("_", " ").split())
    if not value:
        return "unknown"
    is_word = value in TRUE_WORDS or value in FALSE_WORDS
    if value in _SUBSCRIBED or value.replace(" ", "_") in _SUBSCRIBED:
        result: Consent = "subscribed"
    elif value in _UNSUBSCRIBED:
        result = "unsubscribed"
    elif value in _UNKNOWN or value.replace(" ", "_") in _UNKNOWN:
        return "unknown"
    else:
        raise ValueProblem(
            f"{clean_text(text)!r} is not a consent value "
            "(expected e.g. yes/no or subscribed/unsubscribed)"
        )
    if inverted and is_word:
        return "unsubscribed" if result == "subscribed" else "subscribed"
    return result
