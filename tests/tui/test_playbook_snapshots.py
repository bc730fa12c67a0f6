"""Snapshots of the playbook form on the sample's At Risk playbook, at 80x24 (top, and
scrolled to its last fields) and at 120x40. The sample's dates are fixed, so what the form
shows does not move with the clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from segdesk.tui.app import make_app
from segdesk.tui.screens.playbook_form import PlaybookFormScreen
from tests.tui.helpers import settle, wait_until


@pytest.mark.parametrize(
    ("size", "focus"),
    [((80, 24), None), ((80, 24), "kpis"), ((120, 40), None)],
    ids=["80x24", "80x24_end", "120x40"],
)
def test_playbook_form(
    snap_compare, sample_copy: Path, size: tuple[int, int], focus: str | None
) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await settle(app, pilot)
        app.push_screen(PlaybookFormScreen("rfm: At Risk"))
        await settle(app, pilot)
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, "the playbook is read")
        wanted = focus or "goal"  # the form gives the goal the focus once it has read
        screen.query_one(f"#{wanted}").focus()
        await wait_until(
            pilot,
            lambda: screen.focused is not None and screen.focused.id == wanted,
            f"#{wanted} has the focus",
        )
        for box in [*screen.query(Input), *screen.query(TextArea)]:
            box.cursor_blink = False
            # A text area keys the lines it caches by the cursor only while it blinks: a
            # line drawn before it had the focus came back without the cursor when the
            # machine was busy. Drawing its lines again gives the cursor back.
            box.notify_style_update()
        await settle(app, pilot)
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(make_app(db=str(sample_copy)), terminal_size=size, run_before=run_before)
