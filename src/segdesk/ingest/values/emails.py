"""Email addresses, checked and lower-cased, with a reason for each way one can be wrong.

Ordinary lower-case addresses are recognised by one pattern, a whole column at a time when an
import asks (``are_plain_emails``); ``_normalise_email_slow`` holds the full rules, the
reference that fast path is tested against. Apart because no other kind of value shares them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text

_LOCAL_ALLOWED = re.compile(r"^[\w!#$%&'*+/=?^`{|}~.-]+$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[\w-]+(?<!-)$")

# Addresses that need none of the rules, recognised in one step. The quantifiers are possessive
# (``++``): the pattern never needs to backtrack, and not doing so makes it several times faster.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]++(?:\.[a-z0-9_+-]++)*+"  # before the @: no dot first, last or twice in a row
    r"@(?:[a-z0-9]++(?:-++[a-z0-9]++)*+\.)++"  # domain labels: no hyphen first or last
    r"[a-z]{2,}+"  # the top-level part: letters only
)
_PLAIN_EMAIL_MAX = 64
"""Longer plain addresses take the full rules, which also limit the part before the @."""
_PLAIN_EMAIL_LINES = re.compile(rf"(?:{_PLAIN_EMAIL.pattern})?(?:\n(?:{_PLAIN_EMAIL.pattern})?)*+")


def normalise_email(text: str) -> str:
    """A trimmed, lower-cased email address, or ``ValueProblem`` saying what is wrong with it.

    The check is deliberately plain: one ``@``, something before it, a domain with a dot whose
    parts are letters, digits and hyphens, a top-level part of two or more letters, no spaces.
    A ``mailto:`` prefix and surrounding ``<>`` are removed.
    """
    if len(text) <= _PLAIN_EMAIL_MAX and text.isascii():
        value = text.lower()
        if _PLAIN_EMAIL.fullmatch(value):
            return value
    return _normalise_email_slow(text)


def is_plain_email(text: str) -> bool:
    """True when ``normalise_email`` returns ``text`` as it is, decided without its rules.

    It does for a lower-case ASCII address that passes every check by its shape alone: no
    spaces, quotes or brackets, one ``@``, dots only between characters, domain labels of
    letters, digits and inner hyphens, a top-level part of two or more letters.
    """
    return len(text) <= _PLAIN_EMAIL_MAX and _PLAIN_EMAIL.fullmatch(text) is not None


def plain_email_flags(texts: Sequence[str]) -> list[bool]:
    """``is_plain_email`` of each of ``texts``, without a Python function call per value."""
    matches = map(_PLAIN_EMAIL.fullmatch, texts)
    return [
        match is not None and len(text) <= _PLAIN_EMAIL_MAX
        for text, match in zip(texts, matches, strict=True)
    ]


def are_plain_emails(texts: Sequence[str]) -> bool:
    """True when each of ``texts`` is empty or ``is_plain_email``, checked in one pass.

    An import checks a whole column of addresses at once, which is twice as fast as a check
    per value. The values are joined by newlines and matched as lines; a value holding a
    newline itself is no plain address, and counting the newlines finds it.
    """
    if not texts:
        return True
    joined = "\n".join(texts)
    return (
        joined.count("\n") == len(texts) - 1
        and max(map(len, texts)) <= _PLAIN_EMAIL_MAX
        and _PLAIN_EMAIL_LINES.fullmatch(joined) is not None
    )


def _normalise_email_slow(text: str) -> str:
    """``normalise_email`` by its full rules, for any value; the reference in tests."""
    value = clean_text(text)
    if value[:7].casefold() == "mailto:":
        value = value[7:].strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    value = value.lower()  # not casefold(): that rewrites letters (ß becomes ss)
    if not value:
        raise ValueProblem("no email address")
    shown = repr(value)
    if any(ch.isspace() for ch in value):
        raise ValueProblem(f"{shown} contains a space")
    if value.count("@") == 0:
        raise ValueProblem(f"{shown} has no @")
    if value.count("@") > 1:
        raise ValueProblem(f"{shown} has more than one @")
    local, domain = value.split("@")
    if not local:
        raise ValueProblem(f"{shown} has nothing before the @")
    if not domain:
        raise ValueProblem(f"{shown} has nothing after the @")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueProblem(f"{shown} has a dot in the wrong place before the @")
    if not _LOCAL_ALLOWED.match(local):
        bad = next(ch for ch in local if not _LOCAL_ALLOWED.match(ch))
        raise ValueProblem(f"{shown} contains {bad!r}, which an email address cannot")
    if "." not in domain:
        raise ValueProblem(f"{shown}: the domain has no dot")
    labels = domain.split(".")
    if any(not label for label in labels):
        raise ValueProblem(f"{shown}: the domain has a dot in the wrong place")
    if not all(_DOMAIN_LABEL.match(label) and "_" not in label for label in labels):
        raise ValueProblem(f"{shown}: the domain {domain!r} is not valid")
    tld = labels[-1]
    if len(tld) < 2 or not (tld.isalpha() or tld.startswith("xn--")):
        raise ValueProblem(f"{shown}: the domain ending {'.' + tld!r} is not valid")
    if len(local) > 64 or len(value) > 254:
        raise ValueProblem(f"{shown} is too long for an email address")
    return value
