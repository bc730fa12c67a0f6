"""One segment: its rule in text and plain English, size, share and trend, playbook, its
profile beside everyone, test against control of its holdout exports (when it has some),
pins, versions and members. The page scrolls; tab (or v, m, p) moves
between its lists, r jumps to the profile; b shows the playbook as it would be exported, to
write it to a file.

Enter on a version compares it with the one before; Enter on a member or a pin says why
that contact is in or out, condition by condition; w asks the same of any contact. d opens
the playbook; f3 records a review done today, as in the playbook form; x exports the members
to a file (the export screen, with this segment ticked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker

from segdesk.tui import clock
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import show_if_latest
from segdesk.tui.screen_paths import (
    BUILDER,
    EXPORT,
    PLAYBOOK_FORM,
    PLAYBOOK_PREVIEW,
    make_screen,
)
from segdesk.tui.segment_listing import people, share
from segdesk.tui.theme_styles import theme_style
from segdesk.tui.widgets.contact_list import CONTACT_COLUMNS
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.paged_table import PagedTable
from segdesk.tui.widgets.segment_profile import SegmentProfileView
from segdesk.tui.widgets.segment_table import kind_label
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.wording import count, sparkline

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRow
    from segdesk.publish.holdout import HoldoutResponse
    from segdesk.segments.detail import SegmentDetail
    from segdesk.segments.overview import SizePoint
    from segdesk.segments.versions import VersionEntry
    from segdesk.tui.app import SegdeskApp
    from segdesk.tui.screens.pin_contact import PinRequest
    from segdesk.workspace import SegmentViews, Workspace

TREND_WIDTH = 40
SEARCH_DELAY = 0.25
PLAYBOOK_LABELS = {
    "goal": "Goal",
    "target": "Target",
    "deadline": "Deadline",
    "owner": "Owner",
    "stakeholders": "Stakeholders",
    "data_sources": "Data sources",
    "use_cases": "Use cases",
    "channels": "Channels",
    "message_tone": "Message and tone",
    "offer": "Offer",
    "next_actions": "Next actions",
    "kpis": "KPIs",
    "review_cadence": "Review cadence",
    "next_review": "Next review",
    "playbook_status": "Status",
}


@dataclass(frozen=True)
class Page:
    """What the page shows, read in one go."""

    detail: SegmentDetail
    history: list[SizePoint]
    versions: list[VersionEntry]
    contacts: int


@dataclass(frozen=True)
class MemberPages:
    """A segment's members as the paged table's `PageSource`."""

    views: SegmentViews
    segment_id: int

    def count(self, search: str | None) -> int:
        return self.views.count_members(self.segment_id, search)

    def page(self, offset: int, limit: int, search: str | None, total: int) -> list[ContactRow]:
        return self.views.members_page(self.segment_id, offset, limit, search, total)


class SegmentScreen(ReportsFailures, Screen[None]):
    TITLE = "Segment"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("e", "edit", "Edit", id="segment.edit"),
        Binding("d", "document", "Document", id="segment.document"),
        # Out of the footer, which is full at 80 columns: the playbook's title names the key.
        Binding("b", "playbook", "Playbook: preview, write", show=False, id="segment.playbook"),
        Binding("f3", "review_done", "Review done", id="segment.review_done"),
        Binding("f", "refresh", "Refresh", id="segment.refresh"),
        Binding("v", "go('versions')", "Versions", show=False, id="segment.versions"),
        Binding("m", "go('members')", "Members", show=False, id="segment.members"),
        Binding("r", "profile", "Profile beside everyone", show=False, id="segment.profile"),
        Binding("slash", "search", "Search", key_display="/", id="segment.search"),
        Binding("p", "pin", "Pin", id="segment.pin"),
        Binding("u", "unpin", "Unpin", id="segment.unpin"),
        Binding("w", "why", "Why…", id="segment.why"),
        # Out of the footer too: the members' title names the key.
        Binding("x", "export", "Export the members", show=False, id="segment.export"),
        Binding("escape", "leave_search", "Leave search", id="segment.leave_search"),
        Binding("escape", "app.pop_screen", "Back", id="segment.back"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.segment_name = name
        self.page: Page | None = None
        self._search = ""
        self._search_timer: Any = None
        self._profile_failed = False

    def compose(self) -> ComposeResult:
        yield TitleBar("Segment")
        with VerticalScroll(id="page"):
            yield Static("Loading…", id="heading", classes="section-title")
            yield Static(id="figures")
            yield Static("Rule", classes="section-title")
            yield Static(id="rule")
            yield Static(
                "Playbook · b shows it to write to a file",
                classes="section-title",
                id="playbook-title",
            )
            yield Static(id="playbook")
            yield Static(
                "Profile · this segment beside everyone",
                classes="section-title",
                id="profile-title",
            )
            yield SegmentProfileView(id="profile")
            yield Static(
                "Test against control · after each export with a holdout",
                classes="section-title",
                id="holdout-title",
            )
            yield Static(id="holdout")
            yield Static("Pins", classes="section-title")
            yield DataTable(id="pins", cursor_type="row")
            yield Static(id="no-pins", classes="muted")
            yield Static("Versions", classes="section-title", id="versions-title")
            yield DataTable(id="versions", cursor_type="row")
            yield Static("Members", classes="section-title", id="members-title")
            yield Input(placeholder="/ search name, email, company, id or city", id="member-search")
            yield PagedTable(CONTACT_COLUMNS, id="members")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        pins = self.query_one("#pins", DataTable)
        pins.add_column("Contact", width=28)
        pins.add_column("Pin", width=10)
        pins.add_column("Why", width=28)
        versions = self.query_one("#versions", DataTable)
        for title, width in (("Version", 7), ("Saved", 16), ("People", 7), ("Reason", 34)):
            versions.add_column(title, width=width)
        self.query_one("#page").focus()
        self._show_holdout([])
        self._reload()

    def on_screen_resume(self) -> None:
        self._reload()
        self._read_profile()

    def _reload(self) -> None:
        if self.app.workspace is not None:
            self._load(self.app.workspace)

    def _read_profile(self) -> None:
        """On showing the page (the first time too) and after a change; not again after a
        failure the user has just been shown, until a change."""
        if self.app.workspace is not None and not self._profile_failed:
            self._load_profile(self.app.workspace)

    @work(thread=True, exclusive=True, group="segment-page", exit_on_error=False)
    def _load(self, workspace: Workspace) -> None:
        name = self.segment_name
        page = Page(
            detail=workspace.segments.detail(name),
            history=workspace.segment_views.size_history(name),
            versions=workspace.segment_views.versions(name),
            contacts=workspace.contacts.count_contacts(),
        )
        show_if_latest(self.app, self._show, page, workspace)

    @work(thread=True, exclusive=True, group="segment-profile", exit_on_error=False)
    def _load_profile(self, workspace: Workspace) -> None:
        """Apart from the page: a profile reads every order, the page only this segment."""
        profile = workspace.profiles.profile(self.segment_name, clock.today())
        show_if_latest(self.app, self.query_one("#profile", SegmentProfileView).show, profile)

    @work(thread=True, exclusive=True, group="segment-holdout", exit_on_error=False)
    def _load_holdout(self, workspace: Workspace, name: str) -> None:
        results = workspace.exports.holdout_results(name)
        show_if_latest(self.app, self._show_holdout, results)

    def _show_holdout(self, results: list[HoldoutResponse]) -> None:
        """Shown only for a segment exported with a holdout."""
        from segdesk.tui.widgets.holdout_results import rendered

        self.query_one("#holdout-title").display = bool(results)
        shown = self.query_one("#holdout", Static)
        shown.display = bool(results)
        if results:
            shown.update(rendered(results))

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group == "segment-page" and self.page is None:
            self.query_one("#heading", Static).update("This segment could not be shown.")
        if worker.group == "segment-profile":
            self._profile_failed = True
            self.query_one("#profile", SegmentProfileView).failed()
        return False

    def _show(self, page: Page, workspace: Workspace) -> None:
        self.page = page
        info = page.detail.info
        self.segment_name = info.name
        self.query_one("#heading", Static).update(
            f"{escape(info.name)} · {kind_label(info)} · version {info.version}"
        )
        self.query_one("#figures", Static).update(self._figures(page))
        self.query_one("#rule", Static).update(_rule(page.detail))
        playbook = page.detail.playbook
        self.query_one("#playbook-title").display = bool(playbook)
        shown = self.query_one("#playbook", Static)
        shown.display = bool(playbook)
        shown.update(_pairs(playbook))
        self._show_pins(page.detail)
        self._show_versions(page.versions)
        members = self.query_one("#members", PagedTable)
        members.load(MemberPages(workspace.segment_views, info.id), self._search)
        self._load_holdout(workspace, self._qualified_name())
        self.refresh_bindings()

    def _figures(self, page: Page) -> Text:
        info = page.detail.info
        text = Text()
        text.append(f"{people(info.count)} people", style="bold")
        text.append(f" · {share(info.count, page.contacts)} of {count(page.contacts, 'contact')}")
        when = info.refreshed_at
        text.append(
            f" · refreshed {when.astimezone():%Y-%m-%d %H:%M}" if when else " · never refreshed"
        )
        counts = [p.members for p in page.history]
        if counts:
            text.append("\nTrend ")
            text.append(sparkline(counts, TREND_WIDTH), style=theme_style(self.app, "accent"))
            shown = page.history[-TREND_WIDTH:]
            change = shown[-1].members - shown[0].members
            text.append(
                f"  {shown[0].members:,} → {shown[-1].members:,} ({change:+,}) over "
                f"{count(len(shown), 'refresh', 'refreshes')} since "
                f"{shown[0].refreshed_at.astimezone():%Y-%m-%d}"
            )
        return text

    def _show_pins(self, detail: SegmentDetail) -> None:
        table = self.query_one("#pins", DataTable)
        table.clear()
        for pin in detail.pins:
            table.add_row(
                pin.email or f"id:{pin.contact_id}",
                "always in" if pin.mode == "include" else "always out",
                pin.note or "",
                key=str(pin.contact_id),
            )
        table.display = bool(detail.pins)
        none = "None" if detail.info.kind == "rule" else "Pins apply to rule segments only."
        self.query_one("#no-pins", Static).update("" if detail.pins else none)
        self.query_one("#no-pins").display = not detail.pins

    def _show_versions(self, versions: list[VersionEntry]) -> None:
        table = self.query_one("#versions", DataTable)
        row = table.cursor_row
        table.clear()
        for v in reversed(versions):  # the newest first
            table.add_row(
                Text(str(v.version), justify="right"),
                v.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                Text("" if v.members is None else f"{v.members:,}", justify="right"),
                v.reason or "",
                key=str(v.version),
            )
        table.display = bool(versions)
        title = "Versions · enter compares with the one before" if len(versions) > 1 else "Versions"
        self.query_one("#versions-title", Static).update(title)
        if versions:
            table.move_cursor(row=min(row, len(versions) - 1))

    # Keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        searching = self.query_one("#member-search", Input).has_focus
        if action == "leave_search":
            return searching
        if action == "app.pop_screen":
            return not searching
        if self.page is None:
            return action not in {
                "edit",
                "document",
                "playbook",
                "review_done",
                "refresh",
                "pin",
                "unpin",
                "why",
                "export",
            }
        info = self.page.detail.info
        if action == "edit":
            return info.kind == "rule"
        if action == "refresh":
            return info.status != "retired" and info.kind != "static"
        if action == "pin":
            return info.kind == "rule"
        if action == "unpin":
            return bool(self.page.detail.pins) and self.query_one("#pins").has_focus
        if action == "review_done":
            return "review_cadence" in self.page.detail.playbook
        return True

    def action_go(self, which: str) -> None:
        self.query_one(f"#{which}").focus()

    def action_profile(self) -> None:
        page = self.query_one("#page", VerticalScroll)
        page.focus()
        page.scroll_to_widget(self.query_one("#profile-title"), top=True, animate=False)

    def action_search(self) -> None:
        self.query_one("#member-search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one("#members").focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(Input.Changed, "#member-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._apply_search(value))

    def _apply_search(self, value: str) -> None:
        if value != self._search and self.page is not None and self.app.workspace is not None:
            self._search = value
            views = self.app.workspace.segment_views
            members = self.query_one("#members", PagedTable)
            members.load(MemberPages(views, self.page.detail.info.id), value)

    @on(Input.Submitted, "#member-search")
    def _search_submitted(self) -> None:
        self.query_one("#members").focus()

    @on(PagedTable.Counted, "#members")
    def _counted(self, event: PagedTable.Counted) -> None:
        where = f" matching “{escape(event.search)}”" if event.search else ""
        said = f"Members · {count(event.total, 'person', 'people')}{where}"
        said += " · enter says why · x exports the segment"
        self.query_one("#members-title", Static).update(said)

    @on(PagedTable.Opened, "#members")
    def _member_opened(self, event: PagedTable.Opened[ContactRow]) -> None:
        self._explain(f"id:{event.row.id}")

    @on(DataTable.RowSelected, "#pins")
    def _pin_opened(self, event: DataTable.RowSelected) -> None:
        self._explain(f"id:{event.row_key.value}")

    @on(DataTable.RowSelected, "#versions")
    def _version_opened(self, event: DataTable.RowSelected) -> None:
        if self.page is None or event.row_key.value is None:
            return
        from segdesk.tui.screens.version_diff import VersionDiffScreen

        versions = self.page.versions
        numbers = [v.version for v in versions]
        new = int(event.row_key.value)
        at = numbers.index(new)
        old = numbers[at - 1] if at > 0 else numbers[-1]
        self.app.push_screen(VersionDiffScreen(self.segment_name, versions, old, new))

    def _explain(self, contact: str) -> None:
        from segdesk.tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(self.segment_name, contact))

    def action_why(self) -> None:
        from segdesk.tui.screens.ask_text import AskTextScreen

        question = f"Why is a contact in “{escape(self.segment_name)}”, or not? Name one:"
        self.app.push_screen(
            AskTextScreen("Why", question, placeholder="email, external id, or id:42"),
            lambda contact: self._explain(contact) if contact else None,
        )

    def action_edit(self) -> None:
        self.app.push_screen(make_screen(BUILDER, self.segment_name))

    def action_document(self) -> None:
        self.app.push_screen(make_screen(PLAYBOOK_FORM, self.segment_name))

    def action_playbook(self) -> None:
        self.app.push_screen(make_screen(PLAYBOOK_PREVIEW, self._qualified_name()))

    def action_export(self) -> None:
        self.app.push_screen(make_screen(EXPORT, (self._qualified_name(),)))

    def _qualified_name(self) -> str:
        """The name that finds this segment even where another scheme has one of its name."""
        info = self.page.detail.info if self.page is not None else None
        if info is None or info.scheme is None:
            return self.segment_name
        return f"{info.scheme}: {info.name}"

    def action_review_done(self) -> None:
        if self.app.workspace is not None:
            self._review_done(self.app.workspace)

    @work(thread=True, exclusive=True, group="segment-change", exit_on_error=False)
    def _review_done(self, workspace: Workspace) -> None:
        record = workspace.playbooks.review_done(self._qualified_name(), clock.today())
        self.app.call_from_thread(
            self._changed, f"Review recorded; the next one is on {record.next_review}."
        )

    def action_pin(self) -> None:
        from segdesk.tui.screens.pin_contact import PinScreen

        self.app.push_screen(PinScreen(self.segment_name), self._pinned)

    def _pinned(self, request: PinRequest | None) -> None:
        if request is not None and self.app.workspace is not None:
            self._pin(self.app.workspace, request)

    @work(thread=True, exclusive=True, group="segment-change", exit_on_error=False)
    def _pin(self, workspace: Workspace, request: PinRequest) -> None:
        pin = workspace.segments.pin(self.segment_name, request.contact, request.mode, request.note)
        who = pin.email or f"contact {pin.contact_id}"
        where = "in" if pin.mode == "include" else "out"
        self.app.call_from_thread(
            self._changed, f"{who} is always {where} from the next refresh (f refreshes now)."
        )

    def action_unpin(self) -> None:
        table = self.query_one("#pins", DataTable)
        if table.row_count and self.app.workspace is not None:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self._unpin(self.app.workspace, f"id:{key}")

    @work(thread=True, exclusive=True, group="segment-change", exit_on_error=False)
    def _unpin(self, workspace: Workspace, contact: str) -> None:
        workspace.segments.unpin(self.segment_name, contact)
        self.app.call_from_thread(
            self._changed, "Pin removed: it takes effect at the next refresh."
        )

    def action_refresh(self) -> None:
        if self.app.workspace is not None:
            self.notify(f"Refreshing “{self.segment_name}”…", markup=False)
            self._refresh(self.app.workspace)

    @work(thread=True, exclusive=True, group="segment-change", exit_on_error=False)
    def _refresh(self, workspace: Workspace) -> None:
        result = workspace.segments.refresh(self.segment_name)
        size = result.counts.get(self.segment_name)
        said = f"Refreshed: {people(size)} people." if size is not None else "Refreshed."
        self.app.call_from_thread(self._changed, said)

    def _changed(self, said: str) -> None:
        self.notify(said, markup=False)
        self._reload()
        self._profile_failed = False
        self._read_profile()


def _rule(detail: SegmentDetail) -> Text:
    text = Text()
    if detail.info.rule:
        text.append(detail.info.rule)
    if detail.english:
        text.append("\nIn words: ", style="bold")
        text.append(detail.english)
    if detail.source:
        text.append("\nA list frozen from ", style="bold")
        text.append(", ".join(f"{k} {v}" for k, v in detail.source.items()))
    if detail.info.scheme:
        text.append(f"\nMade by the {detail.info.scheme} model: its scheme decides the members.")
    return text


def _pairs(fields: dict[str, Any]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, value in fields.items():
        table.add_row(PLAYBOOK_LABELS.get(name, name), _shown(value))
    return table


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return " · ".join(_shown(v) for v in value.values() if v not in (None, ""))
    return str(value)
