"""How many people the rule being built finds, and whether that figure is current.

The count runs in a worker while the user goes on typing. A figure of an older rule is
shown with "≈" and "(updating…)", dimmed, until the new one arrives; it is never shown as if
it were current. A rule that does not parse keeps the last figure, marked the same way.
"""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

from segdesk.wording import count as counted


class LiveCount(Static):
    DEFAULT_CSS = """
    LiveCount.-stale {
        color: $text-muted;
        text-style: italic;
    }
    LiveCount.-failed {
        color: $error;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Loading…", id=id)
        self.figure: int | None = None
        """The last count that arrived, of whatever rule."""
        self.total: int | None = None
        self.is_stale = True

    def no_rule(self) -> None:
        self._show("Add a condition: the people it finds are counted here.", stale=False)

    def updating(self) -> None:
        self._show(self._last("updating…"), stale=True)

    def invalid(self) -> None:
        self._show(self._last("the rule has an error"), stale=True)

    def current(self, figure: int, total: int | None) -> None:
        self.figure, self.total = figure, total
        share = f" · {figure / total:.1%} of {total:,}" if total else ""
        self._show(f"[b]{counted(figure, 'person', 'people')}[/b]{share}", stale=False)

    def failed(self, message: str) -> None:
        self._show(f"Cannot count: {escape(message)}", stale=True, failed=True)

    def _last(self, why: str) -> str:
        if self.figure is None:
            return "Counting…" if why == "updating…" else f"Not counted: {why}"
        return f"≈ {counted(self.figure, 'person', 'people')} ({why})"

    def _show(self, text: str, *, stale: bool, failed: bool = False) -> None:
        self.is_stale = stale
        self.set_class(stale, "-stale")
        self.set_class(failed, "-failed")
        self.update(text)
