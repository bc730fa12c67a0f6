"""The folder tree draws with characters every terminal font has: no emoji."""

from __future__ import annotations

from pathlib import Path

from segdesk.tui.app import make_app
from segdesk.tui.screens.file_browser import FileBrowser, VisibleTree
from tests.tui.helpers import settle, wait_until


async def test_the_folder_tree_has_no_emoji(tmp_path: Path, shop: Path) -> None:
    files = tmp_path / "files"
    (files / "exports").mkdir(parents=True)
    (files / "exports" / "march.csv").write_text("email\n", encoding="utf-8")
    (files / "people.csv").write_text("email\n", encoding="utf-8")
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i", *str(files), "ctrl+o")
        assert isinstance(app.screen, FileBrowser)
        tree = app.screen.query_one(VisibleTree)
        await wait_until(pilot, lambda: len(tree.root.children) == 2, "the files are listed")
        await pilot.press("down", "enter")  # opens "exports"
        await wait_until(pilot, lambda: tree.root.children[0].children, "its file is listed")
        await pilot.pause()
        lines = [tree.render_line(y).text.rstrip() for y in range(4)]
        assert lines == [
            "▾ files",
            "├── ▾ exports",
            "│   └── · march.csv",
            "└── · people.csv",
        ]
        assert all(ord(c) < 0x2600 for line in lines for c in line)
