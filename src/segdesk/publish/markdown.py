"""A playbook document as Markdown (CommonMark with GitHub's tables).

Every piece of user text is escaped, so that a goal holding ``<script>`` or ``*`` shows as
typed instead of becoming markup, and a ``|`` cannot split a table cell. A rule is a fenced
block, kept exactly.
"""

from __future__ import annotations

import re

from segdesk.publish.document import (
    Block,
    Bullets,
    Code,
    Document,
    Fields,
    Paragraph,
    Part,
    Table,
    Trend,
)
from segdesk.wording import sparkline

TREND_WIDTH = 40
_INLINE = re.compile(r"([\\`*_\[\]<|&~])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def to_markdown(document: Document) -> str:
    chunks: list[str] = []
    for number, part in enumerate(document.parts):
        if number:
            chunks.append("---")
        chunks.extend(_part(part, level=1 if number == 0 else 2))
    return "\n\n".join(chunks) + "\n"


def _part(part: Part, level: int) -> list[str]:
    chunks = [f"{'#' * level} {escape(part.title)}"]
    if part.subtitle:
        chunks.append(f"*{escape(part.subtitle)}*")
    for section in part.sections:
        chunks.append(f"{'#' * (level + 1)} {escape(section.title)}")
        chunks.extend(_block(block) for block in section.blocks)
    return chunks


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        text = "  \n".join(escape(line) for line in block.text.splitlines() if line.strip())
        return f"**{escape(block.label)}:** {text}" if block.label else text
    if isinstance(block, Fields):
        return "\n".join(f"- **{escape(label)}:** {escape(value)}" for label, value in block.pairs)
    if isinstance(block, Bullets):
        return "\n".join(
            f"{f'{n}.' if block.numbered else '-'} {escape(item)}"
            for n, item in enumerate(block.items, start=1)
        )
    if isinstance(block, Table):
        rule = [("---:" if i in block.right else "---") for i in range(len(block.header))]
        lines = [_row(block.header), _row(rule, raw=True)]
        lines.extend(_row(row) for row in block.rows)
        return "\n".join(lines)
    if isinstance(block, Code):
        fence = "`" * max(3, _longest_run(block.text, "`") + 1)
        return f"{fence}text\n{block.text}\n{fence}"
    if isinstance(block, Trend):
        return f"**Trend:** `{sparkline(block.values, TREND_WIDTH)}` {escape(block.caption)}"
    raise TypeError(f"no Markdown for {block!r}")


def _row(cells: tuple[str, ...] | list[str], *, raw: bool = False) -> str:
    # A cell is never at the start of a line: only its inline marks need escaping.
    return "| " + " | ".join(cell if raw else escape(cell, at_start=False) for cell in cells) + " |"


def escape(text: str, *, at_start: bool = True) -> str:
    """``text`` on one line, its Markdown and HTML characters escaped with a backslash
    (CommonMark shows the character itself), a line start that would begin a heading, list
    or quote escaped too."""
    one_line = " ".join(text.split())
    escaped = _INLINE.sub(r"\\\1", one_line)
    if not at_start:
        return escaped
    return _LINE_START.sub(lambda m: m[1] + _escape_start(m[2]), escaped)


def _escape_start(mark: str) -> str:
    return f"{mark[:-1]}\\{mark[-1]}" if mark[0].isdigit() else f"\\{mark}"


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)
