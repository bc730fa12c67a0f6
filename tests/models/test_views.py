"""The saved schemes as the Models screen reads them: the RxF grid scored again from the
stored breakpoints gives the run's cells; lifecycle gives its thresholds and sizes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import Engine

from segdesk.models import rfm
from segdesk.models.lifecycle import STAGES, Thresholds
from segdesk.models.runner import run_lifecycle, run_rfm
from segdesk.models.views import grid_of, name_of, saved_grid, saved_lifecycle
from tests.models.conftest import ANCHOR, NOW


def test_no_grid_and_default_thresholds_before_a_run(sample_engine: Engine) -> None:
    with sample_engine.connect() as conn:
        assert saved_grid(conn) is None
        view = saved_lifecycle(conn)
    assert (view.as_of, view.thresholds) == (None, Thresholds())
    assert view.sizes == dict.fromkeys(STAGES, 0)


def test_the_saved_grid_is_the_runs_grid(sample_engine: Engine) -> None:
    with sample_engine.begin() as conn:
        result = run_rfm(conn, as_of=ANCHOR, now=NOW)
    with sample_engine.connect() as conn:
        saved = saved_grid(conn)
    assert saved is not None and saved.ran_at == NOW
    assert replace(saved, ran_at=None) == grid_of(result)
    assert saved.sizes() == result.sizes
    assert saved.contacts == sum(result.sizes.values())
    assert saved.with_orders == len(result.contacts)


def test_every_cell_carries_its_grid_name() -> None:
    names = {name_of(r, f) for r in range(1, 6) for f in range(1, 6)}
    assert names == set(rfm.SEGMENT_NAMES) - {rfm.NO_PURCHASES}
    assert name_of(5, 5) == "Champions" and name_of(1, 1) == "Hibernating"


def test_the_saved_grid_keeps_the_last_runs_day(sample_engine: Engine) -> None:
    earlier = dt.date(2026, 6, 30)
    with sample_engine.begin() as conn:
        run_rfm(conn, as_of=ANCHOR, now=NOW)
        later = run_rfm(conn, as_of=earlier, now=NOW + dt.timedelta(hours=1))
    with sample_engine.connect() as conn:
        saved = saved_grid(conn)
    assert saved is not None and saved.as_of == earlier
    assert saved.breakpoints == later.breakpoints


def test_lifecycle_view_has_the_saved_thresholds_and_sizes(sample_engine: Engine) -> None:
    limits = Thresholds(new_days=14, active_days=60, lapsed_days=200)
    with sample_engine.begin() as conn:
        result = run_lifecycle(conn, as_of=ANCHOR, thresholds=limits, now=NOW)
    with sample_engine.connect() as conn:
        view = saved_lifecycle(conn)
    assert (view.as_of, view.ran_at, view.thresholds) == (ANCHOR, NOW, limits)
    assert view.sizes == result.sizes
