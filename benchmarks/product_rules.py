"""Rules on what was bought, over 5,000,000 orders with 12,000,000 lines, beside hand-written SQL.

Each product rule is counted three ways on the same data, several times, median kept:

- ours: ``compile_rule`` and one ``SELECT count(*)`` over the compiled query (compiling
  included), through SQLAlchemy as the app runs it;
- bare: the least work that gives the same count: pandas over the counted lines and orders
  already in memory as arrays (products, SKUs and categories folded and held as category
  codes; loading them is not timed);
- floor: the most direct SQL a person would write for the same question on the same tables
  and indexes (refunded, voided and cancelled orders left out, text compared ignoring case),
  through ``sqlite3``.

Both ratios are printed; the 1.5x target is on ours / floor, the same-schema SQL.

    python benchmarks/product_rules.py                 # 1,000,000 contacts, 5M orders, 12M lines
    python benchmarks/product_rules.py --scale 0.05    # a twentieth of that
    python benchmarks/product_rules.py --runs 7 --rebuild

The database is generated once from a seed and cached in benchmarks/.data/ (git-ignored). The
script prints a table and asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as dt
import itertools
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from segdesk.rules import FieldCatalog, compile_rule, parse
from segdesk.store.database import open_database
from segdesk.store.version import SCHEMA_VERSION

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
DATA_VERSION = 1
"""Bump when the generated data changes, so that an old cached database is not reused."""

FULL_CONTACTS = 1_000_000
FULL_ORDERS = 5_000_000
LINES_PER_ORDER = 2.4
"""12,000,000 lines at full size."""
DEFAULT_SEED = 20261203
TODAY = dt.date(2026, 11, 15)
HISTORY_DAYS = 3 * 365
TARGET_RATIO = 1.5

# A coffee roaster's catalogue: (product, sku, category, price, weight of popularity).
CATALOGUE = (
    *(
        (f"{origin} {roast}", f"{origin[:2].upper()}-{roast[:1]}{i}", "Beans", price, weight)
        for i, (origin, price, weight) in enumerate(
            (
                ("Ethiopia Yirgacheffe", 16.0, 30),
                ("Colombia Huila", 14.0, 40),
                ("Brazil Cerrado", 12.0, 45),
                ("Guatemala Antigua", 15.0, 20),
                ("Kenya AA", 18.0, 15),
                ("Sumatra Mandheling", 15.0, 12),
                ("Costa Rica Tarrazu", 16.0, 10),
                ("Rwanda Kivu", 17.0, 8),
            )
        )
        for roast in ("Light", "Medium", "Dark")
    ),
    ("House Blend 12oz", "HB-12", "Beans", 13.0, 60),
    ("House Blend 32oz", "HB-32", "Beans", 29.0, 25),
    ("Decaf Swiss Water", "DC-12", "Beans", 14.0, 12),
    ("Espresso Blend", "ES-12", "Beans", 14.0, 35),
    ("Coffee Club Monthly", "SUB-1", "Subscriptions", 22.0, 30),
    ("Coffee Club Quarterly", "SUB-3", "Subscriptions", 60.0, 8),
    ("Cold Brew Kit", "CB-KIT", "Equipment", 39.0, 8),
    ("Pour-over Dripper", "PO-DRP", "Equipment", 24.0, 6),
    ("Paper Filters 100", "PF-100", "Equipment", 6.0, 18),
    ("Burr Grinder", "BG-01", "Equipment", 129.0, 3),
    ("Gooseneck Kettle", "GK-01", "Equipment", 59.0, 3),
    ("French Press", "FP-01", "Equipment", 34.0, 4),
    ("Gift Card 25", "GC-25", "Gifts", 25.0, 5),
    ("Gift Box", "GB-01", "Gifts", 45.0, 4),
    ("Mug", "MUG-1", "Gifts", 12.0, 6),
)
STATUSES = (None,) * 30 + ("paid",) * 63 + ("refunded",) * 4 + ("voided", "cancelled", "pending")


def db_path(scale: float, seed: int) -> Path:
    name = f"products-x{scale:g}-seed{seed}-schema{SCHEMA_VERSION}-v{DATA_VERSION}.db"
    return DATA_DIR / name


def stamp(moment: dt.datetime) -> str:
    """A time as SQLAlchemy stores it in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def sizes(scale: float) -> tuple[int, int]:
    return max(10, round(FULL_CONTACTS * scale)), max(10, round(FULL_ORDERS * scale))


