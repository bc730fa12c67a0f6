"""The segments screen's table: every segment with its people, share, trend, kind, status,
owner and next review, schemes under their headings.

The columns are laid out for the width at hand, as the paged table's are
(`paged_table.column_widths`): at 80 columns the name stays whole and kind and status drop
(the line under the table says them for the highlighted segment); at 120 every column shows
and the trend is longer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from segdesk.tui.segment_listing import (
    ListedRow,
    people,
    review_words,
    scheme_label,
    share,
)
from segdesk.tui.theme_styles import theme_style
from segdesk.tui.widgets.paged_table import TableColumn, column_widths
from segdesk.tui.widgets.segment_table import kind_label
from segdesk.wording import sparkline

if TYPE_CHECKING:
    from segdesk.segments.overview import SegmentLine

INDENT = "  "


@dataclass(frozen=True)
class Cells:
    """What one row shows, before it is fitted to the columns' widths."""

    row: ListedRow
    contacts: int
    today: dt.date


def _name(c: Cells) -> str:
    if c.row.line is None:
        assert c.row.scheme is not None
        mark = "▸" if c.row.folded else "▾"
        return f"{mark} {scheme_label(c.row.scheme)} ({len(c.row.members)})"
    return (INDENT if c.row.line.info.scheme else "") + c.row.line.info.name


def _review(c: Cells) -> tuple[str, str]:
    line = c.row.line
    return review_words(line.next_review, c.today) if line else ("", "later")


def _count(c: Cells) -> int | None:
    if c.row.line is None:
        return sum(s.info.count or 0 for s in c.row.members)
    return c.row.line.info.count


def _field(value: Callable[[SegmentLine], str]) -> Callable[[Cells], str]:
    """A segment's value; a scheme's heading leaves the cell empty."""
    return lambda c: "" if c.row.line is None else value(c.row.line)


COLUMNS: tuple[TableColumn[Cells], ...] = (
    TableColumn("Segment", _name, minimum=16, key=True),
    TableColumn("People", lambda c: people(_count(c)), minimum=6, keep=9),
    TableColumn("Share", lambda c: share(_count(c), c.contacts), minimum=6, keep=8),
    TableColumn("Trend", lambda c: "", minimum=8, weight=1, keep=5),
    TableColumn("Kind", _field(lambda s: kind_label(s.info).split(",")[0]), minimum=9, keep=2),
    TableColumn("Status", _field(lambda s: s.info.status), minimum=7, keep=1),
    TableColumn("Owner", _field(lambda s: s.owner or ""), minimum=8, weight=1, keep=4),
    TableColumn("Review", lambda c: _review(c)[0], minimum=11, keep=6),
)

RIGHT = {"People", "Share"}
TREND = 3


class SegmentList(DataTable[Text]):
    """Rows of `ListedRow`; Enter posts `DataTable.RowSelected` with the row's key."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="segments.open"),
        Binding("home,g", "scroll_top", "First", show=False, id="segments.first"),
        Binding("end,G", "scroll_bottom", "Last", show=False, id="segments.last"),
    ]
    DEFAULT_CSS = """
    SegmentList { scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", cell_padding=0, zebra_stripes=False)
        self.rows_shown: list[ListedRow] = []
        self._contacts = 0
        self._today = dt.date.today()
        self._width = -1

    def show(self, rows: Sequence[ListedRow], contacts: int, today: dt.date) -> None:
        """Replace the rows, keeping the cursor on the same segment when it is still there."""
        kept = self.current.key if self.current else None
        self.rows_shown = list(rows)
        self._contacts = contacts
        self._today = today
        self._lay_out(kept)

    @property
    def current(self) -> ListedRow | None:
        row = self.cursor_row
        return self.rows_shown[row] if 0 <= row < len(self.rows_shown) else None

    def on_resize(self) -> None:
        if self._room() != self._width:
            self._lay_out()

    def _room(self) -> int:
        return max(self.size.width - 1, 20)  # the scroll bar's column

    def _lay_out(self, kept: str | None = None) -> None:
        if kept is None and self.current is not None:
            kept = self.current.key
        self._width = width = self._room()
        cells = [Cells(row, self._contacts, self._today) for row in self.rows_shown]
        key_width = max((len(_name(c)) for c in cells), default=0)
        widths = column_widths(COLUMNS, width, key_width)
        self.clear(columns=True)
        shown = [(i, w) for i, w in enumerate(widths) if w]
        for n, (i, w) in enumerate(shown):
            title = COLUMNS[i].title
            gap = 0 if n == 0 else 1
            self.add_column(_fit(title, w, gap, title in RIGHT), width=w + gap, key=title)
        for c in cells:
            self.add_row(
                *(self._cell(c, i, w, gap=0 if n == 0 else 1) for n, (i, w) in enumerate(shown)),
                key=c.row.key,
            )
        keys = [r.key for r in self.rows_shown]
        if kept in keys:
            self.move_cursor(row=keys.index(kept), animate=False)

    def _cell(self, c: Cells, index: int, width: int, *, gap: int) -> Text:
        column = COLUMNS[index]
        if index == TREND:
            line = c.row.line
            text = _fit(sparkline(line.trend if line else (), width), width, gap, False)
        else:
            text = _fit(column.value(c), width, gap, column.title in RIGHT)
        text.stylize(self._style(c, index))
        return text

    def _style(self, c: Cells, index: int) -> Style | str:
        line = c.row.line
        if line is None:
            return "bold"
        if index == TREND:
            return theme_style(self.app, "accent")
        if COLUMNS[index].title == "Review":
            urgency = _review(c)[1]
            if urgency == "overdue":
                return theme_style(self.app, "error", bold=True)
            return theme_style(self.app, "warning") if urgency == "soon" else ""
        return "dim" if line.info.status != "active" else ""


def _fit(value: str, width: int, gap: int, right: bool) -> Text:
    cut = value if len(value) <= width else value[: width - 1] + "…"
    return Text(" " * gap + (cut.rjust(width) if right else cut.ljust(width)))
