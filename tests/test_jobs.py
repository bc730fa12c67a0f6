"""One way to run long work: the domain's ``Job`` and the command line's progress bar."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from segdesk import output
from segdesk.jobs import Cancelled, Job


def _work(items: list[str], job: Job, finished: list[str]) -> None:
    """The loop every job runs: check, then for each unit do it and step."""
    job.check()
    for item in items:
        finished.append(item)
        job.step(item)


class TestJob:
    def test_reports_each_unit_with_its_label(self) -> None:
        seen: list[tuple[int, int, str]] = []
        job = Job(lambda done, total, label: seen.append((done, total, label)), total=3)
        finished: list[str] = []
        _work(["a", "b", "c"], job, finished)
        assert seen == [(1, 3, "a"), (2, 3, "b"), (3, 3, "c")]
        assert job.done == 3 and finished == ["a", "b", "c"]

    def test_runs_without_progress_or_cancel(self) -> None:
        job = Job(total=2)
        finished: list[str] = []
        _work(["a", "b"], job, finished)
        assert job.done == 2 and finished == ["a", "b"]

    def test_a_cancel_stops_before_the_next_unit(self) -> None:
        seen: list[str] = []
        asked = []

        def cancelled() -> bool:
            asked.append(1)
            return len(seen) == 2  # the user cancels while the second unit runs

        job = Job(lambda _done, _total, label: seen.append(label), cancelled, total=4)
        finished: list[str] = []
        with pytest.raises(Cancelled):
            _work(["a", "b", "c", "d"], job, finished)
        assert finished == seen == ["a", "b"]
        assert len(asked) == 3  # before the first unit and after each finished one

    def test_a_cancel_before_the_start_does_no_work(self) -> None:
        finished: list[str] = []
        with pytest.raises(Cancelled):
            _work(["a"], Job(cancelled=lambda: True, total=1), finished)
        assert finished == []

    def test_a_cancel_during_the_last_unit_still_counts(self) -> None:
        finished: list[str] = []
        job = Job(cancelled=lambda: len(finished) == 2, total=2)
        with pytest.raises(Cancelled):
            _work(["a", "b"], job, finished)
        assert finished == ["a", "b"]


class TestProgressBar:
    @pytest.fixture
    def screen(self, monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
        """What the bar draws, as on a terminal without colours."""
        buffer = io.StringIO()

        def console(**_kwargs: object) -> Console:
            return Console(file=buffer, force_terminal=True, color_system=None, width=100)

        monkeypatch.setattr(output, "Console", console)
        return buffer

    def test_counts_and_labels(self, screen: io.StringIO) -> None:
        with output.progress_bar("Refreshing") as progress:
            progress(1, 2, "Lapsed")
            progress(2, 2, "VIP [/b] customers")  # a name, never markup
        assert "Refreshing" in screen.getvalue()
        assert "2/2 VIP [/b] customers" in screen.getvalue()

    def test_sizes(self, screen: io.StringIO) -> None:
        with output.progress_bar("Importing shop{1}.csv", sizes=True) as progress:
            progress(1000, 2000, "")
            progress(2000, 2000, "")
        assert "Importing shop{1}.csv" in screen.getvalue()
        assert "2.0/2.0 kB" in screen.getvalue()
