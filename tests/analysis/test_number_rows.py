"""The SQLite fast path for reading numbers gives what SQLAlchemy's portable path gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, literal, select

from segdesk.store.database import open_database
from segdesk.store.number_rows import number_columns, portable_number_columns, utc_day_number
from segdesk.store.tables import Event
from tests.conftest import SAMPLE_DB
from tests.models.slow_models import utc_days

event = Event.__table__


def test_the_fast_path_and_the_portable_one_read_the_same_numbers() -> None:
    query = select(
        event.c.contact_id, utc_day_number(event.c.occurred_at), func.coalesce(event.c.amount, 0.0)
    ).where(event.c.kind == "order")
    reals = [False, False, True]
    engine = open_database(SAMPLE_DB, mode="read")
    with engine.connect() as conn:
        fast, portable = (
            number_columns(conn, query, reals),
            portable_number_columns(conn, query, reals),
        )
        times = conn.execute(select(event.c.occurred_at).where(event.c.kind == "order")).scalars()
        days = utc_days(pd.Series(list(times), dtype=object)).to_numpy("datetime64[D]")
        # Reals come back as the same doubles, digits beyond the fifteenth included.
        awkward = [0.1 + 0.2, 1 / 3, -2.5e-300, 1e300, 123456789.123456789, -0.0, float("inf")]
        awkward += [0.29, -0.29, 12.34, -1e-2, 99999999999.99, 1e13, 0.125, 1e13 - 0.01]
        values = [
            number_columns(conn, select(literal(v, type_=event.c.amount.type)), [True])[0][0]
            for v in awkward
        ]
        [nothing] = number_columns(
            conn, select(event.c.id).where(event.c.kind == "no such kind"), [False]
        )
    engine.dispose()
    assert [a.dtype for a in fast] == [np.int64, np.int64, np.float64]
    assert len(fast[0]) == 22136
    for ours, theirs in zip(fast, portable, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(fast[1], days.astype(np.int64))
    assert values == awkward
    assert len(nothing) == 0


def test_one_flag_per_column() -> None:
    engine = open_database(SAMPLE_DB, mode="read")
    with engine.connect() as conn, pytest.raises(ValueError, match="per selected column"):
        number_columns(conn, select(event.c.id, event.c.amount), [False])
    engine.dispose()
