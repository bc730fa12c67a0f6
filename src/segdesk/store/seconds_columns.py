"""Which columns hold times as seconds since 1970 (``store.utc_seconds``), by table.

Kept apart from the table models so that code running before SQLAlchemy is loaded (the
demo's date shift) can name them too; a test holds it to the models.
"""

from __future__ import annotations

SECONDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("occurred_at",),
    "order_line": ("occurred_at",),
    "order_summary": ("first_at", "last_at"),
}
