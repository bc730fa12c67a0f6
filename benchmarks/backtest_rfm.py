"""A 24-month RFM backtest over 5,000,000 orders, beside a pandas floor.

Ours is ``segdesk.analysis.backtest.run_backtest`` of the scheme ``rfm`` over 24 month ends,
as ``segdesk stability rfm --backtest monthly`` runs it: the counted orders read from the
database, RFM as of each month end, the members of each segment as sets, and kept / joined /
left, similarity and the moves between consecutive dates. Timed from the call to its result,
reading the orders included.

The floor is the least work that gives the same sizes: the counted orders already in memory
as arrays (reading them is not timed), then for each month end a pandas groupby per contact
over the orders up to it (last day, count, total), the quintile breakpoints, the scores by
``numpy.searchsorted`` and the R x F names. No sets, no measures between dates.

    python benchmarks/backtest_rfm.py                # 1,000,000 contacts, 5,000,000 orders
    python benchmarks/backtest_rfm.py --scale 0.1    # a tenth of that
    python benchmarks/backtest_rfm.py --runs 3 --rebuild

The database is generated once from a seed and cached in benchmarks/.data/ (git-ignored),
with the RFM scheme saved once, so that ``rfm`` names a scheme. The script prints a table
and asserts nothing: the target (under 60 s at full size) shows PASS or MISS.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from segdesk.analysis.backtest import run_backtest, series_dates
from segdesk.models.rfm import GRID_CODES, NO_PURCHASES, QUANTILES, SEGMENT_NAMES
from segdesk.models.runner import run_rfm
from segdesk.store.database import open_database
from segdesk.store.version import SCHEMA_VERSION

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
DATA_VERSION = 1
"""Bump when the generated data changes, so that an old cached database is not reused."""

FULL_CONTACTS = 1_000_000
FULL_ORDERS = 5_000_000
DEFAULT_SEED = 20261203
TODAY = dt.date(2026, 11, 15)
HISTORY_DAYS = 3 * 365
FIRST, LAST = dt.date(2024, 11, 1), dt.date(2026, 10, 31)
"""24 month ends: 2024-11-30 to 2026-10-31."""
TARGET_SECONDS = 60.0
STATUSES = ("paid", "pending", "refunded", "voided", "cancelled", "partially refunded")
STATUS_WEIGHTS = (0.9, 0.02, 0.04, 0.005, 0.015, 0.02)
LEFT_OUT = ("refunded", "voided", "cancelled")
APP_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")


def sizes(scale: float) -> tuple[int, int]:
    return max(10, round(FULL_CONTACTS * scale)), max(10, round(FULL_ORDERS * scale))


def db_path(scale: float, seed: int) -> Path:
    name = f"backtest-x{scale:g}-seed{seed}-schema{SCHEMA_VERSION}-v{DATA_VERSION}.db"
    return DATA_DIR / name


def build(path: Path, scale: float, seed: int) -> None:
    """The schema the app's way, then sqlite3 executemany, then one saved RFM run.

    A fifth of the contacts never order; the others order with weights from a Pareto
    distribution (a few order very often), in time order over three years as a shop exports
    them; a tenth of the orders are not paid (6 % refunded, voided or cancelled: left out);
    1 % have no amount.
    """
    contacts, orders = sizes(scale)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    open_database(path).dispose()
    rng = np.random.default_rng(seed)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for pragma in APP_PRAGMAS:
            conn.execute(pragma)
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' "
            "AND sql IS NOT NULL"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _sql in indexes:  # built again after the rows: same result, much faster
            conn.execute(f'DROP INDEX "{name}"')
        stamp = "2023-11-01 09:00:00.000000"
        conn.executemany(
            "INSERT INTO contact (id, external_id, email, consent, created_at, updated_at, "
            "search_text) VALUES (?, ?, ?, 'unknown', ?, ?, '')",
            ((i, f"{i:08d}", f"c{i}@example.com", stamp, stamp) for i in range(1, contacts + 1)),
        )
        buyers = rng.permutation(np.arange(1, contacts + 1))[: max(1, contacts * 4 // 5)]
        weights = rng.pareto(1.5, size=len(buyers)) + 1
        who = rng.choice(buyers, size=orders, p=weights / weights.sum())
        start = np.datetime64(TODAY - dt.timedelta(days=HISTORY_DAYS), "s")
        seconds = np.sort(rng.integers(0, HISTORY_DAYS * 86400, size=orders))
        times = np.datetime_as_string(start + seconds.astype("timedelta64[s]"), unit="us")
        amounts = np.round(rng.lognormal(3.5, 1.0, size=orders), 2)
        amount_list: list[float | None] = amounts.tolist()
        for i in np.flatnonzero(rng.random(orders) < 0.01).tolist():
            amount_list[i] = None
        status = np.array(STATUSES)[rng.choice(len(STATUSES), size=orders, p=STATUS_WEIGHTS)]
        conn.executemany(
            "INSERT INTO event (contact_id, kind, occurred_at, amount, quantity, status, "
            "dedup_key) VALUES (?, 'order', ?, ?, 1, ?, ?)",
            (
                (c, t.replace("T", " "), a, s, f"o{n:09d}")
                for n, (c, t, a, s) in enumerate(
                    zip(who.tolist(), times.tolist(), amount_list, status.tolist(), strict=True)
                )
            ),
        )
        for _name, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    engine = open_database(path)
    with engine.connect() as conn, conn.begin():
        run_rfm(conn, as_of=TODAY, now=dt.datetime.now(dt.UTC), save=True)
    engine.dispose()


def ours(path: Path) -> tuple[float, list[dict[str, int]]]:
    engine = open_database(path, mode="read")
    started = time.perf_counter()
    with engine.connect() as conn:
        result = run_backtest(conn, "rfm", FIRST, LAST, "monthly", today=TODAY)
    seconds = time.perf_counter() - started
    engine.dispose()
    by_date = [{s.name: s.sizes[i] for s in result.segments} for i in range(len(result.dates))]
    return seconds, by_date


def counted_orders(path: Path) -> pd.DataFrame:
    """The floor's arrays: counted orders (contact, UTC day as a number, amount)."""
    marks = ", ".join(f"'{s}'" for s in LEFT_OUT)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        frame = pd.read_sql(
            "SELECT contact_id, substr(occurred_at, 1, 10) AS day, amount FROM event "
            f"WHERE kind = 'order' AND (status IS NULL OR status NOT IN ({marks}))",
            conn,
        )
        contacts = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    frame["day"] = pd.to_datetime(frame["day"]).to_numpy("datetime64[D]").astype(np.int64)
    frame["amount"] = frame["amount"].fillna(0.0)
    frame.attrs["contacts"] = contacts
    return frame


