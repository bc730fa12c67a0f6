"""explain agrees with the refreshed members, and shows each condition's value."""

from __future__ import annotations

import datetime as dt

import pytest

from segdesk.workspace import Workspace
from tests.order_rows import add_order
from tests.segments.conftest import TODAY, members

RULES = {
    "US": 'country = "US"',
    "repeat": "orders.count in last 90 days >= 2 or orders.total > 300",
    "mixed": 'not (city = "Boston") and (plan = "pro" or orders.avg > 60) and age >= 30',
    "nested": 'in segment "US" and not (in segment "repeat") or orders.last within last 30 days',
    "empty city": "city is empty and orders.first before 2024-06-01",
}


def test_verdict_equals_membership_for_every_contact(ws: Workspace) -> None:
    for name, rule in RULES.items():
        ws.segments.create(name, rule, today=TODAY)
    ws.segments.pin("mixed", "C001", "include")
    ws.segments.pin("mixed", "C002", "exclude")
    ws.segments.refresh(today=TODAY)
    for name in RULES:
        stored = members(ws, name)
        verdicts = {
            cid for cid in range(1, 41) if ws.segments.explain(name, f"id:{cid}", TODAY).verdict
        }
        assert verdicts == stored, name
        assert 0 < len(stored) < 40, name  # each rule splits the shop


def test_conditions_with_values(ws: Workspace) -> None:
    ws.segments.create("repeat", RULES["repeat"], today=TODAY)
    found = ws.segments.explain("repeat", "person5@example.com", TODAY)
    data = found.to_json()
    assert data["rule"]["kind"] == "or"
    texts = [(i["text"], i["value"]) for i in data["rule"]["items"]]
    assert texts[0][0] == "orders.count in last 90 days >= 2"
    assert texts[0][1].startswith("orders.count in last 90 days = ")
    assert texts[1][1].startswith("orders.total = ")
    assert data["verdict"] == data["member"] == data["rule"]["held"]


def test_field_value_missing_and_pin_override(ws: Workspace) -> None:
    ws.segments.create("Boston", 'city = "Boston"', today=TODAY)
    ws.segments.pin("Boston", "C003", "include", note="moved there")
    found = ws.segments.explain("Boston", "C003", TODAY)
    city = ws.contacts.detail(3).fields["city"]
    shown = "missing" if not (city or "").strip() else f'"{city}"'
    assert found.rule is not None and found.rule.value == f"city = {shown}"
    assert found.pin == "include" and found.verdict is True
    assert found.rule_held is ((city or "").strip().lower() == "boston")
    assert any("overrides the rule" in r and "moved there" in r for r in found.reasons)


def test_static_segment_says_it_is_a_list(ws: Workspace) -> None:
    ws.segments.create_static("Picked", contacts=["C001"])
    inside = ws.segments.explain("Picked", "C001", TODAY)
    outside = ws.segments.explain("Picked", "C002", TODAY)
    assert (inside.verdict, outside.verdict) == (True, False)
    assert inside.reasons == [
        "in the frozen list (made from a list of contacts); "
        "a static segment does not change on refresh"
    ]


@pytest.mark.parametrize("ref", ["person7@example.com", "C007", "7", "id:7"])
def test_contact_by_email_external_id_or_id(ws: Workspace, ref: str) -> None:
    ws.segments.create("US", 'country = "US"', today=TODAY)
    assert ws.segments.explain("US", ref, TODAY).contact_id == 7


def test_model_segment_names_the_scheme(ws: Workspace) -> None:
    ws.models.run_rfm(TODAY, save=True)
    champions = members(ws, "Champions")
    someone = min(champions)
    found = ws.segments.explain("Champions", f"id:{someone}", TODAY)
    assert found.verdict is True
    assert found.reasons[0] == (
        f'member of the rfm scheme\'s "Champions" as of {TODAY.isoformat()}'
    )


def test_model_condition_names_the_contacts_model_segment(ws: Workspace) -> None:
    ws.models.run_rfm(TODAY, save=True)
    ws.segments.create("Champs", 'rfm = "Champions"', today=TODAY)
    hibernating = min(members(ws, "Hibernating"))
    found = ws.segments.explain("Champs", f"id:{hibernating}", TODAY)
    assert found.rule is not None
    assert (found.rule.held, found.rule.value) == (False, 'rfm = "Hibernating"')


def test_rfm_scores_are_the_models(ws: Workspace) -> None:
    result = ws.models.run_rfm(TODAY, save=True)
    scored = result.contacts.set_index("contact_id")
    for cid in scored.index:
        found = ws.segments.explain(str(scored.loc[cid, "segment"]), f"id:{cid}", TODAY)
        r, f, m = (int(scored.loc[cid, k]) for k in ("r", "f", "m"))
        assert found.verdict is True
        assert found.reasons[-1].endswith(f"RFM scores r={r}, f={f}, m={m}"), cid


def test_a_product_condition_lists_the_matching_orders(ws: Workspace) -> None:
    """Date, reference, the products of the matching lines and the amount they count with;
    a refunded order is not among them."""
    when = dt.datetime(2025, 2, 20, 10, tzinfo=dt.UTC)
    kit = {"product": "Cold Brew Kit", "category": "Equipment", "line_total": 40.0}
    beans = {"product": "House Blend", "category": "Beans", "line_total": 12.0}
    filters = {"product": "Paper Filters", "category": "Equipment", "line_total": 6.0}
    add_order(ws.engine, 9, when, 58.0, lines=[kit, beans, filters])
    add_order(ws.engine, 9, when + dt.timedelta(days=3), 6.0, lines=[filters])
    add_order(ws.engine, 9, when, 40.0, status="refunded", lines=[kit])
    ws.segments.create("Equipment", 'orders(category = "Equipment").total > 20', today=TODAY)
    found = ws.segments.explain("Equipment", "id:9", TODAY)
    assert found.verdict is True
    assert found.rule is not None and found.rule.orders is not None
    shown = [o.to_json() for o in found.rule.orders]
    assert [(o["date"], o["products"], o["amount"]) for o in shown] == [
        ("2025-02-23", ["Paper Filters"], 6.0),
        ("2025-02-20", ["Cold Brew Kit", "Paper Filters"], 46.0),
    ]
    assert all(o["ref"].startswith("order-") for o in shown)
    assert found.rule.value == 'orders(category = "Equipment").total = 52'
    assert any("Cold Brew Kit, Paper Filters  46" in line for line in found.lines())
