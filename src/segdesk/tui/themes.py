"""Theme files: one TOML file per theme, with the fields of `textual.theme.Theme`.

Keys that are not Theme fields become theme variables, as does a `[variables]` table. A file
that cannot be read or holds a bad colour is collected as a problem, never fatal.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from segdesk.paths import config_dir

DEFAULT_THEME = "segdesk-dark"
ANSI_THEME = "segdesk-ansi"
FEW_COLOURS = {None, "standard", "windows"}
"""Rich's colour systems of 16 colours or fewer (None: no colour at all)."""
THEME_FIELDS = {f.name for f in dataclasses.fields(Theme)}
COLOUR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


def theme_folders() -> list[Path]:
    """Built-in themes first, then the user's own (which may replace a built-in by name)."""
    return [Path(str(resources.files("segdesk.themes"))), config_dir() / "themes"]


def load_themes(folders: Iterable[Path]) -> tuple[list[Theme], list[ThemeProblem]]:
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ThemeFileError as exc:
                problems.append(ThemeProblem(path, str(exc)))
            else:
                themes[theme.name] = theme
    return list(themes.values()), problems


def starting_theme(
    requested: str | None,
    remembered: str | None,
    *,
    color_system: str | None,
    no_color: bool,
    is_ansi: Callable[[str], bool],
) -> str:
    """The theme to start in.

    A theme given this time (`--theme`) always wins. A terminal of 16 colours or fewer, or
    `NO_COLOR`, gets the 16-colour theme even over one remembered from a richer terminal,
    whose colours would come out muddled; a remembered 16-colour theme is kept there.
    """
    if requested:
        return requested
    if no_color or color_system in FEW_COLOURS:
        return remembered if remembered and is_ansi(remembered) else ANSI_THEME
    return remembered or DEFAULT_THEME


class ThemeFileError(Exception):
    pass


def load_theme(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"not valid TOML: {exc}") from exc
    variables = data.pop("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError("'variables' must be a table")
    for key in [k for k in data if k not in THEME_FIELDS]:
        variables[key] = data.pop(key)
    for key in ("name", "primary"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ThemeFileError(f"'{key}' is required")
    for key in COLOUR_FIELDS:
        if key in data:
            _check_colour(key, data[key])
    try:
        return Theme(**data, variables={str(k): str(v) for k, v in variables.items()})
    except (TypeError, ValueError) as exc:
        raise ThemeFileError(str(exc)) from exc


def _check_colour(key: str, value: object) -> None:
    if not isinstance(value, str):
        raise ThemeFileError(f"'{key}' must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"'{key}' is not a colour: {value!r}") from None
