"""A segment in full (``ws.segments.detail``): values to read, and the JSON `show` prints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from segdesk.workspace import Workspace
from tests.segments.conftest import TODAY

SHOW_KEYS = [
    "name",
    "kind",
    "status",
    "count",
    "version",
    "refreshed_at",
    "scheme",
    "rule",
    "english",
    "source",
    "versions",
    "pins",
    "playbook",
]


def test_values_and_their_json(ws: Workspace) -> None:
    ws.segments.create("US", 'country = "US"', today=TODAY, reason="launch")
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE segment SET goal = 'grow', next_review = '2025-04-01'"))
    pin = ws.segments.pin("US", "C002", "exclude", note="asked")
    detail = ws.segments.detail("us")
    assert (detail.info.name, detail.info.rule, detail.source) == ("US", 'country = "US"', None)
    assert detail.english == "country is US"
    assert [v.reason for v in detail.versions] == ["launch"]
    assert detail.pins == (pin,)
    assert detail.playbook == {"goal": "grow", "next_review": dt.date(2025, 4, 1)}
    shown = detail.to_json()
    assert list(shown) == SHOW_KEYS
    assert shown["playbook"] == {"goal": "grow", "next_review": "2025-04-01"}
    assert shown["pins"] == [pin.to_json()]
    assert shown["versions"][0]["created_at"] == detail.versions[0].created_at.isoformat()


def test_a_static_list_says_where_it_came_from(ws: Workspace) -> None:
    ws.segments.create("US", 'country = "US"', today=TODAY)
    ws.segments.create_static("US list", from_segment="US")
    detail = ws.segments.detail("US list")
    assert detail.source == {"from": "segment", "segment": "US"}
    assert detail.english is None and detail.to_json()["source"] == detail.source
