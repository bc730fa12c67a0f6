"""Snapshots of the main screens on the sample database at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

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

    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
