"""A segment in full, as ``segment show`` prints it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from segdesk.rules import FieldCatalog, to_english
from segdesk.segments.lookup import (
    PLAYBOOK_FIELDS,
    find_segment,
    segment_info,
    stored_rule,
    versions,
)
from segdesk.segments.pins import pins_of


def segment_detail(conn: Connection, name: str) -> dict[str, Any]:
    """Everything ``segment show`` prints: the list entry, the rule in text and English, the
    versions, the pins and the playbook."""
    row = find_segment(conn, name)
    detail = segment_info(conn, row).to_json()
    rule = stored_rule(row)
    detail["rule"] = row.rule_text
    detail["english"] = (
        to_english(rule, FieldCatalog.from_connection(conn)) if rule is not None else None
    )
    detail["source"] = (row.definition or {}).get("static") if row.kind == "static" else None
    detail["versions"] = [v.to_json() for v in versions(conn, row.id)]
    detail["pins"] = [p.to_json() for p in pins_of(conn, row.id)]
    detail["playbook"] = {
        f: (v.isoformat() if isinstance(v, dt.date) else v)
        for f in PLAYBOOK_FIELDS
        if (v := row._mapping[f]) not in (None, [], "")
    }
    return detail
