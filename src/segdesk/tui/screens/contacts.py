"""Contacts: browse and search everyone; Enter opens a contact."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from segdesk.tui.screens.contact import ContactScreen
from segdesk.tui.widgets.contact_list import CONTACT_COLUMNS, ContactPages
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.paged_table import PagedTable
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRow
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

SEARCH_DELAY = 0.25


class ContactsScreen(Screen[None]):
    TITLE = "Contacts"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="contacts.search"),
        # One key, three meanings: the footer names the one escape has now.
        Binding("escape", "leave_search", "Leave search", id="contacts.leave_search"),
        Binding("escape", "clear_search", "Clear search", id="contacts.clear_search"),
        Binding("escape", "back", "Back", id="contacts.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search_timer: Timer | None = None
        self._search = ""
        self._data_version = 0

    def compose(self) -> ComposeResult:
        yield TitleBar("Contacts")
        yield Input(placeholder="/ search name, email, company, id or city", id="search")
        yield PagedTable(CONTACT_COLUMNS, id="contact-list")
        yield Static("Loading…", id="status")
        yield Footer(compact=True)

    @property
    def table(self) -> PagedTable[ContactRow]:
        return self.query_one("#contact-list", PagedTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        if self._data_version != self.app.data_version:
            self._reload()

    def _reload(self, _workspace: Workspace | None = None) -> None:
        self._data_version = self.app.data_version
        reader = self.app.contact_source
        if reader is not None:
            self.table.load(ContactPages(reader), self._search)

    @on(PagedTable.Counted, "#contact-list")
    def _counted(self, event: PagedTable.Counted) -> None:
        status = self.query_one("#status", Static)
        if not event.total and not event.search:
            status.update("No contacts yet: press [b]i[/b] to import a file of them.")
            return
        noun = "contact" if event.total == 1 else "contacts"
        where = f" matching “{event.search}”" if event.search else ""
        keys = "Enter opens · / searches · escape goes back"
        status.update(f"{event.total:,} {noun}{where} · {keys}")

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DELAY, partial(self._apply_search, value))

    def _apply_search(self, value: str) -> None:
        if value != self._search:
            self._search = value
            self.query_one("#status", Static).update("Searching…")
            self._reload()
            self.refresh_bindings()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    @on(PagedTable.Opened, "#contact-list")
    def _open(self, event: PagedTable.Opened[ContactRow]) -> None:
        if self.app.workspace is not None:
            self.app.push_screen(ContactScreen(event.row.id))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self.query_one("#search", Input).has_focus
        if action == "search":  # / is a character of the search while typing one
            return not typing
        if action == "leave_search":
            return typing
        if action == "clear_search":
            return not typing and bool(self._search)
        if action == "back":
            return not typing and not self._search
        return True

    def action_leave_search(self) -> None:
        self.table.focus()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""

    def action_back(self) -> None:
        self.app.switch_mode("home")
