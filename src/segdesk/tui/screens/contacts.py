"""Contacts: browse and search everyone; Enter opens a contact."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.screens.contact import ContactScreen
from segdesk.tui.widgets.contact_list import ContactList, PageFetcher
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRow
    from segdesk.tui.app import ContactSource
    from segdesk.workspace import Workspace

SEARCH_DELAY = 0.25


class ContactsScreen(ReportsFailures, Screen[None]):
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="contacts.search"),
        Binding("escape", "back", "Back", id="contacts.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search_timer: Timer | None = None
        self._search = ""
        self._data_version = 0

    def compose(self) -> ComposeResult:
        yield TitleBar("Contacts")
        yield Input(placeholder="/ search name, email, company or id", id="search")
        yield ContactList(id="contact-list")
        yield Static("Loading…", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ContactList).focus()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        if self._data_version != self.app.data_version:
            self._reload()

    def _reload(self, _workspace: Workspace | None = None) -> None:
        self._data_version = self.app.data_version
        source = self.app.contact_source
        if source is not None:
            self._count(source, self._search)

    @work(thread=True, exclusive=True, group="contact-count", exit_on_error=False)
    def _count(self, source: ContactSource, search: str) -> None:
        total = source.count_contacts(search)
        fetch = partial(_page, source, search, total)
        self.app.call_from_thread(self._show, fetch, total, search)

    def _show(self, fetch: PageFetcher, total: int, search: str) -> None:
        if search != self._search:
            return
        self.query_one(ContactList).reset(fetch, total)
        noun = "contact" if total == 1 else "contacts"
        where = f" matching “{search}”" if search else ""
        self.query_one("#status", Static).update(
            f"{total:,} {noun}{where} · Enter opens · / searches · escape goes back"
        )

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

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(ContactList).focus()

    @on(ContactList.Opened)
    def _open(self, event: ContactList.Opened) -> None:
        if self.app.workspace is not None:
            self.app.push_screen(ContactScreen(event.contact_id))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.query_one(ContactList).focus()
        elif self._search:
            search.value = ""
        else:
            self.app.switch_mode("home")


def _page(
    source: ContactSource, search: str, total: int, offset: int, limit: int
) -> list[ContactRow]:
    return source.contacts_page(offset, limit, search or None, total)
