"""RFM: figures against pandas, the tie rule, the grid, and edge cases of small data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from segdesk.models import rfm
from segdesk.models.runner import run_rfm
from tests.factories import add_contacts, add_orders
from tests.models.conftest import ANCHOR, NOW, all_contact_ids, pandas_figures
from tests.order_rows import add_order

DESIGN_NAMES = {
    "Champions",
    "Loyal Customers",
    "Potential Loyalist",
    "New Customers",
    "Promising",
    "Need Attention",
    "About To Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
}

# The widely used RxF grid, written out by hand: row R = 5..1, columns F = 1..5.
EXPECTED_GRID = {
    5: ["New Customers", "Potential Loyalist", "Potential Loyalist", "Champions", "Champions"],
    4: [
        "Promising",
        "Potential Loyalist",
        "Potential Loyalist",
        "Loyal Customers",
        "Loyal Customers",
    ],
    3: ["About To Sleep", "About To Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"],
    2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
    1: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
}


def reference_scores(values: list[float], lower_is_better: bool = False) -> list[int]:
    """Scores the slow, obvious way: pandas' linear quantiles, then count breakpoints below."""
    points = pd.Series(values, dtype=float).quantile([0.2, 0.4, 0.6, 0.8]).tolist()
    below = [sum(1 for p in points if v > p) for v in values]
    return [5 - b if lower_is_better else 1 + b for b in below]


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


class TestOnTheSample:
    def test_figures_and_scores_match_pandas(self, sample_engine: Engine, unsegmented_copy: Path):
        with sample_engine.connect() as conn:
            result = run_rfm(conn, as_of=ANCHOR, now=NOW, save=False)
        ours = result.contacts.set_index("contact_id")
        expected = pandas_figures(unsegmented_copy, ANCHOR)
        assert len(expected) == 2544
        assert list(ours.index) == list(expected.index)
        assert ours["recency_days"].tolist() == expected["days_since_last"].tolist()
        assert ours["frequency"].tolist() == expected["frequency"].tolist()
        assert np.allclose(ours["monetary"], expected["monetary"], rtol=0, atol=1e-6)
        rounded = expected["monetary"].round(6).tolist()
        assert ours["r"].tolist() == reference_scores(
            expected["days_since_last"].tolist(), lower_is_better=True
        )
        assert ours["f"].tolist() == reference_scores(expected["frequency"].tolist())
        assert ours["m"].tolist() == reference_scores(rounded)
        names = [EXPECTED_GRID[r][f - 1] for r, f in zip(ours["r"], ours["f"], strict=True)]
        assert ours["segment"].astype(str).tolist() == names

    def test_every_contact_is_in_exactly_one_segment(
        self, sample_engine: Engine, unsegmented_copy: Path
    ):
        with sample_engine.connect() as conn:
            result = run_rfm(conn, as_of=ANCHOR, now=NOW, save=False)
        everyone = all_contact_ids(unsegmented_copy)
        with_orders = set(pandas_figures(unsegmented_copy, ANCHOR).index)
        assert sum(result.sizes.values()) == len(everyone) == 3011
        assert result.sizes[rfm.NO_PURCHASES] == len(set(everyone) - with_orders) == 467
        counted = result.contacts["segment"].astype(str).value_counts()
        for name in rfm.SEGMENT_NAMES[:-1]:
            assert result.sizes[name] == counted.get(name, 0)

    def test_breakpoints_are_the_quintiles(self, sample_engine: Engine, unsegmented_copy: Path):
        with sample_engine.connect() as conn:
            result = run_rfm(conn, as_of=ANCHOR, now=NOW, save=False)
        expected = pandas_figures(unsegmented_copy, ANCHOR)
        quintiles = [0.2, 0.4, 0.6, 0.8]
        assert result.breakpoints.recency == pytest.approx(
            expected["days_since_last"].quantile(quintiles).tolist()
        )
        assert result.breakpoints.frequency == pytest.approx(
            expected["frequency"].quantile(quintiles).tolist()
        )
        assert result.breakpoints.monetary == pytest.approx(
            expected["monetary"].quantile(quintiles).tolist()
        )

    def test_as_of_ignores_later_orders(self, sample_engine: Engine, unsegmented_copy: Path):
        day = dt.date(2025, 6, 30)
        with sample_engine.connect() as conn:
            result = run_rfm(conn, as_of=day, now=NOW, save=False)
        expected = pandas_figures(unsegmented_copy, day)
        assert len(expected) < 2544
        ours = result.contacts.set_index("contact_id")
        assert list(ours.index) == list(expected.index)
        assert ours["frequency"].tolist() == expected["frequency"].tolist()
        assert ours["recency_days"].tolist() == expected["days_since_last"].tolist()
        assert result.sizes[rfm.NO_PURCHASES] == 3011 - len(expected)


