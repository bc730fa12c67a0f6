"""Counts in words, shared by the command line, the app and the playbooks: ``1 contact``,
``3 contacts``; and a trend of counts as a line of bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segdesk.ingest.history import UndoReport


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``1,200 rows``; ``plural`` for nouns that do not just take an ``s``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


SCHEME_TITLES = {"rfm": "RFM", "lifecycle": "Lifecycle"}
"""How the models' schemes are named on screen; the CLI and the JSON say ``rfm``, ``lifecycle``."""

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int], width: int) -> str:
    """The last ``width`` values as bars from the lowest to the highest of them; a level line
    when they are all the same, nothing when there are none."""
    shown = list(values)[-width:] if width > 0 else []
    if not shown:
        return ""
    low, high = min(shown), max(shown)
    if high == low:
        return BARS[3] * len(shown)
    top = len(BARS) - 1
    return "".join(BARS[round((v - low) * top / (high - low))] for v in shown)


def undo_summary(result: UndoReport) -> str:
    """What undoing an import did, naming only what it changed."""
    removed = [
        count(n, noun)
        for n, noun in ((result.contacts_removed, "contact"), (result.events_removed, "event"))
        if n
    ]
    done = ["removed " + " and ".join(removed)] if removed else []
    restored = [
        count(n, noun)
        for n, noun in ((result.contacts_restored, "contact"), (result.orders_restored, "order"))
        if n
    ]
    if restored:
        done.append(f"gave {' and '.join(restored)} their previous values back")
    said = ", and ".join(done) if done else "it had changed nothing"
    refreshed = result.segments_refreshed
    after = f" {count(refreshed, 'segment')} brought up to date." if refreshed else ""
    if result.segments_problem is not None:
        after = f" Segments were not refreshed: {result.segments_problem}."
    return f"Undid import {result.batch_id}: {said}.{after}"
