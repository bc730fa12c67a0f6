"""Import screen at 80x24, by keyboard only: file → preview → mapping → options → dry run →
import, the history with undo, cancel, and the errors a user can cause."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.content import Content
from textual.widgets import DataTable, DirectoryTree, Input, OptionList, Static
from textual.widgets._footer import FooterKey

from segdesk.errors import UserError
from segdesk.ingest.importer import ImportOptions
from segdesk.store.tables import Contact, Event
from segdesk.tui.app import make_app
from segdesk.tui.screens.confirm import ConfirmScreen
from segdesk.tui.screens.contacts import ContactsScreen
from segdesk.tui.screens.fault import FaultScreen
from segdesk.tui.screens.field_chooser import FieldChooser
from segdesk.tui.screens.file_browser import FileBrowser
from segdesk.tui.screens.help import HelpScreen
from segdesk.tui.screens.import_file import ImportScreen
from segdesk.tui.screens.import_history import HistoryScreen
from segdesk.tui.screens.import_mapping import MappingScreen
from segdesk.tui.screens.import_options import OptionsScreen
from segdesk.tui.screens.import_preview import PreviewScreen
from segdesk.tui.screens.import_run import ImportRunScreen
from segdesk.tui.screens.rejects import RejectsScreen
from segdesk.tui.widgets.import_report import ImportReportView
from segdesk.tui.widgets.path_input import complete_path
from segdesk.workspace import Workspace
from tests.tui.helpers import Notices, palette_highlights, plain, settle, wait_until

SIZE = (80, 24)

CUSTOMERS = (
    "Email,First Name,Last Name,Nickname,Signup\n"
    "ana@example.com,Ana,Alves,Nan,01/02/2024\n"
    "ben@example.com,Ben,Berg,Benny,15/03/2024\n"
    "not-an-email,Cy,Cole,C,01/04/2024\n"
)
"""Ana is already stored (updated), Ben is new (inserted), line 4 is rejected."""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are typed as a user in their folder would: by name, relative to here."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    return path


def _contacts(db: Path) -> dict[str, dict]:
    with Workspace.open(db) as ws, ws.engine.connect() as conn:
        rows = conn.execute(select(Contact.__table__)).mappings().all()
    return {r["email"]: dict(r) for r in rows}


def _text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return _shown(app.screen.query_one(selector, Static))


def _shown(widget: Static) -> str:
    """What a Static shows: Textual markup (theme colours) or a Rich renderable."""
    if isinstance(widget.content, str):
        return Content.from_markup(widget.content).plain
    return plain(widget)


def _report(app) -> str:  # type: ignore[no-untyped-def]
    """The report shown, with runs of spaces made one (tables align with spaces)."""
    view = app.screen.query_one(ImportReportView)
    return "\n".join(" ".join(_shown(s).split()) for s in view.query(Static))


async def _open_file(app, pilot, path: Path, target: str = "contacts") -> None:  # type: ignore[no-untyped-def]
    """From anywhere: the import screen, the path typed, the target chosen, Enter."""
    await settle(app, pilot)
    await pilot.press("i")
    assert isinstance(app.screen, ImportScreen)
    await pilot.press(*_typed(path))
    if target == "events":
        await pilot.press("tab", "right", "enter")  # leave the path box for the choice
        await pilot.press("ctrl+n")
    else:
        await pilot.press("enter")
    await settle(app, pilot)


def _typed(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


async def _to_mapping(app, pilot, path: Path, target: str = "contacts") -> None:  # type: ignore[no-untyped-def]
    await _open_file(app, pilot, path, target)
    assert isinstance(app.screen, PreviewScreen)
    await pilot.press("ctrl+n")
    await settle(app, pilot)
    assert isinstance(app.screen, MappingScreen)


async def _choose(app, pilot, option_id: str) -> None:  # type: ignore[no-untyped-def]
    """In the field chooser, move the highlight to ``option_id`` with the arrow keys."""
    assert isinstance(app.screen, FieldChooser)
    choices = app.screen.query_one(OptionList)
    wanted = choices.get_option_index(option_id)
    while choices.highlighted != wanted:
        await pilot.press("down" if (choices.highlighted or 0) < wanted else "up")
    await pilot.press("enter")
    await settle(app, pilot)


async def test_whole_wizard_imports_the_file_and_undo_takes_it_back(
    shop: Path, customers: Path
) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("c")  # the contacts list is shown before the import...
        await settle(app, pilot)
        assert "1 contact " in _text(app, "#status")

        await _open_file(app, pilot, customers)
        assert isinstance(app.screen, PreviewScreen)
        assert "Read as csv, comma" in _text(app, "#decisions")
        assert "encoding utf-8" in _text(app, "#decisions")
        assert "3 rows in the file" in _text(app, "#decisions")
        table = app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Line",
            "Email",
            "First Name",
            "Last Name",
            "Nickname",
            "Signup",
        ]
        assert [str(v) for v in table.get_row_at(2)] == [
            "4",
            "not-an-email",
            "Cy",
            "Cole",
            "C",
            "01/04/2024",
        ]

        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, MappingScreen)
        table = app.screen.query_one(DataTable)
        becomes = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert becomes == ["email", "first_name", "last_name", "custom: nickname", "custom: signup"]
        assert str(table.get_row_at(4)[2]) == "date (dd/mm)"

        # Nickname → company, by keyboard: down to the row, Enter, choose, Enter.
        await pilot.press("down", "down", "down", "enter")
        await _choose(app, pilot, "company")
        assert isinstance(app.screen, MappingScreen)
        assert app.screen.draft.mapping.column("Nickname").field == "company"
        assert str(app.screen.query_one(DataTable).get_row_at(3)[3]) == "company"

        await pilot.press("ctrl+n")
        assert isinstance(app.screen, OptionsScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportRunScreen) and app.screen.dry_run
        report = _report(app)
        assert "Dry run of customers.csv" in report and "Nothing has been changed" in report
        assert "Read New Updated Unchanged Rejected 3 1 1 0 1" in report
        assert "'Signup': dates read day first" in report
        assert "has no @" in report and "not-an-email | Cy | Cole" in report
        assert set(_contacts(shop)) == {"ana@example.com"}  # nothing written

        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportRunScreen) and not app.screen.dry_run
        assert "customers.csv is imported (import 1)" in _report(app)
        stored = _contacts(shop)
        assert set(stored) == {"ana@example.com", "ben@example.com"}
        assert stored["ben@example.com"]["company"] == "Benny"
        assert stored["ana@example.com"]["last_name"] == "Alves"
        assert stored["ben@example.com"]["attributes"]["signup"].startswith("2024-03-15")

        await pilot.press("r")
        assert isinstance(app.screen, RejectsScreen)
        rejects = app.screen.query_one(DataTable)
        assert rejects.row_count == 1
        assert str(rejects.get_row_at(0)[0]) == "4"
        assert "not-an-email" in str(rejects.get_row_at(0)[2])
        await pilot.press("escape")

        await pilot.press("c")  # ...and shows the new figures when it comes back
        await settle(app, pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert "2 contacts" in _text(app, "#status")

        await pilot.press("i", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        history = app.screen.query_one(DataTable)
        assert [str(v) for v in history.get_row_at(0)][2:] == [
            "customers.csv",
            "contacts",
            "done",
            "3",
        ]
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = _shown(app.screen.query_one("#question", Static))
        assert "Undo import 1 of customers.csv?" in question
        assert "removes the 1 contact it added" in question
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert _text(app, "#undo-result") == (
            "Undid import 1: removed 1 contact, and gave 1 contact their previous values back."
        )
        assert str(app.screen.query_one(DataTable).get_row_at(0)[4]) == "undone"
        stored = _contacts(shop)
        assert set(stored) == {"ana@example.com"}
        assert stored["ana@example.com"]["last_name"] is None


async def test_next_waits_until_the_mapping_names_the_contact(tmp_path: Path, shop: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Who,Town\na@example.com,Leeds\nb@example.com,York\n", encoding="utf-8")
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await _to_mapping(app, pilot, path)
        problems = _text(app, "#problems")
        assert "no column gives the contact's email address or external id" in problems
        assert "--map" not in problems
        assert "Press Enter on a column to choose its field" in problems
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, MappingScreen)  # blocked

        await pilot.press("enter")
        await _choose(app, pilot, "email")
        assert not app.screen.query_one("#problems").display
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, OptionsScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert {"a@example.com", "b@example.com"} <= set(_contacts(shop))


async def test_keys_change_skip_and_retype_columns(tmp_path: Path, shop: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text(
        "Email;Spent;Joined;Notes\n"
        "a@example.com;1.234,50;03/04/2024;x\n"
        "b@example.com;12,00;05/06/2024;y\n",
        encoding="utf-8",
    )
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await _to_mapping(app, pilot, path)
        mapping = app.screen.draft.mapping
        assert mapping.column("Spent").type.decimal == ","
        await pilot.press("down", "p")  # Spent: decimal point instead
        assert app.screen.draft.mapping.column("Spent").type.decimal == "."
        await pilot.press("t")  # a new custom field: number → date
        assert app.screen.draft.mapping.column("Spent").type.kind == "date"
        await pilot.press("t", "t", "t", "t")  # round to number again
        assert app.screen.draft.mapping.column("Spent").type.kind == "number"
        order = app.screen.draft.mapping.column("Joined").type.date_order
        await pilot.press("down", "d")
        assert app.screen.draft.mapping.column("Joined").type.date_order != order
        await pilot.press("down", "s")
        assert app.screen.draft.mapping.column("Notes").action == "skip"
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(3)[3]) == "(skip)"

        await pilot.press("up", "question_mark")  # on Joined, a date column
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["⏎"] == "Change" and keys["s"] == "Skip" and keys["^n"] == "Next"
        assert keys["d"] == "Day or month first"
        assert keys["t"] == "Type of a new custom field"
        assert keys.get("m") == "Models"  # the decimal key is off: not a number column


async def test_m_is_models_on_every_column_and_p_the_decimal_mark(
    tmp_path: Path, shop: Path
) -> None:
    """`m` goes to Models wherever the cursor is, the footer and `?` say what each key does
    there, and `i` comes back to the mapping as it was."""
    path = tmp_path / "eu.csv"
    path.write_text(
        "Email;Spent;Joined\na@example.com;1.234,50;03/04/2024\nb@example.com;12,00;05/06/2024\n",
        encoding="utf-8",
    )
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await _to_mapping(app, pilot, path)
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        for row in range(3):  # text, number, date
            screen.query_one(DataTable).move_cursor(row=row)
            await settle(app, pilot)
            active = screen.active_bindings
            for key in screen.query(FooterKey):
                assert active[key.key].binding.description == key.description, key.key
            await pilot.press("question_mark")
            keys = dict(app.screen.keys)  # type: ignore[attr-defined]
            await pilot.press("escape")
            assert keys["m"] == "Models", row
            assert keys.get("p") == ("Decimal point or comma" if row == 1 else None), row
        await pilot.press("up", "p")  # back on Spent, the number column
        assert screen.draft.mapping.column("Spent").type.decimal == "."
        await pilot.press("m")
        await settle(app, pilot)
        assert app.current_mode == "models"
        await pilot.press("i")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.draft.mapping.column("Spent").type.decimal == "."


async def test_new_custom_field_named_in_the_chooser(tmp_path: Path, shop: Path) -> None:
    path = tmp_path / "tiers.csv"
    path.write_text("Email,Tier\na@example.com,gold\n", encoding="utf-8")
    notices = Notices()
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await _to_mapping(app, pilot, path)
        await pilot.press("down", "enter")
        await _choose(app, pilot, "new-custom")
        assert isinstance(app.screen, FieldChooser)
        name = app.screen.query_one("#custom-name", Input)
        assert name.has_focus and name.value == "tier"
        await pilot.press("ctrl+u", *"loyalty_tier", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MappingScreen)
        column = app.screen.draft.mapping.column("Tier")
        assert (column.action, column.field) == ("custom", "loyalty_tier")

        await pilot.press("enter")
        await _choose(app, pilot, "new-custom")
        await pilot.press("ctrl+u", *"Bad Name", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MappingScreen)  # refused with a message, not a crash
        assert app.screen.draft.mapping.column("Tier").field == "loyalty_tier"
        assert notices.errors() == [
            "'Bad Name' cannot name a custom field; use lower-case letters, digits and _, "
            "starting with a letter, and not a built-in field's name"
        ]


async def test_bad_files_are_explained_on_the_file_step(tmp_path: Path, shop: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    notices = Notices()
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await _open_file(app, pilot, tmp_path / "missing.csv")
        assert isinstance(app.screen, ImportScreen)
        assert "missing.csv does not exist" in _text(app, "#problem")
        assert notices.errors() == []  # said beside the path, once
        path_box = app.screen.query_one("#path", Input)
        path_box.value = str(empty)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "empty.csv is empty" in _text(app, "#problem")
        path_box.value = ""
        await pilot.press("enter")
        assert "Type the path of a file" in _text(app, "#problem")


async def test_orders_file_with_kind_and_cancel_leaves_nothing(tmp_path: Path, shop: Path) -> None:
    path = tmp_path / "orders.csv"
    lines = ["Order,Email,Date,Total"] + [
        f"#{i},p{i % 50}@example.com,2024-05-{i % 28 + 1:02d},{i}.50" for i in range(300)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await _to_mapping(app, pilot, path, target="events")
        assert app.screen.draft.target == "events"
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, OptionsScreen)
        kind = app.screen.query_one("#kind", Input)
        kind.focus()
        await pilot.press("ctrl+u", *"refund")
        assert app.screen.draft.kind == "refund"

        # The import waits at its first cancel check until the test has pressed escape.
        workspace = app.workspace
        real = workspace.imports.run
        reached, release = threading.Event(), threading.Event()

        def gated(shape, mapping, options, **kwargs):  # type: ignore[no-untyped-def]
            check = kwargs["cancelled"]

            def cancelled() -> bool:
                reached.set()
                release.wait(10)
                return check()

            return real(shape, mapping, options, **{**kwargs, "cancelled": cancelled})

        workspace.imports.run = gated  # type: ignore[method-assign]
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, ImportRunScreen)
        assert await asyncio.to_thread(reached.wait, 10)
        await pilot.press("escape")
        release.set()
        await settle(app, pilot)
        assert app.screen.state == "cancelled"
        assert "cancelled: nothing was changed" in _text(app, "#run-status")
        with Workspace.open(shop) as ws:
            assert ws.imports.history() == []
            with ws.engine.connect() as conn:
                assert conn.execute(select(Event.__table__)).all() == []
        assert set(_contacts(shop)) == {"ana@example.com"}

        workspace.imports.run = real  # type: ignore[method-assign]
        await pilot.press("escape", "ctrl+n")  # back to the options, dry run again
        await settle(app, pilot)
        assert "New contacts" in _report(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.screen.state == "done"
    with Workspace.open(shop) as ws, ws.engine.connect() as conn:
        kinds = conn.execute(select(Event.__table__.c.kind)).scalars().all()
    assert len(kinds) == 300 and set(kinds) == {"refund"}


async def test_a_failed_run_says_why_in_its_status_and_a_fault_shows_its_details(
    shop: Path, customers: Path
) -> None:
    notices = Notices()
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await _to_mapping(app, pilot, customers)
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, OptionsScreen)

        def refused(*_args: object, **_kwargs: object) -> None:
            raise UserError("customers.csv changed since it was read; read it again")

        app.workspace.imports.run = refused  # type: ignore[method-assign]
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportRunScreen) and app.screen.state == "failed"
        assert "The dry run failed: customers.csv changed since it was read" in _text(
            app, "#run-status"
        )
        assert notices.errors() == []  # said in the status line, once

        def broken(*_args: object, **_kwargs: object) -> None:
            raise ZeroDivisionError("division by zero in the importer")

        app.workspace.imports.run = broken  # type: ignore[method-assign]
        await pilot.press("escape", "ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, FaultScreen)
        assert app.screen.details.startswith("ZeroDivisionError: division by zero")
        await pilot.press("escape")
        assert isinstance(app.screen, ImportRunScreen) and app.screen.state == "failed"
        assert "The dry run failed: an unexpected fault" in _text(app, "#run-status")
    assert set(_contacts(shop)) == {"ana@example.com"}


async def test_undo_that_later_work_depends_on_is_refused_before_asking(
    tmp_path: Path, shop: Path
) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("Order,Email,Date\n#1,new@example.com,2024-01-02\n", encoding="utf-8")
    second.write_text("Order,Email,Date\n#2,new@example.com,2024-02-03\n", encoding="utf-8")
    with Workspace.open(shop) as ws:
        for path in (first, second):
            shape = ws.imports.inspect(path)
            ws.imports.run(
                shape, ws.imports.suggest_mapping(shape, "events"), ImportOptions("events")
            )
    notices = Notices()
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)
        await pilot.press("i", "tab", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("down", "u")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)  # told why, not asked
        assert _text(app, "#undo-result") == (
            "Import 1 cannot be undone yet: import 2 (second.csv) added events to contacts it "
            "created; undo import 2 first."
        )
        assert str(app.screen.query_one(DataTable).get_row_at(1)[4]) == "done"

        await pilot.press("up", "u")
        await settle(app, pilot)
        assert "second.csv" in _shown(app.screen.query_one("#question", Static))
        await pilot.press("n")  # asked, and kept
        await settle(app, pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[4]) == "done"


async def test_a_fault_in_an_undo_shows_its_details_and_undo_can_be_tried_again(
    tmp_path: Path, shop: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Order,Email,Date\n#1,new@example.com,2024-01-02\n", encoding="utf-8")
    with Workspace.open(shop) as ws:
        shape = ws.imports.inspect(path)
        ws.imports.run(shape, ws.imports.suggest_mapping(shape, "events"), ImportOptions("events"))
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)

        def broken(batch_id: int) -> None:
            raise RuntimeError(f"lost the connection while undoing {batch_id}")

        app.workspace.imports.undo = broken  # type: ignore[method-assign]
        await pilot.press("i", "tab", "y")
        await settle(app, pilot)
        await pilot.press("u", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, FaultScreen)
        assert "lost the connection while undoing 1" in app.screen.details
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)
        assert _text(app, "#undo-result") == ""
        assert app.screen.check_action("undo", ()) is True


async def test_path_completion_and_folder_browser(tmp_path: Path, shop: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "march.csv").write_text(CUSTOMERS, encoding="utf-8")
    (folder / ".hidden.csv").write_text(CUSTOMERS, encoding="utf-8")
    assert complete_path(str(tmp_path / "exp")) == f"{folder}/"
    assert complete_path(f"{folder}/") == f"{folder}/march.csv"
    assert complete_path(f"{folder}/M") == f"{folder}/march.csv"
    assert complete_path(f"{folder}/.h") == f"{folder}/.hidden.csv"
    assert complete_path(str(tmp_path / "nothing")) is None

    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i", *"exp")
        await settle(app, pilot)
        await pilot.press("tab", "m")
        await settle(app, pilot)
        await pilot.press("tab")
        path_box = app.screen.query_one("#path", Input)
        assert path_box.value == "exports/march.csv"

        path_box.value = str(folder)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, FileBrowser)
        tree = app.screen.query_one(DirectoryTree)
        # The tree's loader runs as long as the tree: wait for its rows, not for the loader.
        await wait_until(pilot, lambda: tree.root.children, "the folder's files are listed")
        assert [str(node.label) for node in tree.root.children] == ["march.csv"]
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportScreen)
        assert (
            Path(app.screen.query_one("#path", Input).value).resolve()
            == (folder / "march.csv").resolve()
        )


async def test_palette_and_help_reach_the_import_screen(shop: Path) -> None:
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"go to import")
        await wait_until(pilot, lambda: palette_highlights(app, "Go to Import"), "it is offered")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("tab", "question_mark")  # out of the path box first
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["^n"] == "Next" and keys["^o"] == "Browse" and keys["y"] == "History"
        await pilot.press("escape", "escape")
        assert app.current_mode == "home"


async def test_options_give_everyone_in_a_mailchimp_export_one_consent(
    tmp_path: Path, shop: Path
) -> None:
    from textual.widgets import RadioSet

    from tests.importing.test_import_contacts import MAILCHIMP

    audience = tmp_path / "audience.csv"
    audience.write_text(MAILCHIMP, encoding="utf-8")
    app = make_app(db=str(shop))
    async with app.run_test(size=SIZE) as pilot:
        await _to_mapping(app, pilot, audience)
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, OptionsScreen)
        assert "Mailchimp export of subscribed members" in _text(app, "#consent-hint")
        await pilot.press("tab", "tab")  # past the key and the rule for stored contacts
        assert app.focused is app.screen.query_one("#consent", RadioSet)
        await pilot.press("down", "enter")
        assert app.screen.draft.consent == "subscribed"
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert "everyone in the file is marked subscribed" in _report(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.screen.state == "done"
    stored = _contacts(shop)
    assert {e: c["consent"] for e, c in stored.items() if e != "ana@example.com"} == {
        "ana.lopez@example.com": "subscribed",
        "ben@example.org": "subscribed",
    }
