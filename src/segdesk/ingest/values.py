"""Typing text values, by stated rules, one pure function per kind.

Each ``parse_*`` function returns the typed value or raises ``ValueProblem`` with a reason a user
can act on. Decisions that depend on a whole column (the decimal mark, day or month first) are
made once per column by ``decide_*`` and passed in, because a single value such as ``1,234`` or
``04/05/2024`` cannot decide them. ``infer_column`` puts the rules together for a sample.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal

DateOrder = Literal["dmy", "mdy"]
Consent = Literal["subscribed", "unsubscribed", "unknown"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may run as a formula; exports put a ``'`` before them."""

NULL_MARKERS = frozenset({"n/a", "na", "#n/a", "null", "none", "nan", "-", "--", "\u2014"})
"""Stand-ins for "no value" in number, date and bool columns (in text columns they are text)."""

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on", "ja", "j", "wahr"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off", "nein", "falsch"})

EXCEL_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's serial dates; correct from 1900-03-01 on (Excel counts a 1900-02-29)."""
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

TWO_DIGIT_YEAR_PIVOT = 70
"""Two-digit years below this are 20xx, the rest 19xx (``05`` is 2005, ``85`` is 1985)."""

CATEGORY_MAX_DISTINCT = 20
CATEGORY_MIN_FILLED = 10
CATEGORY_MAX_LENGTH = 40

_SPACES = "\u00a0\u202f\u2009"
_CURRENCY = r"(?:US\$|A\$|C\$|[€$£¥₹]|CHF|EUR|USD|GBP|JPY|SEK|NOK|DKK|PLN|CZK|AUD|CAD|INR)"
_CURRENCY_PREFIX = re.compile(rf"^{_CURRENCY}\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(rf"\s*{_CURRENCY}$", re.IGNORECASE)
_NUMBER_BODY = re.compile(r"^[\d.,' ]*\d[\d.,' ]*$")
_EXPONENT = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_ISO = re.compile(
    r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*([AaPp][Mm])?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_SERIAL = re.compile(r"^\d+(?:\.\d+)?$")
_DATE_NAME = re.compile(r"date|time|datum|zeit|day|birthday|_at$|\bat$|created|updated|since")
_LOCAL_ALLOWED = re.compile(r"^[\w!#$%&'*+/=?^`{|}~.-]+$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[\w-]+(?<!-)$")
_SHORTENED_NUMBER = re.compile(r"^\d(?:[.,]\d+)?E\+\d+$", re.IGNORECASE)

# Values that need none of the rules, recognised in one step (see the fast paths below). The
# quantifiers are possessive (``++``): these patterns never need to backtrack, and not doing
# so makes them several times faster.
_PLAIN_NUMBER = re.compile(r"-?[0-9]++(?:\.[0-9]++)?+")
_DECIMAL_MARKS = frozenset({None, ".", ","})
_PLAIN_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_ISO_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
)
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]++(?:\.[a-z0-9_+-]++)*+"  # before the @: no dot first, last or twice in a row
    r"@(?:[a-z0-9]++(?:-++[a-z0-9]++)*+\.)++"  # domain labels: no hyphen first or last
    r"[a-z]{2,}+"  # the top-level part: letters only
)
_PLAIN_EMAIL_MAX = 64
"""Longer plain addresses take the full rules, which also limit the part before the @."""
_PLAIN_EMAIL_LINES = re.compile(rf"(?:{_PLAIN_EMAIL.pattern})?(?:\n(?:{_PLAIN_EMAIL.pattern})?)*+")


