"""Stability: how a segment or a scheme held still between snapshots.

Choose a segment or a scheme; see its size over time (at each snapshot, else at each
refresh), the people kept, joined and left between two snapshots (the last two, or two
chosen in the list with ``a`` and ``b``), a scheme's moves between its segments, and the
snapshots themselves, with ``n`` to take one and ``d`` to delete one; at the end, the
backtest (``widgets/backtest_panel.py``): ``r`` runs it over past dates, escape cancels it.
One scrolling page, so that 80x24 shows all of it by scrolling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from segdesk.analysis.stability import NONE
from segdesk.errors import UserError
from segdesk.tui import clock
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import show_if_latest
from segdesk.tui.messages import DataChanged
from segdesk.tui.theme_styles import theme_style
from segdesk.tui.widgets.backtest_panel import BacktestPanel
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.wording import SCHEME_TITLES, sparkline

if TYPE_CHECKING:
    from segdesk.analysis.snapshots import SnapshotInfo
    from segdesk.analysis.stability import SizeSeries, Stability
    from segdesk.segments.lookup import SegmentInfo
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

CHART_WIDTH = 24
"""Points the size chart shows, the latest last."""


@dataclass(frozen=True)
class Loaded:
    """What one load read: the subjects to choose from, the snapshots, the chosen subject's
    sizes and, with two snapshots, its stability between them."""

    subjects: list[tuple[str, str]]
    snapshots: list[SnapshotInfo]
    sizes: SizeSeries | None
    stability: Stability | None
    problem: str | None
    backtest_dates: tuple[date, date]
    """The backtest's dates before the user types any: the last year of orders."""


