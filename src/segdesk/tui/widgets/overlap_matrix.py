"""The overlap of segments as a heatmap: a row and a column per segment, each cell the row's
segment against the column's, coloured by its value, with the value written in it so that
it reads without colour too.

Columns are headed by the segments' numbers and rows by number and name, cut to fit; the full
names of the cell under the cursor are shown beside the matrix by its screen. A matrix wider
or taller than the widget scrolls with the cursor, row names and column numbers staying in
place, and arrows in the corner say that more lies that way.

Colours are the 16 a basic terminal has, so the `segdesk-ansi` theme shows them; the bands
and their meaning are in :data:`BANDS`, shown as a legend under the matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.geometry import Size

    from segdesk.analysis.overlap import Cell, OverlapReport

Measure = Literal["people", "share", "similarity"]
MEASURES: tuple[Measure, ...] = ("people", "share", "similarity")
MEASURE_WORDS = {
    "people": "people in both",
    "share": "share of the row's people in the column's",
    "similarity": "similarity: people in both over people in either",
}

BANDS: tuple[tuple[float, str, str], ...] = (
    (0.2, "bright_white on blue", "under 20%"),
    (0.4, "black on cyan", "20-40%"),
    (0.6, "black on green", "40-60%"),
    (0.8, "black on yellow", "60-80%"),
    (1.01, "bright_white on red", "80% or more"),
)
"""(upper bound, style, words) of each colour band of a value from 0 to 1; no one in both
is left uncoloured. For people, the value is the cell's share of the largest pair."""
EMPTY_STYLE = "dim"
CELL = 7
"""Cells are six characters and a space."""


def band_style(value: float | None) -> str:
    if not value:
        return EMPTY_STYLE
    return next(style for upper, style, _ in BANDS if value < upper)


