"""A contacts table that pages from SQL and renders only the visible rows.

Textual's DataTable holds every row in memory (seconds at 100k rows); this widget knows only
the row count and keeps a small cache of pages, fetched in a thread as the view moves, so
it stays quick at a million contacts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRow

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50

PageFetcher = Callable[[int, int], "list[ContactRow]"]


@dataclass(frozen=True)
class Column:
    title: str
    weight: int
    minimum: int


COLUMNS = (
    Column("Name", 3, 12),
    Column("Email", 4, 14),
    Column("Company", 2, 8),
    Column("City", 2, 6),
    Column("Country", 0, 7),
    Column("Consent", 0, 12),
)


def column_widths(total: int) -> list[int]:
    """Share ``total`` cells between the columns (one space between each)."""
    available = max(total - (len(COLUMNS) - 1), sum(c.minimum for c in COLUMNS))
    widths = [c.minimum for c in COLUMNS]
    spare = available - sum(widths)
    weights = sum(c.weight for c in COLUMNS)
    for i, column in enumerate(COLUMNS):
        widths[i] += spare * column.weight // weights
    widths[0] += available - sum(widths)
    return widths


def cells(row: ContactRow) -> tuple[str, ...]:
    return (
        row.name,
        row.email or "",
        row.company or "",
        row.city or "",
        row.country or "",
        row.consent,
    )


def _fit(text: str, width: int) -> str:
    return text[: width - 1] + "…" if len(text) > width else text.ljust(width)


class ContactList(ReportsFailures, ScrollView, can_focus=True):
    """Rows of contacts with a cursor; Enter posts `ContactList.Opened`."""

    BINDINGS = [
        Binding("down,j", "cursor(1)", "Down", show=False, id="contacts.down"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="contacts.up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="contacts.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="contacts.page_up"),
        Binding("home,g", "jump(0)", "First", show=False, id="contacts.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="contacts.last"),
        Binding("enter", "open", "Open", id="contacts.open"),
    ]
    COMPONENT_CLASSES = {
        "contact-list--header",
        "contact-list--cursor",
        "contact-list--pending",
    }
    DEFAULT_CSS = """
    ContactList {
        height: 1fr;
        overflow-x: hidden;
        & > .contact-list--header { text-style: bold; color: $primary; }
        & > .contact-list--cursor { background: $block-cursor-background;
                                    color: $block-cursor-foreground; }
        & > .contact-list--pending { color: $text-muted; }
    }
    """

    cursor = reactive(0, always_update=True, init=False)

    class Opened(Message):
        def __init__(self, contact_id: int) -> None:
            self.contact_id = contact_id
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._fetch: PageFetcher | None = None
        self._total = 0
        self._generation = 0
        self._pages: OrderedDict[int, list[ContactRow]] = OrderedDict()
        self._pending: set[int] = set()

    @property
    def total(self) -> int:
        return self._total

    def reset(self, fetch: PageFetcher, total: int) -> None:
        """Show ``total`` rows that ``fetch(offset, limit)`` returns, from the top."""
        self._generation += 1
        self._fetch = fetch
        self._total = total
        self._pages.clear()
        self._pending.clear()
        self.virtual_size = Size(self.size.width, total + 1)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.refresh()

    def row_at(self, index: int) -> ContactRow | None:
        page = self._pages.get(index // PAGE_SIZE)
        if page is None or index % PAGE_SIZE >= len(page):
            return None
        return page[index % PAGE_SIZE]

    # Rendering -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = column_widths(width)
        if y == 0:
            style = self.get_component_rich_style("contact-list--header")
            text = " ".join(_fit(c.title, w) for c, w in zip(COLUMNS, widths, strict=True))
            return Strip([Segment(text[:width].ljust(width), style)], width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self._total:
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        if row is None:
            self._request(index // PAGE_SIZE)
            style = self.get_component_rich_style("contact-list--pending")
            return Strip([Segment("…".ljust(width), style)], width)
        text = " ".join(_fit(v, w) for v, w in zip(cells(row), widths, strict=True))
        style: Style = self.rich_style
        if index == self.cursor:
            style = self.get_component_rich_style("contact-list--cursor")
        return Strip([Segment(text[:width].ljust(width), style)], width)

    def _request(self, page: int) -> None:
        if page in self._pending or self._fetch is None:
            return
        self._pending.add(page)
        self._load_page(self._fetch, page, self._generation)

    @work(thread=True, group="contact-pages", exit_on_error=False)
    def _load_page(self, fetch: PageFetcher, page: int, generation: int) -> None:
        rows = fetch(page * PAGE_SIZE, PAGE_SIZE)
        self.app.call_from_thread(self._page_loaded, page, rows, generation)

    def _page_loaded(self, page: int, rows: list[ContactRow], generation: int) -> None:
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
            self.post_message(self.Opened(row.id))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._move_to(int(self.scroll_offset.y) + event.y - 1)
