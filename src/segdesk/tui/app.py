"""The Textual application: themes, the workspace, screens by key and from the palette.

The first paint must not wait for the database layer: the workspace (SQLAlchemy, the schema
check) opens in a thread after the home screen is on the terminal, and screens fill in their
figures when `workspace` is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import var
from textual.worker import Worker, WorkerState

from segdesk.paths import db_label, is_url
from segdesk.settings import load_settings, save_setting
from segdesk.store.quick_read import QuickReader
from segdesk.tui import screen_registry
from segdesk.tui.commands import BuilderProvider, ScreensProvider, ThemesProvider
from segdesk.tui.failures import ReportsFailures
from segdesk.tui.keymap import KeymapProblem, check_ids, keymap_path, read_keymap
from segdesk.tui.messages import DataChanged
from segdesk.tui.screens.help import HelpScreen
from segdesk.tui.themes import DEFAULT_THEME, load_themes, starting_theme, theme_folders

if TYPE_CHECKING:
    from rich.console import RenderableType

    from segdesk.tui.widgets.contact_list import ContactReader
    from segdesk.workspace import Workspace
    from segdesk.workspace.opening import OpenMode


class SegdeskApp(ReportsFailures, App[None]):
    TITLE = "Segment Desk"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreensProvider} | {BuilderProvider}
    MODES = screen_registry.modes()
    DEFAULT_MODE = "home"
    BINDINGS = [
        *screen_registry.bindings(),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    workspace: var[Workspace | None] = var(None, init=False)
    data_version: var[int] = var(0, init=False)
    """Counts changes of the data (imports, undos); screens reload when it moved."""
    own_themes: tuple[str, ...] = ()
    """The themes from theme files, shipped and the user's: listed first in the palette."""

    def __init__(self, db: str, theme: str | None = None) -> None:
        super().__init__()
        self.db = db
        self.db_label = db_label(db)
        self.reader: QuickReader | None = None
        self._requested_theme = theme
        self._remember_theme = False
        self.user_keymap: dict[str, str] = {}
        """The keymap file's entries in effect: binding id to keys."""
        self.leaving = False

    def on_mount(self) -> None:
        self._apply_themes()
        self._apply_keymap()
        if not is_url(self.db):
            self.reader = QuickReader.open(self.db)
        self._open_or_ask()

    @property
    def contact_source(self) -> ContactReader | None:
        """The quickest ready reader of the contacts list, or None while none is."""
        return self.reader or (self.workspace.contacts if self.workspace else None)

    def _apply_themes(self) -> None:
        themes, problems = load_themes(theme_folders())
        for theme in themes:
            self.register_theme(theme)
        self.own_themes = tuple(theme.name for theme in themes)
        wanted = starting_theme(
            self._requested_theme,
            load_settings().get("theme"),
            color_system=self.console.color_system,
            no_color=self.no_color,
            is_ansi=lambda name: name in self.available_themes and self.available_themes[name].ansi,
        )
        if wanted not in self.available_themes:
            self.notify(f"No theme called {wanted!r}; using {DEFAULT_THEME}.", severity="warning")
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        if self._requested_theme == wanted:
            save_setting("theme", wanted)
        self._remember_theme = True
        if problems:
            self.notify(
                "Theme files skipped: " + "; ".join(map(str, problems)),
                severity="warning",
                timeout=8,
            )

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # The kind of our boxes' borders; the 16-colour theme sets "ascii" (see docs/themes.md).
        return {"border-kind": "round"}

    # The user's keymap --------------------------------------------------------------------

    def _apply_keymap(self) -> None:
        """The keymap file's good entries apply at once; its mistakes are reported once the
        ids are checked, in a thread (that imports every screen)."""
        keymap, problems = read_keymap(keymap_path())
        if keymap:
            self.user_keymap = keymap
            self.set_keymap(keymap)
            self._check_keymap(keymap, problems)
        elif problems:
            self._report_keymap(problems)

    @work(thread=True, group="keymap", exit_on_error=False)
    def _check_keymap(self, keymap: dict[str, str], problems: list[KeymapProblem]) -> None:
        if found := problems + check_ids(keymap):
            self.call_from_thread(self._report_keymap, found)

    def _report_keymap(self, problems: list[KeymapProblem]) -> None:
        self.notify(
            "\n".join([str(keymap_path()), *map(str, problems)]),
            title="Keymap",
            severity="warning",
            timeout=10,
        )

    def watch_theme(self, theme: str) -> None:
        if self._remember_theme:
            save_setting("theme", theme)

    def search_themes(self) -> None:
        self.push_screen(
            CommandPalette(providers=[ThemesProvider], placeholder="Search for themes…")
        )

    # Opening the database ----------------------------------------------------------------
    # A missing database is made only once the user says so (a mistyped --db must not make
    # one): the question is a modal over the home screen, which has painted already.

    def _open_or_ask(self) -> None:
        path = None if is_url(self.db) else Path(self.db).expanduser().resolve()
        if path is None or path.exists():
            self.open_workspace("write")  # in a worker: the first paint does not wait for it
            return
        from segdesk.workspace.opening import creation_problem

        if problem := creation_problem(path):
            self.exit(return_code=2, message=f"segdesk: error: {problem}")
        else:
            from segdesk.tui.screens.confirm import ConfirmScreen

            question = f"There is no database at {path}.\nCreate a new, empty one there?"
            answer = ConfirmScreen("New database", question, "Create it", no="Quit")
            self.push_screen(answer, lambda create: self._created_or_quit(bool(create), path))

    def _created_or_quit(self, create: bool, path: Path) -> None:
        if create:
            self.open_workspace("create")
        else:
            self.exit(return_code=2, message=f"segdesk: no database at {path}; nothing created")

    @work(thread=True, exclusive=True, group="workspace", exit_on_error=False)
    def open_workspace(self, mode: OpenMode) -> Workspace:
        from segdesk.workspace import Workspace

        return Workspace.open(self.db, mode=mode)

    async def reopen(self, db: str) -> None:
        """Open the app on the database ``db`` instead (the demo from an empty home): the
        current screen reloads, every other screen starts afresh when next shown."""
        for entry in screen_registry.SCREENS:
            if entry.mode != self.current_mode:
                await self.remove_mode(entry.mode)
                self.add_mode(entry.mode, entry.make)
        old, self.workspace = self.workspace, None
        if old is not None:
            old.close()
        self.db, self.db_label = db, db_label(db)
        self.reader = None if is_url(db) else QuickReader.open(db)
        self.open_workspace("write")

    @work(thread=True, exclusive=True, group="due-refresh", exit_on_error=False)
    def finish_due_refresh(self, workspace: Workspace) -> None:
        """A refresh of the segments that an import left due (it was killed before) is
        finished once the workspace is open, with a notice."""
        from segdesk.wording import count

        since = workspace.segments.out_of_date_since()
        if since is not None:
            done = workspace.segments.refresh().refreshed
            said = f"Segments were out of date since {since}: {count(done, 'segment')} updated."
            self.call_from_thread(self.notify, said)
            self.call_from_thread(self.post_message, DataChanged())

    # ------------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "workspace" and worker.state == WorkerState.SUCCESS:
            self.workspace = worker.result
            self.finish_due_refresh(worker.result)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        if worker.group != "workspace":
            return False
        self.exit(return_code=2, message=f"segdesk: error: {error}")  # the app cannot start
        return True

    def exit(
        self, result: Any = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        # Keys typed right after q reach the app before it closes: they must open no screen.
        self.leaving = True
        super().exit(result, return_code, message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.leaving:
            return False
        # The key of the screen the user is on does nothing there: keep it out of the footer.
        return not (action == "switch_mode" and parameters == (self.current_mode,))

    def on_data_changed(self, _message: DataChanged) -> None:
        self.data_version += 1

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_unmount(self) -> None:
        if self.workspace is not None:
            self.workspace.close()


def make_app(db: str, theme: str | None = None) -> SegdeskApp:
    """The one way the CLI and the tests build the app."""
    return SegdeskApp(db=db, theme=theme)
