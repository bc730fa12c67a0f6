"""A playbook as it will be written: the Markdown of one segment (or of a scheme), scrolled
with the arrows, page keys, j and k; w writes it to a file, as Markdown or as a page to print.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from segdesk.tui.failures import ReportsFailures
from segdesk.tui.widgets.footer import Footer
from segdesk.tui.widgets.title_bar import TitleBar
from segdesk.wording import SCHEME_TITLES

if TYPE_CHECKING:
    from segdesk.publish.playbook import PlaybookWritten
    from segdesk.tui.app import SegdeskApp
    from segdesk.tui.screens.write_playbook import WriteRequest
    from segdesk.workspace import Workspace


class PlaybookPreviewScreen(ReportsFailures, Screen[None]):
    """The playbook of ``name``, a segment or a scheme, as the exported Markdown shows it."""

    if TYPE_CHECKING:
        app = getters.app(SegdeskApp)

    TITLE = "Playbook preview"
    BINDINGS = [
        Binding("w", "write", "Write to a file…", id="preview.write"),
        Binding("j", "scroll('down')", "Down", show=False, id="preview.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="preview.up"),
        Binding("escape", "app.pop_screen", "Back", id="preview.back"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.playbook_of = name
        self.markdown: str | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Playbook of {SCHEME_TITLES.get(self.playbook_of, self.playbook_of)}")
        with VerticalScroll(id="preview"):
            yield Static("Reading the playbook…", id="preview-state", classes="muted")
            yield Markdown(id="playbook-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#preview").focus()
        if self.app.workspace is not None:
            self._load(self.app.workspace)

    @work(exclusive=True, group="preview-read", exit_on_error=False)
    async def _load(self, workspace: Workspace) -> None:
        # Read and lay out in a thread; the Markdown widget is filled on the app's loop.
        text = await asyncio.to_thread(workspace.playbook_exports.render, self.playbook_of, "md")
        await self.query_one("#playbook-text", Markdown).update(text)
        self.query_one("#preview-state").display = False
        self.markdown = text
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write":
            return self.markdown is not None
        return True

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one("#preview", VerticalScroll)
        if direction == "down":
            scroll.scroll_down()
        else:
            scroll.scroll_up()

    def action_write(self) -> None:
        from segdesk.tui.screens.write_playbook import WritePlaybookScreen

        self.app.push_screen(WritePlaybookScreen(self.playbook_of), self._chosen)

    def _chosen(self, request: WriteRequest | None) -> None:
        if request is None or self.app.workspace is None:
            return
        if request.path.exists() and not request.replace:
            self._ask_replace(request)
            return
        self.notify(f"Writing {request.path.name}…", markup=False)
        self._write(self.app.workspace, request)

    def _ask_replace(self, request: WriteRequest) -> None:
        from dataclasses import replace

        from segdesk.tui.screens.confirm import ConfirmScreen

        question = f"{request.path} exists. Replace it with this playbook?"
        self.app.push_screen(
            ConfirmScreen("Replace the file?", question, "Replace it"),
            lambda yes: self._chosen(replace(request, replace=True)) if yes else None,
        )

    @work(thread=True, exclusive=True, group="preview-write", exit_on_error=False)
    def _write(self, workspace: Workspace, request: WriteRequest) -> None:
        written = workspace.playbook_exports.write(self.playbook_of, request.path, request.format)
        self.app.call_from_thread(self._written, written)

    def _written(self, written: PlaybookWritten) -> None:
        kind = "a page to print" if written.format == "html" else "Markdown"
        self.notify(f"Wrote the playbook as {kind} to {_shown(written.path)}", markup=False)


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
