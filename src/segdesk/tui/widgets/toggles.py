"""Radio buttons and check boxes whose state shows in the glyph, not only in its colour.

Textual draws the same mark for on and off and tells them apart by colour, which a 16-colour
terminal, `NO_COLOR` or a colour-blind user loses. Screens use these instead of Textual's.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import widgets
from textual.binding import Binding
from textual.content import Content
from textual.strip import Strip
from textual.widgets.option_list import OptionDoesNotExist


class RadioButton(widgets.RadioButton):
    """`( )` off, `(•)` on."""

    MARKS = ("( )", "(•)")

    @property
    def _button(self) -> Content:
        return Content.styled(self.MARKS[self.value], self.get_visual_style("toggle--button"))


class Checkbox(widgets.Checkbox):
    """`[ ]` off, `[x]` on."""

    MARKS = ("[ ]", "[x]")

    @property
    def _button(self) -> Content:
        return Content.styled(self.MARKS[self.value], self.get_visual_style("toggle--button"))


class CheckList(widgets.SelectionList[str]):
    """A list of check boxes, `[ ]` off and `[x]` on; space or enter ticks the highlighted one,
    `j` and `k` move as the arrows do.

    Textual's selection list draws the same `X` for both and tells them apart by colour.
    """

    MARKS = ("[ ]", "[x]")
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="checklist.down"),
        Binding("k", "cursor_up", "Up", show=False, id="checklist.up"),
    ]

    def render_line(self, y: int) -> Strip:
        line = widgets.OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            value = self.get_option_at_index(index).value
        except OptionDoesNotExist:
            return line
        ticked = value in self.selected
        base = next(iter(line)).style or self.rich_style
        mark = Style(bold=ticked, meta={"option": index})
        return Strip([Segment(self.MARKS[ticked] + " ", base + mark), *line])
