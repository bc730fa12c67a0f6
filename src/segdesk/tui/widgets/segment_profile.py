"""One segment beside everyone: its figures in two columns, then what sets it apart.

Plain Rich tables of words and figures, bold headings and no colour of their own, so that
they read the same in the 16-colour theme; at 80 columns a long value wraps inside its
column and the page around it scrolls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from segdesk.analysis.profiles import SegmentProfile

LOADING = "Reading the profile…"


class SegmentProfileView(Static):
    """Shows a `SegmentProfile` given to `show`; ``Reading the profile…`` until then."""

    DEFAULT_CSS = """
    SegmentProfileView {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(LOADING, id=id)
        self.profile: SegmentProfile | None = None

    def show(self, profile: SegmentProfile) -> None:
        self.profile = profile
        self.update(rendered(profile))

    def failed(self) -> None:
        self.update("The profile could not be read.")


def rendered(profile: SegmentProfile) -> RenderableType:
    from segdesk.analysis.profiles import APART_RULE, comparison_rows, percent

    figures = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    figures.add_column("", no_wrap=True)
    figures.add_column("This segment", justify="right", no_wrap=True)
    figures.add_column("Everyone", justify="right", no_wrap=True)
    for row in comparison_rows(profile):
        figures.add_row(*row)
    parts: list[RenderableType] = [
        figures,
        Text(f"Orders up to {profile.today}; median days over the people with orders.", "dim"),
        Text(""),
    ]
    if not profile.apart:
        parts.append(Text("Nothing sets it apart: no value is much more common in it."))
        return Group(*parts)
    apart = Table(title="What sets it apart", title_justify="left", box=None, padding=(0, 2, 0, 0))
    apart.title_style = "bold"
    apart.header_style = "bold"
    apart.add_column("")
    apart.add_column("This segment", justify="right", no_wrap=True)
    apart.add_column("Everyone", justify="right", no_wrap=True)
    apart.add_column("Times", justify="right", no_wrap=True)
    for s in profile.apart:
        apart.add_row(
            s.what,
            f"{percent(s.share)} ({s.count:,})",
            f"{percent(s.everyone_share)} ({s.everyone_count:,})",
            f"{s.lift:.1f}x",
        )
    parts += [apart, Text(APART_RULE, "dim")]
    return Group(*parts)
