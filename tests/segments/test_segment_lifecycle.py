"""Creating, editing, renaming, retiring, deleting, purging and duplicating segments."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from segdesk.errors import NotFoundError, UserError
from segdesk.rules import RuleError
from segdesk.workspace import Workspace
from tests.segments.conftest import TODAY, contacts_frame, members, orders_frame


def us_ids(ws: Workspace) -> set[int]:
    frame = contacts_frame(ws)
    return set(frame[frame["country"].str.strip().str.lower() == "us"]["id"])


def rows(ws: Workspace, sql: str, **params: object) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


class TestCreate:
    def test_members_computed_and_version_one(self, ws: Workspace) -> None:
        info = ws.segments.create("US", 'country = "US"', today=TODAY)
        assert members(ws, "US") == us_ids(ws)
        assert (info.kind, info.status, info.version, info.count) == (
            "rule",
            "active",
            1,
            len(us_ids(ws)),
        )
        assert rows(ws, "SELECT version, rule_text, reason FROM segment_version") == [
            (1, 'country = "US"', "created")
        ]

    def test_canonical_text_is_stored(self, ws: Workspace) -> None:
        info = ws.segments.create("Pro", "PLAN = 'pro'  AND  not city = 'Boston'", today=TODAY)
        assert info.rule == 'plan = "pro" and not (city = "Boston")'

    def test_name_taken_ignoring_case(self, ws: Workspace) -> None:
        ws.segments.create("VIP", "orders.count >= 3", today=TODAY)
        with pytest.raises(UserError, match='already a segment called "VIP"'):
            ws.segments.create("vip ", "orders.count >= 1", today=TODAY)

    def test_bad_rule_names_the_column(self, ws: Workspace) -> None:
        with pytest.raises(RuleError) as caught:
            ws.segments.create("X", 'contry = "US"', today=TODAY)
        assert caught.value.column == 1
        assert ws.segments.all() == []

    def test_unknown_segment_refused(self, ws: Workspace) -> None:
        with pytest.raises(RuleError, match='no segment called "Nope"'):
            ws.segments.create("X", 'in segment "Nope"', today=TODAY)

    def test_self_reference_refused(self, ws: Workspace) -> None:
        with pytest.raises(UserError, match='"X" → "X"'):
            ws.segments.create("X", 'in segment "X"', today=TODAY)


class TestEdit:
    def test_new_version_with_reason_and_new_members(self, ws: Workspace) -> None:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        info = ws.segments.edit("Buyers", "orders.count >= 2", "only repeat buyers", today=TODAY)
        counts = orders_frame(ws).groupby("contact_id").size()
        assert members(ws, "Buyers") == set(counts[counts >= 2].index)
        assert info.version == 2
        assert rows(ws, "SELECT version, rule_text, reason FROM segment_version ORDER BY 1") == [
            (1, "orders.count >= 1", "created"),
            (2, "orders.count >= 2", "only repeat buyers"),
        ]

    def test_reason_required_and_same_rule_refused(self, ws: Workspace) -> None:
        ws.segments.create("Buyers", "orders.count >= 1", today=TODAY)
        with pytest.raises(UserError, match="say why"):
            ws.segments.edit("Buyers", "orders.count >= 2", " ", today=TODAY)
        with pytest.raises(UserError, match="already"):
            ws.segments.edit("Buyers", "orders.count>=1", "same", today=TODAY)

    def test_cycle_through_another_segment_refused(self, ws: Workspace) -> None:
        ws.segments.create("A", 'country = "US"', today=TODAY)
        ws.segments.create("B", 'in segment "A" and orders.count >= 1', today=TODAY)
        with pytest.raises(UserError, match='"A" → "B" → "A"'):
            ws.segments.edit("A", 'in segment "B"', "loop", today=TODAY)


class TestRenameRetireDelete:
    def test_rename_rewrites_rules_that_name_it(self, ws: Workspace) -> None:
        ws.segments.create("A", 'country = "US"', today=TODAY)
        ws.segments.create("B", 'in segment "a" and orders.count >= 1', today=TODAY)
        ws.segments.rename("A", "Americans")
        detail = ws.segments.detail("B")
        assert detail.info.rule == 'in segment "Americans" and orders.count >= 1'
        assert [v.reason for v in detail.versions] == [
            "created",
            'segment "A" renamed to "Americans"',
        ]
        assert members(ws, "Americans") == us_ids(ws)

    def test_retire_refused_while_used_then_allowed(self, ws: Workspace) -> None:
        ws.segments.create("A", 'country = "US"', today=TODAY)
        ws.segments.create("B", 'in segment "A"', today=TODAY)
        with pytest.raises(UserError, match='"A" cannot be retired: "B" uses it'):
            ws.segments.set_status("A", "retired")
        ws.segments.set_status("B", "retired")
        assert ws.segments.set_status("A", "retired").status == "retired"
        assert members(ws, "A") == us_ids(ws)  # a retired segment keeps its members

    def test_delete_is_soft_and_frees_the_name(self, ws: Workspace) -> None:
        segment_id = ws.segments.create("A", 'country = "US"', today=TODAY).id
        kept = ws.segments.delete("A")
        assert kept == f"A (deleted #{segment_id})"
        assert [s.name for s in ws.segments.all()] == []
        assert rows(ws, "SELECT count(*) FROM segment_member") == [(0,)]
        assert rows(
            ws, "SELECT count(*) FROM segment_version WHERE segment_id = :i", i=segment_id
        ) == [(1,)]
        assert ws.segments.create("A", "orders.count >= 1", today=TODAY).version == 1

    def test_delete_refused_while_named(self, ws: Workspace) -> None:
        ws.segments.create("A", 'country = "US"', today=TODAY)
        ws.segments.create("B", 'in segment "A"', today=TODAY)
        ws.segments.create("C", 'not (in segment "A")', today=TODAY)
        with pytest.raises(UserError, match='"A" cannot be deleted: "B" and "C" use it'):
            ws.segments.delete("A")

    def test_purge_removes_everything(self, ws: Workspace) -> None:
        segment_id = ws.segments.create("A", 'country = "US"', today=TODAY).id
        ws.segments.pin("A", "person1@example.com", "exclude")
        with pytest.raises(NotFoundError):
            ws.segments.purge("A")  # only deleted segments can be purged
        ws.segments.delete("A")
        ws.segments.purge("A")
        for table in ("segment", "segment_version", "segment_pin", "segment_member"):
            column = "id" if table == "segment" else "segment_id"
            assert rows(ws, f"SELECT count(*) FROM {table} WHERE {column} = :i", i=segment_id) == [
                (0,)
            ]

    def test_duplicate_copies_definition_pins_and_playbook(self, ws: Workspace) -> None:
        ws.segments.create("A", 'country = "US"', today=TODAY)
        with ws.engine.begin() as conn:
            conn.execute(text("UPDATE segment SET goal = 'grow', channels = '[\"email\"]'"))
        ws.segments.pin("A", "C002", "include", note="friend")
        ws.segments.refresh("A", today=TODAY)
        copy = ws.segments.duplicate("A", "A copy", today=TODAY)
        detail = ws.segments.detail("A copy")
        assert (copy.version, detail.info.rule, detail.playbook) == (
            1,
            'country = "US"',
            {"goal": "grow", "channels": ["email"]},
        )
        assert [v.reason for v in detail.versions] == ["copy of A"]
        assert [(p.contact_id, p.mode, p.note) for p in detail.pins] == [(2, "include", "friend")]
        assert members(ws, "A copy") == members(ws, "A") == us_ids(ws) | {2}


class TestModelSegments:
    def test_model_segments_renamed_not_edited_or_deleted(self, ws: Workspace) -> None:
        ws.models.run_rfm(TODAY, save=True)
        with pytest.raises(UserError, match="belongs to the model scheme"):
            ws.segments.edit("Champions", "orders.count >= 1", "no", today=TODAY)
        with pytest.raises(UserError, match="belongs to the model scheme"):
            ws.segments.delete("Champions")
        ws.segments.rename("Champions", "Best")
        ws.segments.create("Best US", 'rfm = "Champions" and country = "US"', today=TODAY)
        assert members(ws, "Best US") == members(ws, "Best") & us_ids(ws)

    def test_duplicate_of_a_model_segment_is_a_static_list(self, ws: Workspace) -> None:
        ws.models.run_rfm(TODAY, save=True)
        info = ws.segments.duplicate("Hibernating", "Winback list", today=TODAY)
        assert info.kind == "static"
        assert members(ws, "Winback list") == members(ws, "Hibernating")
