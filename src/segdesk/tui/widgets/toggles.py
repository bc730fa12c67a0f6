"""Radio buttons and check boxes whose state shows in the glyph, not only in its colour.

Textual draws the same mark for on and off and tells them apart by colour, which a 16-colour
terminal, `NO_COLOR` or a colour-blind user loses. Screens use these instead of Textual's.
"""

from __future__ import annotations

from textual import widgets
from textual.content import Content


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
