"""`rule_terms`: what a rule can name beyond the fields, spelled so that each term, used as
the text form wants, counts on the database that listed it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from segdesk.rules.tree import MEASURES
from segdesk.rules.vocabulary import TERM_KINDS, RuleTerm, rule_terms
from segdesk.segments.counting import count_rule
from segdesk.store.database import open_database
from segdesk.store.tables import FieldDef
from tests.factories import add_contacts
from tests.order_rows import add_order

TODAY = dt.date(2025, 3, 15)
RFM = (
    "Champions",
    "Loyal Customers",
    "Potential Loyalist",
    "New Customers",
    "Promising",
    "Need Attention",
    "About To Sleep",
    "Can't Lose Them",
    "At Risk",
    "Hibernating",
    "No purchases",
)


@pytest.fixture
def sample(sample_copy: Path) -> Engine:
    engine = open_database(sample_copy)
    yield engine
    engine.dispose()


def terms(engine: Engine) -> list[RuleTerm]:
    with engine.connect() as conn:
        return rule_terms(conn)


def by_kind(found: list[RuleTerm], kind: str) -> dict[str, RuleTerm]:
    return {t.name: t for t in found if t.kind == kind}


def usage(term: RuleTerm) -> str:
    """The term in a rule, as a user would type it."""
    if term.kind == "metric":
        return f"{term.name} >= 1" if term.type == "number" else f"{term.name} before 2025-01-01"
    if term.kind == "window":
        return "orders.count in last 30 days >= 1"
    if term.kind == "model":
        return f'{term.name} in ("{term.values[0]}", "{term.values[-1]}")'
    if term.kind == "filter":
        if term.type == "number":
            return f"orders({term.name} > 10).count >= 1"
        value = term.values[0] if term.values else "x"
        name = term.name if term.type else "channel"
        return f'orders({name} = "{value}").count >= 1'
    return term.name


def test_the_sample_lists_metrics_window_segments_and_models(sample: Engine) -> None:
    found = terms(sample)
    assert [t.kind for t in found] == sorted((t.kind for t in found), key=TERM_KINDS.index)
    metrics = by_kind(found, "metric")
    assert [n for n in metrics if n.startswith("orders.")] == [f"orders.{m}" for m in MEASURES]
    assert (metrics["orders.total"].type, metrics["orders.last"].type) == ("number", "date")
    assert 'events("webinar").count' in metrics and 'events("event_attended").avg' in metrics
    assert 'events("order").count' not in metrics  # orders.count is its name
    assert list(by_kind(found, "window")) == ["in last N days"]
    segments = by_kind(found, "segment")
    assert 'in segment "VIP customers"' in segments
    assert "retired" in segments['in segment "Summer cold brew promo"'].description
    assert not any("Champions" in name for name in segments)  # listed with their model
    models = by_kind(found, "model")
    assert list(models) == ["rfm", "lifecycle"]
    assert models["rfm"].values == RFM
    # The lifecycle's "At risk" was renamed to make way for RFM's "At Risk"; a rule still
    # names it as the model does.
    assert models["lifecycle"].values == ("New", "Active", "At risk", "Lapsed", "Never purchased")


def test_every_term_counts_as_it_is_listed(sample: Engine) -> None:
    found = terms(sample)
    with sample.connect() as conn:
        for term in found:
            assert count_rule(conn, usage(term), TODAY) >= 0, term
        assert count_rule(conn, 'lifecycle = "At risk"', TODAY) > 0


def test_a_fresh_database_lists_orders_and_models_not_yet_run(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "fresh.db")
    with engine.begin() as conn:
        conn.execute(
            FieldDef.__table__.insert(),
            {"name": "Coffee habits", "type": "category", "origin": "model", "label": ""},
        )
    found = terms(engine)
    engine.dispose()
    assert [t.name for t in found if t.kind == "metric"] == [f"orders.{m}" for m in MEASURES]
    assert not by_kind(found, "segment")
    models = by_kind(found, "model")
    assert list(models) == ["rfm", "lifecycle", "`Coffee habits`"]
    assert all(m.values == () for m in models.values())
    assert "not run yet" in models["rfm"].description
    assert "segdesk model rfm" in models["rfm"].description
    assert "segdesk model" not in models["`Coffee habits`"].description


def test_terms_as_json() -> None:
    term = RuleTerm("rfm", "model", "", "RFM segment", ("Champions",))
    assert term.to_json() == {
        "name": "rfm",
        "kind": "model",
        "type": "",
        "description": "RFM segment",
        "values": ["Champions"],
    }


def test_filters_list_what_the_database_holds_with_counts(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "shop.db")
    add_contacts(engine, [{"id": 1}, {"id": 2}])
    when = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    kit = {"product": "Cold Brew Kit", "sku": "CB-1", "category": "Equipment"}
    add_order(
        engine, 1, when, 40.0, status="paid", lines=[kit, {**kit, "product": " cold brew kit"}]
    )
    add_order(engine, 2, when, 12.0, status="refunded", lines=[{"product": "Decaf", "sku": ""}])
    found = by_kind(terms(engine), "filter")
    assert list(found) == [
        "product",
        "sku",
        "category",
        "quantity",
        "unit_price",
        "line_total",
        "status",
        "amount",
        "any other name",
    ]
    assert (found["product"].values, found["product"].counts) == (
        ("Cold Brew Kit", "Decaf"),
        (2, 1),
    )
    assert (found["sku"].values, found["sku"].counts) == (("CB-1",), (2,))
    assert (found["status"].values, found["status"].counts) == (("paid", "refunded"), (1, 1))
    assert found["product"].to_json()["counts"] == [2, 1]
    with engine.connect() as conn:
        for term in found.values():
            assert count_rule(conn, usage(term), TODAY) >= 0, term
    engine.dispose()