def order_rows(
    orders: int, contacts: int, rng: random.Random
) -> Iterator[tuple[tuple[object, ...], list[tuple[object, ...]]]]:
    """Orders in date order with their lines: 1 to 5 lines (2.4 on average), products by
    popularity, amounts the sum of the lines."""
    first_day = TODAY - dt.timedelta(days=HISTORY_DAYS)
    per_day = orders / HISTORY_DAYS
    weights = list(itertools.accumulate(item[4] for item in CATALOGUE))
    buyers = rng.sample(range(1, contacts + 1), max(1, int(contacts * 0.7)))
    made = 0
    for d in range(HISTORY_DAYS):
        target = orders if d == HISTORY_DAYS - 1 else round(per_day * (d + 1))
        day = first_day + dt.timedelta(days=d)
        for _ in range(target - made):
            made += 1
            at = stamp(
                dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=rng.randrange(86_400))
            )
            contact_id = rng.choice(buyers)
            count = rng.choices((1, 2, 3, 4, 5), (30, 25, 20, 15, 10))[0]
            lines = []
            for n in range(1, count + 1):
                product, sku, category, price, _ = CATALOGUE[
                    bisect.bisect(weights, rng.random() * weights[-1])
                ]
                quantity = rng.choice((1, 1, 1, 2, 3))
                lines.append(
                    (
                        made,
                        n,
                        contact_id,
                        at,
                        product,
                        sku,
                        category,
                        quantity,
                        price,
                        price * quantity,
                    )
                )
            amount = round(sum(line[-1] for line in lines), 2)
            ref = f"SO-{made:08d}"
            event = (made, contact_id, "order", at, amount, rng.choice(STATUSES), ref, ref)
            yield event, lines


def build(path: Path, scale: float, seed: int) -> None:
    """The schema the app's way, then the rows with ``sqlite3`` in one transaction; indexes
    are dropped during the insert and made again after it (faster from sorted keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    open_database(tmp).dispose()
    contacts, orders = sizes(scale)
    rng = random.Random(seed)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-400000")
        conn.execute("BEGIN")
        created = stamp(dt.datetime.combine(TODAY, dt.time()))
        conn.executemany(
            "INSERT INTO contact (id, email, consent, created_at, updated_at, attributes, "
            "search_text) VALUES (?, ?, 'unknown', ?, ?, '{}', '')",
            ((i, f"c{i}@example.com", created, created) for i in range(1, contacts + 1)),
        )
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name IN ('event', 'order_line') AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        events: list[tuple[object, ...]] = []
        lines: list[tuple[object, ...]] = []
        for event, its_lines in order_rows(orders, contacts, rng):
            events.append(event)
            lines.extend(its_lines)
            if len(events) >= 50_000:
                _insert(conn, events, lines)
                events, lines = [], []
        _insert(conn, events, lines)
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("ANALYZE")
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    tmp.replace(path)


def _insert(
    conn: sqlite3.Connection, events: list[tuple[object, ...]], lines: list[tuple[object, ...]]
) -> None:
    conn.executemany(
        "INSERT INTO event (id, contact_id, kind, occurred_at, amount, status, ref, dedup_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    conn.executemany(
        "INSERT INTO order_line (event_id, line_no, contact_id, occurred_at, product, sku, "
        "category, quantity, unit_price, line_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )


# --------------------------------------------------------------------------------------------
# The rules and their hand-written floors
# --------------------------------------------------------------------------------------------


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


END = day(1)
COUNTED_ORDER = "(e.status IS NULL OR e.status NOT IN ('refunded', 'voided', 'cancelled'))"
LINES = f"FROM order_line l JOIN event e ON e.id = l.event_id WHERE {COUNTED_ORDER}"


def folded(column: str) -> str:
    """The expression the product indexes hold: trimmed, compared ignoring case."""
    return f"trim({column}) COLLATE NOCASE"


class Arrays:
    """The counted lines and orders before the end of TODAY, as arrays in memory: the bare
    floor's data."""

    def __init__(self, path: Path) -> None:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            self.contacts = int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])
            lines = pd.read_sql(
                "SELECT l.contact_id, l.event_id, lower(trim(l.product)) AS product, "
                "lower(trim(l.sku)) AS sku, lower(trim(l.category)) AS category, "
                f"l.occurred_at, l.line_total {LINES} AND l.occurred_at < '{END}'",
                conn,
            )
            orders = pd.read_sql(
                "SELECT e.contact_id, e.amount FROM event e WHERE e.kind = 'order' AND "
                f"e.occurred_at < '{END}' AND {COUNTED_ORDER}",
                conn,
            )
        for name in ("product", "sku", "category"):
            lines[name] = lines[name].astype("category")
        lines["day"] = lines["occurred_at"].str[:10].to_numpy(dtype="datetime64[D]")
        self.lines = lines.drop(columns="occurred_at")
        self.orders = orders

    def since(self, days: int) -> pd.Series:
        return self.lines["day"] >= np.datetime64(day(-days))