class StabilityScreen(ReportsFailures, Screen[None]):
    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("n", "take", "Take snapshot", id="stability.take"),
        Binding("d", "delete", "Delete", id="stability.delete"),
        Binding("a", "compare('start')", "From", id="stability.from"),
        Binding("b", "compare('end')", "To", id="stability.to"),
        Binding("r", "backtest", "Backtest", id="stability.backtest"),
        Binding("escape", "cancel_backtest", "Cancel backtest", id="stability.cancel_backtest"),
        Binding("escape", "leave_date", "Leave the date", id="stability.leave_date"),
        Binding("escape", "back", "Back", id="stability.back"),
        Binding("j", "move(1)", "Down", show=False, id="stability.down"),
        Binding("k", "move(-1)", "Up", show=False, id="stability.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.subject: str | None = None
        self.start: int | None = None
        """The snapshot compared from, by id (None: the one before ``end``)."""
        self.end: int | None = None
        """The snapshot compared to (None: the last one)."""
        self.snapshots: list[SnapshotInfo] = []
        self._data_version = -1

    def compose(self) -> ComposeResult:
        yield TitleBar("Stability")
        with VerticalScroll(id="stability-page"):
            yield Static("Segment or scheme", classes="section-title")
            yield Select[str]([], prompt="Choose a segment or a scheme", compact=True, id="subject")
            yield Static("Size over time", classes="section-title")
            yield Static(id="chart")
            yield Static("Kept / joined / left", classes="section-title")
            yield Static(id="pair", classes="muted")
            yield DataTable(id="changes", cursor_type="row", zebra_stripes=True)
            yield Static(
                "Moves between the scheme's segments", classes="section-title", id="moves-title"
            )
            yield Static(id="moves-help", classes="muted")
            yield DataTable(id="moves", cursor_type="cell")
            yield Static("Snapshots", classes="section-title")
            yield Static(
                "n takes a snapshot of every segment now · d deletes the highlighted one · "
                "a and b compare from and to it. A refresh that changes who is in a segment "
                "takes one by itself.",
                classes="muted",
            )
            yield DataTable(id="snapshots", cursor_type="row", zebra_stripes=True)
            yield BacktestPanel(id="backtest")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#changes", DataTable).add_columns(
            "segment", "before", "after", "kept", "joined", "left", "similarity", "retention"
        )
        self.query_one("#snapshots", DataTable).add_columns(
            "id", "label", "kind", "taken (UTC)", "as of", "segments", "people"
        )
        self.query_one("#subject", Select).focus()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        if self._data_version != self.app.data_version:
            self._reload()

    def _reload(self, _workspace: Workspace | None = None) -> None:
        workspace = self.app.workspace
        if workspace is not None:
            self._data_version = self.app.data_version
            self._load(workspace, self.subject, self.start, self.end)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stability-load")
    def _load(
        self, workspace: Workspace, subject: str | None, start: int | None, end: int | None
    ) -> None:
        subjects = _subjects(workspace.segments.all())
        snapshots = workspace.snapshots.all()
        sizes = stability = problem = None
        if subject is not None:
            sizes = workspace.snapshots.sizes(subject)
            try:
                stability = workspace.snapshots.stability(
                    subject,
                    None if start is None else str(start),
                    None if end is None else str(end),
                )
            except UserError as refused:
                problem = str(refused)
        backtest_dates = workspace.backtests.last_year(today=clock.today())
        loaded = Loaded(subjects, snapshots, sizes, stability, problem, backtest_dates)
        show_if_latest(self.app, self._show, loaded)

    # Showing ------------------------------------------------------------------------------

    def _show(self, loaded: Loaded) -> None:
        if self.subject is None and loaded.subjects:  # the first scheme, else segment
            self.subject = loaded.subjects[0][1]
            self._reload()
        choose = self.query_one("#subject", Select)
        if not choose.expanded:
            with self.prevent(Select.Changed):
                choose.set_options(loaded.subjects)
                if self.subject is not None and any(v == self.subject for _, v in loaded.subjects):
                    choose.value = self.subject
        self.backtest.offer(loaded.subjects, self.subject)
        self.backtest.default_dates(*loaded.backtest_dates)
        self.snapshots = loaded.snapshots
        compared = loaded.stability.snapshots if loaded.stability is not None else ()
        self._show_snapshots(loaded.snapshots, [s.id for s in compared])
        self._show_chart(loaded.sizes)
        self._show_changes(loaded.stability, loaded.problem)
        self._show_moves(loaded.stability)

    def _show_chart(self, sizes: SizeSeries | None) -> None:
        chart = self.query_one("#chart", Static)
        if sizes is None:
            chart.update("Choose a segment or a scheme above (enter opens the list).")
            return
        style = theme_style(self.app, "accent")
        table = Table.grid(padding=(0, 2, 0, 0))
        table.add_column(no_wrap=True, max_width=28, overflow="ellipsis")
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        points = 0
        for name, series in sizes.segments:
            counts = [p.size for p in series]
            points = max(points, len(counts))
            first = f"{counts[0]:,} → " if len(counts) > 1 else ""
            last = f"{first}{counts[-1]:,}" if counts else "no sizes yet"
            table.add_row(name, Text(sparkline(counts, CHART_WIDTH), style=style), last)
        source = "snapshot" if sizes.source == "snapshots" else "refresh"
        note = (
            f"At each of the last {min(points, CHART_WIDTH)} {source}s"
            + ("" if sizes.source == "snapshots" else " (no snapshot holds it yet)")
            + ", oldest first."
        )
        grid = Table.grid()
        grid.add_row(table)
        grid.add_row(Text(note, style="dim"))
        chart.update(grid)

    def _show_changes(self, stability: Stability | None, problem: str | None) -> None:
        table = self.query_one("#changes", DataTable)
        table.clear()
        pair = self.query_one("#pair", Static)
        table.display = stability is not None
        if stability is None:
            pair.update(problem[:1].upper() + problem[1:] + "." if problem else "")
            return
        first, last = stability.snapshots[0], stability.snapshots[-1]
        pair.update(
            f"From snapshot {_snapshot_name(first)} to {_snapshot_name(last)}. Similarity: "
            "people in both over people in either; retention: the share of the first still in."
        )
        for s in stability.segments:
            step = s.changes[-1]
            table.add_row(
                s.name,
                *(
                    Text(f"{n:,}", justify="right")
                    for n in (step.before, step.after, step.retained, step.entered, step.exited)
                ),
                Text(_share(step.jaccard), justify="right"),
                Text(_share(step.retention), justify="right"),
            )

    def _show_moves(self, stability: Stability | None) -> None:
        table = self.query_one("#moves", DataTable)
        table.clear(columns=True)
        scheme = stability is not None and stability.scheme is not None
        for widget in (table, self.query_one("#moves-help"), self.query_one("#moves-title")):
            widget.display = scheme
        if stability is None or stability.scheme is None:
            return
        names = stability.names
        self.query_one("#moves-help", Static).update(
            "Rows: where people were at the first snapshot; columns: where they are at the "
            "second, by number. none: in no segment of the scheme."
        )
        table.add_column("from \\ to", key="from")
        for i, name in enumerate(names, start=1):
            table.add_column(Text(_short(i, name), justify="right"), key=name)
        accent = theme_style(self.app, "accent", bold=True)
        for i, (name, row) in enumerate(zip(names, stability.matrix(), strict=True)):
            cells = [
                Text(f"{n:,}" if n else "·", style=accent if i == j and n else "", justify="right")
                for j, n in enumerate(row)
            ]
            table.add_row(name if name == NONE else f"{i + 1} {name}"[:30], *cells)

    def _show_snapshots(self, snapshots: list[SnapshotInfo], compared: list[int]) -> None:
        table = self.query_one("#snapshots", DataTable)
        row = table.cursor_row
        table.clear()
        for s in reversed(snapshots):
            mark = dict(zip(compared, ("from", "to"), strict=False)).get(s.id)
            label = " · ".join(part for part in (s.label, mark and f"← {mark}") if part)
            table.add_row(
                Text(f"{s.id}", justify="right"),
                label,
                s.kind.replace("_", "-"),
                f"{s.taken_at:%Y-%m-%d %H:%M}",
                f"{s.as_of or ''}",
                Text(f"{s.segments:,}", justify="right"),
                Text(f"{s.people:,}", justify="right"),
                key=str(s.id),
            )
        if snapshots:
            table.move_cursor(row=min(row, len(snapshots) - 1))

    # Acting -------------------------------------------------------------------------------

    @on(Select.Changed, "#subject")
    def _chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.subject:
            self.subject = event.value
            self.backtest.follow(event.value)
            self._reload()

    def _highlighted(self) -> SnapshotInfo | None:
        table = self.query_one("#snapshots", DataTable)
        if not self.snapshots or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.snapshots if str(s.id) == key), None)

    def action_compare(self, which: str) -> None:
        chosen = self._highlighted()
        if chosen is None:
            self.notify("There is no snapshot to compare yet: n takes one.")
            return
        setattr(self, which, chosen.id)
        self._reload()

    def action_take(self) -> None:
        from segdesk.tui.screens.ask_text import AskTextScreen

        question = AskTextScreen(
            "Take a snapshot",
            "A label to find it by later (the members of every active and draft segment "
            "are kept as they are now):",
            f"{date.today():%d %b %Y}",
        )
        self.app.push_screen(question, self._take)

    def _take(self, label: str | None) -> None:
        if label is not None and (workspace := self.app.workspace) is not None:
            self._write(workspace, "take", label)

    def action_delete(self) -> None:
        chosen = self._highlighted()
        if chosen is None:
            self.notify("There is no snapshot to delete.")
            return
        from segdesk.tui.screens.confirm import ConfirmScreen

        question = (
            f"Delete snapshot {_snapshot_name(chosen)}, with the members of its "
            f"{chosen.segments:,} segments? The segments themselves stay."
        )
        confirm = ConfirmScreen("Delete snapshot", question, "Delete it")
        self.app.push_screen(confirm, lambda yes: self._delete(chosen, bool(yes)))

    def _delete(self, chosen: SnapshotInfo, yes: bool) -> None:
        if yes and (workspace := self.app.workspace) is not None:
            if chosen.id in (self.start, self.end):
                self.start = self.end = None
            self._write(workspace, "delete", str(chosen.id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="stability-write")
    def _write(self, workspace: Workspace, what: str, ref: str) -> None:
        if what == "take":
            done = workspace.snapshots.take(ref)
            said = f"Took snapshot {_snapshot_name(done)}: {done.people:,} people."
        else:
            done = workspace.snapshots.delete(ref)
            said = f"Deleted snapshot {_snapshot_name(done)}."
        self.app.call_from_thread(self.notify, said)
        self.app.call_from_thread(self.app.post_message, DataChanged())
        self.app.call_from_thread(self._reload)

    @property
    def backtest(self) -> BacktestPanel:
        return self.query_one(BacktestPanel)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        running = self.backtest.running
        if action == "cancel_backtest":
            return running
        if action == "leave_date":
            return typing and not running
        if action == "back":
            return not typing and not running
        if action in ("take", "delete", "compare", "backtest"):
            return not typing
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_backtest(self) -> None:
        self.backtest.run()
        self.backtest.query_one("#backtest-status").scroll_visible()

    def action_cancel_backtest(self) -> None:
        self.backtest.cancel()

    def action_leave_date(self) -> None:
        self.backtest.query_one("#backtest-subject", Select).focus()

    def action_move(self, step: int) -> None:
        if isinstance(table := self.focused, DataTable):
            table.move_cursor(row=table.cursor_row + step)

    def action_back(self) -> None:
        self.app.switch_mode("home")


def _subjects(segments: list[SegmentInfo]) -> list[tuple[str, str]]:
    """The choices: each scheme whole, then every active or draft segment (a scheme's with
    its scheme's name before it), as (shown, name to ask by)."""
    schemes = sorted({s.scheme for s in segments if s.scheme})
    choices = [(f"{SCHEME_TITLES.get(s, s)}: the whole scheme", s) for s in schemes]
    for s in segments:
        if s.status != "retired":
            name = f"{s.scheme}: {s.name}" if s.scheme else s.name
            choices.append((name, name))
    return choices


def _snapshot_name(snapshot: SnapshotInfo) -> str:
    label = f" “{snapshot.label}”" if snapshot.label else ""
    return f"#{snapshot.id}{label} ({snapshot.day:%d %b %Y})"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _short(number: int, name: str) -> str:
    """A matrix column's heading: the segment's number, "none" for none."""
    return NONE if name == NONE else str(number)
