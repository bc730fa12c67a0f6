"""The builder's outline: the rule's groups and conditions, one per line, indented.

Groups read "All of these" (and) or "Any of these" (or); conditions read in plain English, so
that the outline says what the text form beside it means. Each line knows its path in the
outline, and the cursor is put back on the same node after each change.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from segdesk.rules import Not, Rule
from segdesk.tui.rule_outline import Condition, Group, Path, Row, rows

GROUP_WORDS = {
    ("and", False): "All of these",
    ("or", False): "Any of these",
    ("and", True): "Not all of these",
    ("or", True): "None of these",
}
INDENT = "  "


def path_id(path: Path) -> str:
    return "node-" + "-".join(map(str, path))


class RuleOutline(OptionList):
    """An option list of the outline's rows; ``paths`` maps each line back to its node."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paths: list[Path] = []

    def show(self, root: Group, describe: Callable[[Rule], str], cursor: Path) -> None:
        shown = rows(root)
        self.paths = [row.path for row in shown]
        self.set_options(Option(_line(row, describe), id=path_id(row.path)) for row in shown)
        self.highlighted = self.paths.index(cursor) if cursor in self.paths else 0

    @property
    def cursor(self) -> Path:
        """The path of the highlighted line (the top group when nothing is)."""
        index = self.highlighted
        return self.paths[index] if index is not None and index < len(self.paths) else ()


def _line(row: Row, describe: Callable[[Rule], str]) -> Table:
    """The row's words after its indent and mark; a long condition wraps under its words,
    not under the mark, so that the outline's shape stays readable."""
    node = row.node
    if isinstance(node, Group):
        words = GROUP_WORDS[(node.kind, node.negated)]
        mark, text = "▾ ", Text.assemble((words, "bold"), (f" ({node.kind})", "dim"))
        if not node.items:
            text.append(" · empty: press a to add a condition", "dim italic")
    else:
        assert isinstance(node, Condition)
        rule = Not(node.rule) if node.negated else node.rule
        mark, text = "• ", Text(describe(rule))
    grid = Table.grid()
    grid.add_column(width=len(INDENT) * row.depth + len(mark), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(INDENT * row.depth + mark, text)
    return grid
