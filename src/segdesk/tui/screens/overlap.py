"""Overlap: every active segment outside a scheme against every other as a heatmap (v switches
people in both / share / similarity), the full names and figures of the pair under the cursor,
Enter for its people, the flags (near-duplicates, near-subsets, size guardrails), the
guardrails themselves, edited here and remembered (``settings``), which the command line uses
too, and the profiles table: every active segment beside all contacts, worked out in a worker
with its progress (slow on a large database, so the matrix works meanwhile) and stopped when
the user leaves. The page scrolls at 80x24; so does the matrix, within it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from segdesk.tui import clock
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import cancel_check, progress_to, show_if_latest
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.overlap_matrix import (
    MEASURE_WORDS,
    MEASURES,
    Measure,
    OverlapMatrix,
    legend,
    people_text,
    percent,
)
from segdesk.tui.widgets.profile_table import ProfileTableView
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from textual.worker import Worker

    from segdesk.analysis.overlap import OverlapReport
    from segdesk.analysis.profiles import ProfileTable
    from segdesk.jobs import Progress
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

GUARDRAILS = (
    ("min-size", "Too small: fewer than", "people (empty: the larger of 50 and 1% of contacts)"),
    ("max-segments", "Too many: more than", "active segments, a scheme counting once (empty: 8)"),
)
"""The guardrail form: each input's id, with the words before and after it."""


