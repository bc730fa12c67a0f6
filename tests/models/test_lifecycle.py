"""Lifecycle stages against an independent computation, thresholds and their limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from segdesk.errors import UserError
from segdesk.models.lifecycle import Thresholds
from segdesk.models.runner import run_lifecycle
from tests.factories import add_contacts, add_orders
from tests.models.conftest import ANCHOR, NOW, all_contact_ids, pandas_figures
from tests.order_rows import add_order


def expected_stage(since_first: int, since_last: int, new: int, active: int, lapsed: int) -> str:
    if since_first <= new:
        return "New"
    if since_last <= active:
        return "Active"
    return "At risk" if since_last <= lapsed else "Lapsed"


@pytest.mark.parametrize(("new", "active", "lapsed"), [(30, 90, 365), (60, 60, 120)])
def test_stages_match_pandas(
    sample_engine: Engine, unsegmented_copy: Path, new: int, active: int, lapsed: int
) -> None:
    limits = Thresholds(new_days=new, active_days=active, lapsed_days=lapsed)
    with sample_engine.connect() as conn:
        result = run_lifecycle(conn, as_of=ANCHOR, thresholds=limits, now=NOW, save=False)
    expected = pandas_figures(unsegmented_copy, ANCHOR)
    ours = result.contacts.set_index("contact_id")
    assert list(ours.index) == list(expected.index)
    assert ours["days_since_first"].tolist() == expected["days_since_first"].tolist()
    assert ours["days_since_last"].tolist() == expected["days_since_last"].tolist()
    stages = [
        expected_stage(f, last, new, active, lapsed)
        for f, last in zip(expected["days_since_first"], expected["days_since_last"], strict=True)
    ]
    assert ours["segment"].astype(str).tolist() == stages
    never = len(all_contact_ids(unsegmented_copy)) - len(expected)
    assert result.sizes == {
        "New": stages.count("New"),
        "Active": stages.count("Active"),
        "At risk": stages.count("At risk"),
        "Lapsed": stages.count("Lapsed"),
        "Never purchased": never,
    }
    assert never == 467


def test_limits_are_inclusive(fresh_engine: Engine) -> None:
    def days_ago(n: int) -> dt.datetime:
        return dt.datetime.combine(ANCHOR - dt.timedelta(days=n), dt.time(8), tzinfo=dt.UTC)

    add_contacts(fresh_engine, [{"id": i} for i in range(1, 8)])
    add_orders(fresh_engine, 1, [(days_ago(30), 1.0)])  # first order exactly new_days ago
    add_orders(fresh_engine, 2, [(days_ago(31), 1.0)])
    add_orders(fresh_engine, 3, [(days_ago(400), 1.0), (days_ago(90), 1.0)])
    add_orders(fresh_engine, 4, [(days_ago(400), 1.0), (days_ago(91), 1.0)])
    add_orders(fresh_engine, 5, [(days_ago(400), 1.0), (days_ago(365), 1.0)])
    add_orders(fresh_engine, 6, [(days_ago(400), 1.0), (days_ago(366), 1.0)])
    with fresh_engine.connect() as conn:
        result = run_lifecycle(conn, as_of=ANCHOR, thresholds=Thresholds(), now=NOW, save=False)
    stages = dict(zip(result.contacts["contact_id"], result.contacts["segment"], strict=True))
    assert stages == {1: "New", 2: "Active", 3: "Active", 4: "At risk", 5: "At risk", 6: "Lapsed"}
    assert result.sizes["Never purchased"] == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((0, 90, 365), "new_days must be a whole number of days above 0 (got 0)"),
        ((30, -1, 365), "active_days must be a whole number of days above 0 (got -1)"),
        ((30, 90, 90), "active days (90) must be fewer than lapsed days (90)"),
        ((120, 90, 365), "new days (120) must not exceed active days (90)"),
        ((30, 90.5, 365), "active_days must be a whole number of days above 0 (got 90.5)"),
    ],
)
def test_thresholds_are_checked(values: tuple, message: str) -> None:
    with pytest.raises(UserError) as caught:
        Thresholds(*values)
    assert message in str(caught.value)


def test_thresholds_from_stored_params() -> None:
    assert Thresholds.from_json(None) == Thresholds(30, 90, 365)
    assert Thresholds.from_json({"active_days": 60, "other": 1}) == Thresholds(30, 60, 365)


def test_a_refunded_order_does_not_make_a_customer_active(fresh_engine: Engine) -> None:
    def days_ago(n: int) -> dt.datetime:
        return dt.datetime.combine(ANCHOR - dt.timedelta(days=n), dt.time(8), tzinfo=dt.UTC)

    add_contacts(fresh_engine, [{"id": 1}, {"id": 2}])
    add_order(fresh_engine, 1, days_ago(400), 30.0, status="paid")
    add_order(fresh_engine, 1, days_ago(5), 30.0, status="refunded")
    add_order(fresh_engine, 2, days_ago(5), 30.0, status="cancelled")
    with fresh_engine.connect() as conn:
        result = run_lifecycle(conn, as_of=ANCHOR, thresholds=Thresholds(), now=NOW, save=False)
    stages = dict(zip(result.contacts["contact_id"], result.contacts["segment"], strict=True))
    assert stages == {1: "Lapsed"}
    assert result.sizes["Never purchased"] == 1
