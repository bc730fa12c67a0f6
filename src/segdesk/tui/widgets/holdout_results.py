"""Test against control on a segment's page: for each export of the segment that kept a
holdout, how the people sent the list and the people held back ordered after it.

A plain Rich table, like the profile beside it: words and figures, no colour of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from segdesk.publish.holdout import HoldoutResponse

GROUPS = (("test", "Sent (test)"), ("control", "Held back (control)"))


def rendered(results: Sequence[HoldoutResponse]) -> RenderableType:
    """One row per group of each export, the newest export first."""
    from segdesk.analysis.profiles import figure, money

    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    table.add_column("Exported", no_wrap=True)
    table.add_column("Group", no_wrap=True)
    for title in ("People", "Buyers", "Orders/person", "Revenue/person"):
        table.add_column(title, justify="right", no_wrap=True)
    for result in results:
        day = f"{result.exported_at:%Y-%m-%d}"
        for key, label in GROUPS:
            group = result.test if key == "test" else result.control
            table.add_row(
                day if key == "test" else "",
                label,
                f"{group.people:,}",
                f"{group.buyers:,}",
                figure(group.orders_per_person, 2),
                money(group.revenue_per_person),
            )
    note = Text("Orders that count, placed after the export.", "dim")
    return Group(table, note)
