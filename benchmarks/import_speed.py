"""Import speed of Segment Desk at a million contacts and five million orders, beside a floor.

The floor is the least work that stores the same file: `csv.reader` and one `executemany` in
one transaction, straight into the same tables of a database created the app's way, with no
checking, typing or matching. `segdesk import` runs as a user runs it, as a subprocess, and
is timed from start to exit; its peak memory is the process's maximum resident set size.

    python benchmarks/import_speed.py                        # 1,000,000 contacts, 5,000,000 orders
    python benchmarks/import_speed.py --contacts 200000 --orders 1000000
    python benchmarks/import_speed.py --only contacts
    python benchmarks/import_speed.py --rebuild              # generate the files again

The CSV files (and a database holding their contacts, the starting point of the orders
figures) are generated once from a seed and cached in benchmarks/.data/. The script prints a
table and asserts nothing: targets are shown with PASS or MISS beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"

DATA_VERSION = 1
"""Bump when the generated files change, so that old cached files are not reused."""

DEFAULT_CONTACTS = 1_000_000
DEFAULT_ORDERS = 5_000_000
DEFAULT_SEED = 20261124
HEAD_ROWS = 1000
"""Rows of the head file on which the suggested mapping is checked with a dry run."""

TARGET_RATIO = 2.0
"""Ours against the same-schema floor."""
TARGET_BARE_RATIO = {"contacts": 3.0, "orders": 4.0}
"""Ours against the bare-table floor (issue 14)."""
TARGET_PEER_RATIO = 4.0
"""sqlite-utils against ours, for the orders."""
TARGET_ADD_SECONDS = 2.0
"""Adding the small file of orders to the database of all the orders."""
DEFAULT_MORE = 10_000
TARGET_PEAK_MB = 1000.0

CONTACT_HEADER = (
    "customer_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "job_title",
    "city",
    "region",
    "country",
    "postal_code",
    "signup_date",
    "age",
    "plan",
)
ORDER_HEADER = ("customer_id", "order_id", "date", "amount", "quantity")

# What each column must become: a field of the contact or event, or custom:NAME (a custom
# field kept in the contact's JSON attributes). Anything the engine suggests otherwise is
# corrected with --map.
CONTACT_MAPPING = {
    "customer_id": "external_id",
    **{name: name for name in CONTACT_HEADER[1:11]},
    "signup_date": "custom:signup_date",
    "age": "custom:age",
    "plan": "custom:plan",
}
ORDER_MAPPING = {
    "customer_id": "external_id",
    "order_id": "ref",
    "date": "occurred_at",
    "amount": "amount",
    "quantity": "quantity",
}

# The app's connection settings (segdesk.store.engine), used by the floors too.
APP_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=10000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


# Test data ---------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words("""
    Alice Bruno Chloé Dmitri Elena Farid Grace Hiro Ines Jonas Kemal Lena Marta Nils Olga
    Pablo Quinn Rosa Sami Tara Umar Vera Wim Xenia Yusuf Zoë Amir Bea Carl Dana Emil Fay
""")
LAST_NAMES = _words("""
    Andersen Bakker Costa Dubois Eriksen Fischer García Horvat Ivanova Jansen Kowalski
    Laurent Moreau Novak Olsen Petrov Quist Rossi Schmidt Tanaka Ueda Varga Weber Xu Yilmaz
    Zimmermann Almeida Berg Conti Dahl Engel Ferrari
""")
COMPANIES = _words("""
    Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Tyrell Soylent Cyberdyne Wonka
    Aperture Oscorp Monarch Nakatomi
