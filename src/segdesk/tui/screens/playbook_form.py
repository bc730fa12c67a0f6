"""A segment's playbook in one form: every field of DESIGN §7, checked as it is typed.

Long texts are text areas, lists are text areas with one entry per line, the cadence and the
status are choices, and dates are typed as YYYY-MM-DD with the mistake shown under the box.
F2 saves (ctrl+s would be swallowed by terminals that use it for flow control); escape leaves,
asking first when something changed. F3 records a review done today, saving first. The screen
is pushed by the segment screens with ``PlaybookFormScreen(name)`` and dismisses with True
when something was saved.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from segdesk.errors import UserError
from segdesk.segments.playbook import KINDS, PLAYBOOK_STATUSES, parse_value
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.segments.playbook import Playbook
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

LABELS = {
    "goal": "Goal: what this segment is for, with a number and a deadline",
    "target": "Target",
    "deadline": "Deadline",
    "owner": "Owner",
    "stakeholders": "Stakeholders (one per line)",
    "data_sources": "Data sources (one per line)",
    "use_cases": "Use cases (one per line)",
    "channels": "Channels (one per line)",
    "message_tone": "Message and tone",
    "offer": "Offer",
    "next_actions": "Next actions (one per line)",
    "kpis": "KPIs with targets (one per line, e.g. Repeat purchase rate >= 25%)",
    "review_cadence": "Review every",
    "next_review": "Next review",
    "playbook_status": "Status",
}
PLACEHOLDERS = {
    "goal": "Win back 60 of the 300 customers at risk within 8 weeks",
    "target": "60 customers ordering again",
    "deadline": "YYYY-MM-DD",
    "owner": "Who drives it",
    "stakeholders": "Priya (online shop)",
    "data_sources": "Shopify orders",
    "use_cases": "Winback email sequence",
    "channels": "email",
    "message_tone": "Warm and honest; no discount shouting",
    "offer": "Free shipping on the next order",
    "next_actions": "Send the first email",
    "kpis": "Repeat purchase rate >= 25%\nAverage order: $40",
    "next_review": "YYYY-MM-DD",
}
CADENCES = (
    "weekly",
    "fortnightly",
    "monthly",
    "every 6 weeks",
    "every 2 months",
    "quarterly",
    "every 6 months",
    "yearly",
)
"""The cadences offered; another one typed on the command line is offered too."""
AREA_HEIGHTS = {"goal": 4, "message_tone": 3, "offer": 3, "kpis": 4}
ROWS = (("target", "deadline", "owner"), ("review_cadence", "next_review", "playbook_status"))
"""Short fields side by side, three to a row."""


class PlaybookFormScreen(ReportsFailures, Screen[bool]):
    """The playbook of one segment, to read and change."""

    TITLE = "Playbook"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding("f2", "save", "Save", id="playbook.save"),
        Binding("f3", "review_done", "Review done", id="playbook.review_done"),
        Binding("escape", "leave", "Cancel", id="playbook.cancel"),
    ]

    def __init__(self, segment_name: str) -> None:
        super().__init__()
        self.segment_name = segment_name
        self.loaded: dict[str, str] | None = None
        """What each field showed when the playbook was read, to tell what changed."""
        self._cadences: tuple[str, ...] = CADENCES

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Playbook · {self.segment_name}")
        with VerticalScroll(id="playbook-form"):
            yield Static("Loading…", id="playbook-state")
            placed = {field for row in ROWS for field in row}
            for field in KINDS:
                if field == ROWS[0][0]:
                    yield from self._rows()
                if field not in placed:
                    yield from self._field(field)
            yield Static("", id="reviews-done", classes="muted")
        yield Footer()

    def _rows(self) -> ComposeResult:
        for row in ROWS:
            with Horizontal(classes="playbook-row"):
                for field in row:
                    with Vertical(classes="playbook-cell"):
                        yield from self._field(field)

    def _field(self, field: str) -> ComposeResult:
        yield Static(LABELS[field], classes="field-label")
        yield self._editor(field)
        yield Static("", id=f"{field}-problem", classes="problem")

    def _editor(self, field: str) -> Input | TextArea | Select[str]:
        kind = KINDS[field]
        if field == "playbook_status":
            options = [(status, status) for status in PLAYBOOK_STATUSES]
            return Select(options, prompt="not set", id=field)
        if field == "review_cadence":
            return Select([(c, c) for c in CADENCES], prompt="not set", id=field)
        if kind in ("line", "date"):
            return Input(placeholder=PLACEHOLDERS.get(field, ""), id=field)
        area = TextArea(id=field, soft_wrap=True, placeholder=PLACEHOLDERS.get(field, ""))
        area.styles.height = AREA_HEIGHTS.get(field, 3) + 2
        return area

    # Loading -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", self._start, init=True)

    def _start(self, workspace: Workspace | None) -> None:
        if workspace is not None and self.loaded is None:
            self._read(workspace)

    @work(thread=True, exclusive=True, group="playbook-read", exit_on_error=False)
    def _read(self, workspace: Workspace) -> None:
        self.app.call_from_thread(self._fill, workspace.playbooks.get(self.segment_name))

    def _fill(self, playbook: Playbook) -> None:
        cadence = playbook.review_cadence
        if cadence and cadence not in self._cadences:
            self._cadences = (*CADENCES, cadence)
            self.query_one("#review_cadence", Select).set_options([(c, c) for c in self._cadences])
        for field in KINDS:
            self._show(field, field_text(getattr(playbook, field)))
        self.loaded = self.values_shown()
        self._describe(playbook)
        self.query_one("#goal", TextArea).focus()

    def _show(self, field: str, text: str) -> None:
        editor = self.query_one(f"#{field}")
        if isinstance(editor, Select):
            if text:
                editor.value = text
            else:
                editor.clear()
        elif isinstance(editor, TextArea):
            editor.load_text(text)
        elif isinstance(editor, Input):
            editor.value = text

    def _describe(self, playbook: Playbook) -> None:
        if playbook.documented:
            state = "Documented."
        else:
            needs = ", ".join(f.replace("_", " ") for f in playbook.missing)
            state = f"Not documented yet: needs {needs}."
        self.query_one("#playbook-state", Static).update(
            f"[b]{playbook.segment}[/b] · {state} Tab moves between fields."
        )
        lines = [
            f"{r.reviewed_on}  {r.reviewed_by or ''}  {r.note or ''}".rstrip()
            for r in playbook.reviews
        ]
        done = self.query_one("#reviews-done", Static)
        done.update("Reviews done\n" + "\n".join(lines) if lines else "")

    # Reading the form --------------------------------------------------------------------

    def values_shown(self) -> dict[str, str]:
        """Each field's text as the form shows it now."""
        values = {}
        for field in KINDS:
            editor = self.query_one(f"#{field}")
            if isinstance(editor, Select):
                values[field] = "" if editor.is_blank() else str(editor.value)
            elif isinstance(editor, TextArea):
                values[field] = editor.text
            elif isinstance(editor, Input):
                values[field] = editor.value
        return values

    @property
    def changed(self) -> bool:
        return self.loaded is not None and self.values_shown() != self.loaded

    def _problems(self) -> dict[str, str]:
        """The mistake in each field that has one, as the field shows it."""
        problems = {}
        for field, text in self.values_shown().items():
            try:
                parse_value(field, text)
            except UserError as error:
                problems[field] = str(error).removeprefix(f"{field}: ")
        return problems

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _check(self, event: Input.Changed | TextArea.Changed) -> None:
        """Dates and KPIs are checked as they are typed; the rest when saving."""
        editor = event.input if isinstance(event, Input.Changed) else event.text_area
        field = editor.id or ""
        if KINDS.get(field) in ("date", "kpis"):
            text = editor.value if isinstance(editor, Input) else editor.text
            try:
                parse_value(field, text)
            except UserError as error:
                self._problem(field, str(error).removeprefix(f"{field}: "))
            else:
                self._problem(field, "")

    def _problem(self, field: str, text: str) -> None:
        shown = self.query_one(f"#{field}-problem", Static)
        shown.update(text)
        shown.display = bool(text)

    # Saving and leaving ------------------------------------------------------------------

    def action_save(self, reviewed: bool = False) -> None:
        workspace = self.app.workspace
        if workspace is None or self.loaded is None:
            return
        problems = self._problems()
        for field in KINDS:
            self._problem(field, problems.get(field, ""))
        if problems:
            first = next(iter(problems))
            self.query_one(f"#{first}").focus()
            self.notify(f"{LABELS[first].split(' (')[0]}: {problems[first]}", severity="error")
            return
        shown = self.values_shown()
        changes = {f: text or None for f, text in shown.items() if text != self.loaded[f]}
        self._write(workspace, changes, reviewed)

    def action_review_done(self) -> None:
        self.action_save(reviewed=True)

    @work(thread=True, exclusive=True, group="playbook-save", exit_on_error=False)
    def _write(self, workspace: Workspace, changes: dict[str, Any], reviewed: bool) -> None:
        playbook = workspace.playbooks.set(self.segment_name, changes)
        if reviewed:
            workspace.playbooks.review_done(self.segment_name, date.today())
            playbook = workspace.playbooks.get(self.segment_name)
        self.app.call_from_thread(self._saved, playbook, reviewed)

    def _saved(self, playbook: Playbook, reviewed: bool) -> None:
        if reviewed:
            self.notify(f"Review recorded; the next one is on {playbook.next_review}.")
            self._show("next_review", field_text(playbook.next_review))
            self.loaded = self.values_shown()
            self._describe(playbook)
            return
        self.notify(f"Saved the playbook of {playbook.segment}.")
        self.dismiss(True)

    def action_leave(self) -> None:
        if not self.changed:
            self.dismiss(False)
            return
        from segdesk.tui.screens.confirm import ConfirmScreen

        question = f"The playbook of {self.segment_name} has changes that are not saved."
        confirm = ConfirmScreen("Leave the playbook", question, "Discard them", no="Keep editing")
        self.app.push_screen(confirm, self._leave_if)

    def _leave_if(self, leave: bool | None) -> None:
        if leave:
            self.dismiss(False)


def field_text(value: object) -> str:
    """A field's value as the form shows it: lists one entry per line."""
    from segdesk.segments.playbook import Kpi

    if isinstance(value, tuple):
        return "\n".join(v.text if isinstance(v, Kpi) else str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)
