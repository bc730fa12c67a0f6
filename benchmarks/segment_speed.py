"""Segment query speed at a million contacts and five million orders, beside hand-written SQL.

Each rule is counted three ways on the same database, several times, median kept:

- ours: ``compile_rule`` and one ``SELECT count(*)`` over the compiled query, in this process;
- CLI: ``segdesk segment count --rule TEXT --json --db PATH`` from start to exit, as a user
  runs it (Python's start-up and imports included);
- floor: the most direct SQL a person would write for the same question, through ``sqlite3``.

Then ``segdesk segment refresh`` over 20 rule segments beside 20 hand-written ``INSERT ...
SELECT`` statements, and ``segdesk model rfm`` beside a pandas groupby with quintiles
(``models_speed.py`` measures the model more closely).

    python benchmarks/segment_speed.py                   # 1,000,000 contacts, 5,000,000 orders
    python benchmarks/segment_speed.py --contacts 100000 --orders 500000
    python benchmarks/segment_speed.py --runs 7 --only counts

The database is generated once from a seed and cached in benchmarks/.data/. The script prints
a table and asserts nothing: targets are shown with PASS or MISS beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule, parse
from segdesk.store.database import open_database
from segdesk.store.order_summary import FILL_SQL
from segdesk.store.version import SCHEMA_VERSION

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
DATA_VERSION = 1
"""Bump when the generated data changes, so that an old cached database is not reused."""

DEFAULT_CONTACTS = 1_000_000
DEFAULT_ORDERS = 5_000_000
DEFAULT_SEED = 20261124
TODAY = dt.date(2026, 11, 15)
"""The evaluation day: three years of orders end the day before."""
HISTORY_DAYS = 3 * 365
TARGET_RATIO = 1.5

# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = words("""Alice Bruno Chloé Dmitri Elena Farid Grace Hiro Ines Jonas Kemal Lena
    Marta Nils Olga Pablo Quinn Rosa Sami Tara Umar Vera Wim Xenia Yusuf Zoë Amir Bea""")
LAST_NAMES = words("""Andersen Bakker Costa Dubois Eriksen Fischer García Horvat Ivanova Jansen
    Kowalski Laurent Moreau Novak Olsen Petrov Rossi Schmidt Tanaka Weber Xu Yilmaz""")
COMPANIES = (None, None, None, "Acme", "Globex", "Initech", "Hooli", "Vandelay", "Wonka")
JOB_TITLES = (None, "Buyer", "Founder", "Engineer", "Analyst", "Manager", "Designer")
# Country code, weight, and cities with their region.
COUNTRIES = (
    ("US", 45, (("Portland", "OR"), ("Seattle", "WA"), ("Boston", "MA"), ("Austin", "TX"))),
    ("GB", 15, (("London", "England"), ("Leeds", "England"), ("Glasgow", "Scotland"))),
    ("DE", 12, (("Berlin", "Berlin"), ("München", "Bayern"), ("Köln", "NRW"))),
    ("CA", 10, (("Toronto", "ON"), ("Vancouver", "BC"), ("Montréal", "QC"))),
    ("FR", 10, (("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes"))),
    ("NL", 5, (("Amsterdam", "Noord-Holland"), ("Utrecht", "Utrecht"))),
    ("IE", 3, (("Dublin", "Leinster"), ("Cork", "Munster"))),
)
SOURCES = ("web", "web", "web", "store", "referral", "import")
CONSENTS = ("subscribed",) * 6 + ("unsubscribed",) + ("unknown",) * 3
PLANS = ("free",) * 60 + ("pro",) * 28 + ("team",) * 12
CUSTOM_FIELDS = (
    ("signup_date", "Signup date", "date"),
    ("age", "Age", "number"),
    ("plan", "Coffee club plan", "category"),
    ("loyalty_points", "Loyalty points", "number"),
)
BUYER_SHARE = 0.7
REGULAR_SHARE = 0.15
"""Of the buyers, the regulars take 40 % of all orders; the rest spread evenly."""


def db_path(contacts: int, orders: int, seed: int) -> Path:
    name = f"segments-{contacts}c-{orders}o-seed{seed}-schema{SCHEMA_VERSION}-v{DATA_VERSION}.db"
    return DATA_DIR / name


def stamp(moment: dt.datetime) -> str:
    """A time as SQLAlchemy stores it in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def contact_rows(count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    start = dt.datetime.combine(TODAY - dt.timedelta(days=HISTORY_DAYS + 365), dt.time())
    span = (HISTORY_DAYS + 364) * 86_400
    weights = [w for _, w, _ in COUNTRIES]
    for cid in range(1, count + 1):
        code, _, cities = rng.choices(COUNTRIES, weights)[0]
        city, region = rng.choice(cities)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        created = start + dt.timedelta(seconds=rng.randrange(span))
        attributes: dict[str, object] = {"signup_date": created.date().isoformat()}
        if rng.random() < 0.84:
            attributes["age"] = int(rng.triangular(18, 82, 34))
        if rng.random() < 0.9:
            attributes["plan"] = rng.choice(PLANS)
        attributes["loyalty_points"] = int(rng.expovariate(1 / 80))
        yield (
            f"{cid:08d}",
            f"{first.lower()}.{last.lower()}.{cid}@example.com",
            first,
            last,
            f"+1 555 01{cid % 100:02d}",
            rng.choice(COMPANIES),
            rng.choice(JOB_TITLES),
            city,
            region,
            code,
            f"{rng.randrange(100000):05d}",
            rng.choice(SOURCES),
            rng.choice(CONSENTS),
            stamp(created),
            stamp(created),
            json.dumps(attributes),
        )


def order_rows(count: int, contacts: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    """``count`` orders in date order over the three years before TODAY, the shop growing."""
    buyers = rng.sample(range(1, contacts + 1), int(contacts * BUYER_SHARE))
    regulars = buyers[: max(1, int(len(buyers) * REGULAR_SHARE))]
    first_day = TODAY - dt.timedelta(days=HISTORY_DAYS)
    running = list(
        itertools.accumulate(math.exp(0.7 * d / HISTORY_DAYS) for d in range(HISTORY_DAYS))
    )
    made = 0
    for d, so_far in enumerate(running):
        target = round(count * so_far / running[-1])
        day = (first_day + dt.timedelta(days=d)).isoformat()
        for second in sorted(rng.randrange(86_400) for _ in range(target - made)):
            made += 1
            pool = regulars if rng.random() < 0.4 else buyers
            amount = round(rng.lognormvariate(3.7, 0.6), 2)
            at = f"{day} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000000"
            ref = f"SO-{made:08d}"
            yield (rng.choice(pool), "order", at, amount, float(rng.randint(1, 3)), ref, ref)


def build(path: Path, contacts: int, orders: int, seed: int) -> None:
    """Create the schema the app's way, then fill it with ``sqlite3`` in one transaction.

    The event indexes are dropped during the insert and created again after it: building an
    index from sorted keys is much faster than growing it row by row in random contact order.
    The order summary's triggers go with them, and the summary is filled at the end.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    open_database(tmp).dispose()
    rng = random.Random(seed)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-400000")
        conn.execute("BEGIN")
        created = stamp(dt.datetime.combine(TODAY, dt.time()))
        conn.executemany(
            "INSERT INTO field (name, label, type, origin, description, created_at) "
            "VALUES (?, ?, ?, 'custom', NULL, ?)",
            [(name, label, kind, created) for name, label, kind in CUSTOM_FIELDS],
        )
        conn.executemany(
            "INSERT INTO contact (external_id, email, first_name, last_name, phone, company, "
            "job_title, city, region, country, postal_code, source, consent, created_at, "
            "updated_at, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            contact_rows(contacts, rng),
        )
        indexes = conn.execute(  # the summary's triggers too: it is filled at the end
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND tbl_name = 'event' AND sql IS NOT NULL"
        ).fetchall()
        for kind, name, _ in indexes:
            conn.execute(f'DROP {kind.upper()} "{name}"')
        conn.executemany(
            "INSERT INTO event (contact_id, kind, occurred_at, amount, quantity, ref, dedup_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            order_rows(orders, contacts, rng),
        )
        for _, _, sql in indexes:
            conn.execute(sql)
        conn.execute(FILL_SQL)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    tmp.replace(path)


def ensure_database(args: argparse.Namespace) -> Path:
    path = db_path(args.contacts, args.orders, args.seed)
    if args.rebuild or not path.exists():
        print(
            f"Building {shown(path)} ({args.contacts:,} contacts, {args.orders:,} orders)...",
            flush=True,
        )
        started = time.perf_counter()
        # In a child process, so that this process's peak memory is the queries' alone.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--build-only",
                "--contacts",
                str(args.contacts),
                "--orders",
                str(args.orders),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        print(
            f"  built in {time.perf_counter() - started:.0f} s, "
            f"{path.stat().st_size / 1e6:,.0f} MB",
            flush=True,
        )
    return path


def shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


# --------------------------------------------------------------------------------------------
# The rules and their hand-written floors
# --------------------------------------------------------------------------------------------


def day(offset: int) -> str:
    """The day ``offset`` days from TODAY, as the text the floors compare times with."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


END = day(1)
"""Orders count up to the end of TODAY."""
PLAN = "json_extract(attributes, '$.plan')"
AGE = "json_extract(attributes, '$.age')"


def orders_where(having: str, since: int | None = None) -> str:
    window = "" if since is None else f" AND occurred_at >= '{day(-since)}'"
    return (
        f"id IN (SELECT contact_id FROM event WHERE kind = 'order' AND occurred_at < '{END}'"
        f"{window} GROUP BY contact_id HAVING {having})"
    )


@dataclass(frozen=True)
class Case:
    rule: str
    floor: str
    """The WHERE clause over ``contact`` a person would write for the same question."""


COUNTED = (
    Case(
        'country = "US" and plan in ("pro", "team") and age between 25 and 40',
        f"country = 'US' AND {PLAN} IN ('pro', 'team') AND {AGE} BETWEEN 25 AND 40",
    ),
    Case(
        "orders.count in last 90 days >= 2 and orders.total > 500",
        orders_where(f"sum(occurred_at >= '{day(-90)}') >= 2 AND sum(amount) > 500"),
    ),
    Case(
        "orders.count = 0",
        f"id NOT IN (SELECT contact_id FROM event WHERE kind = 'order' AND occurred_at < '{END}')",
    ),
    Case("orders.last within last 60 days", orders_where("1", since=60)),
    Case(
        'plan = "pro" and not (orders.last within last 180 days)',
        f"{PLAN} = 'pro' AND id NOT IN (SELECT contact_id FROM event WHERE kind = 'order' "
        f"AND occurred_at >= '{day(-180)}' AND occurred_at < '{END}')",
    ),
)
TARGETED = 2
"""The first rules of COUNTED carry the 1.5x target; the others are shown for reference."""

REFRESHED = (
    *COUNTED[:2],
    Case('plan = "pro"', f"{PLAN} = 'pro'"),
    Case('country in ("GB", "IE")', "country IN ('GB', 'IE')"),
    Case("age < 25", f"{AGE} < 25"),
    Case('consent = "subscribed" and country = "DE"', "consent = 'subscribed' AND country = 'DE'"),
    Case(
        "signup_date within last 30 days",
        f"json_extract(attributes, '$.signup_date') BETWEEN '{day(-30)}' AND '{day(0)}'",
    ),
    Case("orders.count >= 10", orders_where("count(*) >= 10")),
    COUNTED[2],
    COUNTED[3],
    Case("orders.total in last 365 days > 500", orders_where("sum(amount) > 500", since=365)),
    Case("orders.avg > 80", orders_where("avg(amount) > 80")),
    Case("orders.first within last 90 days", orders_where(f"min(occurred_at) >= '{day(-90)}'")),
    Case(
        "orders.count >= 3 and not (orders.last within last 180 days)",
        orders_where(f"count(*) >= 3 AND max(occurred_at) < '{day(-180)}'"),
    ),
    Case(
        'loyalty_points > 200 and consent = "subscribed"',
        "json_extract(attributes, '$.loyalty_points') > 200 AND consent = 'subscribed'",
    ),
    Case('city = "London" or city = "Paris"', "city IN ('London', 'Paris')"),
    Case('company is empty and plan = "free"', f"company IS NULL AND {PLAN} = 'free'"),
    Case(
        'email ends with "@example.com" and age >= 60',
        f"email LIKE '%@example.com' AND {AGE} >= 60",
    ),
    Case(
        'country = "CA" and orders.count in last 365 days >= 1',
        "country = 'CA' AND " + orders_where("1", since=365),
    ),
    Case(
        'plan = "team" and orders.total > 1000',
        f"{PLAN} = 'team' AND " + orders_where("sum(amount) > 1000"),
    ),
)


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass
class Ran:
    seconds: float
    count: int | None = None
    peak_mb: float | None = None
    note: str = ""


class Sides:
    """Ours in this process, the floor through sqlite3, the CLI as a subprocess."""

    def __init__(self, db: Path, work: Path) -> None:
        self.db = db
        self.work = work
        self.engine = open_database(db)
        self.raw = sqlite3.connect(db, isolation_level=None)
        for pragma in (
            "journal_mode=WAL",
            "busy_timeout=10000",
            "foreign_keys=ON",
            "synchronous=NORMAL",
        ):
            self.raw.execute(f"PRAGMA {pragma}")

    def close(self) -> None:
        self.raw.close()
        self.engine.dispose()

    def ours(self, rule: str) -> Ran:
        from sqlalchemy import func, select

        started = time.perf_counter()
        with self.engine.connect() as conn:
            catalog = FieldCatalog.from_connection(conn)
            query = compile_rule(parse(rule, catalog), catalog, TODAY, DatabaseSegments(conn))
            count = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        return Ran(time.perf_counter() - started, count)

    def floor(self, where: str) -> Ran:
        started = time.perf_counter()
        count = self.raw.execute(f"SELECT count(*) FROM contact WHERE {where}").fetchone()[0]
        return Ran(time.perf_counter() - started, count)

    def cli(self, *args: str, db: Path | None = None) -> Ran:
        """``segdesk ARGS --db DB --json`` from start to exit, with its peak memory."""
        argv = [*segdesk_command(), *args, "--db", str(db or self.db), "--json"]
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(self.work / "config"),
            "XDG_DATA_HOME": str(self.work / "data"),
        }
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
            # wait4 instead of wait: it also gives this child's own peak memory.
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            output, errors = out.read(), err.read()
        if proc.returncode != 0:
            message = (errors.decode(errors="replace").strip().splitlines() or ["?"])[-1]
            return Ran(seconds, note=f"exit {proc.returncode}: {message}")
        return Ran(seconds, json_count(output), usage.ru_maxrss * 1024 / 1e6)


def segdesk_command() -> list[str]:
    found = shutil.which("segdesk", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "segdesk"]


def json_count(out: bytes) -> int | None:
    """The count in a command's JSON report, where it has one."""
    try:
        data = json.loads(out)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("count", "members", "member_count"):
            if isinstance(data.get(key), int):
                return data[key]
    return None


def command_exists(*words: str) -> bool:
    """Whether ``segdesk WORDS --help`` is a known command."""
    done = subprocess.run([*segdesk_command(), *words, "--help"], capture_output=True, check=False)
    return done.returncode == 0


def median_of(runs: Sequence[Ran]) -> Ran:
    ok = [r for r in runs if not r.note]
    if not ok:
        return runs[-1]
    middle = statistics.median(r.seconds for r in ok)
    peaks = [r.peak_mb for r in ok if r.peak_mb is not None]
    return Ran(middle, ok[-1].count, max(peaks) if peaks else None)


def verdict(ratio: float | None, target: float | None) -> str:
    if ratio is None or target is None:
        return ""
    return f"{'PASS' if ratio <= target else 'MISS'} (target {target:g}x)"


def measure_counts(sides: Sides, runs: int, with_cli: bool) -> list[list[str]]:
    rows = []
    for number, case in enumerate(COUNTED):
        ours_runs, floor_runs, cli_runs = [], [], []
        sides.ours(case.rule)  # warm: the OS file cache and SQLAlchemy's statement cache
        sides.floor(case.floor)
        for _ in range(runs):  # interleaved, so that a slow moment spreads over every figure
            ours_runs.append(sides.ours(case.rule))
            floor_runs.append(sides.floor(case.floor))
            if with_cli:
                cli_runs.append(
                    sides.cli("segment", "count", "--rule", case.rule, "--today", TODAY.isoformat())
                )
        ours, floor = median_of(ours_runs), median_of(floor_runs)
        target = TARGET_RATIO if number < TARGETED else None
        ratio = ours.seconds / floor.seconds
        same = "" if ours.count == floor.count else f"  COUNTS DIFFER: floor {floor.count:,}"
        rows.append(
            [
                case.rule,
                f"{ours.count:,}",
                f"{floor.seconds:.3f}",
                f"{ours.seconds:.3f}",
                f"{ratio:.2f}x",
                verdict(ratio, target) + same,
            ]
        )
        if with_cli:
            cli = median_of(cli_runs)
            if cli.note:
                rows.append(["  segdesk segment count (CLI)", "", "", "", "", cli.note])
            else:
                peak = f", peak {cli.peak_mb:,.0f} MB" if cli.peak_mb else ""
                mismatch = "" if cli.count in (None, ours.count) else f", count {cli.count:,}!"
                rows.append(
                    [
                        "  the same through the CLI",
                        "",
                        "",
                        f"{cli.seconds:.3f}",
                        f"{cli.seconds / floor.seconds:.2f}x",
                        f"process start included{peak}{mismatch}",
                    ]
                )
        print(f"  counted {number + 1}/{len(COUNTED)}", file=sys.stderr, flush=True)
    return rows


def measure_refresh(sides: Sides) -> list[list[str]]:
    """20 rule segments saved in a copy of the database, refreshed by ``segdesk segment
    refresh``; the floor rewrites the same memberships with one ``INSERT ... SELECT`` each."""
    if not (command_exists("segment", "create") and command_exists("segment", "refresh")):
        return [["segdesk segment refresh (20 segments)", "", "", "", "", "not available"]]
    copy = sides.work / "refresh.db"
    shutil.copyfile(sides.db, copy)
    today = ("--today", TODAY.isoformat())
    for number, case in enumerate(REFRESHED, start=1):
        made = sides.cli(
            "segment", "create", f"Segment {number:02d}", "--rule", case.rule, *today, db=copy
        )
        if made.note:
            return [[f"segdesk segment create {case.rule!r}", "", "", "", "", made.note]]
    first = sides.cli("segment", "refresh", *today, db=copy)
    floor_seconds, members = refresh_floor(copy)
    again = sides.cli("segment", "refresh", *today, db=copy)
    rows = []
    for label, ran in (
        ("segdesk segment refresh (20 segments)", first),
        ("  again, nobody moves", again),
    ):
        if ran.note:
            rows.append([label, "", "", "", "", ran.note])
            continue
        peak = f"process start included, peak {ran.peak_mb:,.0f} MB" if ran.peak_mb else ""
        ratio = f"{ran.seconds / floor_seconds:.2f}x"
        rows.append(
            [
                label,
                f"{members:,}" if ran is first else "",
                f"{floor_seconds:.3f}",
                f"{ran.seconds:.3f}",
                ratio,
                peak,
            ]
        )
    return rows


def refresh_floor(db: Path) -> tuple[float, int]:
    """Every saved segment's members deleted and inserted again from its hand-written SQL,
    in one transaction: the memberships ``segment refresh`` writes, the most direct way."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM segment ORDER BY name")]
        joined = stamp(dt.datetime.combine(TODAY, dt.time(12)))
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for segment_id, case in zip(ids, REFRESHED, strict=True):
            conn.execute("DELETE FROM segment_member WHERE segment_id = ?", (segment_id,))
            conn.execute(
                "INSERT INTO segment_member (segment_id, contact_id, joined_at) "
                f"SELECT ?, id, ? FROM contact WHERE {case.floor}",
                (segment_id, joined),
            )
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started
        members = conn.execute("SELECT count(*) FROM segment_member").fetchone()[0]
    finally:
        conn.close()
    return seconds, members


def measure_rfm(sides: Sides) -> list[list[str]]:
    """``segdesk model rfm`` beside the pandas floor of benchmarks/models_speed.py."""
    if not command_exists("model", "rfm"):
        return [["segdesk model rfm", "", "", "", "", "not available"]]
    floor_script = HERE / "models_speed.py"
    done = subprocess.run(
        [sys.executable, str(floor_script), "--child", "floor", "--db", str(sides.db)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return [["segdesk model rfm", "", "", "", "", "pandas floor failed"]]
    floor = json.loads(done.stdout)
    ours = sides.cli("model", "rfm", "--as-of", TODAY.isoformat(), "--no-save")
    if ours.note:
        return [["segdesk model rfm", "", "", "", "", ours.note]]
    return [
        [
            "segdesk model rfm (nothing saved)",
            "",
            f"{floor['seconds']:.3f}",
            f"{ours.seconds:.3f}",
            f"{ours.seconds / floor['seconds']:.2f}x",
            f"process start included, peak {ours.peak_mb:,.0f} MB; "
            f"floor peak {floor['peak_mb']:,.0f} MB",
        ]
    ]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

HEADER = ("What", "Count", "Floor s", "Ours s", "Ratio", "")


def print_table(rows: Sequence[Sequence[str]]) -> None:
    table = [list(HEADER), *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER) - 1)]
    for i, row in enumerate(table):
        pairs = enumerate(zip(row, widths, strict=False))
        cells = [c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in pairs]
        print("  ".join([*cells, row[-1]]).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB of 10^6 bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=DEFAULT_CONTACTS)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument(
        "--only",
        choices=("counts", "refresh", "rfm"),
        action="append",
        help="measure only these parts (repeat); default all",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI count figures")
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.build_only:
        build(db_path(args.contacts, args.orders, args.seed), args.contacts, args.orders, args.seed)
        return 0
    db = ensure_database(args)
    parts = args.only or ["counts", "refresh", "rfm"]
    print(
        f"Database: {shown(db)}: {args.contacts:,} contacts, {args.orders:,} orders; "
        f"today = {TODAY}; SQLite {sqlite3.sqlite_version}; median of {args.runs} runs",
        flush=True,
    )
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(dir=DATA_DIR, prefix="segment-speed-") as work:
        sides = Sides(db, Path(work))
        try:
            if "counts" in parts:
                rows += measure_counts(sides, args.runs, with_cli=not args.no_cli)
            if "refresh" in parts:
                rows += measure_refresh(sides)
            if "rfm" in parts:
                rows += measure_rfm(sides)
        finally:
            sides.close()
    print()
    print_table(rows)
    print()
    print(f"Peak memory of this process (compile + count in-process): {peak_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
