"""A contact list export of 1,000,000 contacts beside pandas writing the same rows.

- ours: ``ws.exports.write_list`` of one segment holding every contact, in the generic CSV
  format (unsubscribed left out, formula guard on, the custom fields and the segment's name),
  written to a temporary file, renamed, and recorded in the export log;
- floor: ``pandas.read_sql`` of the same rows and columns (one SQL join of the segment's
  members and their contacts, unsubscribed left out, custom fields by ``json_extract``) and
  ``DataFrame.to_csv``: what a person would write with pandas, without the guard;
- bare: the least work that writes the same rows: that SQL through ``sqlite3`` straight into
  ``csv.writer``.

Runs alternate (ours, floor, bare, ours, ...); the medians and the ratios to each floor are
printed, with the 1.5x target against pandas, for the wall clock and for the CPU time of the
process (all run in this one process, SQLite included): on a busy machine the CPU figure is
the steadier. The script asserts nothing.

    python benchmarks/list_export.py                     # 1,000,000 contacts
    python benchmarks/list_export.py --contacts 100000   # a tenth, while working
    python benchmarks/list_export.py --runs 5 --rebuild

The database is generated once (the contacts of ``startup.py``, with a segment holding all of
them) and cached in benchmarks/.data/ (git-ignored).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from startup import DATA_DIR, contact_rows  # noqa: E402

from segdesk.publish.formats import GENERIC_FIELDS  # noqa: E402
from segdesk.store.version import SCHEMA_VERSION  # noqa: E402

DATA_VERSION = 1
SEED = 20261123
SEGMENT = "Everyone"
TARGET_RATIO = 1.5
CUSTOM = (("tier", "category"), ("score", "number"))
COLUMNS = GENERIC_FIELDS
"""The generic format's core fields, in its order."""


def db_path(contacts: int) -> Path:
    return DATA_DIR / f"list-export-{contacts}-seed{SEED}-schema{SCHEMA_VERSION}-v{DATA_VERSION}.db"


def build(path: Path, contacts: int) -> None:
    from startup import CONTACT_COLUMNS

    from segdesk.store.database import open_database

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    open_database(partial).dispose()
    with closing(sqlite3.connect(partial, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(CONTACT_COLUMNS))})",
            contact_rows(contacts, SEED),
        )
        now = "2026-11-15 00:00:00.000000"
        for name, kind in CUSTOM:
            conn.execute(
                "INSERT INTO field (name, label, type, origin, created_at) "
                "VALUES (?, ?, ?, 'custom', ?)",
                (name, name.title(), kind, now),
            )
        conn.execute(
            "INSERT INTO segment (id, name, kind, status, version, member_count, created_at, "
            "updated_at) VALUES (1, ?, 'static', 'active', 1, ?, ?, ?)",
            (SEGMENT, contacts, now, now),
        )
        conn.execute(
            "INSERT INTO segment_member (segment_id, contact_id, joined_at) "
            "SELECT 1, id, ? FROM contact",
            (now,),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")
    partial.replace(path)


CORE_SQL = ", ".join(f"c.{c}" for c in COLUMNS)
CUSTOM_SQL = ", ".join(f"json_extract(c.attributes, '$.{n}') AS {n}" for n, _ in CUSTOM)
FLOOR_SQL = f"""
SELECT {CORE_SQL}, {CUSTOM_SQL}, '{SEGMENT}' AS segment
FROM segment_member m JOIN contact c ON c.id = m.contact_id
WHERE m.segment_id = 1 AND c.consent != 'unsubscribed'
ORDER BY c.id
"""


Timed = tuple[float, float, int]
"""Wall seconds, CPU seconds, rows written."""


def floor(db: Path, out: Path) -> Timed:
    import pandas as pd

    with closing(sqlite3.connect(db)) as conn:
        started, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_sql(FLOOR_SQL, conn)
        frame.to_csv(out, index=False)
        return time.perf_counter() - started, time.process_time() - cpu, len(frame)


def bare(db: Path, out: Path) -> Timed:
    import csv

    with closing(sqlite3.connect(db)) as conn, out.open("w", newline="") as file:
        started, cpu = time.perf_counter(), time.process_time()
        cursor = conn.execute(FLOOR_SQL)
        writer = csv.writer(file)
        writer.writerow([d[0] for d in cursor.description])
        written = 0
        for batch in iter(lambda: cursor.fetchmany(10_000), []):
            writer.writerows(batch)
            written += len(batch)
        file.flush()
        return time.perf_counter() - started, time.process_time() - cpu, written


def ours(db: Path, out: Path) -> Timed:
    import segdesk.publish.lists  # noqa: F401  (loaded before the clock, as pandas is)
    from segdesk.publish.lists import ListOptions
    from segdesk.workspace import Workspace

    with Workspace.open(db, mode="write") as ws:
        started, cpu = time.perf_counter(), time.process_time()
        report = ws.exports.write_list([SEGMENT], out, ListOptions())
        return time.perf_counter() - started, time.process_time() - cpu, report.rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    db = db_path(args.contacts)
    if args.rebuild or not db.exists():
        print(f"Building {args.contacts:,} contacts in {db} ...", flush=True)
        started = time.perf_counter()
        build(db, args.contacts)
        print(f"Built in {time.perf_counter() - started:.1f} s", flush=True)
    runners = {"ours": ours, "floor": floor, "bare": bare}
    walls: dict[str, list[float]] = {name: [] for name in runners}
    cpus: dict[str, list[float]] = {name: [] for name in runners}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            for name, run in runners.items():
                wall, cpu, written = run(db, Path(folder) / f"{name}.csv")
                walls[name].append(wall)
                cpus[name].append(cpu)
                rows[name] = written
        sizes = {n: (Path(folder) / f"{n}.csv").stat().st_size for n in walls}
    if len(set(rows.values())) != 1:
        print("rows differ: " + ", ".join(f"{n} {r:,}" for n, r in rows.items()))
    print(f"{args.contacts:,} contacts in the segment, {rows['ours']:,} rows written")
    print(f"{'':<8}{'median s':>10}{'min s':>8}{'max s':>8}{'CPU s':>8}{'MB':>8}")
    for name in runners:
        t = walls[name]
        print(
            f"{name:<8}{statistics.median(t):>10.2f}{min(t):>8.2f}{max(t):>8.2f}"
            f"{statistics.median(cpus[name]):>8.2f}{sizes[name] / 1e6:>8.1f}"
        )
    for what, figures in (("wall", walls), ("CPU", cpus)):
        ratio = statistics.median(figures["ours"]) / statistics.median(figures["floor"])
        verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
        print(f"ours / floor ({what}) = {ratio:.2f}x (target <= {TARGET_RATIO}x): {verdict}")
        least = statistics.median(figures["ours"]) / statistics.median(figures["bare"])
        print(f"ours / bare ({what}) = {least:.2f}x")


if __name__ == "__main__":
    main()
