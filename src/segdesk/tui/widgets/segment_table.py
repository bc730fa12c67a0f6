"""The segments with their people, share of all contacts and kind, as the home screen lists
them; Enter opens one. Imported only once there are segments to show: the table is not part
of the first paint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

if TYPE_CHECKING:
    from segdesk.segments.lookup import SegmentInfo

SCHEME_LABELS = {"rfm": "RFM", "lifecycle": "lifecycle"}


class SegmentTable(DataTable[str | Text]):
    """Enter posts `DataTable.RowSelected`; `names` gives the segment's name by row key."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="home.open_segment")]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row")
        self.names: dict[str, str] = {}
        self.add_column("Segment", key="name")
        self.add_column("People", key="people")
        self.add_column("Share", key="share")
        self.add_column("Kind", key="kind")

    def show(self, segments: list[SegmentInfo], contacts: int) -> None:
        """Replace the rows, keeping the cursor where it was as far as the rows allow."""
        row = self.cursor_row
        self.clear()
        self.names = {str(s.id): s.name for s in segments}
        for s in segments:
            people = s.count or 0
            share = f"{people / contacts:.1%}" if contacts else "—"
            figures = (Text(f"{people:,}", justify="right"), Text(share, justify="right"))
            self.add_row(s.name, *figures, kind_label(s), key=str(s.id))
        self.move_cursor(row=min(row, max(len(segments) - 1, 0)))


def kind_label(s: SegmentInfo) -> str:
    """``rule``, ``static`` (the CLI's word), ``RFM``, ``lifecycle``; a status other than
    active is added."""
    label = SCHEME_LABELS.get(s.scheme or "", s.scheme or "model") if s.kind == "model" else s.kind
    return label if s.status == "active" else f"{label}, {s.status}"
