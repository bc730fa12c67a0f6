"""A table that pages from a data source and renders only the visible rows.

Textual's DataTable holds every row in memory (seconds at 100k rows); this widget knows only
the row count and keeps a small cache of pages, fetched in a thread as the view moves, so it
stays quick at a million rows. Whatever can count its rows and return one page of them (a
`PageSource`) can be shown: contacts, a segment's members, an export's preview. Columns are
described once (`TableColumn`); the key column (an email, a name) is kept whole while the
others shrink, then drop, to fit an 80-column terminal.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from segdesk.tui.failures import ReportsFailures

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50

RowT = TypeVar("RowT")
OpenedRowT = TypeVar("OpenedRowT")


class PageSource(Protocol[RowT]):
    """Rows to show, counted and fetched a page at a time (blocking: called from a thread)."""

    def count(self, search: str | None) -> int: ...

    def page(self, offset: int, limit: int, search: str | None, total: int) -> list[RowT]:
        """Rows ``offset`` to ``offset + limit``; ``total`` (the count) lets pages near the
        end load as fast as those at the start."""
        ...


@dataclass(frozen=True)
class TableColumn(Generic[RowT]):
    title: str
    value: Callable[[RowT], str]
    minimum: int
    """The narrowest the column gets before it is dropped."""
    weight: int = 0
    """The column's share of the width left over."""
    keep: int = 0
    """When the width runs short, the column with the lowest ``keep`` drops first."""
    key: bool = False
    """The key column (at most one) is as wide as its longest value in view, and never
    drops."""


def column_widths(columns: Sequence[TableColumn], width: int, key_width: int = 0) -> list[int]:
    """Share ``width`` cells between ``columns``, one space between each shown column.

    The key column gets ``key_width`` (its longest value); the others their minimum, dropping
    (width 0) in the order of ``keep`` while that is too wide; what is left goes by weight,
    the remainder to the first shown column with a weight.
    """
    key = next((i for i, c in enumerate(columns) if c.key), None)
    widths = [c.minimum for c in columns]
    if key is not None:
        widths[key] = min(max(columns[key].minimum, len(columns[key].title), key_width), width)
    shown = list(range(len(columns)))

    def used() -> int:
        return sum(widths[i] for i in shown) + len(shown) - 1

    while used() > width and len(shown) > 1:
        dropped = min((i for i in shown if i != key), key=lambda i: (columns[i].keep, -i))
        shown.remove(dropped)
    spare = max(width - used(), 0)
    weights = sum(columns[i].weight for i in shown)
    for i in shown:
        widths[i] += spare * columns[i].weight // weights if weights else 0
    first = next((i for i in shown if columns[i].weight), shown[0])
    widths[first] += max(width - used(), 0)
    return [w if i in shown else 0 for i, w in enumerate(widths)]


def _fit(text: str, width: int) -> str:
    return text[: width - 1] + "…" if len(text) > width else text.ljust(width)


