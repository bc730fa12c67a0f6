"""Speed of the RFM and lifecycle models at a million contacts and five million orders,
beside a floor.

The floor is the least work that gives the same segment sizes: the counted orders already in
memory as arrays (reading them is not timed), a pandas groupby per contact (first and last
day, count, total), then for RFM the quintile breakpoints, the scores by numpy.searchsorted
and the R x F names, for lifecycle the stages; no contacts without orders, nothing saved.
Ours is the command a user types, timed by this script from the start of the process to its
exit (Python's start-up and imports included): `segdesk model rfm --no-save`, `model rfm`
saving into a fresh copy (every contact joins a segment), `model rfm` again (a refresh where
nobody moves) and `model lifecycle --no-save`. Each figure runs in a process of its own, and
its peak memory is that process's maximum resident size (getrusage of the child).

    python benchmarks/models_speed.py                      # 1,000,000 contacts, 5,000,000 orders
    python benchmarks/models_speed.py --runs 5             # more runs of each figure
    python benchmarks/models_speed.py --contacts 200000 --orders 1000000
    python benchmarks/models_speed.py --rebuild            # generate the database again

The database is generated once from a seed and cached in benchmarks/.data/. The script prints
a table and asserts nothing: targets (RFM under 5 s from command start and under 1 GB) are
shown with PASS or MISS beside them, and a line says whether every side gave the same sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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


# The figures (each in a process of its own) -----------------------------------------------


def floor(db: Path, model: str) -> dict[str, object]:
    """The counted orders as arrays in memory (not timed), then pandas: the same sizes."""
    import pandas as pd

    from segdesk.models.rfm import GRID_CODES, SEGMENT_NAMES

    conn = sqlite3.connect(db)
    contacts = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    orders = pd.read_sql(
        "SELECT contact_id, substr(occurred_at, 1, 10) AS day, amount FROM event "
        "WHERE kind = 'order' AND occurred_at < ? "
        "AND (status IS NULL OR status NOT IN ('refunded', 'voided', 'cancelled'))",
        conn,
        params=((AS_OF + dt.timedelta(days=1)).isoformat(),),
    )
    conn.close()
    orders["day"] = pd.to_datetime(orders["day"]).to_numpy("datetime64[D]").astype(np.int64)
    today = (AS_OF - dt.date(1970, 1, 1)).days
    started = time.perf_counter()
    per = orders.groupby("contact_id").agg(
        first=("day", "min"),
        last=("day", "max"),
        frequency=("day", "size"),
        monetary=("amount", "sum"),
    )
    since_last = today - per["last"].to_numpy()
    if model == "rfm":
        scores = []
        for values, invert in (
            (since_last, True),
            (per["frequency"].to_numpy(), False),
            (per["monetary"].round(6).to_numpy(), False),
        ):
            points = np.quantile(values.astype(float), QUANTILES).round(9)
            above = np.searchsorted(points, values, side="left")
            scores.append(5 - above if invert else 1 + above)
        codes = GRID_CODES[scores[0], scores[1]]
        names = SEGMENT_NAMES
    else:
        since_first = today - per["first"].to_numpy()
        codes = np.select(
            [since_first <= 30, since_last <= 90, since_last <= 365], [0, 1, 2], default=3
        )
        names = LIFECYCLE_STAGES
    sizes = np.bincount(codes, minlength=len(names))
    sizes[-1] = contacts - len(per)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "check": _sizes(names, sizes.tolist())}


LIFECYCLE_STAGES = ("New", "Active", "At risk", "Lapsed", "Never purchased")


def _sizes(names: Sequence[str], sizes: Sequence[int]) -> str:
    """The sizes by name, to show every side put the same number of people in each."""
    return ", ".join(f"{n} {s}" for n, s in zip(names, sizes, strict=True))


def child(figure: str, db: Path) -> None:
    result = floor(db, "rfm" if figure == "floor-rfm" else "lifecycle")
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB of 10^6 bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmHWM in /proc/self/status (this script needs Linux)")


COMMANDS = {
    "rfm": ["model", "rfm", "--no-save"],
    "rfm-first-save": ["model", "rfm", "--save"],
    "rfm-refresh": ["model", "rfm", "--save"],
    "lifecycle": [
        "model",
        "lifecycle",
        "--no-save",
        "--new-days",
        "30",
        "--active-days",
        "90",
        "--lapsed-days",
        "365",
    ],
}


def measure(figure: str, db: Path) -> tuple[float, float, str]:
    """One figure in a process of its own: its seconds, its peak memory (MB) and its check."""
    if figure.startswith("floor"):
        command = [sys.executable, __file__, "--child", figure, "--db", str(db)]
    else:
        segdesk = [str(Path(sys.executable).with_name("segdesk"))]  # as a user types it
        command = [
            *segdesk,
            *COMMANDS[figure],
            "--as-of",
            AS_OF.isoformat(),
            "--json",
            "--db",
            str(db),
        ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    out = process.stdout.read() if process.stdout else b""
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the {figure} figure failed ({' '.join(command)})")
    peak = usage.ru_maxrss * 1024 / 1e6
    result = json.loads(out)
    if figure.startswith("floor"):
        return float(result["seconds"]), float(result["peak_mb"]), str(result["check"])
    segments = result["segments"]
    check = _sizes([s["name"] for s in segments], [s["size"] for s in segments])
    return seconds, peak, check


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


LABELS = {
    "floor-rfm": "floor: RFM, pandas groupby, arrays in memory",
    "rfm": "ours: model rfm --no-save",
    "rfm-first-save": "ours: model rfm, saved, every contact joins",
    "rfm-refresh": "ours: model rfm, saved again, nobody moves",
    "floor-lifecycle": "floor: lifecycle, pandas groupby, in memory",
    "lifecycle": "ours: model lifecycle --no-save",
}
FLOOR_OF = {
    **{f: "floor-rfm" for f in ("floor-rfm", "rfm", "rfm-first-save", "rfm-refresh")},
    **{f: "floor-lifecycle" for f in ("floor-lifecycle", "lifecycle")},
}
TARGET_SECONDS, TARGET_MB = 5.0, 1000.0
"""RFM from command start, at 1,000,000 contacts and 5,000,000 orders."""


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.db)
        return 0
    db = db_path(args.contacts, args.orders, args.seed)
    if args.rebuild or not db.exists():
        build(db, args.contacts, args.orders, args.seed)
    work = db.with_name(db.stem + "-work.db")
    taken: dict[str, list[tuple[float, float, str]]] = {figure: [] for figure in LABELS}
    for _ in range(args.runs):  # interleaved, so that a slow moment spreads over every figure
        for figure in LABELS:
            if figure in ("rfm", "rfm-first-save"):  # a copy without the saved scheme
                for suffix in ("-wal", "-shm"):
                    Path(f"{work}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(db, work)
            taken[figure].append(measure(figure, db if figure.startswith("floor") else work))
    print(
        f"RFM and lifecycle as of {AS_OF}, {args.contacts:,} contacts, {args.orders:,} orders, "
        f"{args.runs} run(s) of each figure ({db.name})"
    )
    print(f"{'figure':<48} {'median s':>8} {'min s':>7} {'max s':>7} {'x floor':>8} {'peak MB':>8}")
    medians = {f: statistics.median(s for s, _, _ in runs) for f, runs in taken.items()}
    for figure, label in LABELS.items():
        seconds = [s for s, _, _ in taken[figure]]
        peak = max(p for _, p, _ in taken[figure])
        ratio = medians[figure] / medians[FLOOR_OF[figure]]
        print(
            f"{label:<48} {medians[figure]:8.2f} {min(seconds):7.2f} {max(seconds):7.2f} "
            f"{ratio:8.2f} {peak:8.0f}"
        )
    for model in ("rfm", "lifecycle"):
        checks = {c for f, runs in taken.items() if model in f for _, _, c in runs}
        print(f"same {model} sizes on every side: {'yes' if len(checks) == 1 else 'NO'}")
        print(f"  {min(checks)}")
    rfm_s = medians["rfm"]
    rfm_mb = max(p for _, p, _ in taken["rfm"])
    verdict = "PASS" if rfm_s < TARGET_SECONDS and rfm_mb < TARGET_MB else "MISS"
    print(
        f"model rfm --no-save under {TARGET_SECONDS:.0f} s and {TARGET_MB:,.0f} MB: {verdict}"
        + (
            ""
            if args.contacts == DEFAULT_CONTACTS and args.orders == DEFAULT_ORDERS
            else " (the target is for the full size)"
        )
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
