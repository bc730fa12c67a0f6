"""An empty database's home offers the two ways to begin, by keys in the footer: import a file,
or open the demo; the offer goes once there are contacts."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from textual.widgets import Static

from segdesk.paths import data_dir
from segdesk.tui.app import make_app
from segdesk.tui.keymap import keymap_path
from segdesk.tui.screens.help import HelpScreen
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.screens.import_file import ImportScreen
from segdesk.tui.widgets.step_card import StepCard
from segdesk.workspace import Workspace
from tests.tui.helpers import plain, settle, wait_until


@pytest.fixture
def no_contacts(tmp_path: Path) -> Path:
    """A new database without contacts, as the app makes after asking."""
    path = tmp_path / "shop.db"
    Workspace.open(path, mode="create").close()
    return path


def _footer_keys(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The keys the footer shows now: description to key."""
    return {
        b.binding.description: b.binding.key
        for b in app.screen.active_bindings.values()
        if b.binding.show and b.enabled
    }


async def test_the_offer_opens_the_import_or_the_demo(no_contacts: Path) -> None:
    app = make_app(db=str(no_contacts))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_until(pilot, lambda: home.offers_start, "home has counted no contacts")
        offer = plain(home.query_one("#next", Static))
        assert "This database is empty" in offer
        assert "i  to import contacts or orders from a file" in offer
        assert "d  to open the demo" in offer
        assert _footer_keys(app)["Open the demo"] == "d"

        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen), "i opens the import")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "back home")

        await pilot.press("d")
        await wait_until(pilot, lambda: app.db == str(data_dir() / "demo.db"), "the demo opens")
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        cards = {card.id: str(card.render()) for card in home.query(StepCard)}
        assert "3,011 people" in cards["step-import"]
        assert "22,136 orders" in cards["step-import"]
        assert "33 segments" in cards["step-build"]
        assert "demo.db" in str(home.query_one("#title-bar", Static).render())
        assert "Open the demo" not in _footer_keys(app)
        assert "This database is empty" not in plain(home.query_one("#next", Static))
    with closing(sqlite3.connect(no_contacts)) as conn:  # the user's database, left as it was
        assert conn.execute("SELECT count(*) FROM contact").fetchone() == (0,)


async def test_the_offer_and_the_tour_name_the_keys_of_the_keymap(no_contacts: Path) -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text(
        'app.import = "I"\nhome.demo = "f5"\nsegments.new = ["N", "f6"]\n', encoding="utf-8"
    )
    app = make_app(db=str(no_contacts))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_until(pilot, lambda: home.offers_start, "home has counted no contacts")
        offer = plain(home.query_one("#next", Static))
        assert "I  to import contacts" in offer
        assert "f5  to open the demo" in offer
        assert _footer_keys(app)["Open the demo"] == "f5"

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        tour = plain(app.screen.query_one("#tour", Static))
        assert "Import    I: choose a file" in tour
        assert "s, then N or f6 for a new segment" in tour
        assert "Export    x: lists" in tour


def test_the_empty_home(snap_compare, no_contacts: Path) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        home = pilot.app.screen
        await wait_until(pilot, lambda: home.offers_start, "home has counted no contacts")

    assert snap_compare(
        make_app(db=str(no_contacts)), terminal_size=(80, 24), run_before=run_before
    )
