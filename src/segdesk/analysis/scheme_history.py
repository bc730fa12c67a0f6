"""The members a scheme check weighs "never reached" against: the segments as of each month
end of the order history (docs/profiles.md).

The dates are the month ends from the month of the first counted order to the last month end
on or before today; each is evaluated as a backtest evaluates it
(:class:`segdesk.analysis.as_of.SegmentsAsOf`: today's definitions, orders after the date
ignored). The check asks only about the segments empty now (one with members now has been
reached), and the reading stops at the first date by which every one of them has had a
member: the later dates cannot change the answer. So a scheme whose segments all have
members costs nothing, and the full series is read only when some segment stays empty.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from pyroaring import BitMap
from sqlalchemy import Connection, func, select

from segdesk.analysis.as_of import SegmentsAsOf
from segdesk.analysis.scheme_check import HistoryReader
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.store.order_status import counted
from segdesk.store.tables import Event

event = Event.__table__


def history_month_ends(conn: Connection, today: dt.date) -> list[dt.date]:
    """The month ends of the order history: from the month of the first counted order to the
    last month end on or before ``today``; none without orders."""
    first = conn.execute(
        select(func.min(event.c.occurred_at)).where(
            event.c.kind == "order", counted(event.c.status)
        )
    ).scalar_one()
    if first is None:
        return []
    days: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if end > today:
            return days
        days.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_end_reader(
    today: dt.date,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> HistoryReader:
    """A reader of the segments' members as of each month end of the order history up to
    ``today``, stopping once every segment asked has had a member. Progress counts the
    month ends; a cancel stops between two."""

    def read(conn: Connection, segment_ids: Sequence[int]) -> dict[dt.date, dict[int, BitMap]]:
        dates = history_month_ends(conn, today)
        job = Job(progress, cancelled, total=len(dates))
        job.check()
        found: dict[dt.date, dict[int, BitMap]] = {}
        if not dates or not segment_ids:
            return found
        waiting = set(segment_ids)
        with SegmentsAsOf(conn, segment_ids, until=dates[-1]) as segments:
            for day in dates:
                found[day] = segments.members(day)
                waiting -= {i for i, members in found[day].items() if members}
                job.step(day.isoformat())
                if not waiting:
                    break
        return found

    return read
