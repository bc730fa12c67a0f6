"""Home: the workflow Import → Build → Document → Review → Export with live figures, and
the segments with their sizes (Enter opens one). On a database without contacts it offers the
two ways to begin: import a file, or open the demo (see docs/first-run.md)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import show_if_latest
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.step_card import Figure, StepCard
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from textual.worker import Worker

    from segdesk.segments.lookup import SegmentInfo
    from segdesk.segments.reviews import ReviewDue
    from segdesk.summary import Summary
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

STEPS = (
    ("import", "Import"),
    ("build", "Build"),
    ("document", "Document"),
    ("review", "Review"),
    ("export", "Export"),
)

DEMO = Binding("d", "open_demo", "Open the demo", id="home.demo")


class HomeScreen(ReportsFailures, Screen[None]):
    TITLE = "Home"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("j", "move(1)", "Down", show=False, id="home.down"),
        Binding("k", "move(-1)", "Up", show=False, id="home.up"),
        DEMO,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.offers_start = False
        """Whether the first-run offer is shown: the database has no contacts yet."""
        self.opening_demo = False

    def compose(self) -> ComposeResult:
        yield TitleBar("Home")
        with Horizontal(id="steps"):
            for key, title in STEPS:
                yield StepCard(title, id=f"step-{key}")
        yield Static("", id="alerts")
        yield Static("", id="next")
        yield Static("", id="reviews")
        yield Footer()

    def action_move(self, step: int) -> None:
        for table in self.query("#segments"):
            table.move_cursor(row=table.cursor_row + step)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_demo":
            return self.offers_start and not self.opening_demo
        return True

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", self._load, init=True)

    def on_screen_resume(self) -> None:
        self._load(self.app.workspace)

    def _load(self, workspace: Workspace | None) -> None:
        if workspace is not None:
            self._compute(workspace)

    @work(thread=True, exclusive=True, group="home-summary", exit_on_error=False)
    def _compute(self, workspace: Workspace) -> None:
        summary = workspace.summary(date.today())
        segments = workspace.segments.all()
        show_if_latest(self.app, self._show, summary)
        show_if_latest(self.app, self._show_segments, segments, summary.contacts)
        reviews = workspace.playbooks.reviews(REVIEW_DAYS, date.today())
        show_if_latest(self.app, self._show_reviews, reviews)

    def _show(self, s: Summary) -> None:
        cards = self.query(StepCard)
        cards.filter("#step-import").first().show(
            _figure(s.contacts, "person", "people"),
            _figure(s.orders, "order"),
            _figure(s.imports, "import"),
        )
        cards.filter("#step-build").first().show(
            _figure(s.segments, "segment"), _figure(s.schemes, "model")
        )
        cards.filter("#step-document").first().show(
            _figure(s.documented, "playbook"), (s.reviews_due, "to review")
        )
        cards.filter("#step-review").first().show(
            _figure(s.overlaps, "overlap"),
            (s.drifting, "drifting") if s.snapshots else _figure(0, "snapshot"),
        )
        cards.filter("#step-export").first().show(_figure(s.exports, "export"))
        alerts = " · ".join(a.text for a in s.alerts)
        self.query_one("#alerts", Static).update(f"Alerts: {alerts}" if alerts else "")
        self.offers_start = not s.contacts
        self.refresh_bindings()
        self.query_one("#next", Static).update(self._next_text())

    def _next_text(self) -> str:
        """What to do next, naming the keys in effect (a keymap may have moved them)."""
        from segdesk.tui.key_names import app_binding, key_markup, keys_in_effect

        def key(binding_id: str) -> str:
            return key_markup(self.app, app_binding(self.app, binding_id))

        if not self.offers_start:
            return (
                f"Press {key('app.contacts')} to browse contacts, {key('app.help')} for help, "
                "[b]ctrl+p[/b] for all commands."
            )
        indent = " " * (len(keys_in_effect(self.app, DEMO)) + 4)
        return (
            "This database is empty. To begin, press\n"
            f"  {key('app.import')}  to import contacts or orders from a file (CSV, Excel, …)\n"
            f"  {key_markup(self.app, DEMO)}  to open the demo: a coffee roaster's 3,000 "
            f"contacts and\n{indent}20,000 orders, in a fresh copy (this database stays as it is)"
        )

    # The demo ----------------------------------------------------------------------------

    def action_open_demo(self) -> None:
        self.opening_demo = True
        self.refresh_bindings()
        self.query_one("#next", Static).update("Opening the demo on a fresh copy of the sample…")
        self._copy_demo()

    @work(exclusive=True, group="demo", exit_on_error=False)
    async def _copy_demo(self) -> None:
        from segdesk.demo import fresh_demo_copy

        path = await asyncio.to_thread(fresh_demo_copy)
        await self.app.reopen(str(path))

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group == "demo":  # the offer again; the failure is shown as any other is
            self.opening_demo = False
            self.refresh_bindings()
            self.query_one("#next", Static).update(self._next_text())
        return False

    @on(DataTable.RowSelected, "#segments")
    def _open_segment(self, event: DataTable.RowSelected) -> None:
        from segdesk.tui.screens.segment import SegmentScreen
        from segdesk.tui.widgets.segment_table import SegmentTable

        names = self.query_one("#segments", SegmentTable).names
        if event.row_key.value in names:
            self.app.push_screen(SegmentScreen(names[event.row_key.value]))

    def _show_segments(self, segments: list[SegmentInfo], contacts: int) -> None:
        """The segment table is mounted when the first segments arrive, and removed when the
        last one goes."""
        from segdesk.tui.widgets.segment_table import SegmentTable

        shown = self.query(SegmentTable)
        if not segments:
            shown.remove()
            return
        table = shown.first() if shown else SegmentTable(id="segments")
        if not shown:
            self.mount(table, before=self.query_one(Footer))
            if self.focused is None:
                table.focus()  # the arrows move through it, as j and k do
        table.show(segments, contacts)

    def _show_reviews(self, reviews: list[ReviewDue]) -> None:
        """Reviews overdue or due within the week, a line each; the panel goes when none is."""
        panel = self.query_one("#reviews", Static)
        panel.display = bool(reviews)
        panel.update(reviews_text(reviews))


REVIEW_DAYS = 7
REVIEW_LINES = 3
"""Lines the reviews take at most: the segments table needs the rest of 24 rows."""


def reviews_text(reviews: list[ReviewDue]) -> str:
    """Segment, owner and how soon, a line each, the overdue ones first and in the error
    colour; at most ``REVIEW_LINES`` lines. No date: "in 2 days" reads at a glance."""
    shown = reviews if len(reviews) <= REVIEW_LINES else reviews[: REVIEW_LINES - 1]
    lines = []
    for i, review in enumerate(shown):
        when = f"[$error b]{review.when}[/]" if review.overdue else review.when
        lines.append(
            f"[b]{'Reviews' if i == 0 else '':<8}[/b]{escape(_cut(review.segment, 30))}  "
            f"{escape(_cut(review.owner or 'no owner', 20))}  {when}"
        )
    if len(shown) < len(reviews):
        lines.append(f"{'':<8}[i]and {len(reviews) - len(shown)} more[/i]")
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells, cut with an ellipsis when longer."""
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def _figure(value: int, one: str, many: str | None = None) -> Figure:
    """A card figure with its noun in the singular or the plural."""
    return value, one if value == 1 else (many or f"{one}s")
