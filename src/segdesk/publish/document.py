"""A playbook as plain blocks, before it is Markdown or HTML.

The sections build these blocks and the two renderers (``markdown.py``, ``html.py``) turn
them into text, so that a section is written once for both formats and every piece of user
text passes through the renderer's escaping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``label`` is set in bold before it ("Rule:")."""

    text: str
    label: str | None = None


@dataclass(frozen=True)
class Fields:
    """Labelled values, one a line: "Owner: Maya Chen"."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A header row and rows of text; ``right`` names the columns aligned right (figures)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Code:
    """Text kept exactly as written: a rule."""

    text: str


@dataclass(frozen=True)
class Trend:
    """Sizes, oldest first, drawn as a sparkline, with the words that say what changed."""

    values: tuple[int, ...]
    caption: str


Block = Paragraph | Fields | Bullets | Table | Code | Trend


@dataclass(frozen=True)
class Section:
    """A titled part of a playbook; a section without blocks is left out."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Part:
    """One segment's playbook (``segment`` set), or the opening of a scheme's."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    segment: str | None = None


@dataclass(frozen=True)
class Document:
    """A whole playbook: one part for a segment; an opening and one part per segment for a
    scheme. Each part after the first starts a new page when printed."""

    title: str
    parts: tuple[Part, ...]
    scheme: str | None = None
    """The scheme a scheme's playbook is of."""
    segment_id: int | None = None
    """The segment a segment's playbook is of."""

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(p.segment for p in self.parts if p.segment is not None)


def section(title: str, blocks: Sequence[Block | None]) -> Section | None:
    """A section of the blocks that exist; None (left out) when none does."""
    kept = tuple(b for b in blocks if b is not None)
    return Section(title, kept) if kept else None
