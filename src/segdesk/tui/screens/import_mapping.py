"""Import, step 3: what each column becomes, changed by keyboard; Next waits for a usable mapping.

Enter on a column chooses its field; `s` skips it; `d`, `p` and `t` change how its values are
read (day or month first, the decimal point or comma, a new custom field's type), each only
where it applies. The decimal key is not `m`: that is the app's key to Models, and a key that
changed meaning from one column to the next would send a user to Models mid-import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static

from segdesk.tui.failures import user_errors_shown
from segdesk.tui.importing import (
    ImportDraft,
    field_label,
    flipped_date_order,
    flipped_decimal,
    next_custom_type,
    shorten,
)
from segdesk.tui.screens.field_chooser import FieldChooser
from segdesk.tui.screens.import_options import OptionsScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.tui.widgets.wizard_steps import WizardSteps

if TYPE_CHECKING:
    from segdesk.ingest.mapping import ColumnMapping

COLUMNS = (("Column", 16), ("Example", 11), ("Type", 15), ("Becomes", 22), ("", 5))


class MappingScreen(Screen[None]):
    TITLE = "Import · mapping"

    BINDINGS = [
        Binding("enter", "change", "Change", priority=True, id="mapping.change"),
        Binding("s", "skip", "Skip", id="mapping.skip"),
        Binding("d", "date_order", "Day or month first", show=False, id="mapping.date_order"),
        Binding("p", "decimal", "Decimal point or comma", show=False, id="mapping.decimal"),
        Binding("t", "custom_type", "Type of a new custom field", show=False, id="mapping.type"),
        Binding("ctrl+n", "next", "Next", id="mapping.next"),
        Binding("escape", "app.pop_screen", "Back", id="mapping.back"),
    ]

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft

    def compose(self) -> ComposeResult:
        yield TitleBar("Import")
        yield WizardSteps(3, self.draft.file_name)
        yield DataTable(id="mapping", cursor_type="row")
        yield Static(id="reason", classes="muted")
        yield Static(id="problems", classes="problem")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title, width in COLUMNS:
            table.add_column(title, width=width)
        self._show()
        table.focus()

    @property
    def position(self) -> int:
        return self.query_one(DataTable).cursor_row

    def _show(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        check = Text("check", style=self.app.theme_variables.get("warning", ""))
        for position, column in enumerate(self.draft.mapping.columns):
            table.add_row(
                Text(shorten(column.source, COLUMNS[0][1])),
                Text(shorten(self.draft.example(position), COLUMNS[1][1]), style="dim"),
                self.draft.type_label(position),
                Text(shorten(field_label(column), COLUMNS[3][1])),
                check if column.ambiguous else "",
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        problems = [f"✗ {escape(p)}" for p in self.draft.mapping.problems()]
        if problems:
            problems.append("Press Enter on a column to choose its field; ctrl+n waits until then.")
        self.query_one("#problems", Static).update("\n".join(problems))
        self.query_one("#problems").display = bool(problems)
        self._show_reason()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_reason()
        self.refresh_bindings()

    def _show_reason(self) -> None:
        columns = self.draft.mapping.columns
        if not columns or self.position >= len(columns):
            return
        column = columns[self.position]
        why = column.reason or "as read"
        if column.type.kind in ("date", "number") and column.action != "skip":
            why = f"{self.draft.type_label(self.position, detailed=True)} · {why}"
        note = " · [$warning]not certain: please check[/]" if column.ambiguous else ""
        keys = [
            f"[b]{key}[/b] {what}"
            for key, action, what in (
                ("d", "date_order", "day or month first"),
                ("p", "decimal", "decimal point or comma"),
                ("t", "custom_type", "another type"),
            )
            if self.check_action(action, ())
        ]
        self.query_one("#reason", Static).update(
            f"[b]{escape(shorten(column.source, 36))}[/b] → "
            f"[b]{escape(shorten(field_label(column), 36))}[/b]{note}\n"
            f"{escape(why)}" + ("\n" + " · ".join(keys) if keys else "")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        columns = self.draft.mapping.columns
        if not self.query(DataTable):  # not composed yet
            return True
        if not columns:
            return action in ("next", "app.pop_screen")
        column = columns[min(self.position, len(columns) - 1)]
        kind = column.type.kind
        if action == "skip":
            return column.action != "skip"
        if action == "date_order":
            return kind == "date" and self.draft.writes_dates_with_day_and_month(self.position)
        if action == "decimal":
            return kind == "number" and column.action != "skip"
        if action == "custom_type":
            return self.draft.is_new_custom(column)
        if action == "next":
            return None if self.draft.mapping.problems() else True
        return True

    def _apply(self, spec: str) -> None:
        with user_errors_shown(self.app):
            self.draft.change(spec)
            self._show()

    def _column(self) -> ColumnMapping:
        return self.draft.mapping.columns[self.position]

    def action_change(self) -> None:
        from segdesk.ingest.mapping import custom_field_name

        column = self._column()
        suggested = column.field if column.action == "custom" and column.field else ""
        self.app.push_screen(
            FieldChooser(
                column,
                self.draft.target,
                self.draft.custom_fields,
                [v for v in self.draft.shape.column_values(self.position) if v.strip()],
                suggested or custom_field_name(column.source, self.position),
            ),
            self._chosen,
        )

    def _chosen(self, target: str | None) -> None:
        if target is not None:
            self._apply(f"{self._column().source}={target}")

    def action_skip(self) -> None:
        self._apply(f"{self._column().source}=skip")

    def action_date_order(self) -> None:
        self._apply(flipped_date_order(self._column()))

    def action_decimal(self) -> None:
        self._apply(flipped_decimal(self._column()))

    def action_custom_type(self) -> None:
        self._apply(next_custom_type(self._column()))

    def action_next(self) -> None:
        if not self.draft.mapping.problems():
            self.app.push_screen(OptionsScreen(self.draft))