class TestTieRule:
    @given(st.lists(st.integers(min_value=-50, max_value=50), min_size=1, max_size=60))
    def test_equal_values_share_a_score(self, values: list[int]) -> None:
        array = np.array(values, dtype=float)
        points = rfm.breakpoints(array)
        higher = 1 + rfm.groups_above(array, points)
        lower = 5 - rfm.groups_above(array, points)
        for scores in (higher, lower):
            by_value: dict[float, set[int]] = {}
            for value, score in zip(values, scores.tolist(), strict=True):
                by_value.setdefault(value, set()).add(score)
            assert all(len(s) == 1 for s in by_value.values())
        assert higher.tolist() == reference_scores(values)
        assert lower.tolist() == reference_scores(values, lower_is_better=True)
        # Scores follow the values: a larger value never scores lower.
        order = np.argsort(array, kind="stable")
        assert np.all(np.diff(higher[order]) >= 0)
        assert set(higher.tolist()) <= {1, 2, 3, 4, 5}

    def test_a_value_on_a_breakpoint_scores_below_it(self) -> None:
        values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        points = rfm.breakpoints(values)  # 2.0, 3.0, 4.0, 5.0
        assert points == (2.0, 3.0, 4.0, 5.0)
        assert (1 + rfm.groups_above(values, points)).tolist() == [1, 1, 2, 3, 4, 5]
        assert (5 - rfm.groups_above(values, points)).tolist() == [5, 5, 4, 3, 2, 1]


class TestGrid:
    def test_each_of_the_25_cells_has_exactly_one_name(self) -> None:
        counts = np.zeros((6, 6), dtype=int)
        for _name, r_scores, f_scores in rfm.GRID_RANGES:
            for r in r_scores:
                for f in f_scores:
                    counts[r, f] += 1
        assert (counts[1:, 1:] == 1).all()
        assert counts[0].sum() == counts[:, 0].sum() == 0

    def test_the_grid_is_the_widely_used_one(self) -> None:
        for r, row in EXPECTED_GRID.items():
            for f, name in enumerate(row, start=1):
                assert rfm.SEGMENT_NAMES[rfm.GRID_CODES[r, f]] == name
        assert {name for name, _, _ in rfm.GRID_RANGES} == DESIGN_NAMES
        assert rfm.SEGMENT_NAMES[-1] == "No purchases"


