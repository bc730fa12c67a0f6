"""Numbers as people and exports write them, and the decimal mark of a column.

``1,234.56``, ``1.234,56``, ``1 234,56``, ``€ 12,50``, ``(5)``: one value is read by
``parse_number``; the decimal mark is decided once per column by ``decide_decimal``, because a
single ``1,234`` cannot decide it. ``_plain_number`` reads plainly written numbers without the
rules; ``_parse_number_slow`` holds the full rules, the reference the fast path is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text

_SPACES = "\u00a0\u202f\u2009"
_CURRENCY = r"(?:US\$|A\$|C\$|[€$£¥₹]|CHF|EUR|USD|GBP|JPY|SEK|NOK|DKK|PLN|CZK|AUD|CAD|INR)"
_CURRENCY_PREFIX = re.compile(rf"^{_CURRENCY}\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(rf"\s*{_CURRENCY}$", re.IGNORECASE)
_NUMBER_BODY = re.compile(r"^[\d.,' ]*\d[\d.,' ]*$")
_EXPONENT = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")

# Values that need none of the rules, recognised in one step (see the fast paths below). The
# quantifiers are possessive (``++``): these patterns never need to backtrack, and not doing
# so makes them several times faster.
_PLAIN_NUMBER = re.compile(r"-?[0-9]++(?:\.[0-9]++)?+")
_DECIMAL_MARKS = frozenset({None, ".", ","})


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
        scientific = float(value)
        return -scientific if negative else scientific
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
