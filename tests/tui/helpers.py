"""Waiting on the app's state instead of sleeping, and reading what it showed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.command import Command, CommandList, CommandPalette
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled, WorkerFailed

TIMEOUT = 30.0
"""Seconds a wait may take before the test fails: generous, the machines are shared."""
POLL = 0.005
"""Seconds between two looks at a condition: a loop that never sleeps keeps the GIL from the
worker threads it waits for."""


async def settle(app: App, pilot: Pilot, rounds: int = 10) -> None:
    """Wait until no worker runs, including workers that finishing workers start."""
    for _ in range(rounds):
        # A failed worker is reported to the user by the app; tests look at what it showed.
        # A cancelled one (a folder tree that reloads) has nothing to wait for.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        if not any(w.is_running for w in app.workers):
            await pilot.wait_for_scheduled_animations()
            if not any(w.is_running for w in app.workers):
                return


async def wait_until(
    pilot: Pilot, condition: Callable[[], object], what: str, timeout: float = TIMEOUT
) -> None:
    """Let the app run until ``condition()`` holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting until {what}")
        await pilot.wait_for_scheduled_animations()
        await asyncio.sleep(POLL)


def palette_highlights(app: App, name: str) -> bool:
    """True when the command palette is open with the command ``name`` highlighted."""
    if not isinstance(app.screen, CommandPalette):
        return False
    commands = app.screen.query_one(CommandList)
    if commands.highlighted is None:
        return False
    option = commands.get_option_at_index(commands.highlighted)
    return isinstance(option, Command) and str(option.hit.prompt) == name


@dataclass
class Notices:
    """A `message_hook` for `App.run_test` that keeps every notification the app raised."""

    shown: list[Notification] = field(default_factory=list)

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.shown.append(message.notification)

    def errors(self) -> list[str]:
        return [n.message for n in self.shown if n.severity == "error"]


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (Rich tables included)."""
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    content = widget.content
    console.print(content if not isinstance(content, str) else Text.from_markup(content))
    return console.export_text()
