"""The footer, leaving out the "^p palette" hint when the screen's keys need its room.

Textual docks the hint on the right over the keys, so at 80 columns the last keys of a busy
screen ran under it ("q Qui▏^p palette"). The keys matter more: `?` lists them and the
palette is in the help, so the hint goes when they would not fit beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events, widgets

if TYPE_CHECKING:
    from textual.app import ComposeResult

# Cells around a key and its description, as Textual's footer CSS lays them out: normal
# " key description ", compact "key description" and a space after it; the palette hint
# adds its left border and (normal) its right padding.
KEY_EXTRA = {False: 3, True: 2}
PALETTE_EXTRA = {False: 5, True: 2}


class Footer(widgets.Footer):
    def compose(self) -> ComposeResult:
        self.set_reactive(widgets.Footer.show_command_palette, self._palette_fits())
        yield from super().compose()

    def on_resize(self, _event: events.Resize) -> None:
        if self._bindings_ready and self._palette_fits() != self.show_command_palette:
            self.refresh(recompose=True)

    def _palette_fits(self) -> bool:
        app, compact = self.app, self.compact
        shown: dict[str, int] = {}
        palette = 0
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            width = cell_len(app.get_key_display(binding)) + cell_len(binding.description)
            if binding.key == app.COMMAND_PALETTE_BINDING:
                palette = width + PALETTE_EXTRA[compact]
            elif binding.show:
                shown.setdefault(binding.action, width + KEY_EXTRA[compact])
        width = self.size.width or app.size.width
        return sum(shown.values()) + palette <= width