""")
JOB_TITLES = _words("Buyer Founder Engineer Analyst Manager Designer Director Consultant")
# City, region, country and the country's calling code.
PLACES = tuple(
    tuple(place.split("/"))
    for place in _words("""
    Paris/Île-de-France/FR/33 Lyon/Auvergne-Rhône-Alpes/FR/33 Berlin/Berlin/DE/49
    Munich/Bavaria/DE/49 Madrid/Madrid/ES/34 Lisbon/Lisboa/PT/351 Milan/Lombardy/IT/39
    Vienna/Vienna/AT/43 Amsterdam/North-Holland/NL/31 Oslo/Oslo/NO/47 Leeds/England/GB/44
    Dublin/Leinster/IE/353 Austin/Texas/US/1 Boston/Massachusetts/US/1 Toronto/Ontario/CA/1
    Osaka/Osaka/JP/81
    """)
)
DOMAINS = _words("example.com example.org example.net mail.example")
PLANS = _words("free free free starter pro pro team enterprise")
FIRST_SIGNUP = date(2019, 1, 1)
SIGNUP_SPAN_DAYS = 6 * 365
FIRST_ORDER = date(2020, 1, 1)
ORDER_SPAN_DAYS = 5 * 365


def _pick(bits: int, choices: Sequence[str]) -> tuple[str, int]:
    n = len(choices)
    return choices[bits % n], bits // n


def contact_rows(count: int, seed: int) -> Iterator[tuple[str, ...]]:
    """``count`` contacts, customer ids 00000001 upwards, the same for the same seed."""
    rng = random.Random(seed)
    for cid in range(1, count + 1):
        bits = rng.getrandbits(96)
        first, bits = _pick(bits, FIRST_NAMES)
        last, bits = _pick(bits, LAST_NAMES)
        company, bits = _pick(bits, COMPANIES)
        job, bits = _pick(bits, JOB_TITLES)
        domain, bits = _pick(bits, DOMAINS)
        plan, bits = _pick(bits, PLANS)
        place, bits = PLACES[bits % len(PLACES)], bits // len(PLACES)
        city, region, country, calling = place
        signup = FIRST_SIGNUP + timedelta(days=bits % SIGNUP_SPAN_DAYS)
        bits //= SIGNUP_SPAN_DAYS
        age, bits = 18 + bits % 70, bits // 70
        postal, bits = bits % 100_000, bits // 100_000  # one in ten starts with a zero
        yield (
            f"{cid:08d}",
            f"{first}.{last}.{cid}@{domain}".lower(),
            first,
            last,
            f"+{calling} {bits % 1000:03d} {cid % 1_000_000:06d}",
            company,
            job,
            city,
            region,
            country,
            f"{postal:05d}",
            signup.isoformat(),
            str(age),
            plan,
        )


def order_rows(count: int, contacts: int, seed: int) -> Iterator[tuple[str, ...]]:
    """``count`` orders of random contacts, in date order like a shop's export."""
    rng = random.Random(seed + 1)
    for n in range(1, count + 1):
        bits = rng.getrandbits(64)
        customer, bits = 1 + bits % contacts, bits // contacts
        cents, bits = 100 + bits % 50_000, bits // 50_000
        quantity = 1 + bits % 5
        day = FIRST_ORDER + timedelta(days=(n - 1) * ORDER_SPAN_DAYS // count)
        yield (
            f"{customer:08d}",
            f"ORD-{n:09d}",
            day.isoformat(),
            f"{cents // 100}.{cents % 100:02d}",
            str(quantity),
        )


def more_order_rows(count: int, contacts: int, seed: int) -> Iterator[tuple[str, ...]]:
    """``count`` further orders, of ids no order of ``order_rows`` has."""
    for customer, order_id, day, amount, quantity in order_rows(count, contacts, seed + 2):
        yield customer, "NEW-" + order_id.removeprefix("ORD-"), day, amount, quantity


def contacts_csv_path(count: int, seed: int) -> Path:
    return DATA_DIR / f"import-contacts-{count}-seed{seed}-v{DATA_VERSION}.csv"


def orders_csv_path(count: int, contacts: int, seed: int) -> Path:
    return DATA_DIR / f"import-orders-{count}-of-{contacts}-seed{seed}-v{DATA_VERSION}.csv"


def more_orders_csv_path(count: int, contacts: int, seed: int) -> Path:
    return DATA_DIR / f"import-more-orders-{count}-of-{contacts}-seed{seed}-v{DATA_VERSION}.csv"


def base_db_path(contacts: int, seed: int) -> Path:
    from segdesk.store.migrations import current_version

    name = f"import-contacts-{contacts}-seed{seed}-schema{current_version()}-v{DATA_VERSION}.db"
    return DATA_DIR / name


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[tuple[str, ...]]) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def _remove_db(path: Path) -> None:
    for end in ("", "-wal", "-shm"):
        path.with_name(path.name + end).unlink(missing_ok=True)


