"""Snapshots of the main screens on the sample database at 80x24."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from segdesk.demo import fresh_demo_copy
from segdesk.tui.app import make_app
from tests.tui.helpers import settle

SIZE = (80, 24)


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot.app, pilot)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("home", []),
        ("contacts", ["c"]),
        ("contacts_end", ["c", "G"]),
        ("contact", ["c", "j", "enter"]),
        ("help_on_contacts", ["c", "question_mark"]),
    ],
)
def test_screen(snap_compare, sample_copy: Path, name: str, keys: list[str]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        for key in keys:
            await pilot.press(key)
            await _ready(pilot)

    if name == "home":
        # As the demo opens it, dates moved so that its history ends yesterday: the reviews
        # due read the same on any day the test runs.
        sample_copy = fresh_demo_copy(sample_copy, today=date.today())
    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
