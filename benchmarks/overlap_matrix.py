"""The overlap matrix of 20 segments over 1,000,000 contacts, loading included, beside a numpy
boolean-matrix floor.

Figures, each the median of several runs on the same store:

- ours: ``overlap_report`` as the app and ``segdesk overlap`` run it, on a fresh connection:
  the segment list, the contact count, the members (each segment's stored bitmap), every
  pair's people in both, shares and similarity, coverage and flags;
- ours, sets only: ``current_members`` and ``pair_overlap`` for every pair, the part the
  target is about;
- floor from rows: the most direct numpy way from the store's member rows: ``segment_id,
  contact_id`` read with ``sqlite3``, a segments x contacts boolean matrix, and its product
  with its transpose (people in both for every pair at once), shares and similarity from it;
- floor from bitmaps: the same numpy matrix filled from the same stored bitmaps ours reads.

Target: ours within 3x of the floor (the faster floor), and well under a second.

    python benchmarks/overlap_matrix.py                 # 1,000,000 contacts, 20 segments
    python benchmarks/overlap_matrix.py --scale 0.1     # 100,000 contacts
    python benchmarks/overlap_matrix.py --runs 7 --rebuild

The store is generated once from a seed and cached in benchmarks/.data/ (git-ignored): the
schema from ``open_database``, contacts and member rows with ``sqlite3``, and each segment's
bitmap written by the store's own writer (the one migration 7 uses). The script prints a table
and asserts nothing.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from pyroaring import BitMap

from segdesk.analysis.member_sets import current_members
from segdesk.analysis.overlap import overlap_report
from segdesk.analysis.set_measures import pair_overlap
from segdesk.store.database import open_database
from segdesk.store.member_bitmaps import write_member_sets_from_rows
from segdesk.store.version import SCHEMA_VERSION

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
DATA_VERSION = 1
FULL_CONTACTS = 1_000_000
SEGMENTS = 20
DEFAULT_SEED = 20261215
TARGET_RATIO = 3.0
WHEN = "2026-11-15 00:00:00.000000"


def db_path(contacts: int, seed: int) -> Path:
    return DATA_DIR / f"overlap-{contacts}-{seed}-v{DATA_VERSION}-s{SCHEMA_VERSION}.db"


def segment_members(contacts: int, rng: np.random.Generator) -> list[np.ndarray]:
    """20 sets of varied sizes, from 0.2% to 60% of the contacts, with a near-duplicate of
    the first and a subset of the second planted, as a real shop's segments overlap."""
    fractions = np.geomspace(0.002, 0.6, SEGMENTS - 2)
    sets = [
        np.sort(rng.choice(np.arange(1, contacts + 1), int(contacts * f), replace=False))
        for f in fractions
    ]
    first, second = sets[-1], sets[-2]
    twin = np.union1d(first[: int(len(first) * 0.9)], rng.integers(1, contacts + 1, 5_000))
    inner = rng.choice(second, len(second) // 5, replace=False)
    return [*sets, twin, np.sort(inner)]


def build(path: Path, contacts: int, seed: int) -> None:
    DATA_DIR.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    open_database(tmp).dispose()
    sets = segment_members(contacts, np.random.default_rng(seed))
    conn = sqlite3.connect(tmp)
    with conn:
        conn.executemany(
            "INSERT INTO contact (id, email, consent, created_at, updated_at, search_text) "
            "VALUES (?, ?, 'unknown', ?, ?, '')",
            ((i, f"c{i}@example.com", WHEN, WHEN) for i in range(1, contacts + 1)),
        )
        for n, members in enumerate(sets, start=1):
            conn.execute(
                "INSERT INTO segment (id, name, kind, status, version, member_count, "
                "refreshed_at, created_at, updated_at) "
                "VALUES (?, ?, 'static', 'active', 1, ?, ?, ?, ?)",
                (n, f"Segment {n:02d}", len(members), WHEN, WHEN, WHEN),
            )
            conn.executemany(
                "INSERT INTO segment_member (segment_id, contact_id, joined_at) VALUES (?, ?, ?)",
                ((n, int(c), WHEN) for c in members),
            )
    conn.close()
    engine = open_database(tmp)
    with engine.begin() as sa_conn:
        write_member_sets_from_rows(sa_conn, range(1, len(sets) + 1))
    engine.dispose()
    tmp.replace(path)


def timed(work: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ours(path: Path) -> Callable[[], object]:
    engine = open_database(path, mode="read")

    def run() -> object:
        with engine.connect() as conn:
            return overlap_report(conn)

    return run


def ours_sets(path: Path) -> Callable[[], object]:
    engine = open_database(path, mode="read")

    def run() -> object:
        with engine.connect() as conn:
            members = current_members(conn, list(range(1, SEGMENTS + 1)))
        sets = list(members.values())
        return [
            pair_overlap(a, sets[j]).both
            for i, a in enumerate(sets)
            for j in range(i + 1, len(sets))
        ]

    return run


def _measures(matrix: np.ndarray) -> list[int]:
    """People in both for every pair (and, as the report does, shares and similarity)."""
    product = matrix.astype(np.float32)
    both = product @ product.T
    sizes = np.diag(both)
    with np.errstate(divide="ignore", invalid="ignore"):
        _shares = both / sizes[:, None]
        _jaccard = both / (sizes[:, None] + sizes[None, :] - both)
    upper = np.triu_indices(len(sizes), 1)
    return [int(x) for x in both[upper]]


def floor_rows(path: Path) -> Callable[[], object]:
    def run() -> object:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        contacts = conn.execute("SELECT max(id) FROM contact").fetchone()[0]
        pairs = np.array(
            conn.execute(
                "SELECT segment_id, contact_id FROM segment_member ORDER BY segment_id"
            ).fetchall(),
            dtype=np.int64,
        ).reshape(-1, 2)
        conn.close()
        matrix = np.zeros((SEGMENTS, contacts + 1), dtype=bool)
        matrix[pairs[:, 0] - 1, pairs[:, 1]] = True
        return _measures(matrix)

    return run


def floor_bitmaps(path: Path) -> Callable[[], object]:
    def run() -> object:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        contacts = conn.execute("SELECT max(id) FROM contact").fetchone()[0]
        blobs = conn.execute(
            "SELECT members FROM segment_member_set ORDER BY segment_id"
        ).fetchall()
        conn.close()
        matrix = np.zeros((SEGMENTS, contacts + 1), dtype=bool)
        for i, (blob,) in enumerate(blobs):
            matrix[i, np.frombuffer(BitMap.deserialize(blob).to_array(), dtype=np.uint32)] = True
        return _measures(matrix)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1,000,000 contacts")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--rebuild", action="store_true", help="generate the store again")
    args = parser.parse_args(argv)
    contacts = max(1000, int(FULL_CONTACTS * args.scale))
    path = db_path(contacts, args.seed)
    if args.rebuild or not path.exists():
        print(f"Building {path.name} ({contacts:,} contacts, {SEGMENTS} segments)…", flush=True)
        start = time.perf_counter()
        build(path, contacts, args.seed)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    with sqlite3.connect(path) as conn:
        members = conn.execute("SELECT count(*) FROM segment_member").fetchone()[0]
    print(f"{contacts:,} contacts, {SEGMENTS} segments, {members:,} memberships; {args.runs} runs")

    ours_time, report = timed(ours(path), args.runs)
    sets_time, ours_both = timed(ours_sets(path), args.runs)
    rows_time, rows_both = timed(floor_rows(path), args.runs)
    bitmaps_time, bitmaps_both = timed(floor_bitmaps(path), args.runs)
    if not (ours_both == rows_both == bitmaps_both):
        print("MISMATCH: the floors and ours disagree on people in both", file=sys.stderr)
        return 1
    floor = min(rows_time, bitmaps_time)
    print(f"{'figure':<44} {'median s':>9} {'ours/floor':>11}")
    for name, seconds in (
        ("ours: overlap report (load + matrix + flags)", ours_time),
        ("ours: sets only (load + every pair)", sets_time),
        ("floor: numpy boolean matrix from member rows", rows_time),
        ("floor: numpy boolean matrix from the bitmaps", bitmaps_time),
    ):
        print(f"{name:<44} {seconds:>9.3f} {seconds / floor:>10.2f}x")
    ratio = ours_time / floor
    verdict = "PASS" if ratio <= TARGET_RATIO and ours_time < 1.0 else "MISS"
    print(
        f"target: ours within {TARGET_RATIO:g}x of the faster floor and under 1 s: "
        f"{ratio:.2f}x, {ours_time:.3f} s {verdict}"
    )
    flags = getattr(report, "flags", ())
    print(f"flags found: {', '.join(sorted({f.kind for f in flags})) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