class TestSmallData:
    def run(self, engine: Engine, as_of: dt.date = ANCHOR):
        with engine.connect() as conn:
            return run_rfm(conn, as_of=as_of, now=NOW, save=False)

    def test_no_orders_at_all(self, fresh_engine: Engine) -> None:
        add_contacts(fresh_engine, [{"id": 1}, {"id": 2}])
        result = self.run(fresh_engine)
        assert result.sizes[rfm.NO_PURCHASES] == 2
        assert sum(result.sizes.values()) == 2
        assert result.contacts.empty
        assert result.breakpoints.to_json() == {"recency": [], "frequency": [], "monetary": []}

    def test_one_contact_with_orders(self, fresh_engine: Engine) -> None:
        add_contacts(fresh_engine, [{"id": 1}, {"id": 2}])
        add_orders(
            fresh_engine,
            1,
            [(at(ANCHOR - dt.timedelta(days=3)), 20.0), (at(ANCHOR - dt.timedelta(days=10)), 5.0)],
        )
        result = self.run(fresh_engine)
        [row] = result.contacts.to_dict("records")
        assert (row["recency_days"], row["frequency"], row["monetary"]) == (3, 2, 25.0)
        # Every breakpoint equals the only value: it scores below all of them.
        assert (row["r"], row["f"], row["m"], row["segment"]) == (5, 1, 1, "New Customers")
        assert result.sizes["New Customers"] == 1 and result.sizes[rfm.NO_PURCHASES] == 1

    def test_all_equal_values_share_every_score(self, fresh_engine: Engine) -> None:
        add_contacts(fresh_engine, [{"id": i} for i in range(1, 8)])
        for i in range(1, 8):
            add_orders(fresh_engine, i, [(at(ANCHOR - dt.timedelta(days=40)), 10.0)])
        result = self.run(fresh_engine)
        frame = result.contacts
        assert set(zip(frame["r"], frame["f"], frame["m"], strict=True)) == {(5, 1, 1)}

    def test_fewer_than_five_distinct_values(self, fresh_engine: Engine) -> None:
        # Frequencies 1, 1, 1, 2, 3: breakpoints 1, 1, 1.4, 2.2.
        add_contacts(fresh_engine, [{"id": i} for i in range(1, 6)])
        for i, count in enumerate([1, 1, 1, 2, 3], start=1):
            add_orders(
                fresh_engine,
                i,
                [(at(ANCHOR - dt.timedelta(days=d + 1)), 1.0) for d in range(count)],
            )
        result = self.run(fresh_engine)
        assert result.breakpoints.frequency == pytest.approx((1.0, 1.0, 1.4, 2.2))
        assert result.contacts["f"].tolist() == [1, 1, 1, 4, 5]

    def test_zero_negative_and_missing_amounts(self, fresh_engine: Engine) -> None:
        add_contacts(fresh_engine, [{"id": i} for i in range(1, 5)])
        day = at(ANCHOR - dt.timedelta(days=5))
        add_orders(fresh_engine, 1, [(day, 0.0), (day, 0.0)])
        add_orders(fresh_engine, 2, [(day, 30.0), (day, -30.0), (day, -15.0)])  # refunds
        add_orders(fresh_engine, 3, [(day, None), (day, 12.5)])  # type: ignore[list-item]
        add_orders(fresh_engine, 4, [(day, None)])  # type: ignore[list-item]
        result = self.run(fresh_engine)
        frame = result.contacts.set_index("contact_id")
        assert frame["frequency"].to_dict() == {1: 2, 2: 3, 3: 2, 4: 1}
        assert frame["monetary"].to_dict() == {1: 0.0, 2: -15.0, 3: 12.5, 4: 0.0}
        # Contacts 1 and 4 both total 0: the same monetary score.
        assert frame.loc[1, "m"] == frame.loc[4, "m"]
        assert frame.loc[2, "m"] == 1 and frame.loc[3, "m"] == 5

    def test_an_order_late_on_the_as_of_day_counts_the_next_day_does_not(
        self, fresh_engine: Engine
    ) -> None:
        add_contacts(fresh_engine, [{"id": 1}])
        late = dt.datetime.combine(ANCHOR, dt.time(23, 59, 59), tzinfo=dt.UTC)
        add_orders(fresh_engine, 1, [(late, 10.0), (late + dt.timedelta(seconds=1), 99.0)])
        [row] = self.run(fresh_engine).contacts.to_dict("records")
        assert (row["recency_days"], row["frequency"], row["monetary"]) == (0, 1, 10.0)

    def test_equal_totals_summed_in_another_order_share_a_score(self, fresh_engine: Engine) -> None:
        add_contacts(fresh_engine, [{"id": i} for i in range(1, 4)])
        day = at(ANCHOR - dt.timedelta(days=5))
        add_orders(fresh_engine, 1, [(day, 0.1), (day, 0.2), (day, 0.3)])
        add_orders(fresh_engine, 2, [(day, 0.3), (day, 0.2), (day, 0.1)])
        add_orders(fresh_engine, 3, [(day, 0.6)])
        frame = self.run(fresh_engine).contacts
        assert frame["monetary"].tolist() == [0.6, 0.6, 0.6]
        assert frame["m"].nunique() == 1


def test_breakpoints_carry_no_float_noise() -> None:
    # Interpolating these gives 0.16000000000000003, 0.22000000000000003, 0.27999999999999997
    # and 0.46000000000000013.
    points = rfm.breakpoints(np.array([0.1, 0.2, 0.3, 0.7]))
    assert points == (0.16, 0.22, 0.28, 0.46)
    # A value on a breakpoint scores below it, also where the noise fell below the value.
    assert rfm.groups_above(np.array([0.28]), points)[0] == 2


def test_refunded_voided_and_cancelled_orders_are_left_out(fresh_engine: Engine) -> None:
    """A refund is not a purchase: such orders count towards neither frequency nor money,
    nor recency; pending, partially refunded and status-less orders count."""
    add_contacts(fresh_engine, [{"id": 1}, {"id": 2}])
    for days, amount, status in [
        (2, 500.0, "refunded"),
        (3, 400.0, "voided"),
        (4, 300.0, "cancelled"),
        (10, 20.0, "paid"),
        (11, 5.0, "partially refunded"),
        (12, 7.0, None),
        (13, 1.0, "pending"),
    ]:
        add_order(fresh_engine, 1, at(ANCHOR - dt.timedelta(days=days)), amount, status=status)
    add_order(fresh_engine, 2, at(ANCHOR - dt.timedelta(days=1)), 50.0, status="refunded")
    result = TestSmallData().run(fresh_engine)
    [row] = result.contacts.to_dict("records")
    assert (row["contact_id"], row["recency_days"], row["frequency"], row["monetary"]) == (
        1,
        10,
        4,
        33.0,
    )
    assert result.sizes[rfm.NO_PURCHASES] == 1
