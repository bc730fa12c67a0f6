"""A rule error as the command line prints it.

The first line holds the whole message and the column, so that a log, a pipe or a script
keeps all there is to know in one line. At a terminal the rule follows, with a caret under the
column: drawn into a file, it would only be noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

if TYPE_CHECKING:
    from segdesk.rules import RuleError

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""What ``str.splitlines`` breaks at: shown escaped, so that the message stays one line."""
_ESCAPED = {ord(c): c.encode("unicode_escape").decode("ascii") for c in LINE_BREAKS}
INDENT = "  "


def rule_error_lines(
    error: RuleError, text: str | None, *, terminal: bool, width: int = 80
) -> list[str]:
    """The lines to print for ``error`` in the rule ``text``: the message alone, or at a
    terminal (``terminal``) also the rule, cut around the column to ``width``, and a caret."""
    first = f"segdesk: error: {str(error).translate(_ESCAPED)}"
    if not terminal or not text or error.column is None or any(c in text for c in LINE_BREAKS):
        return [first]
    shown, at = _excerpt(text.replace("\t", " "), error.column - 1, width - 2 * len(INDENT))
    return [first, INDENT + shown, INDENT + " " * cell_len(shown[:at]) + "^"]


def _excerpt(text: str, at: int, room: int) -> tuple[str, int]:
    """``text`` cut to about ``room`` characters around index ``at``, with ``…`` where it was
    cut, and where ``at`` is in the cut text."""
    if len(text) <= room:
        return text, at
    start = max(0, min(at - room // 2, len(text) - room + 1))
    end = start + room - 1
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    if head and tail:
        end -= 1
    return head + text[start:end] + tail, at - start + len(head)
