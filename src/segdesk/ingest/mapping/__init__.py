"""Which column of a file fills which field: suggestions from header names, user overrides.

``columns`` holds the types (``ColumnMapping``, ``Mapping``); ``targets`` the fields a file can
fill and ``custom_names`` the rules for naming the others; ``aliases`` the header names each
field is known by, which ``suggest`` uses for a first mapping; ``map_syntax`` reads a user's
``--map SOURCE=FIELD`` changes; ``describe`` puts a column's type in words. Names with a leading
underscore are shared by these modules only.
"""

from __future__ import annotations

from segdesk.ingest.mapping.columns import ColumnMapping, Mapping
from segdesk.ingest.mapping.custom_names import custom_field_name
from segdesk.ingest.mapping.describe import date_writing, describe_type
from segdesk.ingest.mapping.suggest import suggest_for_shape, suggest_mapping
from segdesk.ingest.mapping.targets import CONTACT_TARGETS, EVENT_TARGETS, Target

__all__ = [
    "CONTACT_TARGETS",
    "EVENT_TARGETS",
    "ColumnMapping",
    "Mapping",
    "Target",
    "custom_field_name",
    "date_writing",
    "describe_type",
    "suggest_for_shape",
    "suggest_mapping",
]
