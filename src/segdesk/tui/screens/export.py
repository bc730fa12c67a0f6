"""Export: tick segments, choose a format, the options and the file, see who goes in and who is
left out (worked out in a worker each time a choice changes), write with progress and cancel,
and the export log. One scrolling page, so that 80x24 reaches all of it with tab; the line
above the footer keeps the count in view. A segment's page opens it with that segment ticked.
Playbooks start here too: `b` previews the playbook of the segment under the cursor, `B` that
of its whole scheme, each with `w` to write it to a file.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Input, ProgressBar, RadioSet, SelectionList, Static
from textual.worker import Worker

from segdesk.errors import UserError
from segdesk.publish.formats import EXCEL_EUROPE, FORMAT_NAMES, FORMATS, SUFFIXES
from segdesk.publish.selection import left_out_words
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.job_control import cancel_check, progress_to, show_if_latest
from segdesk.tui.messages import DataChanged
from segdesk.tui.screen_paths import PLAYBOOK_PREVIEW, make_screen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.path_input import PathInput
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.tui.widgets.toggles import Checkbox, CheckList, RadioButton
from segdesk.wording import count

if TYPE_CHECKING:
    from segdesk.publish.export_log import ExportEntry
    from segdesk.publish.lists import ExportReport, ListOptions, PlannedFile
    from segdesk.segments.lookup import SegmentInfo
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

FORMAT_LABELS = {
    "generic": "CSV, for a spreadsheet or any other tool",
    "mailchimp": "Mailchimp import (people without an email left out)",
    "hubspot": "HubSpot import (people without an email left out)",
    "xlsx": "Excel workbook (.xlsx)",
}
SPREADSHEET = frozenset({"generic", "xlsx"})
"""The formats whose columns can be chosen and that can be anonymised."""
PLAN_DELAY = 0.3
"""Seconds after the last keystroke before who goes in is worked out again."""
LOG_ROWS = 200
"""The newest exports the log on screen lists (`segdesk exports` lists all)."""


@dataclass(frozen=True)
class Request:
    """One export as chosen on the screen, as the workspace takes it."""

    names: tuple[str, ...]
    target: Path
    options: ListOptions
    each: bool


class ExportScreen(ReportsFailures, Screen[None]):
    """``chosen``: the segments ticked on opening (a segment's page passes its own)."""

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("f2", "write", "Write", id="export.write"),
        Binding("l", "log", "Export log", id="export.log"),
        Binding("b", "playbook", "Playbook", id="export.playbook"),
        Binding("B", "scheme_playbook", "Scheme playbook", show=False, id="export.scheme_playbook"),
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("escape", "back", "Back", id="export.back"),
    ]

    def __init__(self, chosen: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.chosen = chosen
        self.segments: list[str] | None = None
        """The names to tick from, once read."""
        self.schemes: dict[str, str] = {}
        """The scheme of each name that belongs to one (``rfm``, ``lifecycle``)."""
        self.planned: list[PlannedFile] | None = None
        """Who goes into each file for ``planned_for``, once worked out."""
        self.planned_for: Request | None = None
        self.writing = False
        self.report: ExportReport | None = None
        """The last export written here."""
        self._cancel = threading.Event()
        self._plan_timer: Any = None
        self._auto_path = ""
        """The file name last filled in for the user; replaced as the choices change until
        they type their own."""
        self._data_version = -1

    def compose(self) -> ComposeResult:
        yield TitleBar("Export")
        with VerticalScroll(id="export-page"):
            yield Static("Segments · space ticks", classes="section-title")
            yield CheckList(id="segments")
            yield Static("Reading the segments…", id="no-segments", classes="muted")
            yield Static("Format", classes="section-title")
            with RadioSet(id="format", compact=True):
                for fmt in FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == "generic", id=fmt)
            yield Static("File", classes="section-title")
            yield Static(
                "In the current folder unless you give a path; tab completes names.",
                classes="muted",
            )
            yield PathInput(id="path")
            yield Static("Who goes in", classes="section-title")
            yield Checkbox("Include unsubscribed contacts", compact=True, id="unsubscribed")
            with RadioSet(id="several", compact=True):
                yield RadioButton(
                    "One file; with several segments a column names them", value=True, id="one"
                )
                yield RadioButton("One file per segment, in the folder given above", id="each")
            with Horizontal(classes="export-row"):
                yield Static("Only who joined since", classes="export-label")
                yield Input(placeholder="YYYY-MM-DD or a snapshot", compact=True, id="joined")
            with Horizontal(classes="export-row"):
                yield Static("and who left since", classes="export-label")
                yield Input(placeholder="YYYY-MM-DD or a snapshot", compact=True, id="left")
            with Horizontal(classes="export-row"):
                yield Static("Hold back as a control", classes="export-label")
                yield Input(
                    placeholder="e.g. 10%", compact=True, id="holdout", classes="export-short"
                )
                yield Static("seed", classes="export-unit")
                yield Input(type="integer", compact=True, id="seed", classes="export-short")
            yield Static(
                "Empty: everyone now in the segments. Held back people are not in the file; "
                "the log keeps both groups to compare what they buy later.",
                classes="muted",
            )
            yield Static("Columns", classes="section-title")
            yield Checkbox(
                "Anonymise: no emails, names or phones; ids as keys", compact=True, id="anonymise"
            )
            with Horizontal(classes="export-row"):
                yield Static("Fields", classes="export-label")
                yield Input(
                    placeholder="all, or e.g. email,first_name,city", compact=True, id="fields"
                )
            yield Checkbox(
                "Excel (Europe): ; between values, and a byte order mark", compact=True, id="europe"
            )
            with Horizontal(classes="export-row"):
                yield Static("Between values", classes="export-label")
                yield Input(",", compact=True, id="delimiter", classes="export-short")
                yield Checkbox("Byte order mark", compact=True, id="bom")
            yield Static(id="format-note", classes="muted")
            yield Static("Export log", classes="section-title", id="log-title")
            yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
            yield Static(id="log-empty", classes="muted")
        with Horizontal(id="export-bar"):
            yield Static("Tick a segment to export.", id="export-summary")
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#log", DataTable).add_columns(
            "when", "segments", "format", "people", "left out", "file"
        )
        self.query_one("#seed", Input).value = str(secrets.randbelow(1_000_000))
        self.query_one("#export-progress").display = False
        self._format_changed()
        self.query_one("#segments").focus()
        self.watch(self.app, "workspace", self._reload, init=True)

    def on_screen_resume(self) -> None:
        if self._data_version != self.app.data_version:
            self._reload()

    def _reload(self, _workspace: Workspace | None = None) -> None:
        workspace = self.app.workspace
        if workspace is not None:
            self._data_version = self.app.data_version
            self._load(workspace)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export-load")
    def _load(self, workspace: Workspace) -> None:
        segments = workspace.segments.all()
        log = workspace.exports.log(LOG_ROWS)
        show_if_latest(self.app, self._show_segments, segments)
        show_if_latest(self.app, self._show_log, log)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export-log")
    def _load_log(self, workspace: Workspace) -> None:
        log = workspace.exports.log(LOG_ROWS)
        show_if_latest(self.app, self._show_log, log)

    # The choices ---------------------------------------------------------------------------

    def _show_segments(self, segments: list[SegmentInfo]) -> None:
        from segdesk.segments.lookup import qualified_name

        names = []
        for s in segments:
            name = qualified_name(s.scheme, s.name)
            if s.status != "retired" or name in self.chosen:
                names.append(name)
                if s.scheme:
                    self.schemes[name] = s.scheme
        names += [n for n in self.chosen if n not in names]
        picker = self.query_one(CheckList)
        ticked = set(picker.selected) if self.segments is not None else set(self.chosen)
        highlighted = picker.highlighted
        picker.clear_options()
        picker.add_options([(escape(n), n, n in ticked) for n in names])
        if names:
            picker.highlighted = min(highlighted or 0, len(names) - 1)
        self.segments = names
        note = self.query_one("#no-segments", Static)
        note.update("No segments yet: make one in Segments (s), then come back.")
        note.display = not names
        self._choices_changed()

    @property
    def format(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else "generic"

    @on(RadioSet.Changed, "#format")
    def _format_changed(self) -> None:
        fmt = self.format
        for widget_id, applies in (
            ("fields", fmt in SPREADSHEET),
            ("anonymise", fmt in SPREADSHEET),
            ("europe", fmt == "generic"),
            ("delimiter", fmt == "generic"),
            ("bom", fmt == "generic"),
        ):
            self.query_one(f"#{widget_id}").disabled = not applies
        notes = {
            "xlsx": "Excel workbooks keep text as text: 00123 and +44 … stay as written.",
            "mailchimp": "Mailchimp's own columns, the segments as tags, UTF-8 without a BOM.",
            "hubspot": "HubSpot's own columns, UTF-8 without a BOM.",
            "generic": "",
        }
        note = self.query_one("#format-note", Static)
        note.update(notes[fmt])
        note.display = bool(notes[fmt])
        box = self.query_one("#path", Input)
        path = Path(box.value.strip())
        if box.value.strip() and box.value != self._auto_path and path.suffix in (".csv", ".xlsx"):
            box.value = str(path.with_suffix(SUFFIXES[fmt]))
        self._choices_changed()

    @on(Checkbox.Changed, "#europe")
    def _europe(self, event: Checkbox.Changed) -> None:
        if event.value:
            self.query_one("#delimiter", Input).value = EXCEL_EUROPE.delimiter
            self.query_one("#bom", Checkbox).value = EXCEL_EUROPE.bom
        elif self._is_europe():
            self.query_one("#delimiter", Input).value = ","
            self.query_one("#bom", Checkbox).value = False

    def _is_europe(self) -> bool:
        delimiter = self.query_one("#delimiter", Input).value
        return delimiter == EXCEL_EUROPE.delimiter and self.query_one("#bom", Checkbox).value

    @on(Input.Changed, "#delimiter")
    @on(Checkbox.Changed, "#bom")
    def _layout_changed(self) -> None:
        """The preset stays ticked while the delimiter and the BOM are its own."""
        self.query_one("#europe", Checkbox).value = self._is_europe()

    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed, "#several")
    @on(Input.Changed)
    def _choices_changed(self) -> None:
        """Name the file for the user until they type their own, and count again shortly."""
        box = self.query_one("#path", Input)
        if box.value in ("", self._auto_path):
            self._auto_path = self._default_path()
            box.value = self._auto_path
        if self._plan_timer is not None:
            self._plan_timer.stop()
        self._plan_timer = self.set_timer(PLAN_DELAY, self._plan_now)

    def _default_path(self) -> str:
        from segdesk.publish.lists import file_stem

        if self.query_one("#each", RadioButton).value:
            return "./"
        names = self.query_one(CheckList).selected
        suffix = SUFFIXES[self.format]
        if not names:
            return f"contacts{suffix}"
        more = f"-and-{len(names) - 1}-more" if len(names) > 1 else ""
        return f"{file_stem(names[0])}{more}{suffix}"

    def request(self) -> Request:
        """The export as chosen; a choice that cannot be used raises `UserError`."""
        from segdesk.publish.formats import check_delimiter
        from segdesk.publish.holdout import parse_share
        from segdesk.publish.lists import ListOptions
        from segdesk.publish.movers import Since

        joined = self.query_one("#joined", Input).value.strip()
        left = self.query_one("#left", Input).value.strip()

        names = tuple(self.query_one(CheckList).selected)
        if not names:
            raise UserError("Tick a segment to export.")
        text = self.query_one("#path", Input).value.strip()
        if not text:
            raise UserError("Type the file to write.")
        fmt = self.format
        fields = None
        fields_text = self.query_one("#fields", Input).value
        if fmt in SPREADSHEET and fields_text.strip():
            fields = tuple(f.strip() for f in fields_text.split(",") if f.strip())
        generic = fmt == "generic"
        share_text = self.query_one("#holdout", Input).value.strip()
        seed_text = self.query_one("#seed", Input).value.strip()
        if share_text and not seed_text.isdigit():
            raise UserError("The holdout's seed is a whole number.")
        options = ListOptions(
            format=fmt,
            fields=fields,
            delimiter=check_delimiter(self.query_one("#delimiter", Input).value)
            if generic
            else ",",
            bom=generic and self.query_one("#bom", Checkbox).value,
            include_unsubscribed=self.query_one("#unsubscribed", Checkbox).value,
            anonymise=fmt in SPREADSHEET and self.query_one("#anonymise", Checkbox).value,
            joined_since=Since.parse(joined) if joined else None,
            left_since=Since.parse(left) if left else None,
            holdout_share=parse_share(share_text) if share_text else None,
            seed=int(seed_text) if share_text else 0,
        )
        each = self.query_one("#each", RadioButton).value
        return Request(names, Path(text).expanduser().absolute(), options, each)

    # Who goes in, before writing --------------------------------------------------------------

    def _plan_now(self) -> None:
        workspace = self.app.workspace
        if workspace is None or self.segments is None:
            return
        self.planned = None
        try:
            request = self.request()
        except UserError as error:
            self.planned_for = None
            self._show_problem(str(error))
            return
        self.planned_for = request
        self.refresh_bindings()
        self._summary("Counting who goes in…")
        self._plan(workspace, request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export-plan")
    def _plan(self, workspace: Workspace, request: Request) -> None:
        planned = workspace.exports.plan(
            request.names, request.target, request.options, each=request.each
        )
        self.app.call_from_thread(self._show_plan, request, planned)

    def _show_plan(self, request: Request, planned: list[PlannedFile]) -> None:
        if request != self.planned_for or self.writing:
            return  # the choices changed meanwhile: a newer count is on its way
        self.planned = planned
        rows = sum(p.selection.rows for p in planned)
        left: dict[str, int] = {}
        for p in planned:
            for reason, n in p.selection.left_out.items():
                left[reason] = left.get(reason, 0) + n
        where = planned[0].path.name if len(planned) == 1 else count(len(planned), "file")
        said = f"[b]{count(rows, 'person', 'people')}[/b] go into {escape(where)}"
        said += f" · left out: {left_out_words(left)}" if any(left.values()) else " · none left out"
        held = sum(len(p.selection.holdout.control) for p in planned if p.selection.holdout)
        if request.options.holdout_share is not None:
            said += f" · {held:,} held back as the control group"
        self._summary(said)
        self.refresh_bindings()

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if not isinstance(error, UserError):
            if worker.group == "export-write":
                self._done("[$error]The export failed: nothing was written.[/]")
            return False
        if worker.group == "export-plan":
            self._show_problem(str(error))
        elif worker.group == "export-write":
            self._done(f"[$error]Not written: {escape(str(error))}[/]")
        else:
            return False
        return True

    def _show_problem(self, message: str) -> None:
        self._summary(f"[$warning]{escape(message)}[/]")
        self.refresh_bindings()

    def _summary(self, markup: str) -> None:
        self.query_one("#export-summary", Static).update(markup)

    # Writing ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write":
            return not self.writing and self.planned is not None
        if action == "cancel":
            return self.writing
        if action == "back":
            return not self.writing
        if action == "log":
            return not isinstance(self.focused, Input)
        if action == "playbook":
            return not self.writing and self._highlighted() is not None
        if action == "scheme_playbook":
            return not self.writing and self._highlighted() in self.schemes
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(SelectionList.SelectionHighlighted, "#segments")
    def _highlight_moved(self) -> None:
        self.refresh_bindings()

    def _highlighted(self) -> str | None:
        """The segment under the cursor in the list to tick from, while that list has focus."""
        picker = self.query_one(CheckList)
        index = picker.highlighted
        if self.focused is not picker or self.segments is None or index is None:
            return None
        return self.segments[index] if index < len(self.segments) else None

    def action_playbook(self) -> None:
        """The playbook of the segment under the cursor, to read and write to a file."""
        if (name := self._highlighted()) is not None:
            self.app.push_screen(make_screen(PLAYBOOK_PREVIEW, name))

    def action_scheme_playbook(self) -> None:
        """The playbook of the whole scheme the segment under the cursor belongs to."""
        if (scheme := self.schemes.get(self._highlighted() or "")) is not None:
            self.app.push_screen(make_screen(PLAYBOOK_PREVIEW, scheme))

    def action_write(self) -> None:
        request, planned = self.planned_for, self.planned
        if request is None or planned is None:
            return
        there = [p.path for p in planned if p.path.exists()]
        if not there:
            self._start(request)
            return
        from segdesk.tui.screens.confirm import ConfirmScreen

        which = str(there[0]) if len(there) == 1 else count(len(there), "file")
        question = f"{which} is there already. Replace it with this list?"
        self.app.push_screen(
            ConfirmScreen("Replace the file?", question, "Replace it"),
            lambda yes: self._start(request) if yes else None,
        )

    def _start(self, request: Request) -> None:
        workspace = self.app.workspace
        if workspace is None:
            return
        self.writing = True
        self._cancel.clear()
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._summary("Writing… escape cancels.")
        self.refresh_bindings()
        self._write(workspace, request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export-write")
    def _write(self, workspace: Workspace, request: Request) -> None:
        from segdesk.jobs import Cancelled

        try:
            report = workspace.exports.write_list(
                request.names,
                request.target,
                request.options,
                each=request.each,
                progress=progress_to(self.app, self._progress),
                cancelled=cancel_check(self._cancel),
            )
        except Cancelled:
            self.app.call_from_thread(self._done, "Cancelled: no file was written.")
        else:
            self.app.call_from_thread(self._written, report)

    def _progress(self, done: int, total: int, _label: str) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def action_cancel(self) -> None:
        self._cancel.set()
        self._summary("Cancelling…")

    def _written(self, report: ExportReport) -> None:
        self.report = report
        files = report.files
        where = str(files[0].path) if len(files) == 1 else count(len(files), "file")
        said = f"Wrote {count(report.rows, 'person', 'people')} to {where}"
        self._done(escape(said))
        self.notify(f"{said}.", markup=False)
        self.app.post_message(DataChanged())
        if self.app.workspace is not None:
            self._load_log(self.app.workspace)

    def _done(self, markup: str) -> None:
        self.writing = False
        self.query_one("#export-progress").display = False
        self._summary(markup)
        self.refresh_bindings()
        if self.planned is None:  # the choices changed while it was written: count again
            self._plan_now()

    def action_log(self) -> None:
        table = self.query_one("#log", DataTable)
        table.focus()
        self.query_one("#export-page", VerticalScroll).scroll_to_widget(
            self.query_one("#log-title"), top=True, animate=False
        )

    def action_back(self) -> None:
        if self.chosen:
            self.app.pop_screen()
        else:
            self.app.switch_mode("home")

    # The log ---------------------------------------------------------------------------------

    def _show_log(self, entries: list[ExportEntry]) -> None:
        table = self.query_one("#log", DataTable)
        table.clear()
        for e in entries:
            table.add_row(
                e.created_at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M"),
                "; ".join(e.segments),
                FORMAT_NAMES.get(e.format, e.format),
                f"{e.rows:,}",
                left_out_words(e.left_out) or "none",
                e.path,
                key=str(e.id),
            )
        table.display = bool(entries)
        empty = self.query_one("#log-empty", Static)
        empty.update("No exports yet." if not entries else "")
        empty.display = not entries
        shown = f" · the newest {LOG_ROWS}" if len(entries) == LOG_ROWS else ""
        self.query_one("#log-title", Static).update(f"Export log{shown}")
