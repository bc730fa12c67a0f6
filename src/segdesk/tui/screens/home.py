"""Home: the workflow Import → Build → Document → Review → Export with live figures, and
the segments with their sizes (Enter opens one)."""

from __future__ import annotations

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


class HomeScreen(ReportsFailures, Screen[None]):
    TITLE = "Home"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("j", "move(1)", "Down", show=False, id="home.down"),
        Binding("k", "move(-1)", "Up", show=False, id="home.up"),
    ]

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
        hint = (
            "Press [b]c[/b] to browse contacts, [b]?[/b] for help, [b]ctrl+p[/b] for all commands."
        )
        if not s.contacts:
            hint = "This database is empty: press [b]i[/b] to import contacts from a file."
        self.query_one("#next", Static).update(hint)

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
