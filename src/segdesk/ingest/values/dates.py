"""Dates and times from text, and whether a column writes its day or its month first.

ISO dates with or without a time and offset, ``YYYYMMDD``, ``30/06/2024`` and its relatives, and
Excel date serials are read by ``parse_date``; day or month first is decided once per column by
``decide_date_order``, because a single ``04/05/2024`` cannot decide it. ``_plain_iso`` reads
plain ISO dates without the rules; ``_parse_date_slow`` holds the full rules, the reference the
fast path is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text

DateOrder = Literal["dmy", "mdy"]

EXCEL_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's serial dates; correct from 1900-03-01 on (Excel counts a 1900-02-29)."""
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

TWO_DIGIT_YEAR_PIVOT = 70
"""Two-digit years below this are 20xx, the rest 19xx (``05`` is 2005, ``85`` is 1985)."""

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

# Dates that need none of the rules, recognised in one step (see ``_plain_iso``).
_PLAIN_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_ISO_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
)


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
