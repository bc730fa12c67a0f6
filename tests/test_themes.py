"""Theme files: the shipped ones load, broken ones are reported, the choice is remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.command import CommandList, CommandPalette

from segdesk.paths import config_dir
from segdesk.settings import load_settings, save_setting
from segdesk.tui.app import make_app
from segdesk.tui.themes import load_themes, starting_theme, theme_folders
from tests.tui.helpers import settle, wait_until

BUNDLED = ["segdesk-ansi", "segdesk-contrast", "segdesk-dark", "segdesk-light", "segdesk-paper"]


def test_shipped_themes_load() -> None:
    themes, problems = load_themes(theme_folders())
    by_name = {t.name: t for t in themes}
    assert problems == []
    assert set(BUNDLED) <= set(by_name)
    assert by_name["segdesk-dark"].dark is True
    assert by_name["segdesk-light"].dark is False
    assert by_name["segdesk-paper"].dark is False
    assert by_name["segdesk-ansi"].ansi is True
    assert by_name["segdesk-ansi"].variables["block-cursor-background"] == "ansi_white"
    # Plain +-| borders where the font may lack rounded corners (the Linux console).
    assert by_name["segdesk-ansi"].variables["border-kind"] == "ascii"


def _contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""

    def luminance(colour: str) -> float:
        def channel(value: int) -> float:
            v = value / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        c = Color.parse(colour)
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_is_readable_in_every_coloured_theme() -> None:
    """Every colour used for text reaches WCAG AA (4.5:1) on its background; the high-contrast
    theme reaches AAA (7:1), muted text included."""
    themes, _ = load_themes(theme_folders()[:1])
    for theme in themes:
        if theme.ansi:
            continue  # the terminal's own colours: not ours to measure
        least = 7.0 if theme.name == "segdesk-contrast" else 4.5
        background = theme.background or "#000000"
        for field in ("foreground", "primary", "secondary", "accent", "warning", "error"):
            colour = getattr(theme, field)
            ratio = _contrast(colour, background)
            assert ratio >= least, f"{theme.name}: {field} {colour} is {ratio:.1f}:1"
    contrast = next(t for t in themes if t.name == "segdesk-contrast")
    assert _contrast(contrast.variables["text-muted"], contrast.background or "") >= 7.0


def test_broken_files_are_collected_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('name = "good"\nprimary = "#123456"\nmy-extra = "red"\n')
    (tmp_path / "syntax.toml").write_text('name = "syntax"\nprimary = \n')
    (tmp_path / "colour.toml").write_text('name = "colour"\nprimary = "not-a-colour"\n')
    (tmp_path / "nameless.toml").write_text('primary = "#123456"\n')
    themes, problems = load_themes([tmp_path, tmp_path / "missing-folder"])
    assert [t.name for t in themes] == ["good"]
    assert themes[0].variables == {"my-extra": "red"}
    reasons = {p.path.name: p.reason for p in problems}
    assert set(reasons) == {"syntax.toml", "colour.toml", "nameless.toml"}
    assert reasons["colour.toml"] == "'primary' is not a colour: 'not-a-colour'"
    assert reasons["nameless.toml"] == "'name' is required"
    assert reasons["syntax.toml"].startswith("not valid TOML")


async def test_theme_option_is_applied_and_remembered(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    app = make_app(db=db, theme="segdesk-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-light"
    assert load_settings()["theme"] == "segdesk-light"

    app = make_app(db=db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-light"
        app.theme = "segdesk-ansi"
    assert load_settings()["theme"] == "segdesk-ansi"


async def test_default_theme_is_not_written_without_a_choice(tmp_path: Path) -> None:
    app = make_app(db=str(tmp_path / "a.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-dark"
    assert load_settings() == {}


async def test_unknown_theme_falls_back_with_a_notice(tmp_path: Path) -> None:
    app = make_app(db=str(tmp_path / "a.db"), theme="no-such-theme")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-dark"
        assert any("No theme called 'no-such-theme'" in str(n.message) for n in app._notifications)


async def test_broken_user_theme_is_reported(tmp_path: Path) -> None:
    from segdesk.paths import config_dir

    folder = config_dir() / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text("name = \n")
    app = make_app(db=str(tmp_path / "a.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-dark"
        assert any("mine.toml: not valid TOML" in str(n.message) for n in app._notifications)


class TestStartingTheme:
    """A 16-colour terminal or NO_COLOR starts in the 16-colour theme unless one was given."""

    @staticmethod
    def start(
        requested: str | None = None,
        remembered: str | None = None,
        color_system: str | None = "truecolor",
        no_color: bool = False,
    ) -> str:
        return starting_theme(
            requested,
            remembered,
            color_system=color_system,
            no_color=no_color,
            is_ansi=lambda name: name in {"segdesk-ansi", "my-ansi"},
        )

    def test_a_rich_terminal_uses_the_remembered_theme_or_the_default(self) -> None:
        assert self.start() == "segdesk-dark"
        assert self.start(remembered="segdesk-light", color_system="256") == "segdesk-light"

    def test_sixteen_colours_or_none_start_in_the_ansi_theme(self) -> None:
        for system in ("standard", "windows", None):
            assert self.start(color_system=system) == "segdesk-ansi"
            assert self.start(remembered="segdesk-light", color_system=system) == "segdesk-ansi"

    def test_no_color_starts_in_the_ansi_theme(self) -> None:
        assert self.start(remembered="segdesk-light", no_color=True) == "segdesk-ansi"

    def test_a_remembered_ansi_theme_is_kept_on_sixteen_colours(self) -> None:
        assert self.start(remembered="my-ansi", color_system="standard") == "my-ansi"

    def test_a_theme_given_this_time_wins(self) -> None:
        assert self.start("segdesk-light", color_system="standard") == "segdesk-light"
        assert self.start("segdesk-light", no_color=True) == "segdesk-light"


async def test_term_xterm_starts_in_the_ansi_theme_and_remembers_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_setting("theme", "segdesk-light")  # chosen earlier on a 256-colour terminal
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = make_app(db=str(tmp_path / "a.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-ansi"
    assert load_settings()["theme"] == "segdesk-light"

    app = make_app(db=str(tmp_path / "a.db"), theme="segdesk-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-dark"


async def test_no_color_starts_in_the_ansi_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(db=str(tmp_path / "a.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-ansi"


async def test_the_palette_lists_our_themes_before_the_built_in_ones(tmp_path: Path) -> None:
    own = config_dir() / "themes"
    own.mkdir(parents=True)
    (own / "my-shop.toml").write_text('name = "my-shop"\nprimary = "#1F6FB2"\n')
    app = make_app(db=str(tmp_path / "a.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_change_theme()

        def listed() -> list[str]:
            found = app.screen.query(CommandList)
            if not isinstance(app.screen, CommandPalette) or not found:
                return []
            commands = found.first()
            return [
                str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
            ]

        await wait_until(
            pilot, lambda: len(listed()) == len(app.available_themes), "every theme is listed"
        )
        names = listed()
        ours = [*BUNDLED, "my-shop"]
        assert names[: len(ours)] == ours
        assert "textual-dark" in names[len(ours) :]
        await pilot.press(*"segdesk-light", "enter")
        await wait_until(pilot, lambda: app.theme == "segdesk-light", "the theme is applied")
    assert load_settings()["theme"] == "segdesk-light"  # chosen in the palette: remembered