def floor(orders: pd.DataFrame, dates: list[dt.date]) -> tuple[float, list[dict[str, int]]]:
    everyone = orders.attrs["contacts"]
    started = time.perf_counter()
    by_date = []
    for day in dates:
        number = (day - dt.date(1970, 1, 1)).days
        upto = orders[orders["day"] <= number]
        per = upto.groupby("contact_id").agg(
            last=("day", "max"), frequency=("day", "size"), monetary=("amount", "sum")
        )
        scores = []
        for values, invert in (
            (number - per["last"].to_numpy(), True),
            (per["frequency"].to_numpy(), False),
            (per["monetary"].round(6).to_numpy(), False),
        ):
            points = np.round(np.quantile(values.astype(float), QUANTILES), 9)
            above = np.searchsorted(points, values, side="left")
            scores.append(5 - above if invert else 1 + above)
        codes = GRID_CODES[scores[0], scores[1]]
        counts = np.bincount(codes, minlength=len(SEGMENT_NAMES))
        sizes = {name: int(n) for name, n in zip(SEGMENT_NAMES, counts, strict=True)}
        sizes[NO_PURCHASES] = everyone - len(per)
        by_date.append(sizes)
    return time.perf_counter() - started, by_date


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--runs", type=int, default=1, help="runs of each figure (median)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale is a share of the full size, above 0 and at most 1")
    path = db_path(args.scale, args.seed)
    contacts, orders = sizes(args.scale)
    if args.rebuild or not path.exists():
        print(f"Building {path.name}: {contacts:,} contacts, {orders:,} orders ...", flush=True)
        started = time.perf_counter()
        build(path, args.scale, args.seed)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    dates = series_dates(FIRST, LAST, "monthly")
    arrays = counted_orders(path)
    mine, least = [], []
    for _ in range(args.runs):  # interleaved, so that a slow moment spreads over both
        seconds, our_sizes = ours(path)
        mine.append(seconds)
        seconds, floor_sizes = floor(arrays, dates)
        least.append(seconds)
    ours_s, floor_s = statistics.median(mine), statistics.median(least)
    print(
        f"RFM backtest, {len(dates)} month ends {dates[0]} to {dates[-1]}: {contacts:,} "
        f"contacts, {orders:,} orders ({len(arrays):,} counted); median of {args.runs} run(s)"
    )
    print(f"{'ours: run_backtest, reading the orders included':<52} {ours_s:8.2f} s")
    print(f"{'floor: pandas groupby per date, arrays in memory':<52} {floor_s:8.2f} s")
    print(f"{'ours / floor':<52} {ours_s / floor_s:8.2f}x")
    same = our_sizes == floor_sizes
    print(f"same sizes on every date on both sides: {'yes' if same else 'NO'}")
    verdict = "PASS" if ours_s < TARGET_SECONDS else "MISS"
    scope = "" if args.scale == 1 else f" (at --scale {args.scale:g}; the target is at full size)"
    print(f"under {TARGET_SECONDS:.0f} s: {verdict}{scope}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
