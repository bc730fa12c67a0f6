"""Waiting for the app's threads instead of sleeping."""

from __future__ import annotations

import contextlib
import io

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled, WorkerFailed


async def settle(app: App, pilot: Pilot, rounds: int = 10) -> None:
    """Wait until no worker runs, including workers that finishing workers start."""
    for _ in range(rounds):
        # A failed worker is reported to the user by the app; tests look at what it showed.
        # A cancelled one (a folder tree that reloads) has nothing to wait for.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (Rich tables included)."""
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    content = widget.content
    console.print(content if not isinstance(content, str) else Text.from_markup(content))
    return console.export_text()
