"""The backtest's default dates: the last 12 months of the order history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from segdesk.analysis.backtest import series_dates
from segdesk.analysis.order_history import last_year
from segdesk.workspace import Workspace
from tests.factories import add_orders, new_shop

TODAY = date(2026, 11, 15)


def test_last_year_of_orders_makes_twelve_month_ends() -> None:
    start, end = last_year((date(2023, 1, 4), date(2026, 11, 14)), TODAY)
    assert (start, end) == (date(2025, 11, 15), date(2026, 11, 14))
    assert len(series_dates(start, end, "monthly")) == 12
    # Orders dated after today end the year at today; a short history starts at its start;
    # without orders, the year up to today; a leap day steps back to 28 February.
    assert last_year((date(2026, 1, 1), date(2027, 3, 1)), TODAY) == (date(2026, 1, 1), TODAY)
    assert last_year((date(2026, 5, 3), date(2026, 9, 9)), TODAY)[0] == date(2026, 5, 3)
    assert last_year(None, TODAY) == (date(2025, 11, 16), TODAY)
    assert last_year(None, date(2024, 2, 29))[0] == date(2023, 3, 1)


def test_workspace_reads_the_first_and_last_order_days(tmp_path: Path) -> None:
    db = new_shop(tmp_path, [{"email": "a@example.com"}, {"email": "b@example.com"}])
    with Workspace.open(db) as ws:
        assert ws.backtests.last_year(today=TODAY) == (date(2025, 11, 16), TODAY)
        add_orders(ws.engine, 1, [(datetime(2026, 6, 2, 23, 30, tzinfo=UTC), 10.0)])
        add_orders(ws.engine, 2, [(datetime(2026, 3, 1, 8, tzinfo=UTC), 5.0)])
        add_orders(ws.engine, 2, [(datetime(2026, 8, 1, 8, tzinfo=UTC), 0.0)], kind="visit")
        assert ws.backtests.last_year(today=TODAY) == (date(2026, 3, 1), date(2026, 6, 2))
