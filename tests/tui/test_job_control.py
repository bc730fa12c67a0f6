"""A job's progress, sent from a worker's thread, reaches the screen without flooding it."""

from __future__ import annotations

from typing import Any, cast

import pytest
from textual.app import App

from segdesk.tui import job_control


class _RecordingApp:
    """Stands in for the app: records what would run on its thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def call_from_thread(self, callback: Any, *args: Any) -> None:
        self.calls.append(args)
        callback(*args)


def test_progress_is_thinned_out_but_the_last_report_always_arrives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([10.0, 10.01, 10.02, 10.2, 10.21])
    monkeypatch.setattr(job_control.time, "monotonic", lambda: next(clock))
    app = _RecordingApp()
    shown: list[tuple[int, int, str]] = []
    report = job_control.progress_to(
        cast(App[object], app), lambda done, total, label: shown.append((done, total, label))
    )
    for done in (1, 2, 3, 4, 5):
        report(done, 5, f"part {done}")
    assert shown == app.calls == [(1, 5, "part 1"), (4, 5, "part 4"), (5, 5, "part 5")]
