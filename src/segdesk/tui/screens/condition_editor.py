"""One condition of the builder, made field by field: what it is about, the test, the value.

Each step is a box to type in with a list under it that follows the typing: the subjects
grouped (contact, custom, behaviour, products, models, segments), the operators the subject's
type takes, and the values the field already holds. Enter takes the highlighted choice and
moves on; the last Enter makes the condition, read by the rule parser, so that it means what
the same words typed in the text form mean. Dates are checked as they are typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.table import Table
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from segdesk.rules import Rule, RuleError, parse
from segdesk.rules.tree import LIST_OPS
from segdesk.tui.condition_choices import (
    Pieces,
    Subject,
    condition_text,
    dates_check,
    matching,
    matching_ops,
    op_words,
    split_values,
    takes_value,
    value_hint,
)
from segdesk.tui.failures import ReportsFailures

if TYPE_CHECKING:
    from segdesk.rules import FieldCatalog
    from segdesk.workspace import Workspace

SUGGESTIONS = 8
"""Values offered at once: the list must leave the rest of the editor on an 80x24 screen."""
NAME_WIDTH = 34


class ConditionEditor(ReportsFailures, ModalScreen[Rule | None]):
    """Dismisses with the condition made, or None when the user goes back without one."""

    TITLE = "Condition"

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="condition.cancel"),
        Binding("down", "choice(1)", "Next choice", show=False, id="condition.down"),
        Binding("up", "choice(-1)", "Previous choice", show=False, id="condition.up"),
        Binding("tab", "take_or_next", "Next box", show=False, id="condition.tab"),
    ]

    def __init__(
        self,
        subjects: list[Subject],
        catalog: FieldCatalog,
        workspace: Workspace | None,
        pieces: Pieces | None = None,
    ) -> None:
        super().__init__()
        self.subjects = subjects
        self.catalog = catalog
        self.workspace = workspace
        self.pieces = pieces
        self.subject: Subject | None = None
        self.op: str | None = None
        self._found: list[Subject] = []
        self._ops: list[str] = []
        self._values: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="editor", classes="dialog"):
            with Horizontal(classes="editor-row"):
                yield Label("About", classes="editor-label")
                yield Input(placeholder="type to find a field", compact=True, id="subject")
            yield OptionList(id="subjects", classes="choices")
            with Horizontal(classes="editor-row", id="window-row"):
                yield Label("In the last", classes="editor-label")
                yield Input(compact=True, id="window")
                yield Label(" days (blank: all time)", classes="muted", id="window-unit")
            with Horizontal(classes="editor-row", id="op-row"):
                yield Label("Test", classes="editor-label")
                yield Input(placeholder="=, contains, within last…", compact=True, id="op")
            yield OptionList(id="ops", classes="choices")
            with Horizontal(classes="editor-row", id="value-row"):
                yield Label("Value", classes="editor-label")
                yield Input(compact=True, id="value")
            yield OptionList(id="values", classes="choices")
            yield Static("", id="check")
            yield Static("", id="condition-text", classes="muted")

    def on_mount(self) -> None:
        editor = self.query_one("#editor")
        editor.border_title = "Change the condition" if self.pieces else "New condition"
        editor.border_subtitle = "enter takes · ↑↓ choose · tab next · esc cancel"
        self.query_one("#window-row").display = False
        self.query_one("#value-row").display = False  # until a test that takes a value
        if self.pieces is None:
            self._list_subjects("")
            self.query_one("#subject", Input).focus()
            return
        self._start_from(self.pieces)

    def _start_from(self, pieces: Pieces) -> None:
        """Fill in the condition being changed and put the cursor on its value."""
        subject = next((s for s in self.subjects if s.name == pieces.subject), None)
        self.query_one("#subject", Input).value = pieces.subject
        if subject is None:
            self._list_subjects(pieces.subject)
            self.query_one("#subject", Input).focus()
            return
        self._use_subject(subject, focus=False)
        self.query_one("#window", Input).value = pieces.window
        if pieces.op:
            self._use_op(pieces.op, focus=False)
        value = self.query_one("#value", Input)
        value.value = pieces.value
        target = value if self.op and takes_value(self.op) else self.query_one("#op", Input)
        target.focus()

    # Steps ---------------------------------------------------------------------------------

    @on(Input.Changed, "#subject")
    def _subject_typed(self, event: Input.Changed) -> None:
        if self.subject is not None and event.value != self.subject.name:
            self.subject = None
        self._list_subjects(event.value)
        self._show_text()

    def _list_subjects(self, typed: str) -> None:
        found = matching(self.subjects, typed)
        options: list[Option] = []
        group = None
        for n, subject in enumerate(found):
            if subject.group != group:
                group = subject.group
                options.append(Option(f"{group}", disabled=True))
            width = _name_width(s.name for s in found)
            options.append(Option(_choice(subject.name, subject.description, width), id=f"s{n}"))
        if not found:
            options.append(Option("Nothing matches: try another word", disabled=True))
        self._found = found
        listed = self.query_one("#subjects", OptionList)
        listed.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        listed.highlighted = first

    @on(Input.Submitted, "#subject")
    def _subject_chosen(self) -> None:
        listed = self.query_one("#subjects", OptionList)
        option = listed.highlighted_option
        if option is None or option.id is None:
            self._say("Type part of a field's name, then Enter to take the one highlighted.")
            return
        self._use_subject(self._found[int(option.id[1:])])

    @on(OptionList.OptionSelected, "#subjects")
    def _subject_clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._use_subject(self._found[int(event.option.id[1:])])

    def _use_subject(self, subject: Subject, *, focus: bool = True) -> None:
        self.subject = subject
        with self.prevent(Input.Changed):
            self.query_one("#subject", Input).value = subject.name
        self.query_one("#window-row").display = subject.windowed
        if subject.compares == "whole":
            self._finish()
            return
        self.op = None
        self._list_ops("")
        if subject.compares == "model" and subject.values:
            self.query_one("#value", Input).placeholder = "e.g. " + ", ".join(subject.values[:2])
        self._show_text()
        if focus:
            self.query_one("#window" if subject.windowed else "#op", Input).focus()

    @on(Input.Submitted, "#window")
    def _window_given(self, event: Input.Submitted) -> None:
        days = event.value.strip()
        if days and not days.isdecimal():
            self._say("The window is a whole number of days, or blank for all time.")
            return
        self.query_one("#op", Input).focus()

    @on(Input.Changed, "#window")
    def _window_typed(self) -> None:
        self._show_text()

    @on(Input.Changed, "#op")
    def _op_typed(self, event: Input.Changed) -> None:
        if self.op is not None and event.value != self.op:
            self.op = None
        self._list_ops(event.value)
        self._show_text()

    def _list_ops(self, typed: str) -> None:
        listed = self.query_one("#ops", OptionList)
        subject = self.subject
        if subject is None:
            listed.clear_options()
            return
        self._ops = matching_ops(subject, typed)
        listed.set_options(
            Option(_choice(op, op_words(subject, op), 16), id=f"o{n}")
            for n, op in enumerate(self._ops)
        )
        listed.highlighted = 0 if self._ops else None

    @on(Input.Submitted, "#op")
    def _op_chosen(self) -> None:
        if self.subject is None:
            self._say("First choose what the condition is about.")
            self.query_one("#subject", Input).focus()
            return
        option = self.query_one("#ops", OptionList).highlighted_option
        if option is None or option.id is None:
            self._say("No test of that name: " + ", ".join(self.subject.ops))
            return
        self._use_op(self._ops[int(option.id[1:])])

    @on(OptionList.OptionSelected, "#ops")
    def _op_clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._use_op(self._ops[int(event.option.id[1:])])

    def _use_op(self, op: str, *, focus: bool = True) -> None:
        assert self.subject is not None
        self.op = op
        with self.prevent(Input.Changed):
            self.query_one("#op", Input).value = op
        self._list_ops(op)
        wanted = takes_value(op)
        self.query_one("#value-row").display = wanted
        value = self.query_one("#value", Input)
        if wanted and not value.placeholder.startswith("e.g."):
            value.placeholder = value_hint(self.subject, op)
        self._show_text()
        if not wanted:
            if focus:
                self._finish()
            return
        if focus:
            value.focus()
        self._suggest()

    @on(Input.Changed, "#value")
    def _value_typed(self) -> None:
        self._show_text()
        self._suggest()

    @on(Input.Submitted, "#value")
    def _value_given(self) -> None:
        listed = self.query_one("#values", OptionList)
        if listed.highlighted is not None and listed.display:
            self._take_suggestion()
            return
        self._finish()

    # Suggested values ---------------------------------------------------------------------

    def _current_item(self) -> str:
        raw = self.query_one("#value", Input).value
        return raw.rsplit(",", 1)[-1].strip() if self._many() else raw.strip()

    def _many(self) -> bool:
        return self.op in LIST_OPS

    def _suggest(self) -> None:
        subject = self.subject
        if subject is None or self.op is None or not takes_value(self.op):
            self._offer([])
            return
        typed = self._current_item()
        if subject.compares == "model":
            folded = typed.casefold()
            self._offer([v for v in subject.values if folded in v.casefold()][:SUGGESTIONS])
        elif subject.field is not None and subject.compares == "text":
            if self.workspace is not None:
                self._fetch_values(self.workspace, subject.field, typed)
        else:
            self._offer([])

    @work(thread=True, exclusive=True, group="condition-values", exit_on_error=False)
    def _fetch_values(self, workspace: Workspace, field: str, typed: str) -> list[str]:
        found = workspace.building.field_values(field, typed, limit=SUGGESTIONS)
        return [f.value for f in found]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "condition-values" and event.state == WorkerState.SUCCESS:
            self._offer(list(worker.result or []))  # a cancelled, older search never gets here
        super().on_worker_state_changed(event)

    def _offer(self, values: list[str]) -> None:
        listed = self.query_one("#values", OptionList)
        typed = self._current_item()
        shown = [v for v in values if v != typed]
        listed.set_options(Option(escape(v), id=f"v{n}") for n, v in enumerate(shown))
        self._values = shown
        listed.highlighted = None
        listed.display = bool(shown) and self.focused is self.query_one("#value", Input)

    def _take_suggestion(self) -> None:
        listed = self.query_one("#values", OptionList)
        if listed.highlighted is None:
            return
        chosen = self._values[listed.highlighted]
        if "," in chosen:
            chosen = f'"{chosen}"'
        value = self.query_one("#value", Input)
        if self._many():
            kept = split_values(value.value)
            if kept and not value.value.rstrip().endswith(","):
                kept.pop()  # the value being typed gives way to the one chosen
            quoted = [f'"{v}"' if "," in v else v for v in kept]
            value.value = ", ".join([*quoted, chosen])
        else:
            value.value = chosen
        value.cursor_position = len(value.value)

    # Moving ---------------------------------------------------------------------------------

    def _list_of_focus(self) -> OptionList | None:
        focused = self.focused
        lists = {"subject": "#subjects", "op": "#ops", "value": "#values"}
        if focused is None or focused.id not in lists:
            return None
        listed = self.query_one(lists[focused.id], OptionList)
        return listed if listed.display and listed.option_count else None

    def action_choice(self, step: int) -> None:
        listed = self._list_of_focus()
        if listed is None:
            self.focus_next() if step > 0 else self.focus_previous()
            return
        if listed.id == "values" and listed.highlighted is None:
            listed.highlighted = 0 if step > 0 else listed.option_count - 1
        elif step > 0:
            listed.action_cursor_down()
        else:
            listed.action_cursor_up()

    def action_take_or_next(self) -> None:
        listed = self._list_of_focus()
        if listed is not None and listed.id == "values" and listed.highlighted is not None:
            self._take_suggestion()
        else:
            self.focus_next()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Only the list of the box being typed in is shown: the editor fits 80x24."""
        focused = event.widget.id
        self.query_one("#subjects").display = focused == "subject"
        self.query_one("#ops").display = focused == "op" and self.subject is not None
        values = self.query_one("#values", OptionList)
        values.display = focused == "value" and values.option_count > 0

    # The condition --------------------------------------------------------------------------

    def _text(self) -> str | None:
        subject, op = self.subject, self.op
        if subject is None:
            return None
        if subject.compares != "whole" and op is None:
            return None
        value = self.query_one("#value", Input).value
        window = self.query_one("#window", Input).value
        return condition_text(subject, op or "", value, window)

    def _show_text(self) -> None:
        text = self._text()
        self.query_one("#condition-text", Static).update(escape(text) if text else "")
        subject, op = self.subject, self.op
        checked = None
        if subject is not None and op is not None:
            checked = dates_check(subject, op, self.query_one("#value", Input).value)
        if checked is not None:
            ok, said = checked
            self._say(said, problem=not ok)
        elif subject is not None and op is not None and takes_value(op):
            self._say(f"Type {value_hint(subject, op)}; enter makes the condition.", problem=False)
        else:
            self._say("")

    def _say(self, text: str, *, problem: bool = True) -> None:
        check = self.query_one("#check", Static)
        check.set_class(problem and bool(text), "problem")
        check.update(escape(text))

    def _finish(self) -> None:
        text = self._text()
        if text is None:
            self._say("Choose what the condition is about and the test first.")
            return
        try:
            rule = parse(text, self.catalog)
        except RuleError as error:
            self._say(str(error.problem) + (f"; {error.hint}" if error.hint else ""))
            return
        self.dismiss(rule)


def _name_width(names: Iterable[str]) -> int:
    """Room for the longest name listed, within reason: the words after it matter too."""
    return min(NAME_WIDTH, max((len(n) for n in names), default=0) + 2)


def _choice(name: str, words: str, width: int) -> Table:
    """A line of a list: the name as typed, then what it is, cut to the line rather than
    wrapped (a list of one line per choice shows the most choices)."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=width, no_wrap=True, overflow="ellipsis")
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis", style="dim")
    grid.add_row(f"  {name}", words.split(";")[0])
    return grid
