"""Snapshots of the segments list and a segment's page, at 80x24 and 120x40, on the sample
shop as of its own day (review dates are counted from it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from segdesk.tui.app import make_app
from tests.tui.helpers import settle

SAMPLE_DAY = date(2026, 11, 15)


@pytest.fixture(autouse=True)
def _sample_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("segdesk.tui.clock.today", lambda: SAMPLE_DAY)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("segments", ["s"]),
        ("segment_page", ["s", "slash", *"VIP cust", "enter", "enter"]),
    ],
)
def test_segments_screen(
    snap_compare, sample_copy: Path, name: str, keys: list[str], size: tuple[int, int]
) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot.app, pilot)

    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
