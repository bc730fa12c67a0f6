"""The tour of the workflow in `?`: Import → Build → Document → Review → Export, a line or two
each, naming the keys that do it as they are now (a keymap may have moved them)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from segdesk.tui.key_names import key_markup
from segdesk.tui.keymap import declared_bindings

if TYPE_CHECKING:
    from segdesk.tui.app import SegdeskApp

TOUR = (
    ("Import", "{app.import}: choose a file, match its columns, try a dry run, then import"),
    (
        "Build",
        "{app.segments}, then {segments.new} for a new segment from rules or "
        "{segments.edit} to change one; {app.models} runs RFM and lifecycle",
    ),
    (
        "Document",
        "{app.segments}, then {segments.document} fills in a segment's playbook: its goal, "
        "owner and next review",
    ),
    ("Review", "{app.overlap}: how segments overlap; {app.stability}: how steady they are"),
    (
        "Export",
        "{app.export}: lists for a spreadsheet, Mailchimp or HubSpot; {export.playbook} "
        "there writes a playbook",
    ),
)
"""Each step with its text; ``{binding.id}`` stands for the keys of that binding."""

_KEY = re.compile(r"\{([\w.]+)\}")


def tour(app: SegdeskApp) -> list[tuple[str, str]]:
    """Each step and its text as content markup, the keys in bold."""
    bindings = declared_bindings()
    return [
        (step, _KEY.sub(lambda found: key_markup(app, bindings[found[1]]), text))
        for step, text in TOUR
    ]
