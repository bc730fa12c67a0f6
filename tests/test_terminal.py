"""The app's terminal options: colours, mouse and --lite, from the command line or SEGDESK_*."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import textual.constants

from segdesk.cli.main import build_parser, main
from segdesk.cli.terminal import TerminalSettings, terminal_settings
from segdesk.settings import load_settings, save_setting
from segdesk.tui.app import make_app
from tests.cli_runs import run
from tests.tui.helpers import settle

TEXTUAL_VARS = [
    "TEXTUAL_COLOR_SYSTEM",
    "TEXTUAL_ANIMATIONS",
    "TEXTUAL_FPS",
    "TEXTUAL_SMOOTH_SCROLL",
]


def settings(*argv: str, **environ: str) -> TerminalSettings:
    return terminal_settings(build_parser().parse_args(argv), environ)


class TestSettings:
    def test_nothing_given_leaves_textual_to_choose(self) -> None:
        assert settings() == TerminalSettings(color="auto", mouse=True, lite=False)
        assert settings().environment() == {}

    @pytest.mark.parametrize(
        ("color", "system"), [("16", "standard"), ("256", "256"), ("truecolor", "truecolor")]
    )
    def test_each_colour_choice_names_rich_s_colour_system(self, color: str, system: str) -> None:
        assert settings("--color", color).environment() == {"TEXTUAL_COLOR_SYSTEM": system}

    def test_lite_turns_off_animations_smooth_scrolling_and_lowers_the_frame_rate(self) -> None:
        assert settings("--lite").environment() == {
            "TEXTUAL_ANIMATIONS": "none",
            "TEXTUAL_FPS": "15",
            "TEXTUAL_SMOOTH_SCROLL": "0",
        }

    def test_options_work_before_and_after_the_demo_command(self) -> None:
        expected = TerminalSettings(color="16", mouse=False, lite=True)
        assert settings("--color", "16", "--no-mouse", "--lite", "demo") == expected
        assert settings("demo", "--color", "16", "--no-mouse", "--lite") == expected

    def test_the_environment_gives_them_always_and_an_option_wins(self) -> None:
        env = {"SEGDESK_COLOR": "256", "SEGDESK_LITE": "1", "SEGDESK_NO_MOUSE": "1"}
        assert settings(**env) == TerminalSettings(color="256", mouse=False, lite=True)
        assert settings("--color", "auto", **env).color == "auto"
        assert settings(SEGDESK_LITE="0", SEGDESK_NO_MOUSE="") == TerminalSettings()


class TestMistakes:
    def test_a_wrong_colour_names_the_choices(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "demo", "--color", "8")
        assert (code, out) == (2, "")
        assert len(err.splitlines()) == 1 and "--color" in err and "'8'" in err
        assert all(choice in err for choice in ("auto", "16", "256", "truecolor"))

    def test_a_wrong_segdesk_color_is_one_line(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, shop: Path
    ) -> None:
        monkeypatch.setenv("SEGDESK_COLOR", "lots")
        code, out, err = run(capsys, "--db", shop)
        assert (code, out) == (2, "")
        assert err == (
            "segdesk: error: SEGDESK_COLOR is 'lots': expected one of auto, 16, 256, truecolor\n"
        )


def test_the_app_gets_them_before_textual_reads_its_settings(
    monkeypatch: pytest.MonkeyPatch, shop: Path
) -> None:
    """The variables are set before the app module loads, and the mouse goes to App.run."""
    for name in TEXTUAL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    seen: dict[str, Any] = {}

    class App:
        return_code = 0

        def run(self, *, mouse: bool) -> None:
            seen.update(mouse=mouse, env={k: os.environ.get(k) for k in TEXTUAL_VARS})

    monkeypatch.setattr("segdesk.tui.app.make_app", lambda db, theme: App())
    assert main(["--db", str(shop), "--color", "256", "--lite", "--no-mouse"]) == 0
    assert seen == {
        "mouse": False,
        "env": {
            "TEXTUAL_COLOR_SYSTEM": "256",
            "TEXTUAL_ANIMATIONS": "none",
            "TEXTUAL_FPS": "15",
            "TEXTUAL_SMOOTH_SCROLL": "0",
        },
    }


async def test_color_16_starts_in_the_ansi_theme(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On a truecolor terminal (COLORTERM, set for every test), with a theme remembered."""
    save_setting("theme", "segdesk-light")
    system = settings("demo", "--color", "16").environment()["TEXTUAL_COLOR_SYSTEM"]
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    app = make_app(db=str(tmp_path / "a.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "segdesk-ansi"
    assert load_settings()["theme"] == "segdesk-light"
