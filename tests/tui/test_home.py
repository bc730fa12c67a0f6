"""Home screen at 80x24: figures, alerts, keys, help and the command palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Static

from segdesk.summary import Summary
from segdesk.tui.app import make_app
from segdesk.tui.screens.contacts import ContactsScreen
from segdesk.tui.screens.help import HelpScreen
from segdesk.tui.screens.home import HomeScreen
from segdesk.tui.widgets.step_card import StepCard, card_line, compact
from tests.factories import new_shop
from tests.tui.helpers import palette_highlights, settle, wait_until


@pytest.fixture
def shop_with_alerts(tmp_path: Path) -> Path:
    """Forty-one contacts, of whom three are unsubscribed and one has no email address."""
    return new_shop(
        tmp_path,
        [
            {
                "email": f"p{i}@example.com",
                "first_name": f"Person{i}",
                "last_name": "Test",
                "consent": "unsubscribed" if i < 3 else "subscribed",
            }
            for i in range(40)
        ]
        + [{"email": None, "first_name": "No", "last_name": "Mail"}],
    )


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_home_shows_live_figures(shop_with_alerts: Path) -> None:
    app = make_app(db=str(shop_with_alerts))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        cards = {card.id: _text(card) for card in app.screen.query(StepCard)}
        assert "41 people" in cards["step-import"]
        assert "0 orders" in cards["step-import"]
        assert "0 segments" in cards["step-build"]
        alerts = _text(app.screen.query_one("#alerts", Static))
        assert "1 contact without email" in alerts
        assert "3 unsubscribed" in alerts
        assert "shop.db" in _text(app.screen.query_one("#title-bar", Static))


async def test_keys_move_between_screens(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("h")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c", "escape")
        assert isinstance(app.screen, HomeScreen)


async def test_help_lists_this_screens_keys(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["c"] == "Contacts"
        assert keys["?"] == "Help"
        assert "ctrl+p" in keys
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_palette_reaches_every_screen(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"go to contacts")
        await wait_until(pilot, lambda: palette_highlights(app, "Go to Contacts"), "it is offered")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactsScreen)


async def test_quit_from_home(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
    assert app.return_code == 0


async def test_keys_typed_right_after_q_open_no_screen(shop: Path) -> None:
    """A terminal hands over "quest" at once: s and t reach the app after q, before it closes,
    and opened a screen that could not be built any more (a traceback on the way out)."""
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        home = app.current_mode
        for key in "quest":
            app.post_message(events.Key(key, key))
        await pilot.pause()
    assert app.return_code == 0 and app._exception is None
    assert app.current_mode == home


async def test_unreadable_database_exits_with_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database\n" * 100)
    app = make_app(db=str(bogus))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
    assert app.return_code == 2


async def test_segments_with_their_sizes(sample_copy: Path) -> None:
    """The sample's segments are listed with people and share; j and k move through them."""
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#segments", DataTable)
        rows = {
            str(table.get_row_at(i)[0]): table.get_row_at(i)[1:] for i in range(table.row_count)
        }
        assert len(rows) == 33
        people, share, kind = rows["VIP customers"]
        assert (str(people), str(share), kind) == ("260", "8.6%", "rule")
        assert rows["Office coffee prospects"][2] == "rule, draft"
        assert rows["Holiday gift buyers"][2] == "static"  # the CLI's word
        assert rows["Champions"][2] == "RFM"
        assert rows["Never purchased"][2] == "lifecycle"
        cards = {card.id: _text(card) for card in app.screen.query(StepCard)}
        # The card counts the rows of the list beside it.
        assert "33 segments" in cards["step-build"] and "2 models" in cards["step-build"]
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("down")
        assert table.cursor_row == 2


async def test_no_segment_table_without_segments(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not app.screen.query("#segments")


BIG = Summary(
    contacts=1_234_567,
    orders=125_400,
    other_events=0,
    imports=12_345,
    segments=99_999,
    schemes=2,
    documented=123,
    reviews_due=12,
    snapshots=4_321,
    exports=99_499_999,
    alerts=(),
    overlaps=12,
    drifting=3,
)


async def test_large_figures_fit_their_cards(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        app.screen._show(BIG)
        await pilot.pause()
        cards = {card.id: card for card in app.screen.query(StepCard)}
        lines = {key: _text(card).split("\n") for key, card in cards.items()}
        assert lines["step-import"] == ["1.2M people", "125k orders", "12k imports"]
        assert lines["step-build"] == ["100k segments", "2 models"]
        assert lines["step-document"] == ["123 playbooks", "12 to review"]
        assert lines["step-review"] == ["12 overlaps", "3 drifting"]
        assert lines["step-export"] == ["99M exports"]
        for key, card in cards.items():
            width = card.content_size.width
            assert width == 13, "a fifth of 80 columns, less the border and the padding"
            assert all(len(line) <= width for line in lines[key]), key


@pytest.mark.parametrize(
    ("value", "shown", "whole"),
    [
        (999, "999", "999"),
        (1_000, "1.0k", "1k"),
        (9_949, "9.9k", "10k"),
        (12_345, "12k", "12k"),
        (99_999, "100k", "100k"),
        (999_499, "999k", "999k"),
        (999_500, "1.0M", "1M"),
        (1_234_567, "1.2M", "1M"),
        (12_500_000, "12M", "12M"),
        (999_999_999, "1.0B", "1B"),
    ],
)
def test_compact_figures(value: int, shown: str, whole: str) -> None:
    assert (compact(value), compact(value, whole=True)) == (shown, whole)


@pytest.mark.parametrize("words", ["people", "imports", "segments", "snapshots", "playbooks"])
def test_a_card_line_is_exact_while_it_fits(words: str) -> None:
    limit = 99_499 if len(words) > 8 else 999 * 10**9  # see the module's note
    for value in (0, 9, 99, 999, 9_999, 99_999, 999_999, 10**7, 10**9, limit):
        if value > limit:
            continue
        line = card_line(value, words, 13)
        assert len(line) <= 13, line
        if len(f"{value:,} {words}") <= 13:
            assert line == f"{value:,} {words}"
    assert card_line(1_234_567, "people", 0) == "1,234,567 people"  # width not known yet
    assert card_line(1_234_567, "people", 30) == "1,234,567 people"  # a wide terminal
