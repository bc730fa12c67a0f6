"""Messages screens send to the app."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """The database's contacts or events changed (an import, an undo): figures are stale.

    Screens showing figures reload when they are next shown.
    """
