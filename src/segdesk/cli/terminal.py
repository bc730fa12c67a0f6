"""How the app meets the terminal: its colours, the mouse, and a lighter redraw for slow links.

Textual reads its settings from the environment once, when it is first imported, so these
become environment variables before the app module loads (see docs/terminal.md).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass

from segdesk.cli.common import Parser
from segdesk.errors import UserError

COLOR_CHOICES = ("auto", "16", "256", "truecolor")
COLOR_SYSTEMS = {"16": "standard", "256": "256", "truecolor": "truecolor"}
"""Rich's name of each colour choice; "auto" leaves the choice to Textual."""
LITE_FPS = 15
"""Frames a second under --lite: a quarter of Textual's 60, for a slow SSH link."""
COLOR_ENV, LITE_ENV, NO_MOUSE_ENV = "SEGDESK_COLOR", "SEGDESK_LITE", "SEGDESK_NO_MOUSE"


@dataclass(frozen=True)
class TerminalSettings:
    color: str = "auto"
    mouse: bool = True
    lite: bool = False

    def environment(self) -> dict[str, str]:
        """The Textual variables that carry these settings."""
        env = {}
        if self.color in COLOR_SYSTEMS:
            env["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[self.color]
        if self.lite:
            env |= {
                "TEXTUAL_ANIMATIONS": "none",
                "TEXTUAL_FPS": str(LITE_FPS),
                "TEXTUAL_SMOOTH_SCROLL": "0",
            }
        return env


def terminal_options() -> Parser:
    """The options of the commands that open the app."""
    options = Parser(add_help=False)
    options.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default=argparse.SUPPRESS,
        help=f"colours the terminal shows (default: ${COLOR_ENV}, else auto); "
        "16 starts in the 16-colour theme unless --theme names another",
    )
    options.add_argument(
        "--no-mouse",
        action="store_true",
        default=argparse.SUPPRESS,
        help=f"leave the mouse to the terminal, e.g. to select text (or ${NO_MOUSE_ENV}=1)",
    )
    options.add_argument(
        "--lite",
        action="store_true",
        default=argparse.SUPPRESS,
        help=f"fewer redraws for a slow link: no animations, {LITE_FPS} frames a second, "
        f"no smooth scrolling (or ${LITE_ENV}=1)",
    )
    return options


def terminal_settings(
    args: argparse.Namespace, environ: Mapping[str, str] = os.environ
) -> TerminalSettings:
    """The options given, else the SEGDESK_* variables, else Textual's own choices."""
    color = getattr(args, "color", None) or environ.get(COLOR_ENV) or "auto"
    if color not in COLOR_CHOICES:
        raise UserError(f"{COLOR_ENV} is {color!r}: expected one of {', '.join(COLOR_CHOICES)}")
    return TerminalSettings(
        color=color,
        mouse=not (getattr(args, "no_mouse", False) or _is_on(environ.get(NO_MOUSE_ENV))),
        lite=getattr(args, "lite", False) or _is_on(environ.get(LITE_ENV)),
    )


def _is_on(value: str | None) -> bool:
    """A switch variable: set and not empty, 0, false or no."""
    return (value or "").strip().lower() not in {"", "0", "false", "no"}
