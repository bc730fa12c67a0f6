"""The keys of a binding in effect, as the footer writes them, for text that names them: the
home screen's first-run offer, the tour in `?`. A user's keymap moves keys; text that said a
key of its own would then send them to the wrong one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.markup import escape

if TYPE_CHECKING:
    from segdesk.tui.app import SegdeskApp


def keys_in_effect(app: SegdeskApp, binding: Binding) -> str:
    """``binding``'s keys (its own, or the user keymap's for its id), written as the footer
    writes them and joined with "or": ``?``, ``ctrl+o or f2``."""
    mapped = app.user_keymap.get(binding.id or "")
    keys = mapped or binding.key
    display = None if mapped else binding.key_display
    shown = (app.get_key_display(binding.with_key(key.strip(), display)) for key in keys.split(","))
    return " or ".join(dict.fromkeys(shown))


def app_binding(app: SegdeskApp, binding_id: str) -> Binding:
    """The app's own binding ``binding_id`` (a screen's key, help, quit) as declared."""
    return next(b for b in Binding.make_bindings(app.BINDINGS) if b.id == binding_id)


def key_markup(app: SegdeskApp, binding: Binding) -> str:
    """`keys_in_effect` in bold, escaped for content markup (``[`` is a key too)."""
    return f"[b]{escape(keys_in_effect(app, binding))}[/b]"