class ValueProblem(ValueError):
    """A value that does not fit its column's type; ``reason`` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- text -------------------------------------------------------------------------------------


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


# --- numbers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecimalDecision:
    """The decimal mark of a column, and whether the sample proved it."""

    decimal: str
    ambiguous: bool
    reason: str


def parse_number(text: str, decimal: str | None = None) -> int | float:
    """A number from text such as ``1,234.56``, ``1.234,56``, ``1 234,56``, ``€ 12,50``, ``(5)``.

    ``decimal`` is the column's decimal mark (``.`` or ``,``); the other mark, spaces and ``'``
    may group thousands (groups of three digits). Without it, a single value decides: the last
    of two different marks is the decimal one; a mark repeated groups thousands; a lone mark
    followed by other than three digits is decimal; ``1,234`` and ``1.234`` are read the English
    way (``,`` groups, ``.`` is decimal). A currency sign or code before or after, a leading or
    trailing minus and accounting parentheses are accepted. Whole numbers come back as ``int``.
    """
    number = _plain_number(text, decimal)
    if number is not None:
        return number
    return _parse_number_slow(text, decimal)


def _plain_number(text: str, decimal: str | None) -> int | float | None:
    """The number in ``text`` when it is written plainly (``42``, ``-7``, ``12.50``), else None.

    Such a value reads the same under every rule of ``parse_number``: digits alone are a whole
    number whatever the column's decimal mark; a single ``.`` is the decimal point unless the
    column uses a decimal comma. Most number columns hold only such values, and ``int`` and
    ``float`` read them many times faster than the rules.
    """
    if decimal not in _DECIMAL_MARKS:
        return None
    if text.isdigit() and text.isascii():
        return int(text)
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return None
    if "." not in text:
        return int(text)
    if decimal is None or decimal == ".":
        return float(text)
    return None


def _parse_number_slow(text: str, decimal: str | None = None) -> int | float:
    """``parse_number`` by its full rules, for any value; the reference in tests."""
    value = clean_text(text).replace("\u2212", "-")
    for space in _SPACES:
        value = value.replace(space, " ")
    if not value:
        raise ValueProblem("empty")
    original = value
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    for _ in range(2):
        if value and value[0] in "+-":
            negative ^= value[0] == "-"
            value = value[1:].strip()
        if value.endswith("-") and len(value) > 1:
            negative, value = not negative, value[:-1].strip()
        value = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", value))
    if _EXPONENT.match(value) and decimal != ",":
        number = float(value)
        return -number if negative else number
    if not value or not _NUMBER_BODY.match(value):
        raise ValueProblem(f"{original!r} is not a number")
    mark = decimal or _decimal_of(value) or "."
    integer, _, fraction = value.rpartition(mark) if mark in value else (value, "", "")
    if mark in integer:
        raise ValueProblem(f"{original!r} has the decimal mark {mark!r} more than once")
    if fraction and not fraction.isdigit():
        raise ValueProblem(f"{original!r} is not a number")
    digits = _ungroup(integer, "," if mark == "." else ".")
    if digits is None:
        raise ValueProblem(
            f"{original!r} is not a number with {_mark_name(mark)} "
            "(thousands must be grouped by three digits)"
        )
    if mark in value:
        number: int | float = float(f"{digits or '0'}.{fraction or '0'}")
    else:
        number = int(digits)
    return -number if negative else number


def decide_decimal(values: Iterable[str], hint: str | None = None) -> DecimalDecision:
    """The decimal mark of a column: the one its values show, else ``hint``, else ``.``.

    A value shows its mark when it has both marks (the last is decimal), one mark repeated
    (grouping, so the other is decimal) or one mark followed by other than three digits.
    """
    commas = points = undecided = 0
    for text in values:
        value = _number_core(text)
        if value is None:
            continue
        mark = _decimal_of(value)
        if mark == ",":
            commas += 1
        elif mark == ".":
            points += 1
        elif "," in value or "." in value:
            undecided += 1
    if commas and not points:
        return DecimalDecision(",", False, f"{commas} value(s) use a decimal comma")
    if points and not commas:
        return DecimalDecision(".", False, f"{points} value(s) use a decimal point")
    if commas and points:
        mark = "," if commas > points else "."
        return DecimalDecision(
            mark,
            True,
            f"values disagree: {commas} use a decimal comma, {points} a decimal point; "
            f"using {_mark_name(mark)}",
        )
    default = hint or "."
    if undecided:
        return DecimalDecision(
            default,
            True,
            f"values such as 1,234 could mean a thousand or one; assumed {_mark_name(default)}",
        )
    return DecimalDecision(default, False, "whole numbers")


def _number_core(text: str) -> str | None:
    """The digits-and-marks part of a value, or None when it is no number at all."""
    try:
        parse_number(text)
    except ValueProblem:
        try:
            parse_number(text, ",")
        except ValueProblem:
            return None
    value = clean_text(text)
    match = re.search(r"\d[\d.,' \u00a0\u202f]*", value)
    return match.group(0).strip() if match else None


def _decimal_of(value: str) -> str | None:
    """The decimal mark one value proves, or None (no mark, or ambiguous like ``1,234``)."""
    has_comma, has_point = "," in value, "." in value
    if has_comma and has_point:
        return "," if value.rfind(",") > value.rfind(".") else "."
    for mark, other in ((",", "."), (".", ",")):
        if (mark == "," and has_comma) or (mark == "." and has_point):
            if value.count(mark) > 1:
                return other
            integer, _, fraction = value.partition(mark)
            integer = integer.replace(" ", "").replace("'", "")
            if len(fraction) != 3 or not integer or integer == "0" or integer.startswith("0"):
                return mark
            if " " in value or "'" in value:
                return mark  # "1 234,567": spaces group, so the comma is decimal
            return None
    return None


def _ungroup(integer: str, other_mark: str) -> str | None:
    """Digits of an integer part whose thousands may be grouped; None if grouped wrongly."""
    parts = re.split(rf"[ '{re.escape(other_mark)}]", integer)
    if len(parts) == 1:
        return parts[0] if not parts[0] or parts[0].isdigit() else None
    first, rest = parts[0], parts[1:]
    if not first.isdigit() or len(first) > 3:
        return None
    if any(len(p) != 3 or not p.isdigit() for p in rest):
        return None
    return "".join(parts)


def _mark_name(mark: str) -> str:
    return "a decimal comma" if mark == "," else "a decimal point"


# --- dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateOrderDecision:
    """Whether ``04/05/2024`` in a column means 4 May (``dmy``) or April 5 (``mdy``)."""

    order: DateOrder
    ambiguous: bool
    reason: str


def parse_date(text: str, order: DateOrder = "dmy", *, serials: bool = False) -> date | datetime:
    """A date (or, with a time of day, a datetime) from text.

    Accepted: ISO ``2024-06-30`` (also ``/`` or ``.``), with an optional time ``T12:00``,
    ``12:00:00``, ``12:00 PM`` and offset (``Z``, ``+02:00``; converted to UTC, stored without
    zone); ``20240630``; ``30/06/2024`` or ``06/30/2024`` (also with ``.`` or ``-`` and
    two-digit years) read in ``order``; with ``serials``, Excel date serials like ``45473``.
    """
    moment = _plain_iso(text)
    if moment is not None:
        return moment
    return _parse_date_slow(text, order, serials=serials)


def _plain_iso(text: str) -> date | datetime | None:
    """``2024-06-30``, ``2024-06-30 12:00`` or ``2024-06-30T12:00:00`` read directly, else None.

    Exports write most dates this way, and ``fromisoformat`` reads them many times faster than
    the rules. Only the forms above reach it (hours up to 23, so that no version of it turns
    ``24:00`` into the next day); a value such as ``2024-02-30`` returns None and gets its
    message from the full rules.
    """
    if len(text) == 10:
        if _PLAIN_ISO_DAY.fullmatch(text) is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if _PLAIN_ISO_MOMENT.fullmatch(text) is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_date_slow(
    text: str, order: DateOrder = "dmy", *, serials: bool = False
) -> date | datetime:
    """``parse_date`` by its full rules, for any value; the reference in tests."""
    value = clean_text(text)
    if not value:
        raise ValueProblem("empty")
    if match := _ISO.match(value):
        year, _sep, month, day, hour, minute, second, micro, ampm, zone = match.groups()
        return _build(
            value, int(year), int(month), int(day), hour, minute, second, micro, ampm, zone
        )
    if match := _COMPACT.match(value):
        year, month, day = (int(g) for g in match.groups())
        if not 1900 <= year <= 2100:
            raise ValueProblem(f"{value!r} is not a date (year {year} out of range)")
        return _build(value, year, month, day)
    if match := _DAY_MONTH.match(value):
        first, _sep, second, year_text, hour, minute, sec, ampm = match.groups()
        day, month = (first, second) if order == "dmy" else (second, first)
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if year < TWO_DIGIT_YEAR_PIVOT else 1900
        return _build(value, year, int(month), int(day), hour, minute, sec, None, ampm)
    if serials and _SERIAL.match(value):
        return excel_serial_to_date(float(value))
    raise ValueProblem(f"{value!r} is not a date")


def excel_serial_to_date(serial: float) -> date | datetime:
    """An Excel serial day number as a date, or a datetime when it has a fraction of a day."""
    if not 1 <= serial <= EXCEL_MAX_SERIAL:
        raise ValueProblem(f"{serial:g} is not an Excel date")
    days = int(serial)
    seconds = round((serial - days) * 86400)
    moment = EXCEL_EPOCH + timedelta(days=days, seconds=seconds)
    return moment if seconds else moment.date()


def decide_date_order(values: Iterable[str], default: DateOrder = "dmy") -> DateOrderDecision:
    """Day or month first for a column: proved by a part above 12, else ``default``.

    A first part above 12 proves day first; a second part above 12 proves month first. When
    values prove both, the majority wins and the column is flagged. When none proves either,
    the column is ambiguous and ``default`` is used; the caller shows this for the user to
    confirm or change.
    """
    day_first = month_first = candidates = 0
    example_d = example_m = ""
    for text in values:
        match = _DAY_MONTH.match(clean_text(text))
        if not match:
            continue
        candidates += 1
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 >= second:
            day_first += 1
            example_d = example_d or clean_text(text)
        elif second > 12 >= first:
            month_first += 1
            example_m = example_m or clean_text(text)
    if not candidates:
        return DateOrderDecision(default, False, "no day/month dates")
    if day_first and month_first:
        order: DateOrder = "dmy" if day_first >= month_first else "mdy"
        return DateOrderDecision(
            order,
            True,
            f"values disagree: {example_d!r} is day first, {example_m!r} month first; "
            f"using {_order_name(order)}",
        )
    if day_first:
        return DateOrderDecision("dmy", False, f"{example_d!r} can only be day first")
    if month_first:
        return DateOrderDecision("mdy", False, f"{example_m!r} can only be month first")
    return DateOrderDecision(
        default,
        True,
        f"no value shows whether day or month comes first; assumed {_order_name(default)}",
    )


def _order_name(order: DateOrder) -> str:
    return "day first (DD/MM/YYYY)" if order == "dmy" else "month first (MM/DD/YYYY)"


def _build(
    original: str,
    year: int,
    month: int,
    day: int,
    hour: str | None = None,
    minute: str | None = None,
    second: str | None = None,
    micro: str | None = None,
    ampm: str | None = None,
    zone: str | None = None,
) -> date | datetime:
    try:
        if hour is None:
            return date(year, month, day)
        h = int(hour)
        if ampm:
            if not 1 <= h <= 12:
                raise ValueError("hour")
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        moment = datetime(
            year,
            month,
            day,
            h,
            int(minute or 0),
            int(second or 0),
            int((micro or "0").ljust(6, "0")),
        )
    except ValueError:
        raise ValueProblem(f"{original!r} is not a valid date") from None
    if zone and zone not in ("Z", "UTC", "GMT"):
        moment = _to_utc(original, moment, zone)
    return moment


def _to_utc(original: str, moment: datetime, zone: str) -> datetime:
    """``moment`` at UTC offset ``zone`` (``+02:00`` or ``-0530``) as UTC, without zone."""
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours >= 24 or minutes >= 60:
        raise ValueProblem(
            f"{original!r} has UTC offset {zone!r}, which is not a real offset "
            "(under 24 hours, minutes under 60)"
        )
    offset = sign * timedelta(hours=hours, minutes=minutes)
    try:
        moment = moment.replace(tzinfo=timezone(offset)).astimezone(UTC)
    except OverflowError:
        raise ValueProblem(
            f"{original!r} falls outside the years 1 to 9999 when converted to UTC"
        ) from None
    return moment.replace(tzinfo=None)


# --- booleans, emails, consent, names -----------------------------------------------------


def parse_bool(text: str) -> bool:
    """yes/no, true/false, 1/0, y/n, t/f, on/off, ja/nein, wahr/falsch, any case."""
    value = clean_text(text).casefold()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueProblem(f"{clean_text(text)!r} is not yes/no")


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


_SALUTATIONS = frozenset({"mr", "mrs", "ms", "miss", "mx", "herr", "frau", "mr.", "mrs.", "ms."})
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "zu",
        "ter",
        "ten",
        "bin",
        "al",
        "dos",
        "das",
        "y",
    }
)


def split_full_name(text: str) -> tuple[str | None, str | None]:
    """First and last name from one name column.

    ``Last, First`` is split at the comma. Otherwise the last word is the last name, together
    with lower-case particles before it (``Ludwig van Beethoven`` → Ludwig / van Beethoven), and
    the words before are the first name (``Anna Maria Schmidt`` → Anna Maria / Schmidt). A lone
    word is a first name. Salutations (Mr, Mrs, Ms, Herr, Frau) are left out.
    """
    value = " ".join(clean_text(text).split())
    if not value:
        return None, None
    if value.count(",") == 1:
        last, first = (p.strip() for p in value.split(","))
        return first or None, last or None
    words = [w for w in value.split(" ") if w.casefold() not in _SALUTATIONS] or value.split(" ")
    if len(words) == 1:
        return words[0], None
    cut = len(words) - 1
    while cut > 1 and words[cut - 1] in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


# --- column types -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnType:
    """How to type one column's text: a field type plus the column's own decisions."""

    kind: str = "text"
    decimal: str | None = None
    date_order: DateOrder | None = None
    serials: bool = False

    def parse(self, text: str) -> Any:
        """The typed value, ``None`` for an empty one; ``ValueProblem`` if it does not fit.

        In number, date and bool columns, stand-ins such as ``n/a`` or ``-`` are empty too.
        Plainly written numbers and ISO dates are read directly (see ``_plain_number`` and
        ``_plain_iso``); they are never empty, stand-ins or problems.
        """
        kind = self.kind
        if kind == "text" or kind == "category":
            return clean_text(text) or None
        if kind == "number":
            number = _plain_number(text, self.decimal)
            if number is not None:
                return number
        elif kind == "date":
            moment = _plain_iso(text)
            if moment is not None:
                return moment
        return self._parse_slow(text)

    def _parse_slow(self, text: str) -> Any:
        """``parse`` by the full rules of each kind; the reference in tests."""
        if self.kind in ("text", "category"):
            value = _clean_text_slow(text)
            return value or None
        if is_empty(text) or is_null_marker(text):
            return None
        if self.kind == "number":
            return _parse_number_slow(text, self.decimal)
        if self.kind == "date":
            return _parse_date_slow(text, self.date_order or "dmy", serials=self.serials)
        if self.kind == "bool":
            return parse_bool(text)
        raise ValueError(f"unknown column type {self.kind!r}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.decimal:
            data["decimal"] = self.decimal
        if self.date_order:
            data["date_order"] = self.date_order
        if self.serials:
            data["serials"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnType:
        return cls(
            kind=data.get("kind", "text"),
            decimal=data.get("decimal"),
            date_order=data.get("date_order"),
            serials=bool(data.get("serials", False)),
        )


@dataclass(frozen=True)
class ColumnGuess:
    """What a sample says about a column: its type, why, and what a user should confirm."""

    type: ColumnType
    reason: str
    ambiguous: bool = False
    filled: int = 0
    distinct: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def infer_column(
    values: Sequence[str],
    *,
    name: str = "",
    spreadsheet: bool = False,
    decimal_hint: str | None = None,
    default_date_order: DateOrder = "dmy",
) -> ColumnGuess:
    """Guess a column's type from sampled text values; empty values and ``n/a`` are ignored.

    In order: bool when every value is a yes/no word (columns of only 0 and 1 stay numbers);
    date when every value is a date (the column's day/month order decided as in
    ``decide_date_order``), or, in a workbook, whole numbers in a column whose name speaks of
    a date (Excel serials); number when every value is a number, unless one has a leading zero
    or ``+`` or more than 15 digits (identifiers, kept as text); else category when there are at
    least 10 values with at most 20 distinct, short ones, making up no more than half of them;
    else text.
    """
    cleaned = [clean_text(v) for v in values]
    filled = [v for v in cleaned if v and v.casefold() not in NULL_MARKERS]
    distinct = len(set(filled))
    if not filled:
        return ColumnGuess(ColumnType("text"), "no values in the sample")
    lowered = {v.casefold() for v in filled}
    words = TRUE_WORDS | FALSE_WORDS
    if lowered <= words and not lowered <= {"0", "1"}:
        return ColumnGuess(ColumnType("bool"), "yes/no values", False, len(filled), distinct)

    date_guess = _guess_date(filled, name, spreadsheet, default_date_order)
    if date_guess is not None:
        return ColumnGuess(date_guess[0], date_guess[1], date_guess[2], len(filled), distinct)

    if all(_is_number(v) for v in filled):
        if any(_looks_like_identifier(v) for v in filled):
            return ColumnGuess(
                ColumnType("text"),
                "numbers with leading zeros, '+' or many digits: identifiers, kept as text",
                False,
                len(filled),
                distinct,
            )
        decision = decide_decimal(filled, decimal_hint)
        column = ColumnType("number", decimal=decision.decimal)
        if all(_fits(column, v) for v in filled):
            return ColumnGuess(
                column, f"numbers; {decision.reason}", decision.ambiguous, len(filled), distinct
            )

    if (
        len(filled) >= CATEGORY_MIN_FILLED
        and distinct <= CATEGORY_MAX_DISTINCT
        and distinct * 2 <= len(filled)
        and all(len(v) <= CATEGORY_MAX_LENGTH for v in filled)
    ):
        return ColumnGuess(
            ColumnType("category"), f"{distinct} distinct values", False, len(filled), distinct
        )
    return ColumnGuess(ColumnType("text"), "text", False, len(filled), distinct)


def _guess_date(
    filled: list[str], name: str, spreadsheet: bool, default: DateOrder
) -> tuple[ColumnType, str, bool] | None:
    decision = decide_date_order(filled, default)
    column = ColumnType("date", date_order=decision.order)
    if all(_fits(column, v) for v in filled):
        if any(_DAY_MONTH.match(v) for v in filled):
            return column, f"dates; {decision.reason}", decision.ambiguous
        if any(_COMPACT.match(v) for v in filled):
            return column, "dates written as YYYYMMDD", False
        return column, "dates (year first)", False
    if spreadsheet:
        # Date cells arrive as ISO text; plain numbers among them, or in a column named like a
        # date, are Excel serials that lost their date format.
        serial = ColumnType("date", serials=True)
        has_dates = any(_ISO.match(v) for v in filled)
        if (has_dates or _DATE_NAME.search(name.casefold())) and all(
            (_ISO.match(v) or _SERIAL.match(v)) and _fits(serial, v) for v in filled
        ):
            return serial, "dates; plain numbers among them are Excel date serials", False
    return None


def _fits(column: ColumnType, text: str) -> bool:
    try:
        column.parse(text)
    except ValueProblem:
        return False
    return True


def _is_number(text: str) -> bool:
    return _number_core(text) is not None


def _looks_like_identifier(text: str) -> bool:
    value = text.strip()
    if value.startswith("+"):
        return True
    if re.match(r"^0\d", value):
        return True
    digits = sum(ch.isdigit() for ch in value)
    return digits > 15


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
