"""Segments: every segment with its people, share, trend, owner and next review; schemes
grouped under their scheme. Open, create, edit, document, duplicate, rename, retire or
reactivate, delete and refresh from here.

Reading and every change run in thread workers; a refresh of everything shows its progress
and escape cancels it (the refresh rolls back, nothing changes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Input, ProgressBar, Static
from textual.worker import Worker

from segdesk.segments.lookup import SegmentInfo, qualified_name
from segdesk.tui import clock
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import cancel_check, progress_to, show_if_latest
from segdesk.tui.screen_paths import BUILDER, PLAYBOOK_FORM, make_screen
from segdesk.tui.screens.ask_text import AskTextScreen
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.segment_listing import (
    SORT_LABELS,
    SORTS,
    ListedRow,
    listed_rows,
    people,
    scheme_label,
)
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.segment_list import SegmentList
from segdesk.tui.widgets.segment_table import kind_label
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.wording import count

if TYPE_CHECKING:
    from segdesk.segments.dependencies import Dependencies
    from segdesk.segments.overview import SegmentLine, SegmentsOverview
    from segdesk.segments.refresh import RefreshResult
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

SEGMENT_ACTIONS = frozenset(
    {"edit", "document", "duplicate", "rename", "retire", "reactivate", "delete", "refresh"}
)
"""Actions on the highlighted segment (not on a scheme's heading)."""


class SegmentsScreen(ReportsFailures, Screen[None]):
    TITLE = "Segments"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("n", "new", "New", id="segments.new"),
        Binding("e", "edit", "Edit", id="segments.edit"),
        Binding("d", "document", "Document", id="segments.document"),
        Binding("slash", "filter", "Filter", key_display="/", id="segments.filter"),
        Binding("S", "sort", "Sort", show=False, id="segments.sort"),
        Binding("R", "retired", "Show retired", show=False, id="segments.retired"),
        Binding("f", "refresh", "Refresh", show=False, id="segments.refresh"),
        Binding("F", "refresh_all", "Refresh all", id="segments.refresh_all"),
        Binding("D", "duplicate", "Duplicate", show=False, id="segments.duplicate"),
        Binding("r", "rename", "Rename", show=False, id="segments.rename"),
        Binding("a", "retire", "Retire", show=False, id="segments.retire"),
        Binding("a", "reactivate", "Reactivate", show=False, id="segments.reactivate"),
        Binding("delete", "delete", "Delete", show=False, id="segments.delete"),
        Binding("j", "move(1)", "Down", show=False, id="segments.down"),
        Binding("k", "move(-1)", "Up", show=False, id="segments.up"),
        # One key, four meanings: the footer names the one escape has now.
        Binding("escape", "cancel_refresh", "Cancel refresh", id="segments.cancel"),
        Binding("escape", "leave_filter", "Leave filter", id="segments.leave_filter"),
        Binding("escape", "clear_filter", "Clear filter", id="segments.clear_filter"),
        Binding("escape", "back", "Back", id="segments.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overview: SegmentsOverview | None = None
        self.sort = SORTS[0]
        self.show_retired = False
        self.folded: frozenset[str] = frozenset()
        self.refreshing = False
        self._stop = threading.Event()
        self._made: str | None = None
        """A segment just saved by the builder: the cursor goes to it once the list has it."""

    def compose(self) -> ComposeResult:
        yield TitleBar("Segments")
        yield Input(placeholder="/ filter by name, owner or scheme", id="filter")
        yield SegmentList(id="segment-list")
        yield Static(id="status")
        yield Static(id="run-status")
        yield ProgressBar(total=None, show_eta=False, id="progress")
        yield Footer(compact=True)

    @property
    def table(self) -> SegmentList:
        return self.query_one(SegmentList)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.query_one("#run-status").display = False
        self.table.focus()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        self._reload()

    def _reload(self, _workspace: Workspace | None = None) -> None:
        if self.app.workspace is not None:
            self._load(self.app.workspace)

    @work(thread=True, exclusive=True, group="segments-list", exit_on_error=False)
    def _load(self, workspace: Workspace) -> None:
        overview = workspace.segment_views.overview()
        show_if_latest(self.app, self._loaded, overview)

    def _loaded(self, overview: SegmentsOverview) -> None:
        self.overview = overview
        self._show()

    def _show(self) -> None:
        if self.overview is None:
            return
        rows = listed_rows(
            self.overview.segments,
            search=self.query_one("#filter", Input).value,
            sort=self.sort,
            show_retired=self.show_retired,
            folded=self.folded,
        )
        self.table.show(rows, self.overview.contacts, clock.today())
        if self._made is not None:
            names = [r.line.info.name if r.line else None for r in self.table.rows_shown]
            if self._made in names:
                self.table.move_cursor(row=names.index(self._made), animate=False)
            self._made = None
        self._describe()

    # What the line under the table says --------------------------------------------------

    @on(DataTable.RowHighlighted, "#segment-list")
    def _describe(self) -> None:
        if self.overview is None:
            return
        shown = sum(1 for r in self.table.rows_shown if not r.is_heading)
        total = len(self.overview.segments)
        retired = sum(1 for s in self.overview.segments if s.info.status == "retired")
        parts = [count(total, "segment")]
        if shown != total:
            parts.append(f"{shown} shown")
        if retired and not self.show_retired:
            parts.append(f"{retired} retired hidden (R)")
        parts.append(f"sorted by {SORT_LABELS[self.sort]} (S)")
        row = self.table.current
        lines = [" · ".join(parts)]
        if row is not None:
            lines.insert(0, _row_words(row))
        elif not total:
            lines = ["No segments yet: press n to make one from a rule."]
        self.query_one("#status", Static).update(escape("\n".join(lines)))
        self.refresh_bindings()

    # Keys --------------------------------------------------------------------------------

    def _segment(self) -> SegmentLine | None:
        row = self.table.current
        return row.line if row is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        filtering = self.query_one("#filter", Input).has_focus
        if action == "cancel_refresh":
            return self.refreshing
        if action == "leave_filter":
            return filtering and not self.refreshing
        if action == "clear_filter":
            return not filtering and not self.refreshing and bool(self._filter_text())
        if action == "back":
            return not filtering and not self.refreshing and not self._filter_text()
        if action == "filter":
            return not filtering
        if self.refreshing and action not in {"sort", "retired", "move"}:
            return False
        if action in SEGMENT_ACTIONS:
            line = self._segment()
            if line is None or self.app.workspace is None:
                return False
            return _allowed(action, line)
        return True

    def _filter_text(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    def action_move(self, step: int) -> None:
        self.table.move_cursor(row=self.table.cursor_row + step)

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_leave_filter(self) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""

    def action_back(self) -> None:
        self.app.switch_mode("home")

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._show()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._show()

    def action_retired(self) -> None:
        self.show_retired = not self.show_retired
        self._show()

    @on(DataTable.RowSelected, "#segment-list")
    def _open(self) -> None:
        row = self.table.current
        if row is None:
            return
        if row.line is None:
            assert row.scheme is not None
            self.folded = self.folded ^ {row.scheme}
            self._show()
            return
        from segdesk.tui.screens.segment import SegmentScreen

        self.app.push_screen(SegmentScreen(_name(row.line.info)))

    def action_new(self) -> None:
        self.app.push_screen(make_screen(BUILDER), self._built)

    def _built(self, name: str | None) -> None:
        if name is not None:
            self._made = name
            self._reload()

    def action_edit(self) -> None:
        if line := self._segment():
            self.app.push_screen(make_screen(BUILDER, _name(line.info)))

    def action_document(self) -> None:
        if line := self._segment():
            self.app.push_screen(make_screen(PLAYBOOK_FORM, _name(line.info)))

    def action_rename(self) -> None:
        if line := self._segment():
            name = line.info.name
            question = f"A new name for “{escape(name)}”. Rules that name it follow."
            self.app.push_screen(
                AskTextScreen("Rename segment", question, name),
                lambda new: self._rename(name, new),
            )

    def _rename(self, name: str, new: str | None) -> None:
        if new and new != name:
            self._change(lambda ws: f"Renamed to “{ws.segments.rename(name, new).name}”.")

    def action_duplicate(self) -> None:
        if line := self._segment():
            name = line.info.name
            what = "a static list of its members" if line.info.kind == "model" else "its rule"
            question = f"Copy “{escape(name)}” ({what}, pins and playbook) under the name:"
            self.app.push_screen(
                AskTextScreen("Duplicate segment", question, f"{name} (copy)"),
                lambda new: self._duplicate(name, new),
            )

    def _duplicate(self, name: str, new: str | None) -> None:
        if new:
            self._change(
                lambda ws: f"Made “{ws.segments.duplicate(name, new).name}”, a copy of “{name}”."
            )

    def action_retire(self) -> None:
        if line := self._segment():
            name = line.info.name
            question = (
                f"Retire “{escape(name)}”?\nIt keeps its {people(line.info.count)} people and "
                "is no longer refreshed; a goes back to make it active again."
            )
            self.app.push_screen(
                ConfirmScreen("Retire segment", question, "Retire", no="Keep active"),
                lambda yes: self._set_status(name, "retired") if yes else None,
            )

    def action_reactivate(self) -> None:
        if line := self._segment():
            self._set_status(_name(line.info), "active")

    def _set_status(self, name: str, status: str) -> None:
        said = "Retired" if status == "retired" else "Reactivated"
        self._change(lambda ws: f"{said} “{ws.segments.set_status(name, status).name}”.")

    def action_delete(self) -> None:
        if (line := self._segment()) and self.app.workspace is not None:
            self._ask_delete(self.app.workspace, _name(line.info))

    @work(thread=True, exclusive=True, group="segments-change", exit_on_error=False)
    def _ask_delete(self, workspace: Workspace, name: str) -> None:
        found = workspace.segment_views.dependencies(name)
        self.app.call_from_thread(self._confirm_delete, found)

    def _confirm_delete(self, found: Dependencies) -> None:
        name = found.segment
        if found.blocks_delete:
            self.notify(
                f"“{name}” cannot be deleted: {found.blocks_delete}.",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        self.app.push_screen(
            ConfirmScreen("Delete segment", delete_question(found), "Delete"),
            lambda yes: self._delete(name) if yes else None,
        )

    def _delete(self, name: str) -> None:
        self._change(lambda ws: f"Deleted “{name}” (kept as “{ws.segments.delete(name)}”).")

    @work(thread=True, exclusive=True, group="segments-change", exit_on_error=False)
    def _change(self, change: Callable[[Workspace], str]) -> None:
        """Make a change in a thread, then say what it did and show the list again."""
        workspace = self.app.workspace
        if workspace is None:
            return
        said = change(workspace)
        self.app.call_from_thread(self._changed, said, workspace)

    def _changed(self, said: str, workspace: Workspace) -> None:
        self.notify(said, markup=False)
        self._load(workspace)

    # Refresh -----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if (line := self._segment()) and self.app.workspace is not None:
            self._start_refresh(f"Refreshing “{line.info.name}”…")
            self._refresh(self.app.workspace, _name(line.info))

    def action_refresh_all(self) -> None:
        if self.app.workspace is not None:
            self._start_refresh("Refreshing the models, then every segment… escape cancels.")
            self._refresh(self.app.workspace, None)

    def _start_refresh(self, said: str) -> None:
        self.refreshing = True
        self._stop.clear()
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._run_status(said)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="segments-refresh", exit_on_error=False)
    def _refresh(self, workspace: Workspace, name: str | None) -> None:
        from segdesk.jobs import Cancelled

        try:
            result = workspace.segments.refresh(
                name,
                progress=progress_to(self.app, self._progress),
                cancelled=cancel_check(self._stop),
            )
        except Cancelled:
            self.app.call_from_thread(self._refreshed, None, workspace)
        else:
            self.app.call_from_thread(self._refreshed, result, workspace)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self._run_status(f"Refreshed {done} of {total}: {label}… escape cancels.")

    def _refreshed(self, result: RefreshResult | None, workspace: Workspace) -> None:
        self._end_refresh()
        if result is None:
            self.notify("The refresh was cancelled: nothing was changed.", severity="warning")
        else:
            self.notify(f"Refreshed {count(result.refreshed, 'segment')}.")
        self._load(workspace)

    def _end_refresh(self) -> None:
        self.refreshing = False
        self.query_one(ProgressBar).display = False
        self.query_one("#run-status").display = False
        self.refresh_bindings()

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group == "segments-refresh":
            self._end_refresh()
        return False

    def action_cancel_refresh(self) -> None:
        self._stop.set()
        self._run_status("Cancelling… what was refreshed so far is being rolled back.")

    def _run_status(self, text: str) -> None:
        status = self.query_one("#run-status", Static)
        status.display = True
        status.update(escape(text))


def _name(info: SegmentInfo) -> str:
    """The name that finds the segment even where another scheme has one of its name."""
    return qualified_name(info.scheme, info.name)


def _allowed(action: str, line: SegmentLine) -> bool:
    info = line.info
    if action == "edit":
        return info.kind == "rule"
    if action == "retire":
        return info.status != "retired"
    if action == "reactivate":
        return info.status == "retired"
    if action == "refresh":
        return info.status != "retired" and info.kind != "static"
    return True


def _row_words(row: ListedRow) -> str:
    """The highlighted row in a line: what the narrow columns leave out."""
    if row.line is None:
        assert row.scheme is not None
        fold = "enter unfolds" if row.folded else "enter folds"
        return f"{scheme_label(row.scheme)}: {count(len(row.members), 'segment')} · {fold}"
    info = row.line.info
    when = (
        info.refreshed_at.astimezone().strftime("%Y-%m-%d %H:%M") if info.refreshed_at else "never"
    )
    return f"{info.name} · {kind_label(info)} · version {info.version} · refreshed {when}"


def delete_question(found: Dependencies) -> str:
    """What a delete takes away and what it keeps, in the words of the question."""
    name = escape(found.segment)
    lines = [
        f"Delete “{name}”?",
        f"Its {count(found.members, 'person', 'people')} leave it (they stay contacts).",
    ]
    if found.pins:
        lines.append(f"Its {count(found.pins, 'pin')} and its versions are kept until purged.")
    else:
        lines.append("Its versions are kept until purged.")
    lines.append("No rule names it; the name is free again at once.")
    return "\n".join(lines)
