"""The Workspace's model methods: what they save, progress and cancel."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from segdesk.jobs import Cancelled
from segdesk.models.lifecycle import Thresholds
from segdesk.models.run_data import RfmContact
from segdesk.workspace import Workspace
from tests.models.conftest import ANCHOR


def count(db: Path, table: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_look_back_saves_nothing_and_today_saves(unsegmented_copy: Path) -> None:
    with Workspace.open(unsegmented_copy) as ws:
        back = ws.models.run_rfm(ANCHOR)
        assert (back.as_of, back.saved) == (ANCHOR, False)
        assert count(unsegmented_copy, "scheme") == 0
        today = ws.models.run_rfm()
        assert (today.as_of, today.saved) == (dt.date.today(), True)
        assert count(unsegmented_copy, "model_run") == 1
        saved_back = ws.models.run_rfm(ANCHOR, save=True)
        assert saved_back.saved and count(unsegmented_copy, "model_run") == 2


def test_lifecycle_takes_the_saved_thresholds(unsegmented_copy: Path) -> None:
    limits = Thresholds(new_days=7, active_days=45, lapsed_days=180)
    with Workspace.open(unsegmented_copy) as ws:
        assert ws.models.lifecycle_thresholds() == Thresholds()
        ws.models.run_lifecycle(ANCHOR, limits, save=True)
        assert ws.models.lifecycle_thresholds() == limits
        again = ws.models.run_lifecycle(ANCHOR)
        assert again.thresholds == limits and not again.saved


def test_summary_and_contacts(unsegmented_copy: Path) -> None:
    with Workspace.open(unsegmented_copy) as ws:
        result = ws.models.run_lifecycle(ANCHOR)
        summary = ws.models.summary(result)
        records = ws.models.contacts(result)
    assert summary.contacts == count(unsegmented_copy, "contact")
    assert summary.with_orders == len(records) == len(result.contacts)
    assert [r.days_since_last for r in records] == result.contacts["days_since_last"].tolist()


def test_typed_results_print_as_json_in_column_order(unsegmented_copy: Path) -> None:
    with Workspace.open(unsegmented_copy) as ws:
        rfm_run = ws.models.run_rfm(ANCHOR)
        rfm = ws.models.summary(rfm_run)
        [first, *_] = ws.models.contacts(rfm_run)
        lifecycle = ws.models.summary(ws.models.run_lifecycle(ANCHOR))
    assert (rfm.model, rfm.thresholds, lifecycle.model, lifecycle.breakpoints) == (
        "rfm",
        None,
        "lifecycle",
        None,
    )
    champions, no_purchases = rfm.segments[0], rfm.segments[-1]
    assert (champions.name, champions.r, champions.f) == ("Champions", (5,), (4, 5))
    assert (no_purchases.name, no_purchases.r, no_purchases.f) == ("No purchases", (), ())
    assert list(rfm.to_json()) == [
        "model",
        "as_of",
        "saved",
        "contacts",
        "with_orders",
        "quantiles",
        "breakpoints",
        "segments",
    ]
    assert rfm.to_json()["segments"][-1] == {**no_purchases.to_json(), "r": [], "f": []}
    assert list(lifecycle.to_json())[5] == "thresholds"
    assert lifecycle.segments[0].r is None
    assert set(lifecycle.to_json()["segments"][0]) == {"name", "size", "share"}
    assert isinstance(first, RfmContact) and 1 <= first.r <= 5
    assert list(first.to_json()) == [
        "external_id",
        "email",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        "segment",
    ]


def test_progress_and_cancel(unsegmented_copy: Path) -> None:
    steps: list[tuple[int, int]] = []
    with Workspace.open(unsegmented_copy) as ws:
        ws.models.run_rfm(
            ANCHOR, save=True, progress=lambda done, total, _: steps.append((done, total))
        )
        assert steps == [(1, 3), (2, 3), (3, 3)]
        runs = count(unsegmented_copy, "model_run")
        with pytest.raises(Cancelled):
            ws.models.run_rfm(ANCHOR, save=True, cancelled=lambda: True)
    assert count(unsegmented_copy, "model_run") == runs == 1
