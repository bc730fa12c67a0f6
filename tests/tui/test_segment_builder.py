"""The rule builder by keys: build and save a segment, edit the text and see the outline
follow (and back), save a changed rule after seeing who joins and leaves, and a slow count
that never holds up a key."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Static

from segdesk.tui.app import SegdeskApp, make_app
from segdesk.tui.screens.condition_editor import ConditionEditor
from segdesk.tui.screens.save_changes import SaveChangesScreen
from segdesk.tui.screens.segment_builder import COUNT_GROUP, SegmentBuilderScreen
from segdesk.tui.widgets.live_count import LiveCount
from segdesk.tui.widgets.rule_outline import RuleOutline
from segdesk.tui.widgets.rule_text import RuleText
from segdesk.workspace import Workspace
from segdesk.workspace.segments import Segments
from tests.factories import new_shop
from tests.tui.helpers import palette_highlights, plain, settle, wait_until

SIZE = (80, 24)


async def _open_from_palette(app: SegdeskApp, pilot: Pilot, command: str, typed: str) -> None:
    await settle(app, pilot)
    await pilot.press("ctrl+p", *typed)
    await wait_until(pilot, lambda: palette_highlights(app, command), f"{command} is offered")
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, SegmentBuilderScreen) and app.screen.catalog is not None,
        "the builder is ready",
    )


async def _condition(pilot: Pilot, subject: str, op: str, value: str, window: str = "") -> None:
    """Fill the condition editor by keys: type to find, Enter to take, at each step."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, ConditionEditor), "the editor opens")
    await pilot.press(*subject, "enter")
    if window:
        await pilot.press(*window, "enter")
    await pilot.press(*op, "enter")
    if value:
        await pilot.press(*value, "enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, ConditionEditor), "it closes")


def _builder(app: SegdeskApp) -> SegmentBuilderScreen:
    screen = app.screen
    assert isinstance(screen, SegmentBuilderScreen)
    return screen


def _outline_lines(screen: SegmentBuilderScreen) -> list[str]:
    listed = screen.query_one(RuleOutline)
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    for index in range(listed.option_count):
        console.print(listed.get_option_at_index(index).prompt)
    return [line.strip() for line in console.export_text().splitlines()]


async def _counted(pilot: Pilot, screen: SegmentBuilderScreen) -> LiveCount:
    counter = screen.query_one(LiveCount)
    await wait_until(pilot, lambda: not counter.is_stale, "the count arrives")
    return counter


async def test_a_segment_built_by_keys_is_saved_with_its_rule_version_and_count(
    sample_copy: Path,
) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        screen = _builder(app)
        await pilot.press("a")
        await _condition(pilot, "country", "=", "US")
        await pilot.press("g")  # inside "all of", a group of "any of"
        await _condition(pilot, "orders.count", ">=", "2", window="90")
        await pilot.press("a")  # after the behaviour condition, in the same group
        await _condition(pilot, "plan", "=", "pro")
        rule = 'country = "US" and (orders.count in last 90 days >= 2 or plan = "pro")'
        assert screen.query_one(RuleText).text == rule
        assert _outline_lines(screen) == [
            "▾ All of these (and)",
            "• country is US",
            "▾ Any of these (or)",
            "• placed at least 2 orders in the last 90 days",
            "• coffee club plan is pro",
        ]
        counter = await _counted(pilot, screen)
        await pilot.press("ctrl+o")
        await pilot.press(*"US regulars", "enter")
        await wait_until(pilot, lambda: app.screen is not screen, "the builder closes")
        await settle(app, pilot)

    with Workspace.open(sample_copy, mode="read") as ws:
        detail = ws.segments.detail("US regulars")
        assert detail.info.rule == rule
        assert detail.info.status == "active"
        assert [(v.version, v.rule, v.reason) for v in detail.versions] == [(1, rule, "created")]
        assert detail.info.count == ws.segments.count_rule(rule) == counter.figure


async def test_the_outline_follows_the_text_and_the_text_follows_the_outline(
    sample_copy: Path,
) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        screen = _builder(app)
        text = screen.query_one(RuleText)
        await pilot.press("tab", *'city = "Boston" or age > 30')
        await wait_until(pilot, lambda: len(_outline_lines(screen)) == 3, "the outline follows")
        assert _outline_lines(screen) == [
            "▾ Any of these (or)",
            "• city is Boston",
            "• age is over 30",
        ]
        # A typo: marked where it is, and the outline keeps the last rule that read.
        await pilot.press(*' or contry = "x"')
        error = screen.query_one("#rule-error", Static)
        assert "Column 32" in plain(error) and 'unknown field "contry"' in plain(error)
        assert text.error is not None and (text.error.start, text.error.end) == (31, 37)
        assert len(_outline_lines(screen)) == 3
        assert screen.query_one(LiveCount).is_stale
        await pilot.press(*["backspace"] * len(' or contry = "x"'))
        await _counted(pilot, screen)
        assert plain(error).strip() == "" and text.error is None

        # And back: keys in the outline rewrite the text.
        await pilot.press("tab", "down", "exclamation_mark")  # on "city is Boston"
        assert text.text == 'not (city = "Boston") or age > 30'
        await pilot.press("t")  # the group becomes "all of"
        assert text.text == 'not (city = "Boston") and age > 30'
        await pilot.press("d")
        assert text.text == "age > 30"
        assert _outline_lines(screen) == ["▾ All of these (and)", "• age is over 30"]
        await pilot.press("u")
        assert text.text == 'not (city = "Boston") and age > 30'
        await pilot.press("enter")  # edit the condition under the cursor: its value
        editor = app.screen
        assert isinstance(editor, ConditionEditor)
        assert editor.query_one("#value", Input).value == "Boston"
        await pilot.press(*["backspace"] * 6, *"Lyon", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the editor closes")
        assert text.text == 'not (city = "Lyon") and age > 30'


async def test_a_changed_rule_shows_who_joins_and_leaves_then_saves_with_the_reason(
    sample_copy: Path,
) -> None:
    with Workspace.open(sample_copy, mode="read") as ws:
        pro = ws.segments.detail("Coffee Club members").info.count
        team = ws.segments.count_rule('plan = "team"')
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "Edit segment “Coffee Club members”", "edit coffee")
        screen = _builder(app)
        assert screen.query_one(RuleText).text == 'plan = "pro"'
        await pilot.press("down", "enter")  # change plan = "pro" to plan in ("pro", "team")
        await pilot.press("shift+tab", *["backspace"] * 3, "i", "n", "enter")
        await pilot.press(*"pro, team", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the editor closes")
        assert screen.query_one(RuleText).text == 'plan in ("pro", "team")'
        await pilot.press("ctrl+o")
        dialog = app.screen
        assert isinstance(dialog, SaveChangesScreen)
        reason = dialog.query_one("#reason", Input)
        await wait_until(pilot, lambda: not reason.disabled, "the effect is shown first")
        effect = plain(dialog.query_one("#change-effect", Static))
        assert f"Would join: {team} people" in effect and "Would leave: 0 people" in effect
        assert f"Would stay: {pro:,} people" in effect
        await pilot.press(*"offices too", "enter")
        await wait_until(pilot, lambda: app.screen not in (dialog, screen), "both close")

    with Workspace.open(sample_copy, mode="read") as ws:
        detail = ws.segments.detail("Coffee Club members")
        assert detail.info.version == 2 and detail.info.count == pro + team
        assert (detail.versions[-1].version, detail.versions[-1].reason) == (2, "offices too")


async def test_a_slow_count_never_holds_up_a_key_and_is_shown_stale_until_it_arrives(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count sleeps until the test lets it go: keys pressed meanwhile must reach the
    builder, and the figure must stay marked stale; a count of an older rule is never shown
    as current. (Gated rather than timed: the machines are shared and noisy.)"""
    real_count = Segments.count_rule
    released = threading.Event()
    asked: list[str] = []

    def slow_count(self: Segments, rule_text: str, today: object = None) -> int:
        asked.append(rule_text)
        released.wait(timeout=60)
        return real_count(self, rule_text)

    shown: list[int] = []
    real_current = LiveCount.current

    def current(self: LiveCount, figure: int, total: int | None) -> None:
        shown.append(figure)
        real_current(self, figure, total)

    with Workspace.open(sample_copy, mode="read") as ws:
        people = ws.contacts.count_contacts()
        both = ws.segments.count_rule('plan in ("pro", "team")')
    monkeypatch.setattr(Segments, "count_rule", slow_count)
    monkeypatch.setattr(LiveCount, "current", current)
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        screen = _builder(app)
        counter = screen.query_one(LiveCount)
        await pilot.press("tab", *'plan = "pro"')
        await wait_until(pilot, lambda: asked == ['plan = "pro"'], "the count starts")
        first = next(w for w in screen.workers if w.group == COUNT_GROUP)
        assert counter.is_stale and str(counter.content) == "Counting…"
        # Keys reach the builder while the count sleeps: the text and the outline follow.
        await pilot.press(*' or plan = "team"')
        assert screen.query_one(RuleText).text == 'plan = "pro" or plan = "team"'
        await wait_until(pilot, lambda: len(_outline_lines(screen)) == 3, "the outline follows")
        assert first.is_running or first.is_cancelled, "the first count is still asleep"
        assert counter.is_stale and str(counter.content) == "Counting…"
        await wait_until(pilot, lambda: len(asked) == 2, "the new rule is counted too")
        released.set()
        await wait_until(pilot, lambda: not counter.is_stale, "the count arrives")
        await settle(app, pilot)
        assert asked == ['plan = "pro"', 'plan = "pro" or plan = "team"']
        assert shown == [both], "only the current rule's count was shown as current"
        assert str(counter.content) == f"[b]{both:,} people[/b] · {both / people:.1%} of {people:,}"
        # A rule that does not read, then a new one: the old figure stays, as approximate.
        await pilot.press("backspace")
        assert counter.is_stale
        assert str(counter.content) == f"≈ {both:,} people (the rule has an error)"
        await pilot.press('"')
        assert counter.is_stale and str(counter.content) == f"≈ {both:,} people (updating…)"
        await wait_until(pilot, lambda: not counter.is_stale, "the count arrives again")


async def test_the_builder_starts_the_count_but_the_outline_is_empty_for_a_new_segment(
    sample_copy: Path,
) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        screen = _builder(app)
        assert _outline_lines(screen) == [
            "▾ All of these (and) · empty: press a to add a condition"
        ]
        await pilot.press("escape")
        assert not isinstance(app.screen, SegmentBuilderScreen)


async def test_leaving_with_changes_asks_first(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        screen = _builder(app)
        await pilot.press("tab", *"age > 30", "escape")
        await pilot.press("n")  # stay
        assert app.screen is screen
        await pilot.press("escape", "y")
        assert not isinstance(app.screen, SegmentBuilderScreen)


async def test_the_condition_editor_groups_subjects_and_checks_dates(sample_copy: Path) -> None:
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        await pilot.press("a")
        editor = app.screen
        assert isinstance(editor, ConditionEditor)
        subjects = editor.query_one("#subjects", OptionList)
        headings = [
            str(subjects.get_option_at_index(i).prompt)
            for i in range(subjects.option_count)
            if subjects.get_option_at_index(i).disabled
        ]
        assert headings == ["Contact", "Custom", "Behaviour", "Products", "Models", "Segments"]
        await pilot.press(*"signup", "enter", *"before", "enter", *"2024-02-3")
        check = editor.query_one("#check", Static)
        assert "keep typing" in plain(check)
        await pilot.press("0")
        assert "2024-02-30 is not a real date" in plain(check)
        await pilot.press("enter")  # refused: stays open
        assert app.screen is editor
        await pilot.press("backspace", "backspace", *"29")
        assert "✓ Thursday 29 February 2024" in plain(check)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not editor, "the editor closes")
        assert _builder(app).query_one(RuleText).text == "signup_date before 2024-02-29"


async def test_the_window_of_a_behaviour_says_it_counts_days(tmp_path: Path) -> None:
    shop = new_shop(tmp_path, [{"id": 1, "email": "ana@example.com"}])
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_palette(app, pilot, "New segment", "new segment")
        await pilot.press("a")
        editor = app.screen
        assert isinstance(editor, ConditionEditor)
        await pilot.press(*"orders.count", "enter", *"90")
        unit = editor.query_one("#window-unit", Label)
        said = " days (blank: all time)"
        assert unit.region.width == len(said)
        assert unit.region.right <= editor.query_one("#editor").content_region.right
        assert editor.query_one("#window", Input).region.right == unit.region.x
