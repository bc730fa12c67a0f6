"""What one column of a file becomes: a field, a custom field, or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from segdesk.tui.importing import EVENT_KEY_LABELS, FIELD_LABELS, shorten, target_spec

if TYPE_CHECKING:
    from segdesk.ingest.mapping import ColumnMapping

NEW_CUSTOM = "new-custom"


class FieldChooser(ModalScreen[str | None]):
    """Dismisses with the FIELD of a ``SOURCE=FIELD`` change (``email``, ``custom:x``, ``skip``).

    Enter on a field chooses it; on "New custom field" it moves to the name box, where Enter
    chooses that name.
    """

    TITLE = "Choose a field"

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="field_chooser.close")]

    def __init__(
        self,
        column: ColumnMapping,
        target: str,
        custom_fields: dict[str, str],
        examples: list[str],
        suggested_name: str,
    ) -> None:
        super().__init__()
        self.column = column
        self.target = target
        self.custom_fields = custom_fields
        self.examples = examples
        self.suggested_name = suggested_name

    def _options(self) -> list[Option]:
        from segdesk.ingest.mapping import CONTACT_TARGETS, EVENT_TARGETS

        options: list[Option] = []
        if self.target == "contacts":
            for name in CONTACT_TARGETS:
                options.append(Option(f"{name:<16} {FIELD_LABELS.get(name, '')}", id=name))
                if name == "consent":
                    label = "Consent, where yes means unsubscribed"
                    options.append(Option(f"{name:<16} {label}", id=f"{name}:inverted"))
            for name, kind in sorted(self.custom_fields.items()):
                options.append(Option(f"{name:<16} custom field ({kind})", id=f"custom:{name}"))
        else:
            for name in EVENT_TARGETS:
                label = EVENT_KEY_LABELS.get(name) or FIELD_LABELS.get(name, "")
                options.append(Option(f"{name:<16} {label}", id=name))
        options.append(Option("New custom field… (name it below)", id=NEW_CUSTOM))
        options.append(Option("Skip this column", id="skip"))
        return options

    def compose(self) -> ComposeResult:
        with Vertical(id="chooser", classes="dialog"):
            shown = " · ".join(shorten(v, 20) for v in self.examples[:4]) or "(no values)"
            yield Static(f"e.g. {escape(shown)}", classes="muted")
            yield OptionList(*self._options(), id="choices")
            yield Input(
                self.suggested_name,
                placeholder="name of the new custom field",
                compact=True,
                id="custom-name",
            )

    def on_mount(self) -> None:
        dialog = self.query_one("#chooser")
        dialog.border_title = f"Column “{shorten(self.column.source, 40)}” is…"
        dialog.border_subtitle = "↑↓ then Enter chooses · esc keeps it as it is"
        choices = self.query_one(OptionList)
        current = target_spec(self.column)
        if self.column.action == "custom" and self.column.field not in self.custom_fields:
            current = NEW_CUSTOM
        try:
            choices.highlighted = choices.get_option_index(current)
        except OptionDoesNotExist:
            choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW_CUSTOM:
            name = self.query_one("#custom-name", Input)
            name.focus()
            name.cursor_position = len(name.value)
        else:
            self.dismiss(event.option.id)

    @on(Input.Submitted, "#custom-name")
    def _named(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(f"custom:{name}")
        else:
            self.notify("Type a name for the custom field.", severity="warning")
