"""Two versions of a segment compared: the rule's conditions taken out and put in, and the
member counts. Any two: `[` and `]` step the older one, `{` and `}` the newer, or pick either
from its list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Select, Static

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.theme_styles import theme_style
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from segdesk.segments.versions import VersionDiff, VersionEntry
    from segdesk.tui.app import SegdeskApp
    from segdesk.workspace import Workspace


class VersionDiffScreen(ReportsFailures, Screen[None]):
    TITLE = "Compare versions"

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    BINDINGS = [
        Binding(
            "left_square_bracket",
            "step('old', -1)",
            "Older from",
            key_display="[",
            id="diff.old_back",
        ),
        Binding(
            "right_square_bracket",
            "step('old', 1)",
            "Newer from",
            key_display="]",
            id="diff.old_on",
        ),
        Binding(
            "left_curly_bracket", "step('new', -1)", "Older to", key_display="{", id="diff.new_back"
        ),
        Binding(
            "right_curly_bracket", "step('new', 1)", "Newer to", key_display="}", id="diff.new_on"
        ),
        Binding("escape", "app.pop_screen", "Back", id="diff.back"),
    ]

    def __init__(self, segment: str, versions: list[VersionEntry], old: int, new: int) -> None:
        super().__init__()
        self.segment = segment
        self.numbers = [v.version for v in versions]
        self.dates = {v.version: f"{v.created_at.astimezone():%Y-%m-%d}" for v in versions}
        self.old = old
        self.new = new

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Versions of {self.segment}")
        with Horizontal(id="pick"):
            for which, word in (("old", "From"), ("new", "To")):
                options = [(f"{word} v{n} · {self.dates[n]}", n) for n in self.numbers]
                yield Select(options, value=getattr(self, which), allow_blank=False, id=which)
        with VerticalScroll(id="diff-view"):
            yield Static("Comparing…", id="diff")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#diff-view").focus()
        self._compare()

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            setattr(self, str(event.select.id), event.value)
            self._compare()

    def action_step(self, which: str, step: int) -> None:
        index = self.numbers.index(getattr(self, which)) + step
        if 0 <= index < len(self.numbers):
            self.query_one(f"#{which}", Select).value = self.numbers[index]

    def _compare(self) -> None:
        if self.app.workspace is not None:
            self._load(self.app.workspace, self.old, self.new)

    @work(thread=True, exclusive=True, group="version-diff", exit_on_error=False)
    def _load(self, workspace: Workspace, old: int, new: int) -> None:
        diff = workspace.segment_views.diff(self.segment, old, new)
        self.app.call_from_thread(self._show, diff)

    def _show(self, diff: VersionDiff) -> None:
        self.query_one("#diff", Static).update(self.diff_text(diff))

    def diff_text(self, diff: VersionDiff) -> Text:
        colours = {
            "removed": theme_style(self.app, "error"),
            "added": theme_style(self.app, "success"),
        }
        text = Text()
        for change, v in (("removed", diff.old), ("added", diff.new)):
            mark = "-" if change == "removed" else "+"
            text.append(f"{mark} version {v.version}", style=colours[change] + Style(bold=True))
            saved = v.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            text.append(f" · saved {saved} · {v.reason or 'no reason given'}\n")
        text.append("\nRule\n", style="bold")
        if diff.old.version == diff.new.version:
            text.append("(the same version on both sides)\n", style="dim")
        for line in diff.lines:
            style = colours.get(line.change, Style())
            text.append(f"{line.mark} {line.text}\n", style=style)
        text.append("\nPeople ", style="bold")
        text.append(diff.members_text())
        return text
