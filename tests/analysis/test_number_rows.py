"""The SQLite fast path for reading numbers gives what SQLAlchemy's portable path gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from segdesk.models.orders import utc_days
from segdesk.store.database import open_database
from segdesk.store.number_rows import number_rows, portable_number_rows, utc_day_number
from segdesk.store.tables import Event
from tests.conftest import SAMPLE_DB

event = Event.__table__


def test_the_fast_path_and_the_portable_one_read_the_same_numbers() -> None:
    query = select(
        event.c.contact_id, utc_day_number(event.c.occurred_at), func.coalesce(event.c.amount, 0.0)
    ).where(event.c.kind == "order")
    engine = open_database(SAMPLE_DB, mode="read")
    with engine.connect() as conn:
        fast, portable = number_rows(conn, query), portable_number_rows(conn, query)
        times = conn.execute(select(event.c.occurred_at).where(event.c.kind == "order")).scalars()
        days = utc_days(pd.Series(list(times), dtype=object)).to_numpy("datetime64[D]")
    engine.dispose()
    assert fast.shape == (22136, 3)
    np.testing.assert_array_equal(fast, portable)
    np.testing.assert_array_equal(fast[:, 1], days.astype(np.int64))
