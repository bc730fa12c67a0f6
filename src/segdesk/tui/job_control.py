"""A domain job (see ``segdesk.jobs``) run in a thread worker: its progress reaches the screen,
and a cancel from the screen, or the worker's end, reaches the job."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.worker import get_current_worker

from segdesk.jobs import CancelCheck, Progress

PROGRESS_EVERY = 0.1
"""Seconds between two progress reports sent from a worker's thread to the screen."""


def cancel_check(stop: threading.Event) -> CancelCheck:
    """The cancel check for a job run in the current thread worker: true once the screen has
    set ``stop`` (the user cancelled) or the worker is cancelled (its screen gone, the app
    closing). A screen sets an event rather than cancelling the worker so that the worker runs
    on until the job has rolled back, and the screen says "cancelled" only then."""
    worker = get_current_worker()
    return lambda: stop.is_set() or worker.is_cancelled


def progress_to(app: App[Any], show: Progress) -> Progress:
    """A job's progress callback, called in a worker's thread, that passes reports on to
    ``show`` on the app's thread: at most one every ``PROGRESS_EVERY`` seconds, so a job that
    reports often does not flood the app, and always the last one."""
    last = 0.0

    def report(done: int, total: int, label: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY or done >= total:
            last = now
            app.call_from_thread(show, done, total, label)

    return report


def show_if_latest(app: App[Any], show: Callable[..., object], *args: object) -> None:
    """Pass a thread worker's result to ``show`` on the app's thread, unless the worker was
    cancelled by then: an exclusive worker started later (a reload after a change) cancels
    an earlier one, but the earlier thread runs on, and its older result must not land
    after the newer one. The check runs on the app's thread, where cancelling happens."""
    worker = get_current_worker()

    def latest() -> None:
        if not worker.is_cancelled:
            show(*args)

    app.call_from_thread(latest)
