"""A path box that completes file and folder names as the user types, like a shell."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input


def complete_path(value: str) -> str | None:
    """``value`` completed to the first file or folder whose name starts with what was typed.

    Folders end with ``/``; hidden entries are offered only once a ``.`` was typed; ``~``
    stands for the home folder and stays as typed.
    """
    if not value:
        return None
    folder_text, _, prefix = value.rpartition("/")
    folder_text = folder_text + "/" if value.startswith("/") or folder_text else ""
    folder = Path(os.path.expanduser(folder_text or "."))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return None
    for matches in (str.startswith, _startswith_casefold):
        for entry in entries:
            if entry.name.startswith(".") and not prefix.startswith("."):
                continue
            if not matches(entry.name, prefix):
                continue
            slash = "/" if _is_dir(entry) else ""
            if entry.name != prefix or slash:
                return folder_text + entry.name + slash
    return None


def _startswith_casefold(name: str, prefix: str) -> bool:
    return name.casefold().startswith(prefix.casefold())


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


class PathSuggester(Suggester):
    """Completes paths from the file system (read afresh each time: files come and go)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


class PathInput(Input):
    """`tab` or `→` takes the suggested completion; `tab` moves on when there is none."""

    BINDINGS = [
        Binding("tab", "complete", "Complete the name", show=False, id="path.complete"),
    ]

    def __init__(self, value: str = "", *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(value, placeholder=placeholder, suggester=PathSuggester(), id=id)

    def action_complete(self) -> None:
        if self._suggestion and self.cursor_at_end and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()
