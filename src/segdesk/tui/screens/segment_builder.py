"""The rule builder: a segment's rule made condition by condition, and as text, in step.

The outline (groups and conditions, in plain English) and the text form show one rule. A
change in the outline prints the rule into the text; text the user types is parsed at each
change, and when it reads, the outline follows; when it does not, the error is marked where
it is and the outline keeps the last rule that read. Each new rule is counted in a worker
after a short pause in typing; until the count of the current rule arrives, the figure shown
is the previous one, marked as such. Saving asks for the name of a new segment, or shows who
would join and leave an existing one and asks why it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static, TextArea
from textual.worker import Worker, WorkerState

from segdesk.errors import UserError
from segdesk.rules import RuleError, parse, to_english, to_text
from segdesk.tui import rule_outline as outline
from segdesk.tui.condition_choices import Subject, pieces_of, subjects
from segdesk.tui.failures import ReportsFailures, show_failure
from segdesk.tui.messages import DataChanged
from segdesk.tui.rule_outline import Condition, Group, Path
from segdesk.tui.screen_registry import SCREENS
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.live_count import LiveCount
from segdesk.tui.widgets.rule_outline import RuleOutline
from segdesk.tui.widgets.rule_text import RuleText
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.rules import FieldCatalog, Rule
    from segdesk.segments.lookup import SegmentInfo
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace

COUNT_PAUSE = 0.3
"""Seconds of quiet after a change before the rule is counted: typing does not start a
count per key."""
COUNT_GROUP = "builder-count"
LOAD_GROUP = "builder-load"
OUTLINE_ONLY = ("add_condition", "add_group", "edit", "toggle_kind", "negate", "remove", "move")
"""Actions of the outline's keys, which are letters: in the text they are typed instead."""


@dataclass(frozen=True)
class Ready:
    """What the builder needs before the first key: the catalog to read text against, the
    subjects of conditions, the number of contacts (for the share) and, when editing, the
    rule as stored."""

    catalog: FieldCatalog
    subjects: list[Subject]
    contacts: int
    rule_text: str


