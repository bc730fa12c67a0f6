"""Every segment beside all contacts, one row each, and under the table what sets the
highlighted segment apart, in sentences.

The figures are those of a segment's own profile (``analysis.profiles``), in the same words;
the table scrolls sideways (the names stay) and down within the page at 80x24, and the
sentences wrap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, ProgressBar, Static

if TYPE_CHECKING:
    from segdesk.analysis.profiles import Figures, ProfileTable, SegmentProfile

COLUMNS = (
    "segment",
    "people",
    "of all",
    "revenue",
    "of revenue",
    "avg order",
    "orders each",
    "days since order",
    "subscribed",
    "unsubscribed",
    "consent unknown",
)
EVERYONE = "All contacts"
NAME_WIDTH = 24
"""Characters of a segment's name in the table; the sentences under it give it whole."""


class ProfileTableView(Vertical):
    """Shows a `ProfileTable` given to `show`; `progress` moves its bar until then."""

    DEFAULT_CSS = """
    ProfileTableView {
        height: auto;
    }
    ProfileTableView DataTable {
        height: auto;
        max-height: 14;
        margin: 1 0 0 0;
    }
    ProfileTableView #profile-apart {
        margin: 1 0 0 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profiles: ProfileTable | None = None
        self._apart_row = -1

    def compose(self) -> ComposeResult:
        yield Static("Profiles", classes="section-title")
        yield Static(id="profiles-status", classes="muted")
        yield ProgressBar(total=None, show_eta=False, id="profiles-progress")
        yield DataTable(id="profile-table", cursor_type="cell", fixed_columns=1, zebra_stripes=True)
        yield Static(id="profile-apart")

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#profile-table", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns(
            *(Text(c, justify="left" if i == 0 else "right") for i, c in enumerate(COLUMNS))
        )
        self.working()

    def working(self, done: int = 0, total: int | None = None, label: str = "") -> None:
        """Say the profiles are being worked out, with how far along."""
        self.profiles = None
        self.table.display = False
        self.query_one("#profile-apart", Static).update("")
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=total, progress=done)
        reading = f" (read: {label})" if label else ""
        self.query_one("#profiles-status", Static).update(
            "Working out each segment beside all contacts: revenue, orders, consent and what "
            f"sets it apart{reading}… the matrix above works meanwhile."
        )

    def stopped(self, said: str) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#profiles-status", Static).update(said)

    def show(self, profiles: ProfileTable) -> None:
        self.profiles = profiles
        self.query_one(ProgressBar).display = False
        table = self.table
        table.clear()
        table.display = True
        if not profiles.profiles:
            self.stopped("No active segments to profile yet.")
            table.display = False
            return
        self.query_one("#profiles-status", Static).update(
            f"Each active segment beside all contacts, orders up to {profiles.today:%d %b %Y} "
            "(refunds left out). Days since order: the median, over people with orders. "
            "p moves here: ↑↓ pick a segment to see what sets it apart, ←→ the figures."
        )
        table.add_row(*_cells(Text(EVERYONE, style="bold"), profiles.everyone), key="everyone")
        for profile in profiles.profiles:
            table.add_row(*_cells(Text(_name(profile)[:NAME_WIDTH]), profile.segment))
        table.move_cursor(row=1)
        self._show_apart(1)

    @on(DataTable.CellHighlighted, "#profile-table")
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate.row != self._apart_row:
            self._show_apart(event.coordinate.row)

    def _show_apart(self, row: int) -> None:
        from segdesk.analysis.profiles import APART_RULE

        shown = self.query_one("#profile-apart", Static)
        profiles = self.profiles
        self._apart_row = row
        if profiles is None:
            return
        if row <= 0 or row > len(profiles.profiles):
            shown.update(
                Text(
                    f"All contacts: {profiles.everyone.size:,} people, "
                    f"{profiles.everyone.without_orders:,} of them without orders. "
                    "Pick a segment to see what sets it apart.",
                )
            )
            return
        profile = profiles.profiles[row - 1]
        text = Text()
        text.append(_name(profile), style="bold")
        if not profile.apart:
            text.append(": nothing sets it apart; no value is much more common in it.")
        else:
            text.append(" stands apart by:")
            for standout in profile.apart:
                text.append(f"\n• {standout.sentence()}")
            text.append(f"\n{APART_RULE}", style="dim")
        shown.update(text)


def _name(profile: SegmentProfile) -> str:
    return f"{profile.scheme}: {profile.name}" if profile.scheme else profile.name


def _cells(name: Text, f: Figures) -> list[Text]:
    from segdesk.analysis.profiles import figure, money, percent

    def share(n: int) -> str:
        return percent(n / f.size) if f.size else percent(None)

    figures = (
        f"{f.size:,}",
        percent(f.share),
        money(f.revenue),
        percent(f.revenue_share),
        money(f.average_order_value),
        figure(f.orders_per_person),
        figure(f.median_days_since_last_order),
        share(f.consent.subscribed),
        share(f.consent.unsubscribed),
        share(f.consent.unknown),
    )
    return [name, *(Text(v, justify="right") for v in figures)]
