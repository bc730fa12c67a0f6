"""Times of orders stored as whole seconds since 1970-01-01 UTC, an integer.

SQLite's usual form of a time is text (``2025-03-15 09:00:00.000000``, 26 bytes); a shop's
export gives a date or a time to the second. An integer takes 4 to 6 bytes in the row and in
every index that holds the time, compares and sorts the same, and turns into a day with one
division, where the text has to be parsed. Python sees the same aware UTC ``datetime`` as
the other time columns give; a time with a fraction of a second keeps its whole seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Dialect
from sqlalchemy.types import TypeDecorator

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
SECONDS_A_DAY = 86_400


def to_seconds(value: dt.datetime | dt.date) -> int:
    """Whole seconds since the epoch: a naive time is UTC, an aware one is converted, a date
    is its midnight."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return (value - EPOCH) // SECOND


def from_seconds(seconds: int) -> dt.datetime:
    """The UTC time of a stored number of seconds."""
    return EPOCH + dt.timedelta(seconds=seconds)


class UtcSeconds(TypeDecorator[dt.datetime]):
    """A time column held as seconds since the epoch (see the module's docstring)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else to_seconds(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else from_seconds(int(value))
