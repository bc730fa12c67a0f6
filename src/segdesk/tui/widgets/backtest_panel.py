"""The stability screen's backtest: a form (which segment or scheme, month ends or Sundays,
from and to), the run in a worker with its bar and cancel, and the result: size over time,
kept / joined / left and similarity between consecutive dates, the average time in a
segment, and the notes on what a past date cannot know (contact fields are today's).

Dates are checked before anything runs, so that a mistake is one sentence beside the form.
The screen owns the keys (``r`` runs, escape cancels) and calls `run` and `cancel`.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, ProgressBar, RadioSet, Select, Static

from segdesk.analysis.backtest_text import date_rows, step_averages, time_in_segment
from segdesk.errors import UserError
from segdesk.tui import clock
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import cancel_check, progress_to
from segdesk.tui.theme_styles import theme_style
from segdesk.tui.widgets.toggles import RadioButton
from segdesk.wording import sparkline

if TYPE_CHECKING:
    from textual.worker import Worker

    from segdesk.analysis.backtest import Backtest, Cadence
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

CHART_WIDTH = 24
"""Dates the size chart shows, the latest last."""
CADENCE_WORDS: dict[Cadence, str] = {"monthly": "month ends", "weekly": "Sundays"}
FIELDS_NOTE = (
    "Conditions on contact fields (plan, city, consent...) use today's values on every date: "
    "the database keeps no history of them."
)
DAYS_NOTE = "Days in it: the average time people stay in a segment, as far as the dates show."


class BacktestPanel(ReportsFailures, Vertical):
    """The form, the bar and the result; `running` while a backtest runs."""

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    DEFAULT_CSS = """
    BacktestPanel {
        height: auto;
    }
    BacktestPanel .backtest-row {
        height: auto;
        margin: 1 0 0 0;
    }
    BacktestPanel .backtest-label {
        width: 7;
        padding: 1 0 0 0;
    }
    BacktestPanel #backtest-subject {
        width: 50;
    }
    BacktestPanel #backtest-subject-label {
        padding: 0;
    }
    BacktestPanel RadioSet {
        layout: horizontal;
        width: auto;
    }
    BacktestPanel RadioSet > RadioButton {
        width: auto;
        margin: 0 2 0 0;
    }
    BacktestPanel Input {
        width: 18;
    }
    BacktestPanel #backtest-status {
        margin: 1 0 0 0;
    }
    BacktestPanel DataTable {
        height: auto;
        max-height: 16;
        margin: 1 0 0 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.running = False
        self.result: Backtest | None = None
        self._stop = threading.Event()
        self._subjects: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("Backtest", classes="section-title")
        yield Static(
            "How a segment or a whole scheme would have moved: each month end or Sunday taken "
            "as today, orders after it ignored.",
            classes="muted",
        )
        with Horizontal(classes="backtest-row"):
            yield Static("Of", classes="backtest-label", id="backtest-subject-label")
            yield Select[str](
                [], prompt="a segment or a scheme", compact=True, id="backtest-subject"
            )
        with Horizontal(classes="backtest-row"):
            yield Static("Every", classes="backtest-label")
            with RadioSet(id="cadence"):
                yield RadioButton("month end", value=True, id="monthly")
                yield RadioButton("Sunday (weekly)", id="weekly")
        with Horizontal(classes="backtest-row"):
            yield Static("From", classes="backtest-label")
            yield Input(placeholder="YYYY-MM-DD", max_length=10, id="backtest-from")
            yield Static("  To", classes="backtest-label")
            yield Input(placeholder="YYYY-MM-DD", max_length=10, id="backtest-to")
        yield Static(
            "r runs it (enter in a date too) · escape cancels it while it runs.",
            classes="muted",
            id="backtest-hint",
        )
        yield Static(id="backtest-status")
        yield ProgressBar(total=None, show_eta=False, id="backtest-progress")
        yield Static(id="backtest-chart")
        yield DataTable(id="backtest-steps", cursor_type="row", zebra_stripes=True)
        yield Static(id="backtest-notes", classes="muted")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#backtest-steps", DataTable).display = False

    # The form --------------------------------------------------------------------------------

    def offer(self, subjects: list[tuple[str, str]], viewed: str | None) -> None:
        """The segments and schemes to choose from; the one viewed chosen unless the user
        picked another here."""
        choose = self.query_one("#backtest-subject", Select)
        if choose.expanded:
            return
        picked = choose.value if isinstance(choose.value, str) else viewed
        self._subjects = subjects
        choose.set_options(subjects)
        if picked is not None and any(v == picked for _, v in subjects):
            choose.value = picked

    def follow(self, viewed: str) -> None:
        """The subject chosen at the top of the screen is the one to backtest."""
        if any(v == viewed for _, v in self._subjects):
            self.query_one("#backtest-subject", Select).value = viewed

    def default_dates(self, start: date, end: date) -> None:
        """Fill the dates the user has not typed."""
        for box, day in (("#backtest-from", start), ("#backtest-to", end)):
            field = self.query_one(box, Input)
            if not field.value:
                field.value = day.isoformat()

    @property
    def cadence(self) -> Cadence:
        pressed = self.query_one("#cadence", RadioSet).pressed_button
        return "weekly" if pressed is not None and pressed.id == "weekly" else "monthly"

    def _form(self, workspace: Workspace) -> tuple[str, date, date, Cadence]:
        """What the form asks for, checked; UserError with one sentence when it cannot run."""
        subject = self.query_one("#backtest-subject", Select).value
        if not isinstance(subject, str):
            raise UserError("Choose the segment or scheme to backtest first.")
        days = []
        for box, word in (("#backtest-from", "From"), ("#backtest-to", "To")):
            text = self.query_one(box, Input).value.strip()
            try:
                days.append(date.fromisoformat(text))
            except ValueError:
                said = f"“{text}”" if text else "nothing"
                raise UserError(
                    f"{word}: a date as YYYY-MM-DD, like 2025-11-30, please (got {said})."
                ) from None
        start, end = days
        cadence = self.cadence
        try:
            workspace.backtests.dates(start, end, cadence, today=clock.today())
        except UserError as refused:
            said = str(refused)
            raise UserError(f"{said[:1].upper()}{said[1:]}.") from None
        return subject, start, end, cadence

    @on(Input.Submitted, "#backtest-from, #backtest-to")
    def _submitted(self) -> None:
        self.run()

    # Running ---------------------------------------------------------------------------------

    def run(self) -> None:
        workspace = self.app.workspace
        if workspace is None or self.running:
            return
        try:
            subject, start, end, cadence = self._form(workspace)
        except UserError as refused:
            self._status(str(refused), problem=True)
            return
        self.running = True
        self._stop = threading.Event()
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._status(f"Working out {subject} as of each date… escape cancels.")
        self.screen.refresh_bindings()
        self._run(workspace, subject, start, end, cadence, self._stop)

    def cancel(self) -> None:
        self._stop.set()
        self._status("Cancelling…")

    @work(thread=True, exclusive=True, exit_on_error=False, group="backtest")
    def _run(
        self,
        workspace: Workspace,
        subject: str,
        start: date,
        end: date,
        cadence: Cadence,
        stop: threading.Event,
    ) -> None:
        from segdesk.jobs import Cancelled

        try:
            result = workspace.backtests.run(
                subject,
                start,
                end,
                cadence,
                today=clock.today(),
                progress=progress_to(self.app, self._progress),
                cancelled=cancel_check(stop),
            )
        except Cancelled:
            self.app.call_from_thread(self._finished, None)
            return
        self.app.call_from_thread(self._finished, result)

    def _progress(self, done: int, total: int, label: str) -> None:
        if self.running and not self._stop.is_set():
            self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
            self._status(f"As of {label}: {done} of {total} dates done… escape cancels.")

    def _finished(self, result: Backtest | None) -> None:
        self.running = False
        self.query_one(ProgressBar).display = False
        self.screen.refresh_bindings()
        if result is None:
            self._status("The backtest was cancelled.")
            return
        self.result = result
        self._status("")
        self._show(result)
        self.call_after_refresh(self.query_one("#backtest-chart").scroll_visible, top=True)

    def work_failed(self, worker: Worker[None], error: BaseException) -> bool:
        self.running = False
        self.query_one(ProgressBar).display = False
        self.screen.refresh_bindings()
        said = str(error) if isinstance(error, UserError) else "a fault of ours, shown apart"
        self._status(f"The backtest stopped: {said}", problem=True)
        return False

    def _status(self, said: str, *, problem: bool = False) -> None:
        style = theme_style(self.app, "error", bold=True) if problem else ""
        self.query_one("#backtest-status", Static).update(Text(said, style=style))

    # The result ------------------------------------------------------------------------------

    def _show(self, result: Backtest) -> None:
        self.query_one("#backtest-chart", Static).update(self._chart(result))
        table = self.query_one("#backtest-steps", DataTable)
        table.clear(columns=True)
        table.display = True
        if result.scheme is None:
            table.add_columns("date", *_right("people", "kept", "joined", "left", "similarity"))
            for row in date_rows(result):
                table.add_row(row[0], *_right(*row[1:]))
        else:
            table.add_columns(
                "segment", *_right("kept", "joined", "left", "similarity", "days in it")
            )
            for s in result.segments:
                table.add_row(s.name[:30], *_right(*step_averages(s)))
        notes = [DAYS_NOTE, FIELDS_NOTE, *result.notes]
        if result.scheme is not None:
            notes.insert(0, "Kept, joined, left, similarity: averages between consecutive dates.")
        else:
            days = result.segments[0].average_days
            notes.insert(0, f"Average time in the segment: {time_in_segment(days)}.")
        self.query_one("#backtest-notes", Static).update(Text("\n".join(notes)))

    def _chart(self, result: Backtest) -> Table:
        style = theme_style(self.app, "accent")
        sizes = Table.grid(padding=(0, 2, 0, 0))
        sizes.add_column(no_wrap=True, max_width=24, overflow="ellipsis")
        sizes.add_column(no_wrap=True)
        sizes.add_column(justify="right", no_wrap=True)
        for s in result.segments:
            sizes.add_row(
                s.name,
                Text(sparkline(list(s.sizes), CHART_WIDTH), style=style),
                f"{s.sizes[0]:,} → {s.sizes[-1]:,}",
            )
        which = result.subject if result.scheme is None else f"the {result.subject} scheme"
        first, last = result.dates[0], result.dates[-1]
        shown = min(len(result.dates), CHART_WIDTH)
        title = (
            f"{which}: people at each of {len(result.dates)} {CADENCE_WORDS[result.cadence]} "
            f"from {first:%d %b %Y} to {last:%d %b %Y}"
            + (f" (the chart: the last {shown})" if shown < len(result.dates) else "")
            + "."
        )
        grid = Table.grid()
        grid.add_row(Text(title[:1].upper() + title[1:], style="bold"))
        grid.add_row(sizes)
        return grid


def _right(*cells: str) -> list[Text]:
    return [Text(c, justify="right") for c in cells]
