"""One step of the workflow on the home screen: a titled box with a few figures.

A figure is shown exactly while its line fits the card, else compact (``1.2k``, ``125k``,
``1.2M``), else in whole units (``1k``, ``2M``). A card holds 13 characters at 80 columns, so
people and orders stay exact below 100,000 there, and a wider terminal shows more exact
figures. At 80 columns words of up to 8 characters fit beside any count below a trillion,
and words of 9 beside any below 99,500 (``99k snapshots``).
"""

from __future__ import annotations

from textual.events import Resize
from textual.widgets import Static

Figure = tuple[int, str]
"""A count and the words after it (``(3011, "people")``)."""


class StepCard(Static):
    def __init__(self, title: str, *, id: str) -> None:
        super().__init__("…", id=id)
        self.border_title = title
        self._figures: tuple[Figure, ...] = ()

    def show(self, *figures: Figure) -> None:
        self._figures = figures
        self._fill()

    def on_resize(self, _event: Resize) -> None:
        self._fill()

    def _fill(self) -> None:
        if self._figures:
            width = self.content_size.width
            self.update("\n".join(card_line(n, words, width) for n, words in self._figures))


def card_line(value: int, words: str, width: int) -> str:
    """``value words`` in ``width`` characters: the value exact, compact or in whole units,
    the first that fits (exact while the width is not known yet)."""
    line = f"{value:,} {words}"
    for shown in (compact(value), compact(value, whole=True)):
        if 0 < width < len(line):
            line = f"{shown} {words}"
    return line


UNITS = (("k", 10**3), ("M", 10**6), ("B", 10**9))


def compact(value: int, whole: bool = False) -> str:
    """At most four characters: 999, then 1.2k, 12k, 125k, 1.2M, 12M, 125M, 1.2B, ...;
    ``whole`` leaves out the decimal (1k, 2M) for at most three below 100 of a unit."""
    if value < 1000:
        return str(value)
    for unit, size in UNITS:
        scaled = value / size
        if not whole and round(scaled, 1) < 10:
            return f"{scaled:.1f}{unit}"
        if round(scaled) < 1000:
            return f"{round(scaled)}{unit}"
    return f"{round(value / 10**9)}B"