def _buyers(lines: pd.DataFrame) -> int:
    return int(lines["contact_id"].nunique())


def _spent_on_equipment(a: Arrays) -> int:
    chosen = a.lines[(a.lines["category"] == "equipment") & a.since(365)]
    return int((chosen.groupby("contact_id")["line_total"].sum() > 100).sum())


def _never_filters(a: Arrays) -> int:
    product = a.lines["product"]
    named = [c for c in product.cat.categories if "filter" in c]
    return a.contacts - _buyers(a.lines[product.isin(named)])


def _decaf_twice_and_spent(a: Arrays) -> int:
    decaf = a.lines[a.lines["product"] == "decaf swiss water"]
    twice = decaf.groupby("contact_id")["event_id"].nunique()
    spent = a.orders.groupby("contact_id")["amount"].sum()
    return len(set(twice.index[twice >= 2]) & set(spent.index[spent > 200]))


@dataclass(frozen=True)
class Case:
    rule: str
    floor: str
    """A whole ``SELECT count(*)`` a person would write for the same question."""
    bare: Callable[[Arrays], int]
    """The same count from the arrays in memory."""


CASES = (
    Case(
        'orders(product = "Cold Brew Kit").count >= 1',
        f"SELECT count(DISTINCT l.contact_id) {LINES} AND {folded('l.product')} = "
        f"'Cold Brew Kit' AND l.occurred_at < '{END}'",
        lambda a: _buyers(a.lines[a.lines["product"] == "cold brew kit"]),
    ),
    Case(
        'orders(category = "Equipment").total in last 365 days > 100',
        f"SELECT count(*) FROM (SELECT l.contact_id {LINES} AND {folded('l.category')} = "
        f"'Equipment' AND l.occurred_at >= '{day(-365)}' AND l.occurred_at < '{END}' "
        "GROUP BY l.contact_id HAVING sum(l.line_total) > 100)",
        _spent_on_equipment,
    ),
    Case(
        'orders(sku in ("HB-12", "HB-32")).last within last 60 days',
        f"SELECT count(DISTINCT l.contact_id) {LINES} AND {folded('l.sku')} IN ('HB-12', "
        f"'HB-32') AND l.occurred_at >= '{day(-60)}' AND l.occurred_at < '{END}'",
        lambda a: _buyers(a.lines[a.lines["sku"].isin(["hb-12", "hb-32"]) & a.since(60)]),
    ),
    Case(
        'not orders(product contains "filter").count >= 1',
        "SELECT count(*) FROM contact WHERE id NOT IN (SELECT l.contact_id "
        f"{LINES} AND l.product LIKE '%filter%' AND l.occurred_at < '{END}')",
        _never_filters,
    ),
    Case(
        'orders(product = "Decaf Swiss Water").count >= 2 and orders.total > 200',
        "SELECT count(*) FROM (SELECT l.contact_id "
        f"{LINES} AND {folded('l.product')} = 'Decaf Swiss Water' AND l.occurred_at < '{END}' "
        "GROUP BY l.contact_id HAVING count(DISTINCT l.event_id) >= 2 "
        "INTERSECT SELECT e.contact_id FROM event e WHERE e.kind = 'order' AND "
        f"e.occurred_at < '{END}' AND {COUNTED_ORDER} "
        "GROUP BY e.contact_id HAVING sum(e.amount) > 200)",
        _decaf_twice_and_spent,
    ),
)
TARGETED = 3
"""The first rules carry the 1.5x target (the equality and list filters the indexes serve);
the others are shown for reference."""


