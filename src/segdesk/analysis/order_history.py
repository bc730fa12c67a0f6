"""How far back the orders go, for the dates a backtest offers before the user types any.

Two index lookups (``ix_event_kind_time``), so that a screen can ask on every load. Every
order counts here, refunds included: the span only places the default dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from segdesk.store.tables import Event

event = Event.__table__
ORDER_KIND = "order"


def order_days(conn: Connection) -> tuple[dt.date, dt.date] | None:
    """The UTC days of the first and the last order; None without orders."""
    days = []
    for pick in (func.min, func.max):
        found = conn.execute(
            select(pick(event.c.occurred_at)).where(event.c.kind == ORDER_KIND)
        ).scalar()
        if found is None:
            return None
        days.append(found.date() if isinstance(found, dt.datetime) else _day(found))
    return days[0], days[1]


def last_year(days: tuple[dt.date, dt.date] | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months of the order history (the year up to the last order, or to today
    if that comes first; from the first order if the history is shorter); the year up to
    today without orders."""
    first, end = days if days is not None else (None, today)
    end = min(end, today)
    start = _year_before(end) + dt.timedelta(days=1)
    return (start if first is None else max(start, min(first, end))), end


def _day(value: object) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
