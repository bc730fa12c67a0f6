"""One path from a failure to the user: a mistake of theirs is a notice in its own words, a
fault of ours is a modal with the exception and traceback, to read and copy."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

import segdesk.tui
from segdesk.errors import UserError
from segdesk.tui.app import make_app
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.screens.contact import ContactScreen
from segdesk.tui.screens.fault import FaultScreen
from tests.tui.helpers import Notices, plain, settle

SIZE = (80, 24)


def _heading(app) -> str:  # type: ignore[no-untyped-def]
    return plain(app.screen.query_one("#heading", Static)).strip()


async def test_a_users_mistake_is_a_notice_in_its_words(sample_copy: Path) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)
        await app.push_screen(ContactScreen(999_999))
        await settle(app, pilot)
        assert isinstance(app.screen, ContactScreen)  # no modal for a mistake
        assert notices.errors() == ["no contact with id 999999"]
        assert _heading(app) == "This contact could not be shown."


async def test_a_fault_shows_its_details_to_read_and_copy(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)

        def broken(contact_id: int) -> None:
            raise RuntimeError(f"the disk said no to contact {contact_id}")

        monkeypatch.setattr(app.workspace.contacts, "detail", broken)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FaultScreen)
        details = app.screen.query_one(TextArea)
        assert details.has_focus and details.read_only
        first_line, _, rest = details.text.partition("\n")
        assert first_line.startswith("RuntimeError: the disk said no to contact ")
        assert "Traceback (most recent call last)" in rest and "in broken" in rest
        assert notices.errors() == []  # the modal says it, once

        await pilot.press("c")
        assert app.clipboard == details.text
        await pilot.press("escape")
        assert isinstance(app.screen, ContactScreen)
        assert _heading(app) == "This contact could not be shown."


async def test_a_second_fault_does_not_stack_another_modal(sample_copy: Path) -> None:
    notices = Notices()
    app = make_app(db=str(sample_copy))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)

        def fail(error: Exception) -> None:
            raise error

        app.run_worker(lambda: fail(KeyError("first")), thread=True, exit_on_error=False)
        await settle(app, pilot)
        assert isinstance(app.screen, FaultScreen)
        app.run_worker(
            lambda: fail(UserError("that file is empty")), thread=True, exit_on_error=False
        )
        app.run_worker(lambda: fail(ValueError("second")), thread=True, exit_on_error=False)
        await settle(app, pilot)
        assert len([s for s in app.screen_stack if isinstance(s, FaultScreen)]) == 1
        assert app.screen.query_one(TextArea).text.startswith("KeyError: 'first'")
        assert sorted(notices.errors()) == [
            "Another fault: ValueError('second')",
            "that file is empty",
        ]


def test_every_node_that_runs_workers_reports_their_failures() -> None:
    """Textual tells only the node that started a worker that it failed: a screen or widget
    with a worker but without `ReportsFailures` would fail silently."""
    runners, without = [], []
    for info in pkgutil.walk_packages(segdesk.tui.__path__, "segdesk.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            runs_workers = any(
                "_work_decorator" in getattr(getattr(f, "__code__", None), "co_filename", "")
                for f in vars(cls).values()
            )
            if runs_workers:
                runners.append(cls.__qualname__)
                if not issubclass(cls, ReportsFailures):
                    without.append(cls.__qualname__)
    assert {"SegdeskApp", "HomeScreen", "HistoryScreen", "ImportRunScreen"} <= set(runners)
    assert without == []
