"""The text form of a rule, editable, with the place a parse error points at marked in it.

The parser reports a column (1-based over the whole text); the mark covers the word or the
quoted text starting there, so that the user sees what is wrong where they typed it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import TextArea


@dataclass(frozen=True)
class Span:
    row: int
    start: int
    end: int


def error_span(text: str, column: int | None) -> Span | None:
    """The stretch of ``text`` a 1-based ``column`` points at: a quoted value whole, else
    the word; None when the column lies past the end (the rule ends too early)."""
    if column is None or not 1 <= column <= len(text):
        return None
    offset = column - 1
    row = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    start = offset - line_start
    end = start + 1
    if line[start] in "\"'":
        closing = line.find(line[start], start + 1)
        end = len(line) if closing < 0 else closing + 1
    elif line[start] not in "()":
        while end < len(line) and not line[end].isspace() and line[end] not in "(),":
            end += 1
    return Span(row, start, end)


class RuleText(TextArea):
    """A soft-wrapping text area whose tab moves on, with :meth:`mark_error`."""

    COMPONENT_CLASSES = {"rule-text--error"}
    DEFAULT_CSS = """
    RuleText > .rule-text--error {
        background: $error 45%;
        text-style: bold underline;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", id=id)
        self.error: Span | None = None

    def mark_error(self, column: int | None) -> None:
        """Mark where a parse error is (None: no error, or none to point at)."""
        span = error_span(self.text, column)
        if span == self.error:
            return
        self.error = span
        # TextArea caches rendered lines by what it knows changes them; the mark is not
        # among those, so the cache goes (its documented hook for styling is get_line).
        self._line_cache.clear()
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        error = self.error
        if error is not None and error.row == line_index:
            style = self.get_component_rich_style("rule-text--error", partial=True)
            line.stylize(style, error.start, error.end)
        return line
