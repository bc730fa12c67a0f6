"""The models read the orders as columns; they must put every contact exactly where the SQL
grouping they replaced did (tests/models/slow_models.py), on small random shops made to hit
the edges: ties at the quintile breakpoints, orders without an amount, refunds and
cancellations, orders after the as-of day and late on it, contacts without orders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from segdesk.models import lifecycle, rfm
from segdesk.models.history import OrderHistory
from segdesk.models.orders import positions
from segdesk.models.runner import run_lifecycle, run_rfm
from segdesk.store.database import open_database
from segdesk.store.tables import Contact, Event, SegmentMember
from tests.factories import add_contacts
from tests.models.slow_models import slow_lifecycle, slow_rfm

AS_OF = dt.date(2026, 3, 31)
NOW = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)
STATUSES = (None, "paid", "pending", "partially refunded", "refunded", "voided", "cancelled")
TIMES = (dt.time(0), dt.time(9, 30), dt.time(23, 59, 59, 999999))

order = st.tuples(
    st.integers(min_value=-400, max_value=3),  # days from AS_OF; later ones must not count
    st.sampled_from(TIMES),
    # Few distinct amounts, so that totals tie; None adds nothing; negatives are refunds.
    st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.2, 0.3, 9.99, 10.0, -10.0, 1 / 3])),
    st.sampled_from(STATUSES),
)
shops = st.lists(st.lists(order, max_size=6), min_size=1, max_size=25)
"""A shop: each contact's orders (an empty list: a contact without orders)."""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(tmp_path_factory.mktemp("fast") / "shop.db")
    yield engine
    engine.dispose()


def fill(engine: Engine, shop: list[list[tuple]]) -> None:
    """The shop's contacts (ids 1, 3, 5, ...: not every id is a contact) and orders."""
    with engine.begin() as conn:
        for table in (SegmentMember, Event, Contact):
            conn.execute(delete(table.__table__))
    add_contacts(engine, [{"id": 2 * i + 1} for i in range(len(shop))])
    rows = [
        {
            "contact_id": 2 * i + 1,
            "kind": "order",
            "occurred_at": dt.datetime.combine(
                AS_OF + dt.timedelta(days=days), time, tzinfo=dt.UTC
            ),
            "amount": amount,
            "status": status,
            "ref": f"o{i}-{n}",
            "dedup_key": f"o{i}-{n}",
            "attributes": {},
        }
        for i, orders in enumerate(shop)
        for n, (days, time, amount, status) in enumerate(orders)
    ]
    if rows:
        rows.append({**rows[0], "kind": "visit", "amount": 1e6})  # never an order
        with engine.begin() as conn:
            conn.execute(Event.__table__.insert(), rows)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shop=shops, new=st.integers(1, 60), more=st.integers(0, 120), lapsed=st.integers(1, 300))
def test_rfm_and_lifecycle_put_everyone_where_the_sql_grouping_did(
    engine: Engine, shop: list[list[tuple]], new: int, more: int, lapsed: int
) -> None:
    fill(engine, shop)
    limits = lifecycle.Thresholds(new, new + more, new + more + lapsed)
    with engine.connect() as conn:
        fast = run_rfm(conn, as_of=AS_OF, now=NOW, save=False)
        slow = slow_rfm(conn, AS_OF)
        fast_stages = run_lifecycle(conn, as_of=AS_OF, thresholds=limits, now=NOW, save=False)
        slow_stages = slow_lifecycle(conn, AS_OF, limits)
        history = OrderHistory.load(conn, AS_OF)
    assert fast.breakpoints == slow.breakpoints
    assert list(fast.sizes.values()) == np.bincount(slow.codes, minlength=11).tolist()
    same_frames(fast.contacts, slow.contacts)
    assert list(fast_stages.sizes.values()) == np.bincount(slow_stages.codes, minlength=5).tolist()
    same_frames(fast_stages.contacts, slow_stages.contacts)
    # The backtest's path is the same: as of the day, and as of a day before it.
    np.testing.assert_array_equal(history.contacts, slow.ids)
    np.testing.assert_array_equal(history.rfm_codes(AS_OF), slow.codes)
    np.testing.assert_array_equal(history.lifecycle_codes(AS_OF, limits), slow_stages.codes)
    with engine.connect() as conn:
        earlier = AS_OF - dt.timedelta(days=45)
        np.testing.assert_array_equal(history.rfm_codes(earlier), slow_rfm(conn, earlier).codes)


def same_frames(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert list(fast.columns) == list(slow.columns)
    for column in fast.columns:
        ours, theirs = fast[column], slow[column]
        if column.endswith("_order"):
            ours, theirs = ours.to_numpy("datetime64[D]"), theirs.to_numpy("datetime64[D]")
        elif column == "segment":
            ours, theirs = ours.astype(str), theirs.astype(str)
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs), err_msg=column)


def test_a_saved_run_stores_the_members_the_sql_grouping_gives(engine: Engine) -> None:
    rng = np.random.default_rng(7)
    shop = [
        [
            (int(rng.integers(-500, 1)), dt.time(12), float(rng.choice([5.0, 20.0, 99.5])), None)
            for _ in range(int(rng.integers(0, 5)))
        ]
        for _ in range(60)
    ]
    fill(engine, shop)
    with engine.begin() as conn:
        run_rfm(conn, as_of=AS_OF, now=NOW, save=True)
        slow = slow_rfm(conn, AS_OF)
        stored = pd.read_sql(
            "SELECT s.definition AS definition, m.contact_id AS contact_id FROM segment_member m "
            "JOIN segment s ON s.id = m.segment_id JOIN scheme c ON c.id = s.scheme_id "
            "WHERE c.name = 'rfm'",
            conn,
        )
    names = stored["definition"].map(lambda d: json.loads(d)["model_segment"])
    members = dict(zip(stored["contact_id"], names, strict=True))
    expected = {
        int(i): rfm.SEGMENT_NAMES[code] for i, code in zip(slow.ids, slow.codes, strict=True)
    }
    assert members == expected


def test_positions_of_dense_and_sparse_ids() -> None:
    ids = np.array([-3, 0, 1, 2, 5, 6, 7, 99, 10**12])
    dense = np.array([1, 2, 5, 7])
    assert positions(dense, ids).tolist() == [-1, -1, 0, 1, 2, -1, 3, -1, -1]
    sparse = np.array([1, 2, 5, 7, 10**11])
    assert positions(sparse, ids).tolist() == [-1, -1, 0, 1, 2, -1, 3, -1, -1]
    assert positions(np.array([], dtype=np.int64), ids).tolist() == [-1] * len(ids)