class OverlapScreen(ReportsFailures, Screen[None]):
    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        *(
            Binding(
                "v",
                f"next_measure('{measure}')",
                f"Showing {measure}",
                id=f"overlap.measure_{measure}",
            )
            for measure in MEASURES
        ),
        Binding("g", "guardrails", "Guardrails", id="overlap.guardrails"),
        Binding("p", "profiles", "Profiles", id="overlap.profiles"),
        Binding("escape", "leave_form", "To the matrix", id="overlap.leave_form"),
        Binding("escape", "back", "Back", id="overlap.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: OverlapReport | None = None
        self._stop_profiles = threading.Event()
        self._profiles_version: int | None = None
        """The app's data version the profiles shown (or being read) are of."""

    def compose(self) -> ComposeResult:
        yield TitleBar("Overlap")
        with VerticalScroll(id="overlap-page"):
            yield Static("Reading the segments…", id="overlap-status")
            yield OverlapMatrix(id="matrix")
            yield Static(id="pair")
            yield Static(id="legend", classes="muted")
            yield Static("Flags", classes="section-title")
            yield Static(id="flags")
            yield Static("Guardrails", classes="section-title")
            for name, before, after in GUARDRAILS:
                with Horizontal(classes="guardrail"):
                    yield Static(before, classes="guardrail-label")
                    yield Input(type="integer", id=name, classes="guardrail-value")
                    yield Static(after, classes="guardrail-unit")
            yield Static(
                "enter saves the guardrails, remembered for next time and for `segdesk overlap`.",
                classes="muted hint",
            )
            yield ProfileTableView(id="profiles")
        yield Footer(compact=True)

    @property
    def matrix(self) -> OverlapMatrix:
        return self.query_one(OverlapMatrix)

    @property
    def profiles(self) -> ProfileTableView:
        return self.query_one(ProfileTableView)

    def on_mount(self) -> None:
        from segdesk.settings import overlap_guardrails

        for (name, *_), value in zip(GUARDRAILS, overlap_guardrails(), strict=True):
            self.query_one(f"#{name}", Input).value = "" if value is None else str(value)
        self.matrix.focus()
        self._show_legend()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        self._reload()

    def on_screen_suspend(self) -> None:
        """Leaving the screen stops the profiles, coming back starts them again; a pair's
        people opened on top of it leave them running."""
        if self in self.app.screen_stack:
            return
        if self._profiles_version is not None and self.profiles.profiles is None:
            self._stop_profiles.set()
            self._profiles_version = None

    def _reload(self, _workspace: Workspace | None = None) -> None:
        workspace = self.app.workspace
        guardrails = self._guardrails()
        if workspace is not None and guardrails is not None:
            self._load(workspace, *guardrails)
        if workspace is not None and self._profiles_version != self.app.data_version:
            self._stop_profiles.set()
            self._stop_profiles = threading.Event()
            self._profiles_version = self.app.data_version
            self.profiles.working()
            self._load_profiles(workspace, self._stop_profiles)

    @work(thread=True, exclusive=True, exit_on_error=False, group="overlap-load")
    def _load(self, workspace: Workspace, min_size: int | None, max_segments: int | None) -> None:
        report = workspace.overlap.report(min_size=min_size, max_segments=max_segments)
        show_if_latest(self.app, self._show, report)

    @work(thread=True, exclusive=True, exit_on_error=False, group="overlap-profiles")
    def _load_profiles(self, workspace: Workspace, stop: threading.Event) -> None:
        from segdesk.jobs import Cancelled

        try:
            profiles = workspace.profiles.table(
                None,
                clock.today(),
                progress=progress_to(self.app, self._profiles_progress(stop)),
                cancelled=cancel_check(stop),
            )
        except Cancelled:
            return  # left, or started again: whoever stopped it says what comes next
        self.app.call_from_thread(self._show_profiles, profiles, stop)

    def _profiles_progress(self, stop: threading.Event) -> Progress:
        def show(done: int, total: int, label: str) -> None:
            if not stop.is_set():
                self.profiles.working(done, total, label)

        return show

    def _show_profiles(self, profiles: ProfileTable, stop: threading.Event) -> None:
        if not stop.is_set():
            self.profiles.show(profiles)

    def work_failed(self, worker: Worker[None], error: BaseException) -> bool:
        if worker.group == "overlap-profiles":
            self.profiles.stopped("The profiles could not be worked out.")
            self._profiles_version = None
        return False

    # Showing ------------------------------------------------------------------------------

    def _show(self, report: OverlapReport) -> None:
        self.report = report
        self.matrix.report = report
        n, coverage = len(report.segments), report.coverage
        if n < 2:
            said = (
                "Overlap needs two active segments outside a scheme: make segments in "
                "Segments (s), then come back."
            )
        else:
            said = (
                f"{n} active segments outside a scheme · {coverage.in_none:,} of "
                f"{coverage.contacts:,} contacts are in none of them · ←↑↓→ move, enter "
                "shows the people of a pair"
            )
        self.query_one("#overlap-status", Static).update(said)
        self.query_one("#flags", Static).update(_flags(report))
        self._show_pair()

    @on(OverlapMatrix.Moved)
    def _show_pair(self) -> None:
        report = self.report
        shown = self.query_one("#pair", Static)
        if report is None or len(report.segments) < 2:
            shown.update("")
            return
        row, column = self.matrix.cursor
        a, b = report.segments[row], report.segments[column]
        text = Text()
        text.append(a.name, style="bold")
        text.append(f" ({people_text(a.count)})")
        if row == column:
            text.append(" with itself: pick a cell beside it for a pair.")
            shown.update(text)
            return
        cell = report.cell(row, column)
        text.append(" and ")
        text.append(b.name, style="bold")
        text.append(f" ({people_text(b.count)})\n")
        text.append(f"{cell.both:,} people in both · {percent(cell.share)} of the first are ")
        text.append(f"in the second, {percent(report.cell(column, row).share)} the other way ")
        text.append(f"· similarity {percent(cell.jaccard)}")
        shown.update(text)

    def _show_legend(self) -> None:
        measure = self.matrix.measure
        text = Text(f"Cells show {MEASURE_WORDS[measure]}. ")
        text.append_text(legend(measure))
        self.query_one("#legend", Static).update(text)

    # Keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        in_profiles = isinstance(self.focused, DataTable)  # escape goes back to the matrix
        if action == "next_measure":
            return not typing and parameters == (self.matrix.measure,)
        if action == "leave_form":
            return typing or in_profiles
        if action == "back":
            return not typing and not in_profiles
        if action in ("guardrails", "profiles"):
            return not typing
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_next_measure(self, current: Measure) -> None:
        self.matrix.measure = MEASURES[(MEASURES.index(current) + 1) % len(MEASURES)]
        self.matrix.refresh()
        self._show_legend()
        self.refresh_bindings()

    @on(OverlapMatrix.Opened)
    def _open_pair(self, event: OverlapMatrix.Opened) -> None:
        if self.report is None:
            return
        from segdesk.tui.screens.overlap_people import OverlapPeopleScreen

        a, b = self.report.segments[event.row], self.report.segments[event.column]
        self.app.push_screen(OverlapPeopleScreen(a.name, b.name))

    def action_guardrails(self) -> None:
        first = self.query_one(f"#{GUARDRAILS[0][0]}", Input)
        first.focus()
        first.scroll_visible()

    def action_profiles(self) -> None:
        table = self.profiles.table
        if table.display:
            table.focus()
        self.profiles.scroll_visible(top=True)

    def action_leave_form(self) -> None:
        self.matrix.focus()
        self.matrix.scroll_visible()

    def action_back(self) -> None:
        self.app.switch_mode("home")

    @on(Input.Submitted, ".guardrail-value")
    def _guardrails_submitted(self) -> None:
        guardrails = self._guardrails()
        if guardrails is None:
            return
        from segdesk.settings import save_overlap_guardrails

        save_overlap_guardrails(*guardrails)
        self.notify("Guardrails saved.", markup=False)
        self.action_leave_form()
        self._reload()

    def _guardrails(self) -> tuple[int | None, int | None] | None:
        """The form's guardrails (None each for blank: the default); None when one is not a
        whole number of 0 or more, said with a notice."""
        values: list[int | None] = []
        for name, before, _ in GUARDRAILS:
            text = self.query_one(f"#{name}", Input).value.strip()
            if not text:
                values.append(None)
            elif text.isdigit():
                values.append(int(text))
            else:
                self.notify(f"{before}: a whole number of 0 or more, please.", severity="error")
                return None
        return values[0], values[1]


def _flags(report: OverlapReport) -> Text:
    if not report.flags:
        return Text("None: no near-duplicates, no near-subsets, sizes within the guardrails.")
    text = Text()
    for flag in report.flags:
        if text:
            text.append("\n")
        text.append("• ")
        text.append(flag.message)
    return text
