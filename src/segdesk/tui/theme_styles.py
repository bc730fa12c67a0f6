"""Rich styles in the current theme's colours, for text built with Rich (tables, diffs).

A theme names colours as Textual reads them (``ansi_yellow`` in the 16-colour theme), which
Rich does not parse: they go through Textual's `Color` first.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.app import App
from textual.color import Color


def theme_style(app: App[Any], variable: str, *, bold: bool = False) -> Style:
    """``variable`` (``error``, ``success``, ``accent``...) of the current theme as a style;
    a plain (bold) style when the theme has no such colour."""
    value = app.theme_variables.get(variable)
    colour = Color.parse(value).rich_color if value else None
    return Style(color=colour, bold=bold or None)
