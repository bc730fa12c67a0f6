"""Speed of the RFM model at a million contacts and five million orders, beside a floor.

The floor is the most direct way to compute the same scores: `pandas.read_sql` of the orders,
a groupby per contact, the quintile breakpoints and the scores (numpy.searchsorted), with no
names, no contacts without orders and nothing saved. Ours is `segdesk.models.runner.run_rfm`
on the same database: without saving, saving into a fresh copy (every contact joins a
segment), and saving again (a refresh where nobody moves). Each figure runs in a child process
of its own so that its peak memory is measured alone.

    python benchmarks/models_speed.py                      # 1,000,000 contacts, 5,000,000 orders
    python benchmarks/models_speed.py --runs 5             # more runs of each figure
    python benchmarks/models_speed.py --contacts 100000 --orders 500000
    python benchmarks/models_speed.py --rebuild            # generate the database again

The database is generated once from a seed and cached in benchmarks/.data/. The script prints
a table and asserts nothing: targets are shown with PASS or MISS beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
DATA_VERSION = 1
"""Bump when the generated data changes, so that an old cached database is not reused."""

DEFAULT_CONTACTS = 1_000_000
DEFAULT_ORDERS = 5_000_000
DEFAULT_SEED = 20261124
AS_OF = dt.date(2026, 11, 15)
HISTORY_DAYS = 3 * 365
TARGET_RATIO = 2.0
QUANTILES = (0.2, 0.4, 0.6, 0.8)

APP_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")


# The database ------------------------------------------------------------------------------


def db_path(contacts: int, orders: int, seed: int) -> Path:
    from segdesk.store.version import SCHEMA_VERSION

    name = f"models-{contacts}c-{orders}o-seed{seed}-v{DATA_VERSION}-schema{SCHEMA_VERSION}.db"
    return DATA_DIR / name


def build(path: Path, contacts: int, orders: int, seed: int) -> None:
    """Create the schema the app's way, then fill it with sqlite3 executemany.

    A fifth of the contacts never order; the others order with weights from a Pareto
    distribution (a few order very often). Orders come in time order over three years, as a
    shop exports them; 2 % are refunds (negative amounts), 1 % have no amount.
    """
    from segdesk.store.database import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    open_database(path).dispose()
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in APP_PRAGMAS:
        conn.execute(pragma)
    # Build the event indexes after the rows are in: same result, much faster.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' "
        "AND sql IS NOT NULL"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    stamp = "2023-11-01 09:00:00.000000"
    consent = np.array(["subscribed", "unsubscribed", "unknown"])[
        rng.choice(3, size=contacts, p=[0.6, 0.1, 0.3])
    ]
    conn.executemany(
        "INSERT INTO contact (id, external_id, email, consent, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (i, f"{i:08d}", f"customer{i}@example.com", str(c), stamp, stamp)
            for i, c in zip(range(1, contacts + 1), consent.tolist(), strict=True)
        ),
    )
    buyers = rng.permutation(np.arange(1, contacts + 1))[: max(1, contacts * 4 // 5)]
    weights = rng.pareto(1.5, size=len(buyers)) + 1
    who = rng.choice(buyers, size=orders, p=weights / weights.sum())
    start = np.datetime64(AS_OF - dt.timedelta(days=HISTORY_DAYS), "s")
    seconds = np.sort(rng.integers(0, HISTORY_DAYS * 86400, size=orders))
    times = np.datetime_as_string(start + seconds.astype("timedelta64[s]"), unit="us")
    amounts = np.round(rng.lognormal(3.5, 1.0, size=orders), 2)
    amounts[rng.random(orders) < 0.02] *= -1
    amount_list: list[float | None] = amounts.tolist()
    for i in np.flatnonzero(rng.random(orders) < 0.01).tolist():
        amount_list[i] = None
    conn.executemany(
        "INSERT INTO event (contact_id, kind, occurred_at, amount, quantity, dedup_key) "
        "VALUES (?, 'order', ?, ?, 1, ?)",
        (
            (c, t.replace("T", " "), a, f"o{n:09d}")
            for n, (c, t, a) in enumerate(
                zip(who.tolist(), times.tolist(), amount_list, strict=True)
            )
        ),
    )
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# The figures (each in a child process) -------------------------------------------------------


def floor(db: Path) -> dict[str, object]:
    """pandas.read_sql, groupby, quintiles, scores: the same scores, the most direct way."""
    import pandas as pd

    started = time.perf_counter()
    conn = sqlite3.connect(db)
    end = (AS_OF + dt.timedelta(days=1)).isoformat()
    orders = pd.read_sql(
        "SELECT contact_id, occurred_at, amount FROM event "
        "WHERE kind = 'order' AND occurred_at < ?",
        conn,
        params=(end,),
    )
    per = orders.groupby("contact_id").agg(
        last=("occurred_at", "max"), frequency=("occurred_at", "size"), monetary=("amount", "sum")
    )
    last_day = pd.to_datetime(per["last"].str.slice(0, 10))
    recency = (pd.Timestamp(AS_OF) - last_day).dt.days.to_numpy()
    scores = []
    for values, invert in (
        (recency, True),
        (per["frequency"].to_numpy(), False),
        (per["monetary"].round(6).to_numpy(), False),
    ):
        points = np.quantile(values.astype(float), QUANTILES)
        above = np.searchsorted(points, values, side="left")
        scores.append(5 - above if invert else 1 + above)
    seconds = time.perf_counter() - started
    conn.close()
    return {"seconds": seconds, "check": _check(per.index.to_numpy(), *scores)}


def ours(db: Path, save: bool) -> dict[str, object]:
    from segdesk.models.runner import run_rfm
    from segdesk.store.database import open_database

    engine = open_database(db)
    started = time.perf_counter()
    with engine.connect() as conn, conn.begin():
        result = run_rfm(conn, as_of=AS_OF, now=dt.datetime.now(dt.UTC), save=save)
    seconds = time.perf_counter() - started
    engine.dispose()
    frame = result.contacts
    check = _check(
        frame["contact_id"].to_numpy(),
        frame["r"].to_numpy(),
        frame["f"].to_numpy(),
        frame["m"].to_numpy(),
    )
    return {"seconds": seconds, "check": check}


def _check(ids: np.ndarray, r: np.ndarray, f: np.ndarray, m: np.ndarray) -> str:
    """A fingerprint of who got which scores, to show both sides computed the same."""
    code = r.astype(np.int64) * 100 + f.astype(np.int64) * 10 + m.astype(np.int64)
    return f"{len(ids)}:{int(np.sum(ids.astype(np.int64) * code) % 1_000_000_007)}"


def child(figure: str, db: Path) -> None:
    result = floor(db) if figure == "floor" else ours(db, save=figure != "compute")
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB of 10^6 bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmHWM in /proc/self/status (this script needs Linux)")


def measure(figure: str, db: Path) -> tuple[float, float, str]:
    """Run one figure in a child: its seconds, its peak memory (MB) and its check."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", figure, "--db", str(db)],
        stdout=subprocess.PIPE,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {figure} figure failed (exit {done.returncode})")
    result = json.loads(done.stdout)
    return float(result["seconds"]), float(result["peak_mb"]), str(result["check"])


