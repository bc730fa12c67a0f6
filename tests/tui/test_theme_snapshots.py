"""The home screen in every bundled theme at 80x24, switched live in one run of the app.

One run rather than one per theme: starting the app on the sample is most of a snapshot's time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion

from segdesk.demo import fresh_demo_copy
from segdesk.tui.app import make_app
from segdesk.tui.themes import load_themes, theme_folders
from tests.tui.helpers import settle


async def test_home_in_every_bundled_theme(sample_copy: Path, snapshot: SnapshotAssertion) -> None:
    bundled, _ = load_themes(theme_folders()[:1])
    names = sorted(theme.name for theme in bundled)
    assert len(names) >= 5
    svg_snapshot = snapshot.use_extension(SVGImageExtension)
    # Dates moved so that the history ends yesterday: the reviews due read the same any day.
    app = make_app(db=str(fresh_demo_copy(sample_copy, today=date.today())))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for name in names:
            app.theme = name
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            assert app.export_screenshot(title=app.title) == svg_snapshot(name=name), name
