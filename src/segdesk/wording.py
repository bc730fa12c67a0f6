"""Counts in words, shared by the command line and the app: ``1 contact``, ``3 contacts``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segdesk.ingest.history import UndoReport


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``1,200 rows``; ``plural`` for nouns that do not just take an ``s``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


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
