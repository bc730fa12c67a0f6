"""Models: the RFM scheme as its RxF grid with the breakpoints of its last run, and the
lifecycle stages with their thresholds in a form. Both run again from here, for today, in a
worker with progress and cancel; a run saves its scheme, as `segdesk model rfm` does. b and
B show the RFM and lifecycle playbooks as they would be exported, to write them to a file.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker

from segdesk.errors import UserError
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import cancel_check, progress_to
from segdesk.tui.messages import DataChanged
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.rfm_grid import COLOURS, RfmGridView, style_of
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.models.thresholds import Thresholds
    from segdesk.models.views import LifecycleView, RfmGrid
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

THRESHOLDS = (
    ("new_days", "New: first order within", "days"),
    ("active_days", "Active: last order within", "days"),
    ("lapsed_days", "At risk: last order within", "days, then Lapsed"),
)
"""The lifecycle form's fields, each with the words before and after its number of days."""

RUNS = {"rfm": "RFM", "lifecycle": "Lifecycle"}


class ModelsScreen(ReportsFailures, Screen[None]):
    TITLE = "Models"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("r", "run_rfm", "Run RFM", id="models.run_rfm"),
        Binding("l", "run_lifecycle", "Run lifecycle", id="models.run_lifecycle"),
        Binding("t", "thresholds", "Edit thresholds", show=False, id="models.thresholds"),
        Binding("b", "playbook('rfm')", "RFM playbook", id="models.rfm_playbook"),
        # Out of the footer, which B would push past 80 columns: the hint under the form says it.
        Binding(
            "B",
            "playbook('lifecycle')",
            "Lifecycle playbook",
            show=False,
            id="models.life_playbook",
        ),
        Binding("escape", "cancel", "Cancel", id="models.cancel"),
        Binding("escape", "leave_form", "Leave form", id="models.leave_form"),
        Binding("escape", "back", "Back", id="models.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running: str | None = None
        """The model running now ("rfm", "lifecycle"), else None."""
        self.schemes: set[str] = set()
        """The schemes that have been run, whose playbooks can be shown."""
        self._stop = threading.Event()
        self._data_version = -1

    def compose(self) -> ComposeResult:
        yield TitleBar("Models")
        with VerticalScroll(id="models-page"):
            yield Static("RFM: how recently and how often people order", classes="section-title")
            yield Static("Reading the last run…", id="rfm-status")
            yield RfmGridView(id="rfm-grid")
            yield Static(id="rfm-points", classes="muted")
            yield Static(id="rfm-legend")
            yield Static("Lifecycle: where each customer is", classes="section-title")
            yield Static(id="life-status")
            for name, before, after in THRESHOLDS:
                with Horizontal(classes="threshold"):
                    yield Static(before, classes="threshold-label")
                    yield Input(type="integer", id=name, classes="threshold-days")
                    yield Static(after, classes="threshold-unit")
            yield Static(id="life-error")
            yield Static(
                "r runs RFM and l runs lifecycle for today, saving each (Enter in the form "
                "too); t edits the thresholds. escape cancels a run. b and B show the RFM and "
                "lifecycle playbooks.",
                classes="muted hint",
            )
        with Horizontal(id="job"):
            yield Static(id="job-status")
            yield ProgressBar(total=None, show_eta=False, id="job-progress")
        yield Footer(compact=True)

    @property
    def grid_view(self) -> RfmGridView:
        return self.query_one(RfmGridView)

    def on_mount(self) -> None:
        self.query_one("#job").display = False
        self.grid_view.focus()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        if self._data_version != self.app.data_version:
            self._reload()

    def _reload(self, _workspace: Workspace | None = None) -> None:
        workspace = self.app.workspace
        if workspace is not None and self.running is None:
            self._data_version = self.app.data_version
            self._load(workspace)

    @work(thread=True, exclusive=True, exit_on_error=False, group="models-load")
    def _load(self, workspace: Workspace) -> None:
        grid = workspace.models.rfm_grid()
        view = workspace.models.lifecycle_view()
        self.app.call_from_thread(self._show_rfm, grid)
        self.app.call_from_thread(self._show_lifecycle, view, fill_form=True)

    # Showing ------------------------------------------------------------------------------

    def _show_rfm(self, grid: RfmGrid | None) -> None:
        status = self.query_one("#rfm-status", Static)
        self.grid_view.grid = grid
        self._has_scheme("rfm", grid is not None)
        if grid is None:
            status.update("RFM has not been run on this database yet: press [b]r[/b] to run it.")
            self.query_one("#rfm-points", Static).update("")
            self.query_one("#rfm-legend", Static).update("")
            return
        ran = f", run {grid.ran_at:%Y-%m-%d %H:%M} UTC" if grid.ran_at else ""
        status.update(
            f"As of {grid.as_of}{ran} · {grid.with_orders:,} of {grid.contacts:,} people have "
            "ordered. Rows: days since the last order (R); columns: number of orders (F)."
        )
        points = grid.breakpoints
        self.query_one("#rfm-points", Static).update(
            "Breakpoints (20/40/60/80%; a value on one scores below it):\n"
            f"  days since last order {_points(points.recency)} · orders "
            f"{_points(points.frequency)}\n  spend {_points(points.monetary, 2)} (M: scored, "
            "not used for the name)"
        )
        self.query_one("#rfm-legend", Static).update(_legend(grid))

    def _show_lifecycle(self, view: LifecycleView, *, fill_form: bool) -> None:
        sizes = " · ".join(f"{name} {people:,}" for name, people in view.sizes.items())
        when = f"As of {view.as_of}: {sizes}" if view.as_of else "Not run yet."
        self._has_scheme("lifecycle", view.as_of is not None)
        self.query_one("#life-status", Static).update(when)
        if fill_form:
            for name, *_ in THRESHOLDS:
                self.query_one(f"#{name}", Input).value = str(getattr(view.thresholds, name))
            self.query_one("#life-error", Static).update("")

    # Running ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        idle = self.running is None
        allowed = {
            "run_rfm": idle and not typing,
            "run_lifecycle": idle and not typing,
            "thresholds": not typing,
            "cancel": not idle,
            "leave_form": idle and typing,
            "back": idle and not typing,
        }
        if action == "playbook":
            return idle and not typing and parameters[0] in self.schemes
        return allowed.get(action, True)

    def _has_scheme(self, scheme: str, run: bool) -> None:
        if run:
            self.schemes.add(scheme)
        else:
            self.schemes.discard(scheme)
        self.refresh_bindings()

    def action_playbook(self, scheme: str) -> None:
        from segdesk.tui.screen_paths import PLAYBOOK_PREVIEW, make_screen

        self.app.push_screen(make_screen(PLAYBOOK_PREVIEW, scheme))

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_run_rfm(self) -> None:
        if (workspace := self._idle_workspace()) is not None:
            self._started("rfm")
            self._run_rfm(workspace)

    def action_run_lifecycle(self) -> None:
        workspace = self._idle_workspace()
        thresholds = self._thresholds()
        if workspace is not None and thresholds is not None:
            self._started("lifecycle")
            self._run_lifecycle(workspace, thresholds)

    @on(Input.Submitted, ".threshold-days")
    def _submitted(self) -> None:
        self.action_run_lifecycle()

    @on(Input.Changed, ".threshold-days")
    def _changed(self) -> None:
        if self.is_mounted:
            self._thresholds()

    def _thresholds(self) -> Thresholds | None:
        """The form's thresholds, checked; None (and the reason under the form) if wrong."""
        from segdesk.models.thresholds import Thresholds

        error = self.query_one("#life-error", Static)
        values: dict[str, int] = {}
        for name, before, _ in THRESHOLDS:
            text = self.query_one(f"#{name}", Input).value.strip()
            if not text.lstrip("-").isdigit():
                stage = before.split(":")[0]
                error.update(f"[$error]{stage} needs a whole number of days.[/]")
                return None
            values[name] = int(text)
        try:
            thresholds = Thresholds(**values)
        except UserError as problem:
            error.update(Text(str(problem).capitalize() + ".", style="bold"))
            return None
        error.update("")
        return thresholds

    def _idle_workspace(self) -> Workspace | None:
        return self.app.workspace if self.running is None else None

    def _started(self, model: str) -> None:
        self.running = model
        self._stop.clear()
        self.query_one("#job").display = True
        self.query_one("#job-progress", ProgressBar).update(total=None, progress=0)
        self._job_status(f"Running {RUNS[model]} for today… escape cancels.")
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="models-run")
    def _run_rfm(self, workspace: Workspace) -> None:
        from segdesk.jobs import Cancelled

        try:
            result = workspace.models.run_rfm(
                progress=progress_to(self.app, self._progress), cancelled=cancel_check(self._stop)
            )
        except Cancelled:
            self.app.call_from_thread(self._finished, "cancelled")
            return
        grid = workspace.models.rfm_grid(result)
        self.app.call_from_thread(self._show_rfm, grid)
        self.app.call_from_thread(self._finished, "done")

    @work(thread=True, exclusive=True, exit_on_error=False, group="models-run")
    def _run_lifecycle(self, workspace: Workspace, thresholds: Thresholds) -> None:
        from segdesk.jobs import Cancelled

        try:
            workspace.models.run_lifecycle(
                thresholds=thresholds,
                progress=progress_to(self.app, self._progress),
                cancelled=cancel_check(self._stop),
            )
        except Cancelled:
            self.app.call_from_thread(self._finished, "cancelled")
            return
        view = workspace.models.lifecycle_view()
        self.app.call_from_thread(self._show_lifecycle, view, fill_form=False)
        self.app.call_from_thread(self._finished, "done")

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one("#job-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _finished(self, outcome: str) -> None:
        model = RUNS[self.running or "rfm"]
        self.running = None
        self.query_one("#job").display = False
        if outcome == "done":
            self.notify(f"{model} run for today and saved.")
            self.app.post_message(DataChanged())
            self._data_version = self.app.data_version + 1
        elif outcome == "cancelled":
            self.notify(f"{model} run cancelled: nothing was changed.")
        self.refresh_bindings()

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group == "models-run":
            self._finished("failed")
        return False

    def _job_status(self, text: str) -> None:
        self.query_one("#job-status", Static).update(text)

    def action_cancel(self) -> None:
        self._stop.set()
        self._job_status("Cancelling… nothing will be saved.")

    def action_thresholds(self) -> None:
        first = self.query_one(f"#{THRESHOLDS[0][0]}", Input)
        first.focus()
        first.scroll_visible()

    def action_leave_form(self) -> None:
        self.grid_view.focus()

    def action_back(self) -> None:
        self.app.switch_mode("home")


def _points(points: tuple[float, ...], decimals: int = 0) -> str:
    if not points:
        return "none (no orders)"
    return ", ".join(f"{p:,.{decimals}f}" if decimals else f"{p:g}" for p in points)


def _legend(grid: RfmGrid) -> Table:
    """Each RFM name in its colour (the cells' short names are parts of these), its people
    and its share of everyone; two names a line."""
    table = Table.grid(padding=(0, 2, 0, 0))
    for _ in range(2):
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
    entries = []
    for name, people in grid.sizes().items():
        label = Text()
        label.append("  ", style=style_of(name) if name in COLOURS else "")
        label.append(f" {name}")
        share = f"{people / grid.contacts:.1%}" if grid.contacts else "—"
        entries.append((label, Text(f"{people:,}"), Text(share)))
    half = (len(entries) + 1) // 2
    for left, right in zip(entries[:half], [*entries[half:], None], strict=True):
        table.add_row(*left, *(right or (Text(""), Text(""), Text(""))))
    return table
