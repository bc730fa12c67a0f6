"""Static lists stay as they were made; pins add and remove contacts from rule segments."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from segdesk.errors import NotFoundError, UserError
from segdesk.workspace import Workspace
from tests.factories import add_contacts
from tests.segments.conftest import TODAY, contacts_frame, members


def us_ids(ws: Workspace) -> set[int]:
    frame = contacts_frame(ws)
    return set(frame[frame["country"].str.strip().str.lower() == "us"]["id"])


def add_american(ws: Workspace, cid: int) -> None:
    add_contacts(ws.engine, [{"id": cid, "email": f"new{cid}@example.com", "country": "US"}])


class TestStatic:
    def test_from_rule_is_frozen(self, ws: Workspace) -> None:
        before = us_ids(ws)
        info = ws.segments.create("US then", 'country = "US"', static=True, today=TODAY)
        add_american(ws, 500)
        result = ws.segments.refresh(today=TODAY)
        assert (info.kind, info.count) == ("static", len(before))
        assert members(ws, "US then") == before
        assert "US then" not in result.counts
        assert ws.segments.detail("US then").source == {"from": "rule", "as_of": "2025-03-01"}

    def test_from_segment_copies_current_members(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        ws.segments.create_static("US list", from_segment="us")
        add_american(ws, 500)
        ws.segments.refresh(today=TODAY)
        assert members(ws, "US list") == us_ids(ws) - {500}
        assert members(ws, "US") == us_ids(ws)

    def test_from_contacts_by_email_external_id_and_id(self, ws: Workspace) -> None:
        info = ws.segments.create_static(
            "Picked", contacts=["PERSON4@example.com", "C005", "id:6", "7", "C005"]
        )
        assert (info.count, members(ws, "Picked")) == (4, {4, 5, 6, 7})

    def test_unknown_contact_refused(self, ws: Workspace) -> None:
        with pytest.raises(NotFoundError, match=r"nobody@example\.com"):
            ws.segments.create_static("Picked", contacts=["C001", "nobody@example.com"])
        assert ws.segments.all() == []

    def test_ambiguous_number_refused(self, ws: Workspace) -> None:
        with ws.engine.begin() as conn:
            conn.execute(text("UPDATE contact SET external_id = '9' WHERE id = 12"))
        with pytest.raises(UserError, match='write "id:9"'):
            ws.segments.create_static("Picked", contacts=["9"])
        assert ws.segments.create_static("Picked", contacts=["id:9"]).count == 1


class TestPins:
    def test_include_and_exclude_override_the_rule(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        us = us_ids(ws)
        outsider = min(set(range(1, 41)) - us)
        insider = min(us)
        ws.segments.pin("US", f"person{outsider}@example.com", "include", note="partner")
        ws.segments.pin("US", f"C{insider:03d}", "exclude")
        assert members(ws, "US") == us  # pins take effect at the next refresh
        ws.segments.refresh("US", today=TODAY)
        assert members(ws, "US") == (us | {outsider}) - {insider}
        ws.segments.unpin("US", f"C{insider:03d}")
        ws.segments.refresh(today=TODAY)
        assert members(ws, "US") == us | {outsider}

    def test_a_new_pin_replaces_the_old(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        ws.segments.pin("US", "C001", "include")
        ws.segments.pin("US", "C001", "exclude")
        assert [(p.contact_id, p.mode) for p in ws.segments.detail("US").pins] == [(1, "exclude")]

    def test_pins_only_on_rule_segments(self, ws: Workspace) -> None:
        ws.segments.create_static("Picked", contacts=["C001"])
        with pytest.raises(UserError, match="pins apply to rule segments only"):
            ws.segments.pin("Picked", "C002", "include")

    def test_unpin_without_pin(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        with pytest.raises(NotFoundError, match="has no pin"):
            ws.segments.unpin("US", "C001")

    def test_pins_of_a_removed_contact_disappear(self, ws: Workspace) -> None:
        """Foreign keys keep a pinned contact from being removed; where they are off (or a
        contact was removed behind the store's back) the pin goes at the next refresh."""
        ws.segments.create("US", 'country = "US"', today=TODAY)
        ws.segments.pin("US", "C040", "include")
        raw = sqlite3.connect(str(ws.engine.url.database))  # foreign keys off by default
        with raw:
            raw.execute("DELETE FROM segment_member WHERE contact_id = 40")
            raw.execute("DELETE FROM event WHERE contact_id = 40")
            raw.execute("DELETE FROM contact WHERE id = 40")
        raw.close()
        ws.segments.refresh(today=TODAY)
        assert ws.segments.detail("US").pins == ()
        assert members(ws, "US") == us_ids(ws)