def ensure_files(
    args: argparse.Namespace,
) -> tuple[Path, Path | None, Path | None, Path | None]:
    """The contacts CSV, and for the orders figures the orders CSV, the contacts database and
    the file of more orders."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    contacts = contacts_csv_path(args.contacts, args.seed)
    if args.rebuild or not contacts.exists():
        print(f"Writing {args.contacts:,} contacts to {_shown(contacts)} ...", flush=True)
        started = time.perf_counter()
        _write_csv(contacts, CONTACT_HEADER, contact_rows(args.contacts, args.seed))
        print(f"  {_took(started)}, {_mb(contacts.stat().st_size)}.", flush=True)
    else:
        print(f"Using the cached {_shown(contacts)} (--rebuild to write it again).")
    if args.only == "contacts":
        return contacts, None, None, None
    orders = orders_csv_path(args.orders, args.contacts, args.seed)
    if args.rebuild or not orders.exists():
        print(f"Writing {args.orders:,} orders to {_shown(orders)} ...", flush=True)
        started = time.perf_counter()
        _write_csv(orders, ORDER_HEADER, order_rows(args.orders, args.contacts, args.seed))
        print(f"  {_took(started)}, {_mb(orders.stat().st_size)}.", flush=True)
    else:
        print(f"Using the cached {_shown(orders)}.")
    more = more_orders_csv_path(args.more, args.contacts, args.seed)
    if args.rebuild or not more.exists():
        _write_csv(more, ORDER_HEADER, more_order_rows(args.more, args.contacts, args.seed))
    base = base_db_path(args.contacts, args.seed)
    if args.rebuild or not base.exists():
        print(f"Storing the contacts in {_shown(base)} (floor method) ...", flush=True)
        started = time.perf_counter()
        partial = base.with_name(base.name + ".partial")
        _remove_db(partial)
        try:
            create_schema(partial)
            floor_contacts(partial, contacts)
        except BaseException:
            _remove_db(partial)
            raise
        partial.replace(base)
        print(f"  {_took(started)}, {_mb(base.stat().st_size)}.", flush=True)
    else:
        print(f"Using the cached {_shown(base)}.")
    return contacts, orders, base, more


# The floors --------------------------------------------------------------------------------


def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in APP_PRAGMAS:
        conn.execute(pragma)
    return conn


def create_schema(db: Path) -> None:
    """A fresh database, made the app's way."""
    from segdesk.store.database import open_database

    open_database(db).dispose()


def floor_contacts(db: Path, source: Path) -> int:
    """The contacts file into `contact` in one executemany; the rows stored."""
    now = "2026-01-01 00:00:00.000000"
    dumps = json.dumps
    conn = _connect(db)
    try:
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO contact (external_id, email, first_name, last_name, phone, "
                "company, job_title, city, region, country, postal_code, consent, created_at, "
                "updated_at, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        *r[:11],
                        "unknown",
                        now,
                        now,
                        dumps({"signup_date": r[11], "age": int(r[12]), "plan": r[13]}),
                    )
                    for r in reader
                ),
            )
            conn.execute("COMMIT")
        return conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        conn.close()


def floor_orders(db: Path, source: Path) -> int:
    """Contact ids from a dict of the stored external ids, the file in one executemany."""
    conn = _connect(db)
    try:
        ids = dict(conn.execute("SELECT external_id, id FROM contact"))
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO event (contact_id, kind, occurred_at, amount, quantity, ref, "
                "dedup_key, attributes) VALUES (?, 'order', ?, ?, ?, ?, ?, '{}')",
                (
                    (ids[r[0]], r[2] + " 00:00:00.000000", float(r[3]), float(r[4]), r[1], r[1])
                    for r in reader
                ),
            )
            conn.execute("COMMIT")
        return conn.execute("SELECT count(*) FROM event").fetchone()[0]
    finally:
        conn.close()


