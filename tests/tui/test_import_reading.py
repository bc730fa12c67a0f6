"""Reading choices in the import wizard: a file without a header row, values separated by
spaces or tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Select

from segdesk.tui.app import make_app
from segdesk.tui.screens.import_file import ImportScreen
from segdesk.tui.screens.import_mapping import MappingScreen
from segdesk.tui.screens.import_options import OptionsScreen
from segdesk.tui.screens.import_preview import PreviewScreen
from segdesk.tui.screens.import_run import ImportRunScreen
from segdesk.tui.screens.read_options import DELIMITERS, ReadOptionsScreen
from tests.tui.helpers import settle, wait_until
from tests.tui.test_import import _choose, _contacts, _text

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


async def test_a_file_without_a_header_is_offered_and_imported(tmp_path: Path, shop: Path) -> None:
    (tmp_path / "people.csv").write_text(
        "ben@example.com,Ben\ncy@example.com,Cy\n", encoding="utf-8"
    )
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i", *"people.csv", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportScreen)
        problem = _text(app, "#problem")
        assert "the first row looks like data" in problem
        assert "ctrl+r: read it without a header row" in problem
        assert app.screen.active_bindings["ctrl+r"].binding.description == "No header row"

        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert isinstance(app.screen, PreviewScreen)
        assert app.screen.draft.shape.header == ("column 1", "column 2")
        table = app.screen.query_one(DataTable)
        assert [str(v) for v in table.get_row_at(0)] == ["1", "ben@example.com", "Ben"]

        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, MappingScreen)
        for row, field in ((0, "email"), (1, "first_name")):
            app.screen.query_one(DataTable).move_cursor(row=row)
            await pilot.press("enter")
            await _choose(app, pilot, field)
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, OptionsScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportRunScreen) and app.screen.dry_run
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportRunScreen) and app.screen.state == "done"
    stored = _contacts(shop)
    assert stored["ben@example.com"]["first_name"] == "Ben"
    assert stored["cy@example.com"]["first_name"] == "Cy"


async def test_values_separated_by_spaces_can_be_chosen(tmp_path: Path, shop: Path) -> None:
    # Sniffed as one column of comma-separated values; chosen as whitespace: two columns.
    (tmp_path / "people.txt").write_text(
        "email name\nben@example.com Berg,Ben\ncy@example.com\tCole,Cy\n", encoding="utf-8"
    )
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i", *"people.txt", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PreviewScreen)
        assert app.screen.draft.shape.header == ("email name",)
        await pilot.press("o")
        assert isinstance(app.screen, ReadOptionsScreen)
        delimiter = app.screen.query_one("#delimiter", Select)
        delimiter.focus()
        steps = [value for _label, value in DELIMITERS].index(
            "whitespace"
        ) + 1  # after "as detected"
        await pilot.press("enter", *["down"] * steps, "enter")
        assert delimiter.value == "whitespace"
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, PreviewScreen)
        await wait_until(pilot, lambda: app.screen.draft.read is not None, "it is read again")
        assert app.screen.draft.shape.header == ("email", "name")
        assert "values separated by spaces or tabs" in _text(app, "#decisions")
