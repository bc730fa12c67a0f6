"""The people of a pair of segments, opened from a cell of the overlap matrix: those in both,
in the first only, in the second only (1, 2, 3 or ←/→ switch), paged; s saves the people shown
as a static segment, asking for its name; Enter on a person opens their contact page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.messages import DataChanged
from segdesk.tui.widgets.contact_list import CONTACT_COLUMNS
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.paged_table import PagedTable
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.analysis.overlap_people import PairNames, Part
    from segdesk.contact_values import ContactRow
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Overlap, Workspace

PARTS: tuple[Part, ...] = ("both", "only_a", "only_b")


@dataclass(frozen=True)
class PartPages:
    """One part of a pair as the paged table's `PageSource` (searching is not offered)."""

    overlap: Overlap
    pair: PairNames
    part: Part

    def count(self, search: str | None) -> int:
        return self.overlap.count_people(self.pair, self.part)

    def page(self, offset: int, limit: int, search: str | None, total: int) -> list[ContactRow]:
        return self.overlap.people_page(self.pair, self.part, offset, limit, total)


class OverlapPeopleScreen(ReportsFailures, Screen[None]):
    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    TITLE = "People of two segments"
    BINDINGS = [
        Binding("1", "part('both')", "Both", id="overlap_people.both"),
        Binding("2", "part('only_a')", "First only", id="overlap_people.only_a"),
        Binding("3", "part('only_b')", "Second only", id="overlap_people.only_b"),
        Binding("left", "step(-1)", "Previous", show=False, id="overlap_people.previous"),
        Binding("right", "step(1)", "Next", show=False, id="overlap_people.next"),
        Binding("s", "save", "Save list", id="overlap_people.save"),
        Binding("escape", "app.pop_screen", "Back", id="overlap_people.back"),
    ]

    def __init__(self, a: str, b: str) -> None:
        super().__init__()
        self.names = (a, b)
        self.pair: PairNames | None = None
        self.part: Part = "both"
        self.counts: dict[Part, int] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar("Overlap · people")
        yield Static(id="pair-title", classes="section-title")
        yield Static(id="parts")
        yield PagedTable(CONTACT_COLUMNS, id="people")
        yield Footer(compact=True)

    @property
    def table(self) -> PagedTable[ContactRow]:
        return self.query_one("#people", PagedTable)

    def on_mount(self) -> None:
        a, b = self.names
        self.query_one("#pair-title", Static).update(Text(f"{a} and {b}"))
        self.table.focus()
        if self.app.workspace is not None:
            self._load(self.app.workspace)

    @work(thread=True, exclusive=True, exit_on_error=False, group="overlap-people")
    def _load(self, workspace: Workspace) -> None:
        pair = workspace.overlap.pair(*self.names)
        counts = {part: workspace.overlap.count_people(pair, part) for part in PARTS}
        self.app.call_from_thread(self._loaded, workspace, pair, counts)

    def _loaded(self, workspace: Workspace, pair: PairNames, counts: dict[Part, int]) -> None:
        self.pair, self.counts = pair, counts
        self._show_part(workspace)

    def _show_part(self, workspace: Workspace) -> None:
        if self.pair is None:
            return
        self.query_one("#parts", Static).update(self._tabs(self.pair))
        self.table.load(PartPages(workspace.overlap, self.pair, self.part))

    def _tabs(self, pair: PairNames) -> Text:
        labels = {
            "both": "In both",
            "only_a": f"Only in {pair.a}",
            "only_b": f"Only in {pair.b}",
        }
        text = Text()
        for key, part in enumerate(PARTS, start=1):
            style = "reverse bold" if part == self.part else ""
            text.append(f" {key} {labels[part]}: {self.counts.get(part, 0):,} ", style=style)
            text.append(" ")
        return text

    def action_part(self, part: Part) -> None:
        if part != self.part and self.app.workspace is not None:
            self.part = part
            self._show_part(self.app.workspace)

    def action_step(self, by: int) -> None:
        self.action_part(PARTS[(PARTS.index(self.part) + by) % len(PARTS)])

    @on(PagedTable.Opened, "#people")
    def _opened(self, event: PagedTable.Opened[ContactRow]) -> None:
        from segdesk.tui.screens.contact import ContactScreen

        self.app.push_screen(ContactScreen(event.row.id))

    def action_save(self) -> None:
        if self.pair is None:
            return
        from segdesk.tui.screens.ask_text import AskTextScreen

        people = self.counts.get(self.part, 0)
        question = (
            f"Save the {people:,} people {self.pair.words(self.part)} as a static segment called:"
        )
        suggested = {
            "both": f"{self.pair.a} and {self.pair.b}",
            "only_a": f"{self.pair.a} not {self.pair.b}",
            "only_b": f"{self.pair.b} not {self.pair.a}",
        }[self.part]
        self.app.push_screen(
            AskTextScreen("Save as a list", question, suggested),
            lambda name: self._save_as(name) if name else None,
        )

    def _save_as(self, name: str) -> None:
        if self.pair is not None and self.app.workspace is not None:
            self._save(self.app.workspace, self.pair, self.part, name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="overlap-save")
    def _save(self, workspace: Workspace, pair: PairNames, part: Part, name: str) -> None:
        saved = workspace.overlap.save_people(pair, part, name)
        said = f"Saved “{saved.name}”: a static segment of {saved.count or 0:,} people."
        self.app.call_from_thread(self.notify, said, markup=False)
        self.app.call_from_thread(self.app.post_message, DataChanged())  # a new segment