def floor_bare(db: Path, source: Path) -> int:
    """The file as it is into a table with a column per field and nothing else: no types,
    keys, indexes or checks (the most direct way); the rows stored."""
    conn = _connect(db)
    try:
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            columns = ", ".join(f'"{name}"' for name in header)
            conn.execute(f"CREATE TABLE bare ({columns})")
            conn.execute("BEGIN IMMEDIATE")
            marks = ", ".join("?" for _ in header)
            conn.executemany(f"INSERT INTO bare VALUES ({marks})", reader)
            conn.execute("COMMIT")
        return conn.execute("SELECT count(*) FROM bare").fetchone()[0]
    finally:
        conn.close()


def floor_child(what: str, db: Path, source: Path) -> int:
    """Run in a child process, so that its memory is measured alone: prints seconds, rows."""
    if what == "contacts":
        create_schema(db)  # not timed: only reading and inserting are
    started = time.perf_counter()
    if what == "bare":
        rows = floor_bare(db, source)
    else:
        rows = floor_contacts(db, source) if what == "contacts" else floor_orders(db, source)
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows}))
    return 0


# Running and measuring ---------------------------------------------------------------------


class MeasurementError(Exception):
    pass


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    stdout: str


def measure(argv: Sequence[str], env: dict[str, str], log: Path) -> Measured:
    """Run ``argv`` to its end: wall time, peak memory (ru_maxrss, as `time -v` shows it)."""
    with log.open("wb") as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, env=env)
        assert proc.stdout is not None
        try:
            stdout = proc.stdout.read()
            # wait4 instead of wait: it also gives the child's resource usage.
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        except BaseException:
            if proc.returncode is None:
                proc.kill()
                proc.wait()
            raise
        finally:
            proc.stdout.close()
        seconds = time.perf_counter() - started
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise MeasurementError(f"{' '.join(argv[:4])} ... exited {proc.returncode}:\n{tail}")
    # Linux gives kilobytes, macOS bytes.
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return Measured(seconds, peak / 1e6, stdout.decode("utf-8", "replace"))


def segdesk_command() -> list[str]:
    script = Path(sys.executable).with_name("segdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "segdesk"]


class Bench:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.runs = 0

    def env(self) -> dict[str, str]:
        """Private settings and data folders for each run: nothing saved leaks in or out."""
        self.runs += 1
        private = self.work / f"home-{self.runs}"
        return {
            **os.environ,
            "XDG_CONFIG_HOME": str(private / "config"),
            "XDG_DATA_HOME": str(private / "data"),
        }

    def floor(self, what: str, db: Path, source: Path) -> tuple[Measured, dict[str, float]]:
        argv = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--floor-child",
            what,
            str(db),
            str(source),
        ]
        done = measure(argv, self.env(), self.work / f"floor-{what}.log")
        return done, json.loads(done.stdout.strip().splitlines()[-1])

    def segdesk(
        self, what: str, source: Path, db: Path, maps: Sequence[str], *, dry_run: bool = False
    ) -> tuple[Measured, dict[str, object]]:
        argv = [
            *segdesk_command(),
            "import",
            what,
            str(source),
            "--db",
            str(db),
            "--json",
            "--rejects",
            str(self.work / f"{what}-rejects.csv"),
        ]
        for item in maps:
            argv += ["--map", item]
        if dry_run:
            argv.append("--dry-run")
        log = self.work / f"segdesk-{what}{'-dry-run' if dry_run else ''}.log"
        done = measure(argv, self.env(), log)
        return done, json.loads(done.stdout)

    def maps_for(self, what: str, source: Path) -> list[str]:
        """Check the engine's suggestion on a head of the file; --map what differs."""
        head = self.work / f"head-{source.name}"
        with source.open(encoding="utf-8") as whole, head.open("w", encoding="utf-8") as part:
            for _ in range(HEAD_ROWS + 1):
                line = whole.readline()
                if not line:
                    break
                part.write(line)
        wanted = CONTACT_MAPPING if what == "contacts" else ORDER_MAPPING
        from segdesk.workspace import Workspace

        scratch = self.work / f"suggest-{what}.db"
        with Workspace.open(scratch) as ws:
            shape = ws.imports.inspect(head)
            mapping = ws.imports.suggest_mapping(shape, what)  # type: ignore[arg-type]
        suggested = {
            c.source: c.action
            if c.action == "skip"
            else (f"custom:{c.field}" if c.action == "custom" else str(c.field))
            for c in mapping.columns
        }
        maps = [
            f"{column}={field}"
            for column, field in wanted.items()
            if suggested.get(column) != field
        ]
        shown = " ".join(f"--map {m}" for m in maps) or "none needed"
        print(f"  {what}: suggested mapping checked on {HEAD_ROWS:,} rows; {shown}")
        _, report = self.segdesk(what, head, self.work / f"dry-{what}.db", maps, dry_run=True)
        rows = sum(1 for _ in head.open(encoding="utf-8")) - 1
        counts = {k: report[k] for k in ("read", "inserted", "rejected")}
        if counts != {"read": rows, "inserted": rows, "rejected": 0}:
            raise MeasurementError(f"dry run of the head of {source.name}: {counts}")
        return maps