class PagedTable(ReportsFailures, ScrollView, Generic[RowT], can_focus=True):
    """Rows with a cursor; `load` counts and shows a source, Enter posts `PagedTable.Opened`."""

    BINDINGS = [
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("home,g", "jump(0)", "First", show=False, id="table.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="table.last"),
        Binding("enter", "open", "Open", id="table.open"),
    ]
    COMPONENT_CLASSES = {
        "paged-table--header",
        "paged-table--cursor",
        "paged-table--pending",
    }
    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
        overflow-x: hidden;
        & > .paged-table--header { text-style: bold; color: $primary; }
        & > .paged-table--cursor { background: $block-cursor-background;
                                   color: $block-cursor-foreground; }
        & > .paged-table--pending { color: $text-muted; }
    }
    """

    cursor = reactive(0, always_update=True, init=False)

    class Counted(Message):
        """A `load` has counted its rows, and the table shows them from the top."""

        def __init__(self, table: PagedTable, total: int, search: str) -> None:
            self.table = table
            self.total = total
            self.search = search
            super().__init__()

        @property
        def control(self) -> PagedTable:
            return self.table

    class Opened(Message, Generic[OpenedRowT]):
        """Enter on a row."""

        def __init__(self, table: PagedTable, row: OpenedRowT) -> None:
            self.table = table
            self.row = row
            super().__init__()

        @property
        def control(self) -> PagedTable:
            return self.table

    def __init__(self, columns: Sequence[TableColumn[RowT]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self._key = next((c for c in self.columns if c.key), None)
        self._source: PageSource[RowT] | None = None
        self._search = ""
        self._total = 0
        self._loads = 0
        self._generation = 0
        self._pages: OrderedDict[int, list[RowT]] = OrderedDict()
        self._pending: set[int] = set()
        self._widths: tuple[tuple[int, int], list[int]] = ((-1, -1), [])

    @property
    def total(self) -> int:
        return self._total

    @property
    def search(self) -> str:
        """The search whose rows are shown."""
        return self._search

    def load(self, source: PageSource[RowT], search: str = "") -> None:
        """Count the rows of ``source`` matching ``search`` in a thread, then show them."""
        self._loads += 1
        self._count(source, search, self._loads)

    @work(thread=True, exclusive=True, group="table-count", exit_on_error=False)
    def _count(self, source: PageSource[RowT], search: str, load: int) -> None:
        total = source.count(search or None)
        self.app.call_from_thread(self._counted, source, search, total, load)

    def _counted(self, source: PageSource[RowT], search: str, total: int, load: int) -> None:
        if load != self._loads:  # a later load is on its way
            return
        self._generation += 1
        self._source = source
        self._search = search
        self._total = total
        self._pages.clear()
        self._pending.clear()
        self.virtual_size = Size(self.size.width, total + 1)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.refresh()
        self.post_message(self.Counted(self, total, search))

    def row_at(self, index: int) -> RowT | None:
        page = self._pages.get(index // PAGE_SIZE)
        if page is None or index % PAGE_SIZE >= len(page):
            return None
        return page[index % PAGE_SIZE]

    # Rendering -----------------------------------------------------------------------

    def widths(self) -> list[int]:
        """The columns' widths now (0 for a dropped column), the key column fitting the
        longest key in view."""
        key_width = 0
        if self._key is not None:
            top = int(self.scroll_offset.y)
            bottom = min(top + self.scrollable_content_region.height - 1, self._total)
            rows = (self.row_at(i) for i in range(top, bottom))
            key_width = max((len(self._key.value(r)) for r in rows if r is not None), default=0)
        wanted = (self.scrollable_content_region.width, key_width)
        if self._widths[0] != wanted:  # the same for every line of one refresh
            self._widths = (wanted, column_widths(self.columns, *wanted))
        return self._widths[1]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = self.get_component_rich_style("paged-table--header")
            return self._line([c.title for c in self.columns], header, width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self._total:
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        if row is None:
            self._request(index // PAGE_SIZE)
            pending = self.get_component_rich_style("paged-table--pending")
            return Strip([Segment("…".ljust(width), pending)], width)
        style: Style = self.rich_style
        if index == self.cursor:
            style = self.get_component_rich_style("paged-table--cursor")
        return self._line([c.value(row) for c in self.columns], style, width)

    def _line(self, values: list[str], style: Style, width: int) -> Strip:
        text = " ".join(_fit(v, w) for v, w in zip(values, self.widths(), strict=True) if w)
        return Strip([Segment(text[:width].ljust(width), style)], width)

    def _request(self, page: int) -> None:
        if page in self._pending or self._source is None:
            return
        self._pending.add(page)
        self._load_page(self._source, self._search, self._total, page, self._generation)

    @work(thread=True, group="table-pages", exit_on_error=False)
    def _load_page(
        self, source: PageSource[RowT], search: str, total: int, page: int, generation: int
    ) -> None:
        rows = source.page(page * PAGE_SIZE, PAGE_SIZE, search or None, total)
        self.app.call_from_thread(self._page_loaded, page, rows, generation)

    def _page_loaded(self, page: int, rows: list[RowT], generation: int) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self._total + 1)

    # Cursor --------------------------------------------------------------------------

    def watch_cursor(self, cursor: int) -> None:
        # Line 0 of the view is always the header; row ``scroll_offset.y`` is on line 1.
        visible = self.scrollable_content_region.height - 1
        top = int(self.scroll_offset.y)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False)
        elif visible > 0 and cursor >= top + visible:
            self.scroll_to(y=cursor - visible + 1, animate=False)
        self.refresh()

    def _move_to(self, index: int) -> None:
        if self._total:
            self.cursor = max(0, min(self._total - 1, index))

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, where: int) -> None:
        self._move_to(self._total - 1 if where < 0 else 0)

    def action_open(self) -> None:
        row = self.row_at(self.cursor)
        if row is not None:
            self.post_message(self.Opened(self, row))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._move_to(int(self.scroll_offset.y) + event.y - 1)