# Main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=DEFAULT_CONTACTS)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure (median)")
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.db)
        return 0
    db = db_path(args.contacts, args.orders, args.seed)
    if args.rebuild or not db.exists():
        build(db, args.contacts, args.orders, args.seed)
    work = db.with_name(db.stem + "-work.db")
    labels = {
        "floor": "(a) floor: read_sql, groupby, quintiles, scores",
        "compute": "(b) ours: run_rfm, not saved",
        "first-save": "(c) ours: run_rfm, saved, all contacts join",
        "refresh": "(d) ours: run_rfm, saved again, nobody moves",
    }
    taken: dict[str, list[tuple[float, float, str]]] = {figure: [] for figure in labels}
    for _ in range(args.runs):  # interleaved, so that a slow moment spreads over every figure
        for figure in labels:
            if figure in ("compute", "first-save"):
                for suffix in ("-wal", "-shm"):
                    Path(f"{work}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(db, work)
            taken[figure].append(measure(figure, db if figure == "floor" else work))
    print(
        f"RFM as of {AS_OF}, {args.contacts:,} contacts, {args.orders:,} orders, "
        f"{args.runs} run(s) of each figure ({db.name})"
    )
    print(
        f"{'figure':<50} {'median s':>8} {'min s':>7} {'max s':>7} {'x floor':>8} "
        f"{'peak MB':>8}  check"
    )
    floor_median = statistics.median(seconds for seconds, _, _ in taken["floor"])
    ratios = {}
    for figure, label in labels.items():
        seconds = [s for s, _, _ in taken[figure]]
        median = statistics.median(seconds)
        ratios[figure] = median / floor_median
        peak = max(p for _, p, _ in taken[figure])
        checks = {c for _, _, c in taken[figure]}
        print(
            f"{label:<50} {median:8.2f} {min(seconds):7.2f} {max(seconds):7.2f} "
            f"{ratios[figure]:8.2f} {peak:8.0f}  {', '.join(sorted(checks))}"
        )
    same = len({c for runs in taken.values() for _, _, c in runs}) == 1
    print(f"same scores on every side: {'yes' if same else 'NO'}")
    for figure, label in list(labels.items())[1:]:
        verdict = "PASS" if ratios[figure] <= TARGET_RATIO else "MISS"
        print(f"{label.split(':')[0]} within {TARGET_RATIO:.0f}x of the floor: {verdict}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
