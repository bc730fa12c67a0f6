"""The paged table: column widths that keep the key whole, any page source, and its faults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from segdesk.tui.app import make_app
from segdesk.tui.screens.fault import FaultScreen
from segdesk.tui.widgets.paged_table import (
    PAGE_SIZE,
    PagedTable,
    TableColumn,
    column_widths,
)
from tests.tui.helpers import settle, wait_until


@dataclass(frozen=True)
class Item:
    code: str
    label: str


ITEM_COLUMNS = (
    TableColumn("Label", lambda i: i.label, minimum=10, weight=1, keep=2),
    TableColumn("Code", lambda i: i.code, minimum=4, key=True),
    TableColumn("Note", lambda i: "a note", minimum=8, weight=1, keep=1),
)


class TestColumnWidths:
    def test_spare_width_goes_by_weight_and_fills_the_line(self) -> None:
        widths = column_widths(ITEM_COLUMNS, 40, key_width=6)
        assert widths == [17, 6, 15]
        assert sum(widths) + len(widths) - 1 == 40

    def test_the_key_stays_whole_while_others_drop_lowest_keep_first(self) -> None:
        assert column_widths(ITEM_COLUMNS, 30, key_width=16) == [13, 16, 0]
        assert column_widths(ITEM_COLUMNS, 20, key_width=16) == [0, 20, 0]
        assert column_widths(ITEM_COLUMNS, 12, key_width=16) == [0, 12, 0]  # cut only at last

    def test_the_key_is_never_narrower_than_its_title_or_minimum(self) -> None:
        assert column_widths(ITEM_COLUMNS, 40, key_width=0)[1] == 4


@dataclass
class ItemSource:
    items: list[Item]
    pages: int = 0

    def count(self, search: str | None) -> int:
        return len(self._matching(search))

    def page(self, offset: int, limit: int, search: str | None, total: int) -> list[Item]:
        self.pages += 1
        return self._matching(search)[offset : offset + limit]

    def _matching(self, search: str | None) -> list[Item]:
        return [i for i in self.items if not search or search in i.label]


class TableApp(App[None]):
    def __init__(self, source: ItemSource) -> None:
        super().__init__()
        self.source = source
        self.opened: list[Item] = []
        self.counts: list[tuple[int, str]] = []

    def compose(self) -> ComposeResult:
        yield PagedTable(ITEM_COLUMNS, id="items")

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus()

    def on_paged_table_opened(self, event: PagedTable.Opened[Item]) -> None:
        self.opened.append(event.row)

    def on_paged_table_counted(self, event: PagedTable.Counted) -> None:
        self.counts.append((event.total, event.search))


async def test_any_source_pages_in_and_enter_opens_its_row() -> None:
    items = [Item(f"C{i:05d}", f"item {i}{' blue' if i % 7 == 0 else ''}") for i in range(999)]
    source = ItemSource(items)
    app = TableApp(source)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(PagedTable)
        table.load(source)
        await settle(app, pilot)
        assert app.counts == [(999, "")]
        assert table.row_at(0) == items[0] and table.row_at(PAGE_SIZE) is None
        assert source.pages == 1  # only the page in view was fetched
        await pilot.press("G", "enter")
        assert app.opened == [items[-1]]

        table.load(source, "blue")
        await wait_until(pilot, lambda: table.search == "blue", "the search is shown")
        await settle(app, pilot)
        assert app.counts[-1] == (143, "blue") and table.cursor == 0
        await pilot.press("j", "enter")
        assert app.opened[-1] == items[7]


async def test_a_fault_in_a_page_source_is_shown_with_its_details(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.reader is not None

        def broken(*_args: object) -> None:
            raise OSError("disk I/O error while reading a page")

        monkeypatch.setattr(app.reader, "contacts_page", broken)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, FaultScreen)
        assert app.screen.details.startswith("OSError: disk I/O error while reading a page")


async def _visible_emails_whole(app, pilot) -> int:  # type: ignore[no-untyped-def]
    """Check each row in view shows its whole email; return how many rows were checked."""
    await settle(app, pilot)
    table = app.screen.query_one(PagedTable)
    top = int(table.scroll_offset.y)
    checked = 0
    for y in range(1, table.scrollable_content_region.height):
        row = table.row_at(top + y - 1)
        if row is not None and row.email:
            assert row.email in table.render_line(y).text, row.email
            checked += 1
    return checked


async def test_every_email_in_view_is_whole_at_80_columns(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        assert await _visible_emails_whole(app, pilot) >= 15
        for _ in range(12):  # through pages of the sample with 40-character addresses
            await pilot.press("pagedown")
            assert await _visible_emails_whole(app, pilot) >= 15
        await pilot.press("G")
        assert await _visible_emails_whole(app, pilot) >= 15
        header = app.screen.query_one(PagedTable).render_line(0).text
        assert header.split()[:2] == ["Name", "Email"] and "Consent" in header
