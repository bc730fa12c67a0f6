"""Building rules: what the rule builder asks beyond a count (``ws.segments.count_rule``).

The fields and models a rule can name (to read the text form as it is typed), the values a
field already holds (for completion), and who a changed rule would bring in and drop before
it is saved. The domain code loads when first used, as the segments facade's does.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from segdesk.rules import FieldCatalog
    from segdesk.rules.field_values import FieldValue
    from segdesk.segments.preview import ChangePreview


class Building:
    """Reading only: nothing here writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def catalog(self) -> FieldCatalog:
        """The fields and models of this database, to parse rules against."""
        from segdesk.rules import FieldCatalog

        with self._engine.connect() as conn:
            return FieldCatalog.from_connection(conn)

    def field_values(self, field: str, typed: str = "", limit: int = 20) -> list[FieldValue]:
        """The values a text or category field holds that contain ``typed``, most held first
        (an empty list for other types)."""
        from segdesk.rules import FieldCatalog
        from segdesk.rules.field_values import field_values

        with self._engine.connect() as conn:
            return field_values(conn, FieldCatalog.from_connection(conn), field, typed, limit)

    def preview_change(self, name: str, rule_text: str, today: date | None = None) -> ChangePreview:
        """Who would join and leave segment ``name`` if its rule became ``rule_text``."""
        from segdesk.segments.preview import preview_change

        with self._engine.connect() as conn:
            return preview_change(conn, name, rule_text, today=today or date.today())
