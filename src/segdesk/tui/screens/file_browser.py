"""Choosing a file from a folder tree, for users who would rather not type a path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static

from segdesk.tui.importing import home_relative


class VisibleTree(DirectoryTree):
    """A folder tree without hidden files, drawn without emoji (which many SSH terminal fonts
    lack, leaving boxes or a misaligned tree)."""

    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "
    ICON_FILE = "· "

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")]


class FileBrowser(ModalScreen[Path | None]):
    """Enter on a file chooses it; `backspace` goes up a folder; escape closes."""

    TITLE = "Choose a file"

    BINDINGS = [
        Binding("backspace", "up", "Parent folder", id="browse.up"),
        Binding("escape", "dismiss(None)", "Close", id="browse.close"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="browser"):
            yield VisibleTree(self.start, id="tree")
            yield Static(
                "Enter opens a folder or chooses a file · backspace: parent folder · escape: close",
                classes="muted",
            )

    def on_mount(self) -> None:
        self._show_where()
        self.query_one(VisibleTree).focus()

    def _show_where(self) -> None:
        where = home_relative(self._tree_path().resolve())
        self.query_one("#browser").border_title = f"Choose a file · {where}"

    def _tree_path(self) -> Path:
        return Path(self.query_one(VisibleTree).path)

    @on(DirectoryTree.FileSelected)
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(event.path)

    def action_up(self) -> None:
        tree = self.query_one(VisibleTree)
        current = self._tree_path().resolve()
        if current.parent != current:
            tree.path = current.parent
            self._show_where()
