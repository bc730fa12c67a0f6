"""The footer, leaving out the "^p palette" hint when the screen's keys need its room.

Textual docks the hint on the right over the keys, so at 80 columns the last keys of a busy
screen ran under it ("q Qui▏^p palette"). The keys matter more: `?` lists them and the
palette is in the help, so the hint goes when they would not fit beside it. When even the
screen's own keys do not fit, the keys to other screens go next, last first: they are the
same on every screen, and `?` and the palette list them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events, widgets
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult

# Cells around a key and its description, as Textual's footer CSS lays them out: normal
# " key description ", compact "key description" and a space after it; the palette hint
# adds its left border and (normal) its right padding.
KEY_EXTRA = {False: 3, True: 2}
PALETTE_EXTRA = {False: 5, True: 2}


SCREEN_KEY_ACTION = "switch_mode("
"""How the keys to other screens begin their action (``tui.screen_registry``)."""


class Footer(widgets.Footer):
    def compose(self) -> ComposeResult:
        self.set_reactive(widgets.Footer.show_command_palette, self._palette_fits())
        items = list(super().compose())
        keys = [
            item
            for item in items
            if isinstance(item, FooterKey) and "-command-palette" not in item.classes
        ]
        room = self.size.width or self.app.size.width
        used = sum(self._key_width(key) for key in keys)
        dropped = 0
        for key in reversed(keys):
            if used <= room:
                break
            if key.action.startswith(SCREEN_KEY_ACTION):
                items.remove(key)
                used -= self._key_width(key)
                dropped += 1
        if dropped:
            self.styles.grid_size_columns = max(1, len(keys) - dropped)
        yield from items

    def _key_width(self, key: FooterKey) -> int:
        return cell_len(key.key_display) + cell_len(key.description) + KEY_EXTRA[self.compact]

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
