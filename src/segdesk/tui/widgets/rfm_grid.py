"""The RFM scheme as its 5x5 grid: recency scores down, frequency scores across, each cell with
its name, its people and its name's colour; the arrows (and j/k) move a cursor whose cell is
described in full under the grid.

Each name has its own colour from the 16 a basic terminal has, and the name is written in the
cell as well, so the grid reads without colour too. Cells show the full name where the width
allows (about 110 columns) and a short one otherwise; the legend under the grid pairs them.
"""

from __future__ import annotations

from math import floor
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from segdesk.models.views import RfmGrid

COLOURS: dict[str, tuple[str, str]] = {
    "Champions": ("black", "bright_green"),
    "Loyal Customers": ("black", "green"),
    "Potential Loyalist": ("black", "bright_cyan"),
    "New Customers": ("black", "bright_blue"),
    "Promising": ("black", "cyan"),
    "Need Attention": ("black", "bright_yellow"),
    "About To Sleep": ("black", "yellow"),
    "Can't Lose Them": ("bright_white", "magenta"),
    "At Risk": ("bright_white", "red"),
    "Hibernating": ("bright_white", "bright_black"),
    "No purchases": ("black", "white"),
}
"""Each RFM name's (text, background) colour: ANSI names, so a 16-colour terminal shows them."""

SHORT = {
    "Loyal Customers": "Loyal",
    "Potential Loyalist": "Potential",
    "New Customers": "New",
    "Need Attention": "Attention",
    "About To Sleep": "To Sleep",
    "Can't Lose Them": "Can't Lose",
}
"""Names shortened to fit a cell at 80 columns."""

SCORES = (5, 4, 3, 2, 1)
LABEL_WIDTH = 10
FULL_CELL = 19
SHORT_CELL = 11


def style_of(name: str) -> str:
    text, background = COLOURS[name]
    return f"{text} on {background}"


def short_name(name: str) -> str:
    return SHORT.get(name, name)


def score_ranges(points: tuple[float, ...], lowest: int) -> list[str]:
    """What each group of a whole-number figure holds, group 0 (at or below the first
    breakpoint) first: "0-12", "13-68", ..., "545+"; "none" for a group no value can reach
    (two equal breakpoints), "—" without breakpoints (no orders)."""
    if len(points) != 4:
        return ["—"] * 5
    bounds = [lowest, *(floor(p) + 1 for p in points)]
    tops = [floor(p) for p in points]
    ranges = []
    for low, top in zip(bounds, [*tops, None], strict=True):
        if top is None:
            ranges.append(f"{low}+")
        elif top < low:
            ranges.append("none")
        else:
            ranges.append(f"{low}" if top == low else f"{low}-{top}")
    return ranges


class RfmGridView(Widget, can_focus=True):
    DEFAULT_CSS = """
    RfmGridView {
        height: auto;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "Up", show=False, id="grid.up"),
        Binding("down,j", "move(1, 0)", "Down", show=False, id="grid.down"),
        Binding("left", "move(0, -1)", "Left", show=False, id="grid.left"),
        Binding("right", "move(0, 1)", "Right", show=False, id="grid.right"),
    ]

    grid: reactive[RfmGrid | None] = reactive(None, layout=True)
    cursor: reactive[tuple[int, int]] = reactive((5, 5))
    """(R, F) of the cell under the cursor; it starts on Champions, the top right."""

    def action_move(self, rows: int, columns: int) -> None:
        r, f = self.cursor
        self.cursor = (min(5, max(1, r - rows)), min(5, max(1, f + columns)))

    def render(self) -> RenderableType:
        grid = self.grid
        if grid is None:
            return Text("")
        full = self.size.width >= LABEL_WIDTH + 2 + 5 * (FULL_CELL + 1)
        return Group(self._table(grid, FULL_CELL if full else SHORT_CELL, full), self._detail(grid))

    def _table(self, grid: RfmGrid, width: int, full: bool) -> Table:
        from segdesk.models.views import name_of

        table = Table.grid(padding=(0, 1, 0, 0))
        table.add_column(width=LABEL_WIDTH, no_wrap=True)
        for _ in SCORES:
            table.add_column(width=width, no_wrap=True)
        days = score_ranges(grid.breakpoints.recency, 0)
        orders = score_ranges(grid.breakpoints.frequency, 1)
        header = [Text("days ago\\\norders", style="dim")]
        header += [
            Text(f"F {f}\n{orders[f - 1]}", style="bold", justify="center") for f in (1, 2, 3, 4, 5)
        ]
        table.add_row(*header)
        for r in SCORES:
            cells: list[Text] = [Text(f"R {r}\n{days[5 - r]}", style="bold")]
            for f in (1, 2, 3, 4, 5):
                name = name_of(r, f)
                shown = name if full else short_name(name)
                lines = f"{shown[:width].center(width)}\n{grid.people(r, f):>{width - 1},} "
                style = style_of(name)
                if (r, f) == self.cursor and self.has_focus:
                    style += " reverse bold"
                cells.append(Text(lines, style=style))
            table.add_row(*cells)
        return table

    def _detail(self, grid: RfmGrid) -> Text:
        from segdesk.models.views import name_of

        r, f = self.cursor
        name = name_of(r, f)
        people = grid.people(r, f)
        share = f"{people / grid.contacts:.1%}" if grid.contacts else "—"
        days = score_ranges(grid.breakpoints.recency, 0)[5 - r]
        orders = score_ranges(grid.breakpoints.frequency, 1)[f - 1]
        detail = Text()
        detail.append(f"R {r} · F {f}  ")
        detail.append(f" {name} ", style=style_of(name))
        detail.append(f"  {people:,} people ({share}) · {days} days · {orders} orders")
        return detail

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