def people_text(n: int) -> str:
    """A count in at most six characters: 12,345, 123k, 1.2M."""
    if n < 100_000:
        return f"{n:,}"
    if n < 1_000_000:
        return f"{n // 1000}k"
    return f"{n / 1_000_000:.1f}M"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class OverlapMatrix(Widget, can_focus=True):
    DEFAULT_CSS = """
    OverlapMatrix {
        height: auto;
        max-height: 60vh;
    }
    OverlapMatrix:focus {
        background-tint: $foreground 5%;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "Up", show=False, id="matrix.up"),
        Binding("down,j", "move(1, 0)", "Down", show=False, id="matrix.down"),
        Binding("left", "move(0, -1)", "Left", show=False, id="matrix.left"),
        Binding("right", "move(0, 1)", "Right", show=False, id="matrix.right"),
        Binding("enter", "open", "People", id="matrix.open"),
    ]

    report: reactive[OverlapReport | None] = reactive(None, layout=True)
    measure: reactive[Measure] = reactive[Measure]("people")
    cursor: reactive[tuple[int, int]] = reactive((0, 1))
    """(row, column) of the cell under the cursor."""

    class Moved(Message):
        """The cursor is on another cell (or the matrix was filled)."""

    class Opened(Message):
        """Enter on a cell off the diagonal: the people of that pair."""

        def __init__(self, row: int, column: int) -> None:
            self.row = row
            self.column = column
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.first_row = 0
        self.first_column = 0

    # Layout ---------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self.report.segments) if self.report else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.count + 1 if self.count else 1

    def label_width(self) -> int:
        return 20 if self.size.width < 100 else 30

    def visible_columns(self) -> int:
        return max(1, (self.size.width - self.label_width() - 1) // CELL)

    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    def _follow(self) -> None:
        """Scroll so that the cursor's cell is in view (once the widget has a size)."""
        if not self.size.area:
            return
        row, column = self.cursor
        rows, columns = self.visible_rows(), self.visible_columns()
        self.first_row = min(max(self.first_row, row - rows + 1), row)
        self.first_column = min(max(self.first_column, column - columns + 1), column)

    # Moving ---------------------------------------------------------------------------

    def watch_report(self, report: OverlapReport | None) -> None:
        n = self.count
        row, column = self.cursor
        if n >= 2 and (row >= n or column >= n):
            self.cursor = (0, 1)
        self.post_message(self.Moved())

    def watch_cursor(self) -> None:
        self._follow()
        self.refresh()
        self.post_message(self.Moved())

    def on_resize(self) -> None:
        self.first_row = self.first_column = 0
        self._follow()

    def action_move(self, rows: int, columns: int) -> None:
        n = self.count
        if n:
            row, column = self.cursor
            self.cursor = (min(n - 1, max(0, row + rows)), min(n - 1, max(0, column + columns)))

    def action_open(self) -> None:
        row, column = self.cursor
        if self.count > 1 and row != column:
            self.post_message(self.Opened(row, column))
        elif self.count > 1:
            self.notify("That cell is a segment with itself: pick one beside it.", markup=False)

    # Values ---------------------------------------------------------------------------

    def cell_text(self, cell: Cell) -> str:
        if self.measure == "people":
            return people_text(cell.both)
        return percent(cell.share if self.measure == "share" else cell.jaccard)

    def cell_value(self, cell: Cell) -> float | None:
        """The cell's value from 0 to 1, for its colour."""
        if self.measure == "share":
            return cell.share
        if self.measure == "similarity":
            return cell.jaccard
        report = self.report
        largest = max((p.measures.both for p in report.pairs), default=0) if report else 0
        return cell.both / largest if largest else 0.0

    # Drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        report = self.report
        if report is None or not report.segments:
            return Strip([Segment(" " * width)], width)
        base = self.rich_style
        if y == 0:
            return self._header(report, width, base)
        row = self.first_row + y - 1
        if row >= self.count:
            return Strip([Segment(" " * width, base)], width)
        return self._row(report, row, width, base)

    def _columns(self) -> range:
        return range(self.first_column, min(self.count, self.first_column + self.visible_columns()))

    def _header(self, report: OverlapReport, width: int, base: Style) -> Strip:
        label = self.label_width()
        more_left = "◀" if self.first_column else " "
        more_up = "▲" if self.first_row else " "
        text = Text(f"{more_up}{more_left}".ljust(label), style=base)
        for column in self._columns():
            style = "bold reverse" if column == self.cursor[1] and self.has_focus else "bold"
            text.append(f"{column + 1:>{CELL - 1}} ", style=style)
        if self._columns().stop < self.count:
            text.append("▶", style="bold")
        return self._strip(text, width, base)

    def _row(self, report: OverlapReport, row: int, width: int, base: Style) -> Strip:
        label = self.label_width()
        name = report.segments[row].name
        number = f"{row + 1:>2} "
        room = label - len(number) - 1
        shown = name if len(name) <= room else name[: room - 1] + "…"
        focused_row = row == self.cursor[0] and self.has_focus
        text = Text(f"{number}{shown}".ljust(label), style="bold" if focused_row else "")
        for column in self._columns():
            cell = report.cell(row, column)
            if row == column:
                value, style = "·", EMPTY_STYLE
            else:
                value, style = self.cell_text(cell), band_style(self.cell_value(cell))
            if (row, column) == self.cursor and self.has_focus:
                style += " reverse bold"
            text.append(f"{value:>{CELL - 1}}", style=style)
            text.append(" ")
        last = row == self.first_row + self.visible_rows() - 1 and row < self.count - 1
        if last:
            text.append("▼", style="bold")
        return self._strip(text, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.truncate(width, pad=True)
        segments = list(text.render(self.app.console))
        return Strip(segments, width).apply_style(base)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def legend(measure: Measure) -> Text:
    """What the colours mean for ``measure``, in one line."""
    text = Text("Colour: ")
    what = "of the largest pair" if measure == "people" else ""
    for _upper, style, words in BANDS:
        text.append(f" {words} ", style=style)
        text.append(" ")
    text.append(" none ", style=EMPTY_STYLE)
    if what:
        text.append(f" {what}")
    return text