@dataclass
class Line:
    label: str
    seconds: float | None
    run: Measured | None
    db_mb: float | None = None


@dataclass
class Figure:
    what: str
    rows: int
    source_mb: float
    lines: dict[str, Line] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def seconds(self, key: str) -> float | None:
        line = self.lines.get(key)
        return line.seconds if line else None


def _db_mb(db: Path) -> float:
    return (
        sum(p.stat().st_size for end in ("", "-wal") if (p := db.with_name(db.name + end)).exists())
        / 1e6
    )


def _floors(bench: Bench, figure: Figure, source: Path, base: Path | None) -> None:
    """The bare-table floor, then the same-schema floor (into a copy of ``base`` if given)."""
    what = figure.what
    db = bench.work / f"bare-{what}.db"
    print("  bare floor: csv.reader + executemany into a bare table ...", flush=True)
    run, child = bench.floor("bare", db, source)
    figure.lines["bare"] = Line(
        "bare floor: a table, no indexes", child["seconds"], run, _db_mb(db)
    )
    _remove_db(db)
    db = bench.work / f"floor-{what}.db"
    if base is not None:
        shutil.copyfile(base, db)
    print("  same-schema floor: csv.reader + executemany ...", flush=True)
    run, child = bench.floor(what, db, source)
    figure.lines["floor"] = Line("same-schema floor", child["seconds"], run, _db_mb(db))
    _remove_db(db)


def _peer(bench: Bench, figure: Figure, source: Path, base: Path | None) -> None:
    """sqlite-utils, a tool a user would try first, when it is installed (the `bench` extra)."""
    tool = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
    tool = tool or shutil.which("sqlite-utils")
    if tool is None:
        figure.notes += ("sqlite-utils is not installed (pip install -e '.[bench]'): skipped",)
        return
    db = bench.work / f"peer-{figure.what}.db"
    if base is not None:
        shutil.copyfile(base, db)
    print("  sqlite-utils insert --csv ...", flush=True)
    argv = [tool, "insert", str(db), f"peer_{figure.what}", str(source), "--csv"]
    run = measure(argv, bench.env(), bench.work / f"peer-{figure.what}.log")
    size = _db_mb(db) - (base.stat().st_size / 1e6 if base is not None else 0.0)
    figure.lines["peer"] = Line("sqlite-utils insert --csv", run.seconds, run, size)
    _remove_db(db)


def run_contacts(bench: Bench, source: Path, count: int) -> Figure:
    figure = Figure("contacts", count, source.stat().st_size / 1e6)
    maps = bench.maps_for("contacts", source)
    _floors(bench, figure, source, None)
    db = bench.work / "fresh.db"
    print("  segdesk import contacts ...", flush=True)
    ours, report = bench.segdesk("contacts", source, db, maps)
    figure.lines["ours"] = Line("segdesk import contacts", ours.seconds, ours, _db_mb(db))
    figure.notes = _check(report, inserted=count)
    _remove_db(db)
    _peer(bench, figure, source, None)
    return figure


