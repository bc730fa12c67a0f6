"""Snapshots of the rule builder on the sample database: editing a segment at 80x24 (the
text under the outline) and 120x40 (beside it), a rule with an error marked, and the
condition editor. The rules shown hold no dates, so their counts do not move with today."""

from __future__ import annotations

from pathlib import Path

import pytest

from segdesk.tui.app import make_app
from segdesk.tui.screens.segment_builder import SegmentBuilderScreen
from segdesk.tui.widgets.live_count import LiveCount
from tests.tui.helpers import settle, wait_until


@pytest.mark.parametrize(
    ("name", "size", "keys"),
    [
        ("edit_80x24", (80, 24), []),
        ("edit_120x40", (120, 40), []),
        ("text_error_80x24", (80, 24), ["tab", "end", *' or contry = "x"']),
        ("condition_editor_80x24", (80, 24), ["down", "down", "a", *"ord"]),
    ],
)
def test_builder(
    snap_compare, sample_copy: Path, name: str, size: tuple[int, int], keys: list[str]
) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await settle(app, pilot)
        screen = SegmentBuilderScreen("Local customers")
        await app.push_screen(screen)
        counter = screen.query_one(LiveCount)
        await wait_until(pilot, lambda: not counter.is_stale, "the rule is counted")
        await pilot.press(*keys)
        await settle(app, pilot)

    app = make_app(db=str(sample_copy))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
