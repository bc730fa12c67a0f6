"""Screens that the segments screens open by key but do not import: each is found by its
``module:Class`` path when first opened, as the screen registry finds the screens of modes."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

BUILDER = "segdesk.tui.screens.segment_builder:SegmentBuilderScreen"
"""New (no name) and edit (a segment's name)."""
PLAYBOOK_FORM = "segdesk.tui.screens.playbook_form:PlaybookFormScreen"
"""A segment's playbook, by the segment's name."""


def make_screen(path: str, *args: object) -> Screen:
    module, name = path.split(":")
    screen: Screen = getattr(import_module(module), name)(*args)
    return screen


PLAYBOOK_PREVIEW = "segdesk.tui.screens.playbook_preview:PlaybookPreviewScreen"
"""A segment's or a scheme's playbook as it would be exported, by name."""

EXPORT = "segdesk.tui.screens.export:ExportScreen"
"""Export, with the segments named (a tuple) ticked."""