class SegmentBuilderScreen(ReportsFailures, Screen["str | None"]):
    """Build a new segment (``name`` None) or change the rule of segment ``name``; dismisses
    with the name of the segment saved, or None."""

    TITLE = "Segment builder"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("a", "add_condition", "Add", id="builder.add"),
        Binding("g", "add_group", "Group", id="builder.group"),
        Binding("e", "edit", "Edit", id="builder.edit"),
        Binding("d,delete", "remove", "Remove", id="builder.remove"),
        Binding("t", "toggle_kind", "All/any", show=False, id="builder.kind"),
        Binding("exclamation_mark", "negate", "Not", key_display="!", show=False, id="builder.not"),
        Binding("J", "move(1)", "Move down", show=False, id="builder.move_down"),
        Binding("K", "move(-1)", "Move up", show=False, id="builder.move_up"),
        Binding("u", "undo", "Undo", show=False, id="builder.undo"),
        Binding("tab", "switch", "Text/builder", id="builder.switch"),
        Binding("ctrl+o", "save", "Save", key_display="^o", id="builder.save"),
        Binding("escape", "leave", "Back", id="builder.back"),
        Binding("q", "leave", "Back", show=False, id="builder.quit"),
        # The screens' keys still work here, out of the footer: it has no room for them.
        *(
            Binding(e.key, f"app.switch_mode('{e.mode}')", e.title, show=False, id=e.binding_id)
            for e in SCREENS
        ),
    ]

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.segment_name = name
        self.root = Group()
        self.rule: Rule | None = None
        """The rule of the outline: the last one the text read as, or the builder made."""
        self.undo_stack: list[Group] = []
        self.catalog: FieldCatalog | None = None
        self.subjects: list[Subject] = []
        self.contacts: int | None = None
        self.saved_text = ""
        self.text_error: RuleError | None = None
        self._count_token = 0
        self._count_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        where = f"Edit “{self.segment_name}”" if self.segment_name else "New segment"
        yield TitleBar(where)
        with Container(id="builder-body"):
            with Vertical(id="outline-box"):
                yield RuleOutline(id="outline")
            with Vertical(id="text-box"):
                yield RuleText(id="rule-text")
                yield Static("", id="rule-error")
        yield LiveCount(id="live-count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#outline-box").border_title = "Conditions"
        self.query_one("#text-box").border_title = "Rule as text"
        self.query_one(RuleText).read_only = True  # until the catalog is there to read it
        self._show_outline(())
        self.query_one(RuleOutline).focus()
        self.watch(self.app, "workspace", self._load, init=True)

    # Loading -----------------------------------------------------------------------------

    def _load(self, workspace: Workspace | None) -> None:
        if workspace is not None and self.catalog is None:
            self.run_worker(
                partial(self._prepare, workspace),
                thread=True,
                exclusive=True,
                group=LOAD_GROUP,
                exit_on_error=False,
            )

    def _prepare(self, workspace: Workspace) -> Ready:
        rule_text = ""
        if self.segment_name is not None:
            info = workspace.segments.detail(self.segment_name).info
            if info.kind != "rule" or info.rule is None:
                what = "a static list" if info.kind == "static" else "a model segment"
                raise UserError(f'"{info.name}" is {what}; its members do not come from a rule')
            rule_text = info.rule
        return Ready(
            catalog=workspace.building.catalog(),
            subjects=subjects(workspace.fields(), workspace.rule_terms()),
            contacts=workspace.contacts.count_contacts(),
            rule_text=rule_text,
        )

    def _ready(self, ready: Ready) -> None:
        self.catalog = ready.catalog
        self.subjects = ready.subjects
        self.contacts = ready.contacts
        self.saved_text = ready.rule_text
        self.query_one(RuleText).read_only = False
        self.refresh_bindings()  # the outline's keys work from now on: the footer shows them
        if ready.rule_text:
            self.rule = parse(ready.rule_text, ready.catalog)
            self.root = outline.from_rule(self.rule)
            self._show_outline(())
            self._print_rule()
        self._rule_changed()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS:
            if worker.group == LOAD_GROUP and isinstance(worker.result, Ready):
                self._ready(worker.result)
            elif worker.group == COUNT_GROUP and worker.name == str(self._count_token):
                assert isinstance(worker.result, int)
                self.query_one(LiveCount).current(worker.result, self.contacts)
        super().on_worker_state_changed(event)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group == LOAD_GROUP:
            show_failure(self.app, error)
            self.dismiss(None)
            return True
        if worker.group == COUNT_GROUP and isinstance(error, UserError):
            if worker.name == str(self._count_token):
                self.query_one(LiveCount).failed(str(error))
            return True
        return False

    # The two faces -----------------------------------------------------------------------

    def _describe(self, rule: Rule) -> str:
        return to_english(rule, self.catalog)

    def _show_outline(self, cursor: Path) -> None:
        self.query_one(RuleOutline).show(self.root, self._describe, cursor)

    def _print_rule(self) -> None:
        """Put the outline's rule into the text form, as one edit (ctrl+z there takes it back)."""
        area = self.query_one(RuleText)
        text = "" if self.rule is None else to_text(self.rule)
        if area.text != text:
            area.replace(text, (0, 0), area.document.end)

    def _outline_changed(self, cursor: Path) -> None:
        self.rule = outline.to_rule(self.root)
        self._show_outline(cursor)
        self._print_rule()
        self._rule_changed()

    @on(TextArea.Changed, "#rule-text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        if self.catalog is None:
            return
        text = event.text_area.text
        try:
            rule = parse(text, self.catalog) if text.strip() else None
        except RuleError as error:
            self._show_error(error)
            self.query_one(LiveCount).invalid()
            return
        had_error = self.text_error is not None
        self._show_error(None)
        if rule == self.rule:
            if had_error:
                self._rule_changed()  # the text reads again as the outline's rule: count it
            return
        self.undo_stack.append(outline.copied(self.root))
        self.rule = rule
        self.root = outline.from_rule(rule)
        self._show_outline(self.query_one(RuleOutline).cursor)
        self._rule_changed()

    def _show_error(self, error: RuleError | None) -> None:
        self.text_error = error
        self.query_one(RuleText).mark_error(None if error is None else error.column)
        said = ""
        if error is not None:
            where = f"Column {error.column}: " if error.column else ""
            hint = f" ({error.hint})" if error.hint else ""
            said = f"{where}{error.problem}{hint}"
        self.query_one("#rule-error", Static).update(escape(said))

    # Counting ----------------------------------------------------------------------------

    def _rule_changed(self) -> None:
        """Mark the count stale and count the new rule once typing pauses."""
        self._count_token += 1
        if self._count_timer is not None:
            self._count_timer.stop()
        counter = self.query_one(LiveCount)
        if self.rule is None:
            counter.no_rule()
            return
        counter.updating()
        self._count_timer = self.set_timer(COUNT_PAUSE, partial(self._count, self._count_token))

    def _count(self, token: int) -> None:
        workspace = self.app.workspace
        if token != self._count_token or workspace is None or self.rule is None:
            return
        self.run_worker(
            partial(workspace.segments.count_rule, to_text(self.rule)),
            name=str(token),
            thread=True,
            exclusive=True,
            group=COUNT_GROUP,
            exit_on_error=False,
        )

    # Outline keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in OUTLINE_ONLY or action == "undo":
            return isinstance(self.focused, RuleOutline) and self.catalog is not None
        return True

    @property
    def _cursor(self) -> Path:
        return self.query_one(RuleOutline).cursor

    def _changing(self) -> None:
        self.undo_stack.append(outline.copied(self.root))

    def action_add_condition(self) -> None:
        self._edit_condition(None, partial(self._insert, self._cursor))

    def action_add_group(self) -> None:
        at = self._cursor
        self._changing()
        group = outline.new_group(self.root, at)
        where = outline.insert(self.root, at, group)
        self._outline_changed(where)
        self._edit_condition(None, partial(self._insert, where))

    def _insert(self, at: Path, rule: Rule) -> None:
        self._changing()
        self._outline_changed(outline.insert(self.root, at, Condition(rule)))

    @on(OptionList.OptionSelected, "#outline")
    def _line_chosen(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        at = self._cursor
        node = outline.node_at(self.root, at)
        if isinstance(node, Group):
            self.action_toggle_kind()
            return
        self._edit_condition(node.rule, partial(self._replace, at))

    def _replace(self, at: Path, rule: Rule) -> None:
        node = outline.node_at(self.root, at)
        assert isinstance(node, Condition)
        self._changing()
        node.rule = rule
        self._outline_changed(at)

    def _edit_condition(self, current: Rule | None, then: partial[None]) -> None:
        from segdesk.tui.screens.condition_editor import ConditionEditor

        assert self.catalog is not None
        pieces = None if current is None else pieces_of(current)
        editor = ConditionEditor(self.subjects, self.catalog, self.app.workspace, pieces)
        self.app.push_screen(editor, lambda rule: then(rule) if rule is not None else None)

    def action_toggle_kind(self) -> None:
        """Switch the group under the cursor, or the one the condition under it is in,
        between all (and) and any (or); the cursor stays where it is."""
        at = self._cursor
        node = outline.node_at(self.root, at)
        group = node if isinstance(node, Group) else outline.node_at(self.root, at[:-1])
        assert isinstance(group, Group)
        self._changing()
        group.kind = "or" if group.kind == "and" else "and"
        self._outline_changed(at)

    def action_negate(self) -> None:
        at = self._cursor
        if not at:
            self.notify("Negate the conditions or groups inside; the top stays as it is.")
            return
        self._changing()
        node = outline.node_at(self.root, at)
        node.negated = not node.negated
        self._outline_changed(at)

    def action_remove(self) -> None:
        at = self._cursor
        if not at:
            self.notify("The top group stays: remove the conditions inside it.")
            return
        self._changing()
        self._outline_changed(outline.remove(self.root, at))

    def action_move(self, step: int) -> None:
        self._changing()
        self._outline_changed(outline.move(self.root, self._cursor, step))

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        self.root = self.undo_stack.pop()
        self._outline_changed(self._cursor)

    def action_switch(self) -> None:
        outline_view = self.query_one(RuleOutline)
        if self.focused is outline_view:
            self.query_one(RuleText).focus()
        else:
            outline_view.focus()

    # Saving and leaving -----------------------------------------------------------------

    def action_save(self) -> None:
        if self.catalog is None:
            return
        if self.text_error is not None:
            self.notify("Fix the rule's text first: " + str(self.text_error), severity="error")
            self.query_one(RuleText).focus()
            return
        if self.rule is None:
            self.notify("Add a condition first: a segment needs a rule.", severity="warning")
            return
        text = to_text(self.rule)
        if self.segment_name is None:
            from segdesk.tui.screens.new_segment import NewSegmentScreen

            self.app.push_screen(NewSegmentScreen(text), self._saved)
        elif text == self.saved_text:
            self.notify("The rule is as it was saved: nothing to save.")
        else:
            from segdesk.tui.screens.save_changes import SaveChangesScreen

            self.app.push_screen(SaveChangesScreen(self.segment_name, text), self._saved)

    def _saved(self, info: SegmentInfo | None) -> None:
        if info is None:
            return
        people = "" if info.count is None else f": {info.count:,} people"
        self.notify(f"Saved “{info.name}”, version {info.version}{people}.")
        self.app.post_message(DataChanged())
        self.dismiss(info.name)

    def _unsaved(self) -> bool:
        text = "" if self.rule is None else to_text(self.rule)
        typed = self.query_one(RuleText).text.strip()
        return text != self.saved_text or (typed != "" and typed != self.saved_text)

    def action_leave(self) -> None:
        if not self._unsaved():
            self.dismiss(None)
            return
        from segdesk.tui.screens.confirm import ConfirmScreen

        question = "The rule has changes that are not saved.\nLeave the builder without them?"
        ask = ConfirmScreen("Leave the builder", question, "Leave", no="Stay")
        self.app.push_screen(ask, self._left)

    def _left(self, leave: bool | None) -> None:
        if leave:
            self.dismiss(None)
