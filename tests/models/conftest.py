"""Fixtures of the model tests: sample copies and the sample's orders read with pandas."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from segdesk.store.database import open_database

ANCHOR = dt.date(2026, 11, 15)
"""The sample database's anchor day (its meta key sample_anchor)."""
NOW = dt.datetime(2026, 11, 15, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def sample_engine(unsegmented_copy: Path):
    engine = open_database(unsegmented_copy)
    yield engine
    engine.dispose()


@pytest.fixture
def fresh_engine(empty_db: Path):
    engine = open_database(empty_db)
    yield engine
    engine.dispose()


def pandas_figures(db: Path, as_of: dt.date) -> pd.DataFrame:
    """Per contact with orders up to ``as_of``, the plain pandas way: first and last day,
    days since each, frequency, monetary; refunded, voided and cancelled orders left out.
    Indexed by contact id."""
    with closing(sqlite3.connect(db)) as conn:
        orders = pd.read_sql(
            "SELECT contact_id, occurred_at, amount FROM event WHERE kind = 'order'"
            " AND (status IS NULL OR status NOT IN ('refunded', 'voided', 'cancelled'))",
            conn,
        )
    orders["day"] = pd.to_datetime(orders["occurred_at"], unit="s").dt.normalize()
    orders = orders[orders["day"] <= pd.Timestamp(as_of)]
    per = orders.groupby("contact_id").agg(
        first=("day", "min"),
        last=("day", "max"),
        frequency=("day", "size"),
        monetary=("amount", "sum"),
    )
    per["days_since_first"] = (pd.Timestamp(as_of) - per["first"]).dt.days
    per["days_since_last"] = (pd.Timestamp(as_of) - per["last"]).dt.days
    return per


def all_contact_ids(db: Path) -> list[int]:
    with closing(sqlite3.connect(db)) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM contact ORDER BY id")]


def engine_path(engine: Engine) -> Path:
    return Path(engine.url.database or "")