def median_time(run: Callable[[], int], runs: int) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(path: Path, runs: int) -> None:
    engine = open_database(path, mode="read")
    floor_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    arrays = Arrays(path)
    try:
        with engine.connect() as conn:
            catalog = FieldCatalog.from_connection(conn)

            def ours(text: str) -> Callable[[], int]:
                def run() -> int:
                    query = compile_rule(parse(text, catalog), catalog, TODAY)
                    counted = select(func.count()).select_from(query.subquery())
                    return int(conn.execute(counted).scalar_one())

                return run

            def floor(sql: str) -> Callable[[], int]:
                return lambda: int(floor_conn.execute(sql).fetchone()[0])

            print(
                f"{'rule':<68} {'count':>9} {'ours':>8} {'bare':>8} {'floor':>8} "
                f"{'/bare':>6} {'/floor':>6}"
            )
            for i, case in enumerate(CASES):
                ours(case.rule)()  # warm the caches the same for both
                floor(case.floor)()
                mine, found = median_time(ours(case.rule), runs)
                least, counted = median_time(lambda c=case: c.bare(arrays), runs)
                base, expected = median_time(floor(case.floor), runs)
                ratio = mine / base if base else float("inf")
                verdict = ""
                if i < TARGETED:
                    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
                differ = [
                    f"{side} counts {n:,}!"
                    for side, n in (("bare", counted), ("floor", expected))
                    if n != found
                ]
                same = f"  ({'; '.join(differ)})" if differ else ""
                print(
                    f"{case.rule:<68} {found:>9,} {mine * 1000:>7.0f}ms {least * 1000:>7.0f}ms "
                    f"{base * 1000:>7.0f}ms {mine / least:>5.2f}x {ratio:>5.2f}x "
                    f"{verdict}{same}",
                    flush=True,
                )
    finally:
        floor_conn.close()
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale is a share of the full size, above 0 and at most 1")
    path = db_path(args.scale, args.seed)
    contacts, orders = sizes(args.scale)
    if args.rebuild or not path.exists():
        print(f"Building {shown(path)}: {contacts:,} contacts, {orders:,} orders ...", flush=True)
        started = time.perf_counter()
        build(path, args.scale, args.seed)
        print(
            f"  built in {time.perf_counter() - started:.0f} s, "
            f"{path.stat().st_size / 1e6:,.0f} MB",
            flush=True,
        )
    with contextlib.closing(sqlite3.connect(path)) as conn:
        lines = conn.execute("SELECT count(*) FROM order_line").fetchone()[0]
    print(f"{contacts:,} contacts, {orders:,} orders, {lines:,} lines; median of {args.runs} runs")
    measure(path, args.runs)
    return 0


def shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


if __name__ == "__main__":
    sys.exit(main())