def run_orders(
    bench: Bench, source: Path, base: Path, count: int, more: Path, more_count: int
) -> list[Figure]:
    """The orders import, then ``more`` orders added to the database it made."""
    figure = Figure("orders", count, source.stat().st_size / 1e6)
    maps = bench.maps_for("events", source)
    _floors(bench, figure, source, base)
    db = bench.work / "db-with-contacts.db"
    shutil.copyfile(base, db)
    print("  segdesk import events ...", flush=True)
    ours, report = bench.segdesk("events", source, db, maps)
    figure.lines["ours"] = Line("segdesk import events", ours.seconds, ours, _db_mb(db))
    figure.notes = _check(report, inserted=count, contacts_created=0)
    _peer(bench, figure, source, base)
    added = Figure("more orders", more_count, more.stat().st_size / 1e6)
    print(f"  segdesk import events: {more_count:,} more orders ...", flush=True)
    ours, report = bench.segdesk("events", more, db, maps)
    added.lines["ours"] = Line(
        f"add {more_count:,} to {count:,} orders", ours.seconds, ours, _db_mb(db)
    )
    added.notes = _check(report, inserted=more_count, contacts_created=0)
    _remove_db(db)
    return [figure, added]


def _check(report: dict[str, object], **expected: int) -> tuple[str, ...]:
    """What the import's own report says beside what the file holds (printed, not asserted)."""
    expected = {"read": expected["inserted"], "rejected": 0, **expected}
    return tuple(
        f"the report says {name} {report.get(name)!r}, expected {value:,}"
        for name, value in expected.items()
        if report.get(name) != value
    )


# Report ------------------------------------------------------------------------------------


