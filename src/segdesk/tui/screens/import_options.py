"""Import, step 4: how contacts are found, and what happens to those already stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, RadioSet, Static

from segdesk.tui.importing import ImportDraft
from segdesk.tui.screens.import_run import ImportRunScreen
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.tui.widgets.toggles import RadioButton
from segdesk.tui.widgets.wizard_steps import WizardSteps

if TYPE_CHECKING:
    from segdesk.ingest.known_exports import FileConsent

KEYS = (
    ("auto", "Email when a column gives it, else external id"),
    ("email", "Email"),
    ("external_id", "External id"),
)
EXISTING = (
    ("update", "Update them with the file's values"),
    ("fill", "Only fill in their empty fields"),
    ("skip", "Leave them as they are"),
)
CONSENT = (
    ("file", "As each row says"),
    ("subscribed", "Mark everyone subscribed (a list of subscribers)"),
    ("unsubscribed", "Mark everyone unsubscribed (an unsubscribe export)"),
)
FILE_CONSENT: dict[str, FileConsent | None] = {
    "file": None,
    "subscribed": "subscribed",
    "unsubscribed": "unsubscribed",
}
MISSING = (
    ("create", "Create them"),
    ("reject", "Reject the row"),
)


def _choices(set_id: str, choices: tuple[tuple[str, str], ...], current: str) -> RadioSet:
    return RadioSet(
        *(RadioButton(label, value=value == current, id=value) for value, label in choices),
        id=set_id,
    )


class OptionsScreen(Screen[None]):
    TITLE = "Import · options"

    BINDINGS = [
        Binding("ctrl+n", "next", "Dry run", id="options.next"),
        Binding("escape", "app.pop_screen", "Back", id="options.back"),
    ]

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft

    def compose(self) -> ComposeResult:
        draft = self.draft
        yield TitleBar("Import")
        yield WizardSteps(4, draft.file_name)
        with VerticalScroll(id="options", classes="step"):
            yield Static("Find contacts by", classes="field-label")
            yield _choices("key", KEYS, draft.key or "auto")
            if draft.target == "contacts":
                yield Static("Contacts already stored", classes="field-label")
                yield _choices("on-existing", EXISTING, draft.on_existing)
                yield Static("Consent of everyone in the file", classes="field-label")
                yield _choices("consent", CONSENT, draft.consent or "file")
                if draft.suggested_consent() == "subscribed":
                    yield Static(
                        "This looks like a Mailchimp export of subscribed members: mark "
                        "everyone subscribed if they all agreed to your emails.",
                        id="consent-hint",
                        classes="muted hint",
                    )
            else:
                yield Static("Contacts not in the database yet", classes="field-label")
                yield _choices("missing", MISSING, "create" if draft.create_missing else "reject")
                yield Static("Kind of event", classes="field-label")
                yield Input(draft.kind, placeholder="order", id="kind")
        yield Static(
            "ctrl+n runs a dry run: it shows what the import would do and changes nothing.",
            classes="muted hint",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#key", RadioSet).focus()

    @on(RadioSet.Changed)
    def _changed(self, event: RadioSet.Changed) -> None:
        value = event.pressed.id
        if event.radio_set.id == "key":
            self.draft.key = None if value == "auto" else value
        elif event.radio_set.id == "on-existing":
            self.draft.on_existing = value or "update"
        elif event.radio_set.id == "missing":
            self.draft.create_missing = value == "create"
        elif event.radio_set.id == "consent":
            self.draft.consent = FILE_CONSENT.get(value or "file")

    @on(Input.Changed, "#kind")
    def _kind(self, event: Input.Changed) -> None:
        self.draft.kind = event.value

    @on(Input.Submitted, "#kind")
    def _kind_done(self) -> None:
        self.action_next()

    def action_next(self) -> None:
        self.app.push_screen(ImportRunScreen(self.draft, dry_run=True))
