"""`field_values`: the values a text or category field holds, for the builder's completion,
folded as rules compare text and ranked by how many people hold them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from segdesk.rules import RuleError
from segdesk.rules.field_values import FieldValue
from segdesk.store.tables import FieldDef
from segdesk.workspace import Workspace
from tests.factories import add_contacts

CITIES = ["Portland", "portland ", "Lyon", "Boston", "Boston", "Boston", "", None, "Port_au"]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "shop.db")
    with workspace.engine.begin() as conn:
        conn.execute(
            FieldDef.__table__.insert(),
            [
                {"name": "plan", "label": "Plan", "type": "category", "origin": "custom"},
                {"name": "age", "label": "Age", "type": "number", "origin": "custom"},
            ],
        )
    add_contacts(
        workspace.engine,
        [
            {
                "email": f"p{i}@example.com",
                "city": city,
                "attributes": {"plan": ["pro", "free", " Pro"][i % 3], "age": 30 + i},
            }
            for i, city in enumerate(CITIES)
        ],
    )
    yield workspace
    workspace.close()


class TestFieldValues:
    def test_core_values_are_trimmed_folded_and_ranked_by_people(self, ws: Workspace) -> None:
        found = ws.building.field_values("city")
        assert [(v.value.casefold(), v.people) for v in found] == [
            ("boston", 3),
            ("portland", 2),
            ("lyon", 1),
            ("port_au", 1),
        ]

    def test_custom_values_come_from_the_attributes(self, ws: Workspace) -> None:
        found = ws.building.field_values("plan")
        assert sorted((v.value.casefold(), v.people) for v in found) == [("free", 3), ("pro", 6)]

    def test_typed_text_narrows_and_values_starting_with_it_come_first(self, ws: Workspace) -> None:
        assert [v.value.casefold() for v in ws.building.field_values("city", "ON")] == [
            "boston",
            "lyon",
        ]
        assert [v.value.casefold() for v in ws.building.field_values("city", "port")] == [
            "portland",
            "port_au",
        ]

    def test_like_wildcards_in_the_typed_text_are_plain_characters(self, ws: Workspace) -> None:
        assert ws.building.field_values("city", "_") == [FieldValue("Port_au", 1)]
        assert ws.building.field_values("city", "%") == []

    def test_the_limit_holds(self, ws: Workspace) -> None:
        assert len(ws.building.field_values("city", limit=2)) == 2

    def test_fields_of_other_types_have_no_values_to_pick(self, ws: Workspace) -> None:
        assert ws.building.field_values("age") == []
        assert ws.building.field_values("created_at") == []

    def test_an_unknown_field_is_a_rule_error(self, ws: Workspace) -> None:
        with pytest.raises(RuleError, match='unknown field "nope"'):
            ws.building.field_values("nope")