def _took(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def _mb(size: float) -> str:
    return f"{size / 1e6:,.0f} MB"


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def header(args: argparse.Namespace, files: Sequence[Path | None]) -> None:
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    from segdesk import __version__

    print()
    print("Segment Desk import speed")
    print(
        f"  segdesk {__version__} · python {platform.python_version()} · "
        f"sqlite {sqlite3.sqlite_version}"
    )
    print(
        f"  {platform.system()} {platform.release()} ({platform.machine()}) · {cores} cores"
        f" ({usable} usable)"
    )
    for path in files:
        if path is not None:
            print(f"  {_shown(path)} ({_mb(path.stat().st_size)})")


def report(figures: Sequence[Figure]) -> None:
    print()
    print(f"{'figure':<40}{'rows':>11}{'time':>9}{'rows/s':>11}{'peak mem':>10}{'db':>9}")
    for figure in figures:
        print(f"{figure.what} ({figure.source_mb:,.1f} MB file)")
        for line in figure.lines.values():
            seconds = line.seconds
            time_text = "—" if seconds is None else f"{seconds:.1f} s"
            rate = "—" if not seconds else f"{figure.rows / seconds:,.0f}"
            peak = "—" if line.run is None else f"{line.run.peak_mb:,.0f} MB"
            size = "—" if line.db_mb is None else f"{line.db_mb:,.0f} MB"
            print(
                f"  {line.label:<38}{figure.rows:>11,}{time_text:>9}{rate:>11}{peak:>10}{size:>9}"
            )

    print()
    print(f"{'check':<40}{'value':>11}{'target':>12}{'':>4}result")
    for figure in figures:
        for label, value, unit, goal, met in _checks(figure):
            if value is None:
                shown, verdict = "—", "—"
            else:
                shown = f"{value:,.2f}{unit}" if unit == "x" else f"{value:,.1f}{unit}"
                verdict = "PASS" if met(value) else "MISS"
            print(f"{label:<40}{shown:>11}{goal:>12}{'':>4}{verdict}")
    notes = [f"{f.what}: {note}" for f in figures for note in f.notes]
    if notes:
        print("\nNotes:")
        for note in notes:
            print(f"  - {note}")


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top is not None and bottom else None


def _checks(figure: Figure) -> list[tuple[str, float | None, str, str, Any]]:
    """(label, value, unit, target, test) for each target of the figure."""
    ours = figure.seconds("ours")
    peak = figure.lines["ours"].run.peak_mb if figure.lines["ours"].run else None
    if figure.what == "more orders":
        return [
            (
                f"{figure.what}: time",
                ours,
                " s",
                f"< {TARGET_ADD_SECONDS:g} s",
                lambda v: v < TARGET_ADD_SECONDS,
            )
        ]
    bare = TARGET_BARE_RATIO[figure.what]
    checks: list[tuple[str, float | None, str, str, Any]] = [
        (
            f"{figure.what}: ours / bare floor",
            _ratio(ours, figure.seconds("bare")),
            "x",
            f"≤ {bare:g}x",
            lambda v: v <= bare,
        ),
        (
            f"{figure.what}: ours / same-schema floor",
            _ratio(ours, figure.seconds("floor")),
            "x",
            f"≤ {TARGET_RATIO:g}x",
            lambda v: v <= TARGET_RATIO,
        ),
        (
            f"{figure.what}: peak memory",
            peak,
            " MB",
            f"< {TARGET_PEAK_MB:,.0f} MB",
            lambda v: v < TARGET_PEAK_MB,
        ),
    ]
    if figure.what == "orders":
        checks.append(
            (
                f"{figure.what}: sqlite-utils / ours",
                _ratio(figure.seconds("peer"), ours),
                "x",
                f"≥ {TARGET_PEER_RATIO:g}x",
                lambda v: v >= TARGET_PEER_RATIO,
            )
        )
    return checks


# Main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `segdesk import` on large generated files, beside a floor."
    )
    parser.add_argument(
        "--contacts",
        type=int,
        default=DEFAULT_CONTACTS,
        help=f"contacts in the contacts file (default {DEFAULT_CONTACTS:,})",
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=DEFAULT_ORDERS,
        help=f"orders in the orders file (default {DEFAULT_ORDERS:,})",
    )
    parser.add_argument(
        "--only", choices=("contacts", "orders"), help="measure only one of the two imports"
    )
    parser.add_argument(
        "--more",
        type=int,
        default=DEFAULT_MORE,
        help=f"orders added to the database of all the orders (default {DEFAULT_MORE:,})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the test data")
    parser.add_argument(
        "--rebuild", action="store_true", help="generate the files again even if cached"
    )
    parser.add_argument("--floor-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.contacts < 1 or args.orders < 1 or args.more < 1:
        parser.error("--contacts, --orders and --more must be 1 or more")
    return args


def _stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.floor_child:
        what, db, source = args.floor_child
        return floor_child(what, Path(db), Path(source))
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)

    overall = time.perf_counter()
    try:
        contacts, orders, base, more = ensure_files(args)
    except KeyboardInterrupt:
        print("\nInterrupted while generating the files.", file=sys.stderr)
        return 130
    figures: list[Figure] = []
    failures: list[str] = []
    # Working databases sit beside the cached files (same disk), never in a RAM-backed /tmp.
    with tempfile.TemporaryDirectory(prefix="work-", dir=DATA_DIR) as work:
        bench = Bench(Path(work))
        try:
            if args.only != "orders":
                print(f"Contacts ({args.contacts:,}) ...", flush=True)
                try:
                    figures.append(run_contacts(bench, contacts, args.contacts))
                except MeasurementError as exc:
                    failures.append(f"contacts: {exc}")
            if orders is not None and base is not None and more is not None:
                print(f"Orders ({args.orders:,}) ...", flush=True)
                try:
                    figures += run_orders(bench, orders, base, args.orders, more, args.more)
                except MeasurementError as exc:
                    failures.append(f"orders: {exc}")
        except KeyboardInterrupt:
            print("\nInterrupted; removing the working files.", file=sys.stderr)
            return 130

    header(args, (contacts, orders, more))
    print("  ours and sqlite-utils: a subprocess each, start to exit")
    print("  floors: file open to commit, each in a child process")
    print("  db: the database file (and -wal) after the figure; sqlite-utils's growth of it")
    print("  peak memory: maximum resident set size of the process")
    report(figures)
    if failures:
        print(f"\n{len(failures)} measurement(s) failed:")
        for failure in failures:
            print(f"  - {failure}")
    print(f"\nWhole benchmark: {time.perf_counter() - overall:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
